"""The student's pages: sign-up, the portfolio and its entries, evidence, diary, reflection."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, Q, prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from activities.lookups import get_programme
from activities.models import Location, StudyProgramme
from cil import audit
from cil.errors import UserFacingError
from cil.http import AuthenticatedHttpRequest
from cil.mail import undelivered
from cil.responses import confirm_page, private_file
from portfolio import access_log, confirmations, home_cache, services
from portfolio.export import build_export
from portfolio.forms import (
    EntryForm,
    EvidenceForm,
    NoteForm,
    ReflectionForm,
    SignupForm,
    WithdrawForm,
)
from portfolio.models import DiaryNote, Enrolment, Entry, Evidence
from portfolio.selectors import (
    engagements,
    entries_overview,
    own_enrolment,
    own_entry,
    programme_enrolments,
    progress_for,
    viewable_evidence,
)
from portfolio.uploads import LimitedTemporaryFileUploadHandler

HISTORY_PAGE_SIZE = 50


@require_safe
def history(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in user's own audit trail, newest first, a page at a time: what they and
    staff did concerning them. Its own page, linked from the home page: the home page is the
    one students open most, and it no longer reads the trail each time."""
    events = audit.trail_values(audit.student_events(request.user))
    page = Paginator(events, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portfolio/history.html",
        {"page_obj": page, "history": audit.trail_rows(page.object_list)},
    )


def _entry_rows(entries: list[Any]) -> list[dict[str, Any]]:
    """The home page's list of activities as plain values, made here rather than in the
    template (a filter, a lookup and a translation a row cost more there)."""
    return [
        {
            "url": reverse("portfolio:entry", kwargs={"entry": entry.pk}),
            "title": entry.activity.title,
            "badge": entry.status_badge,
            # The choices' labels by value: get_FOO_display() hashes every choice on each call.
            "status": capfirst(str(Entry.Status(entry.status).label)),
            "location": capfirst(str(Location(entry.activity.location).label)),
            "started_on": formats.date_format(entry.started_on, "SHORT_DATE_FORMAT"),
            "country": entry.country.name,
            "files": ngettext("%(n)s file", "%(n)s files", entry.file_count)
            % {"n": entry.file_count},
        }
        for entry in entries
    ]


def _card_links(enrolment: Enrolment) -> dict[str, str]:
    """The addresses an enrolment's card links to, reversed here rather than by a {% url %}
    each in the template."""
    pk, code = enrolment.pk, enrolment.programme.code
    return {
        "share": reverse("certificates:share_links", kwargs={"enrolment": pk}),
        "add": reverse("portfolio:entry_create", kwargs={"enrolment": pk}),
        "export": reverse("portfolio:export", kwargs={"enrolment": pk}),
        "catalogue": reverse("activities:catalogue", kwargs={"code": code}),
        "propose": reverse("activities:propose", kwargs={"code": code}),
        "proposals": reverse("activities:my_proposals"),
        "withdraw": reverse("portfolio:withdraw", kwargs={"enrolment": pk}),
    }


@require_safe
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The student's home: their enrolments with progress, or how to sign up."""
    # With their entries, from the shared cache (portfolio/home_cache.py).
    enrolments = home_cache.student_enrolments(request.user.pk)
    # Signed-up and completed (certified) enrolments get a card; withdrawn ones a line below.
    active = [e for e in enrolments if e.status != Enrolment.Status.WITHDRAWN]
    cards = []
    for enrolment in active:
        entries = entries_overview(enrolment)
        progress = progress_for(enrolment, entries)
        # Whether the student may ask for final approval is the certificate workflow's answer;
        # the template asks it ({% may_move %}), as this app cannot import that one.
        cards.append(
            {
                "enrolment": enrolment,
                "entries": entries,
                "rows": _entry_rows(entries),
                "links": _card_links(enrolment),
                "progress": progress,
            }
        )
    open_programmes = (
        StudyProgramme.objects.filter(signup_open=True)
        .exclude(pk__in=[e.programme_id for e in active])
        .select_related("faculty")
        .order_by("name_en")
    )
    return render(
        request,
        "portfolio/home.html",
        {
            "cards": cards,
            "withdrawn": [e for e in enrolments if e.status == Enrolment.Status.WITHDRAWN],
            "open_programmes": open_programmes,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    programme = get_programme(code)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrol(
                student=request.user,
                programme=programme,
                expected_term=form.cleaned_data["expected_term"],
                expected_year=form.cleaned_data["expected_year"],
            )
        except UserFacingError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("You have signed up for the certificate in %(programme)s.")
                % {"programme": programme.name},
            )
        return redirect("portfolio:home")
    return render(request, "portfolio/signup.html", {"programme": programme, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request: AuthenticatedHttpRequest, enrolment: int) -> HttpResponse:
    instance = own_enrolment(request.user, enrolment)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(
                enrolment=instance, by=request.user, reason=form.cleaned_data["reason"]
            )
        except UserFacingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("You have withdrawn. Your portfolio is kept, read-only."))
        return redirect("portfolio:home")
    return render(request, "portfolio/withdraw.html", {"enrolment": instance, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def entry_create(request: AuthenticatedHttpRequest, enrolment: int) -> HttpResponse:
    instance = own_enrolment(request.user, enrolment)
    form = EntryForm(request.POST or None, enrolment=instance)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.create_entry(
                enrolment=instance, by=request.user, values=form.cleaned_data
            )
        except UserFacingError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _(
                    "The activity is in your portfolio. Now add evidence, notes and your "
                    "reflection."
                ),
            )
            return redirect("portfolio:entry", entry=entry.pk)
    return render(request, "portfolio/entry_form.html", {"enrolment": instance, "form": form})


@require_safe
def entry(request: AuthenticatedHttpRequest, entry: int) -> HttpResponse:
    instance = own_entry(request.user, entry, with_reflection=True)
    # Loaded once: the page lists the files, and the submission check asks whether there are any.
    prefetch_related_objects([instance], "evidence")
    questions = services.reflection_questions(instance)
    so_far = None
    if instance.activity.engagements_required > 1:
        recorded = list(instance.enrolment.entries.select_related("activity"))
        so_far = engagements(instance.enrolment, recorded).get(instance.activity_id)
    return render(
        request,
        "portfolio/entry.html",
        {
            "entry": instance,
            "engagements": so_far,
            "evidence": list(instance.evidence.all()),
            "notes": list(instance.notes.all()),
            "questions": questions,
            # Once anything is written, the link edits it rather than starting it.
            "reflection_started": any(q.get("answer", "").strip() for q in questions),
            "evidence_form": EvidenceForm(),
            "note_form": NoteForm(),
            "problems": services.submission_problems(instance) if instance.is_editable else [],
            "confirmations": list(instance.confirmations.shown()),
            "may_ask": confirmations.may_ask(instance),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def entry_edit(request: AuthenticatedHttpRequest, entry: int) -> HttpResponse:
    instance = own_entry(request.user, entry)
    form = EntryForm(request.POST or None, instance=instance, enrolment=instance.enrolment)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_entry(entry=instance, by=request.user, values=form.cleaned_data)
        except UserFacingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Saved."))
        return redirect("portfolio:entry", entry=instance.pk)
    # A failed form must not leave the instance half-changed for the page header.
    instance.refresh_from_db()
    return render(
        request,
        "portfolio/entry_form.html",
        {"enrolment": instance.enrolment, "form": form, "entry": instance},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def entry_delete(request: AuthenticatedHttpRequest, entry: int) -> HttpResponse:
    instance = own_entry(request.user, entry)
    if request.method == "POST":
        try:
            services.delete_entry(entry=instance, by=request.user)
        except UserFacingError as error:
            messages.error(request, str(error))
            return redirect("portfolio:entry", entry=instance.pk)
        messages.success(request, _("The draft is deleted."))
        return redirect("portfolio:home")
    return confirm_page(
        request,
        question=_("Delete “%(title)s”?") % {"title": instance.activity.title},
        explanation=_("The draft, its files, notes and reflection are deleted for good."),
        button=_("Delete"),
        cancel_url=reverse("portfolio:entry", args=[instance.pk]),
        style="danger",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def entry_submit(request: AuthenticatedHttpRequest, entry: int) -> HttpResponse:
    instance = own_entry(request.user, entry)
    if request.method == "POST":
        try:
            services.submit_entry(entry=instance, by=request.user)
        except UserFacingError as error:
            messages.error(request, str(error))
            return redirect("portfolio:entry", entry=instance.pk)
        messages.success(request, _("Submitted. The certificate administrator will look at it."))
        return redirect("portfolio:home")
    return confirm_page(
        request,
        question=_("Submit “%(title)s” for approval?") % {"title": instance.activity.title},
        explanation=_(
            "You cannot change it while it waits for approval. If changes are needed, it comes "
            "back to you."
        ),
        button=_("Submit for approval"),
        cancel_url=reverse("portfolio:entry", args=[instance.pk]),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def reflection(request: AuthenticatedHttpRequest, entry: int) -> HttpResponse:
    instance = own_entry(request.user, entry)
    questions = services.reflection_questions(instance)
    form = ReflectionForm(
        request.POST or None, questions=questions, language=get_language() or "en"
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_reflection(entry=instance, by=request.user, answers=form.answers())
        except UserFacingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your reflection is saved."))
        return redirect("portfolio:entry", entry=instance.pk)
    return render(request, "portfolio/reflection.html", {"entry": instance, "form": form})


@require_POST
def note_add(request: AuthenticatedHttpRequest, entry: int) -> HttpResponse:
    instance = own_entry(request.user, entry)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_note(entry=instance, by=request.user, **form.cleaned_data)
        except UserFacingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The note is added to your diary."))
    else:
        messages.error(request, _("Write the note and give its date."))
    return redirect(reverse("portfolio:entry", args=[instance.pk]) + "#diary")


@require_POST
def note_delete(request: AuthenticatedHttpRequest, note: int) -> HttpResponse:
    instance = get_object_or_404(
        DiaryNote.objects.select_related("entry"), pk=note, entry__enrolment__student=request.user
    )
    try:
        services.delete_note(note=instance, by=request.user)
    except UserFacingError as error:
        messages.error(request, str(error))
    return redirect(reverse("portfolio:entry", args=[instance.entry_id]) + "#diary")


@require_POST
def evidence_add(request: AuthenticatedHttpRequest, entry: int) -> HttpResponse:
    instance = own_entry(request.user, entry)
    form = EvidenceForm(request.POST, request.FILES)
    back = redirect(reverse("portfolio:entry", args=[instance.pk]) + "#evidence")
    # The upload handler drops a file that passes the size limit before it is all read.
    if getattr(request, "cil_rejected_uploads", None):
        messages.error(request, LimitedTemporaryFileUploadHandler.too_large_message())
        return back
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return back
    try:
        evidence = services.add_evidence(
            entry=instance,
            by=request.user,
            upload=form.cleaned_data["file"],
            kind=form.cleaned_data["kind"],
            caption=form.cleaned_data["caption"],
        )
    except UserFacingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("“%(name)s” is uploaded.") % {"name": evidence.original_name})
    return back


@require_POST
def evidence_delete(request: AuthenticatedHttpRequest, evidence: int) -> HttpResponse:
    instance = get_object_or_404(
        Evidence.objects.select_related("entry"),
        pk=evidence,
        entry__enrolment__student=request.user,
    )
    try:
        services.delete_evidence(evidence=instance, by=request.user)
    except UserFacingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("“%(name)s” is deleted.") % {"name": instance.original_name})
    return redirect(reverse("portfolio:entry", args=[instance.entry_id]) + "#evidence")


@require_safe
def evidence_file(request: AuthenticatedHttpRequest, evidence: int) -> FileResponse:
    instance = viewable_evidence(request.user, evidence)
    access_log.record(
        by=request.user,
        enrolment=instance.entry.enrolment,
        kind=access_log.Kind.EVIDENCE,
        object_id=instance.pk,
    )
    # Photos show in the page. PDFs download, unless opened to read in the browser's own PDF
    # viewer (?view=1), which a sandbox policy would stop; they were checked to be real PDFs.
    read_pdf = not instance.is_image and request.GET.get("view") == "1"
    return private_file(
        default_storage.open(cast(str, instance.file.name), "rb"),  # stored, so named
        content_type=instance.content_type,
        filename=instance.download_name,
        inline=instance.is_image or read_pdf,
        sandbox=not read_pdf,
    )


@require_safe
def evidence_thumbnail(request: AuthenticatedHttpRequest, evidence: int) -> FileResponse:
    instance = viewable_evidence(request.user, evidence)
    name = instance.thumbnail.name or (instance.file.name if instance.is_image else "")
    if not name:
        raise Http404
    return private_file(
        default_storage.open(name, "rb"),
        content_type="image/jpeg",
        filename="thumbnail.jpg",
        inline=True,
        sandbox=True,
    )


@require_safe
def export(request: AuthenticatedHttpRequest, enrolment: int) -> FileResponse:
    """The whole portfolio as one ZIP: an offline HTML overview, the data as JSON, the files."""
    instance = own_enrolment(request.user, enrolment)
    return private_file(
        build_export(instance),
        filename=f"cil-portfolio-{instance.programme.code}.zip",
        content_type="application/zip",
    )


@require_safe
def staff_accesses(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who has seen my portfolio: every time staff opened part of it, newest first."""
    page = access_log.page_of(request.user, request.GET.get("page"))
    return render(
        request,
        "portfolio/staff_accesses.html",
        {"page_obj": page, "rows": access_log.rows_of(page)},
    )


STUDENTS_PAGE_SIZE = 50


@require_safe
def programme_students(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The programme's sign-ups, newest first, with how far each has come."""
    programme = get_programme(code)
    enrolments = programme_enrolments(programme).annotate(
        submitted_count=Count("entries", filter=Q(entries__status="submitted")),
        approved_count=Count("entries", filter=Q(entries__status="approved")),
        entry_count=Count("entries"),
    )
    if request.GET.get("q"):
        query = request.GET["q"].strip()
        enrolments = enrolments.filter(
            Q(student__full_name__icontains=query) | Q(student__email__icontains=query)
        )
    # A stage, e.g. those asking for final approval (linked from the administration page):
    # the students on their way at that stage, not those who withdrew there.
    stage = request.GET.get("stage", "")
    if stage in Enrolment.Stage.values:
        enrolments = enrolments.filter(status=Enrolment.Status.ACTIVE, stage=stage)
    else:
        stage = ""
    filters = {
        key: value for key, value in (("q", request.GET.get("q", "")), ("stage", stage)) if value
    }
    page = Paginator(enrolments, STUDENTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portfolio/programme_students.html",
        {
            "programme": programme,
            "enrolments": page,
            "page_obj": page,
            "q": request.GET.get("q", ""),
            "stage": stage,
            "stages": Enrolment.Stage.choices,
            "query": urlencode(filters),
            # A mail server that fails never stops a transition; here the administrators see
            # whom the portal could not tell.
            "undelivered": undelivered(
                programme_enrolments(programme).values_list("student__email", flat=True)
            ),
        },
    )
