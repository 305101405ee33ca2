"""The certificate administrator's pages: rules, questions, public page, catalogue, proposals."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from activities import services
from activities.forms import (
    AcceptForm,
    ActivityForm,
    DeclineForm,
    PageForm,
    QuestionsForm,
    RulesForm,
)
from activities.lookups import (
    get_borrowed_activity,
    get_offerable_activity,
    get_owned_activity,
    get_programme,
    get_programme_proposal,
)
from activities.models import (
    Activity,
    ActivityProposal,
    ProgrammePage,
    ProgrammeRole,
    StudyProgramme,
)
from cil.audit import events_for
from cil.errors import UserFacingError
from cil.http import AuthenticatedHttpRequest
from cil.responses import confirm_page


@require_safe
def manage(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The certificate administrator's home: their programmes and what waits for them."""
    members = ProgrammeRole.objects.select_related("user").order_by("role", "user__full_name")
    programmes = (
        StudyProgramme.objects.administered_by(request.user)
        .select_related("faculty")
        .prefetch_related(Prefetch("roles", queryset=members))
        .annotate(
            pending_count=Count(
                "proposals",
                filter=Q(proposals__status=ActivityProposal.Status.PENDING),
                distinct=True,
            ),
            activity_count=Count(
                "activities", filter=Q(activities__archived_at__isnull=True), distinct=True
            ),
        )
        .distinct()
        .order_by("name_en")
    )
    return render(request, "activities/manage.html", {"programmes": programmes})


@require_safe
def manage_programme(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """One programme: what waits for its staff, rules, catalogue (current and archived).

    The queues come from the ``programme_queues`` template tag: three of them belong to the
    apps above this one (certificates/queues.py)."""
    programme = get_programme(code)
    activities = (
        Activity.objects.offered_by(programme)
        .select_related("programme", "private_to")
        .order_by("archived_at", "title_en")
    )
    show_archived = request.GET.get("show") == "archived"
    activities = activities.filter(archived_at__isnull=not show_archived)
    return render(
        request,
        "activities/manage_programme.html",
        {
            "programme": programme,
            "activities": activities,
            "show_archived": show_archived,
            "history": events_for(programme)[:10],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def edit_rules(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    programme = get_programme(code)
    form = RulesForm(request.POST or None, instance=StudyProgramme.objects.get(pk=programme.pk))
    if request.method == "POST" and form.is_valid():
        changed = services.update_rules(
            programme=programme, by=request.user, values=form.rule_values()
        )
        if changed:
            messages.success(request, _("The certificate rules are saved."))
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("activities:manage_programme", code=programme.code)
    return render(request, "activities/edit_rules.html", {"programme": programme, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def edit_questions(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    programme = get_programme(code)
    form = QuestionsForm.for_programme(programme, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.update_questions(
            programme=programme,
            by=request.user,
            activity_questions=form.questions("activity"),
            report_questions=form.questions("report"),
        )
        messages.success(request, _("The reflection questions are saved."))
        return redirect("activities:manage_programme", code=programme.code)
    return render(request, "activities/edit_questions.html", {"programme": programme, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def edit_page(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    programme = get_programme(code)
    page = ProgrammePage.objects.filter(programme=programme).first() or ProgrammePage(
        programme=programme
    )
    form = PageForm(request.POST or None, instance=page)
    if request.method == "POST" and form.is_valid():
        services.update_page(programme=programme, by=request.user, texts=form.texts())
        messages.success(request, _("The programme page is saved."))
        return redirect("activities:programme", code=programme.code)
    return render(request, "activities/edit_page.html", {"programme": programme, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def activity_create(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    programme = get_programme(code)
    form = ActivityForm(request.POST or None, programme=programme, user=request.user)
    if request.method == "POST" and form.is_valid():
        activity = services.create_activity(
            programme=programme,
            by=request.user,
            values=form.activity_values(),
            offered_by=form.offered_by_programmes(),
        )
        messages.success(
            request, _("“%(title)s” is added to the catalogue.") % {"title": activity.title}
        )
        return redirect("activities:manage_programme", code=programme.code)
    return render(request, "activities/activity_form.html", {"programme": programme, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def activity_edit(request: AuthenticatedHttpRequest, code: str, activity: int) -> HttpResponse:
    programme = get_programme(code)
    instance = get_owned_activity(programme, activity)
    form = ActivityForm(
        request.POST or None, instance=instance, programme=programme, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        services.update_activity(
            activity=instance,
            by=request.user,
            values=form.activity_values(),
            offered_by=form.offered_by_programmes(),
        )
        messages.success(request, _("The activity is saved."))
        return redirect("activities:manage_programme", code=programme.code)
    return render(
        request,
        "activities/activity_form.html",
        {
            "programme": programme,
            "form": form,
            "activity": instance,
            "history": events_for(instance)[:10],
        },
    )


def _confirm_activity(
    request: AuthenticatedHttpRequest, code: str, activity: int, *, archive: bool
) -> HttpResponse:
    programme = get_programme(code)
    instance = get_owned_activity(programme, activity)
    back = redirect("activities:manage_programme", code=programme.code)
    if request.method == "POST":
        try:
            if archive:
                services.archive_activity(activity=instance, by=request.user)
                messages.success(request, _("“%(title)s” is archived.") % {"title": instance.title})
            else:
                services.restore_activity(activity=instance, by=request.user)
                messages.success(
                    request, _("“%(title)s” is offered again.") % {"title": instance.title}
                )
        except UserFacingError as error:
            messages.error(request, str(error))
        return back
    if archive:
        question = _("Archive “%(title)s”?") % {"title": instance.title}
        explanation = _(
            "Students can no longer choose it. Entries that already use it keep it, and you can "
            "offer it again later."
        )
        button = _("Archive")
    else:
        question = _("Offer “%(title)s” again?") % {"title": instance.title}
        explanation = _("Students can choose it again.")
        button = _("Offer again")
    return confirm_page(
        request,
        question=question,
        explanation=explanation,
        button=button,
        cancel_url=back.url,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def activity_archive(request: AuthenticatedHttpRequest, code: str, activity: int) -> HttpResponse:
    return _confirm_activity(request, code, activity, archive=True)


@require_http_methods(["GET", "HEAD", "POST"])
def activity_restore(request: AuthenticatedHttpRequest, code: str, activity: int) -> HttpResponse:
    return _confirm_activity(request, code, activity, archive=False)


@require_safe
def proposals(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    programme = get_programme(code)
    decided = request.GET.get("show") == "decided"
    queryset = ActivityProposal.objects.filter(programme=programme).select_related(
        "student", "decided_by"
    )
    if decided:
        queryset = queryset.exclude(status=ActivityProposal.Status.PENDING)
    else:
        queryset = queryset.filter(status=ActivityProposal.Status.PENDING)
    return render(
        request,
        "activities/proposals.html",
        {"programme": programme, "proposals": queryset, "show_decided": decided},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def proposal(request: AuthenticatedHttpRequest, code: str, proposal: int) -> HttpResponse:
    """See a proposal; accept it (into the catalogue or for the student) after completing it."""
    programme = get_programme(code)
    instance = get_programme_proposal(programme, proposal)
    own = instance.student_id == request.user.pk  # they may read it, not decide on it
    if request.method == "POST":
        services.refuse_own_proposal(instance, request.user)
    initial = services.activity_values_from_proposal(instance)
    form = ActivityForm(
        request.POST or None,
        initial=initial,
        programme=programme,
        user=request.user,
        prefix="activity",
    )
    accept = AcceptForm(request.POST or None, prefix="accept")
    if request.method == "POST" and instance.is_pending and form.is_valid() and accept.is_valid():
        for_student = request.POST.get("decision") == "student"
        try:
            services.accept_proposal(
                proposal=instance,
                by=request.user,
                values=form.activity_values(),
                for_student_only=for_student,
                comment=accept.cleaned_data["comment"],
            )
        except UserFacingError as error:
            messages.error(request, str(error))
        else:
            if for_student:
                text = _("Accepted for %(student)s only. They have been told.")
            else:
                text = _("Accepted into the catalogue. %(student)s has been told.")
            messages.success(request, text % {"student": instance.student.full_name})
        return redirect("activities:proposals", code=programme.code)
    return render(
        request,
        "activities/proposal.html",
        {
            "programme": programme,
            "proposal": instance,
            "form": form,
            "accept_form": accept,
            "decline_form": DeclineForm(prefix="decline"),
            "history": events_for(instance),
            "own": own,
        },
    )


@require_POST
def proposal_decline(request: AuthenticatedHttpRequest, code: str, proposal: int) -> HttpResponse:
    programme = get_programme(code)
    instance = get_programme_proposal(programme, proposal)
    services.refuse_own_proposal(instance, request.user)
    form = DeclineForm(request.POST, prefix="decline")
    if not form.is_valid():
        messages.error(request, _("Say why the proposal is declined: the student will read it."))
        return redirect("activities:proposal", code=programme.code, proposal=instance.pk)
    try:
        services.decline_proposal(
            proposal=instance, by=request.user, reason=form.cleaned_data["reason"]
        )
    except UserFacingError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Declined. %(student)s has been told why.") % {"student": instance.student.full_name},
        )
    return redirect("activities:proposals", code=programme.code)


OTHER_CATALOGUES_PAGE_SIZE = 25


@require_http_methods(["GET", "HEAD", "POST"])
def other_catalogues(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Activities in other programmes' catalogues, to offer in this one too: an institution's
    international week, a language café run by another faculty."""
    programme = get_programme(code)
    if request.method == "POST":
        activity = get_offerable_activity(programme, _int(request.POST.get("activity")))
        try:
            services.offer_activity(activity=activity, programme=programme, by=request.user)
        except UserFacingError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("“%(title)s” is in your catalogue now.") % {"title": activity.title},
            )
        return redirect(request.get_full_path())
    query = request.GET.get("q", "").strip()
    activities = (
        Activity.objects.public()
        .exclude(programmes=programme)
        .select_related("programme")
        .order_by("title_en", "pk")
        .matching(query, ("title_en", "title_nb", "programme__name_en", "programme__name_nb"))
    )
    page = Paginator(activities, OTHER_CATALOGUES_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/other_catalogues.html",
        {
            "programme": programme,
            "activities": page,
            "page_obj": page,
            "q": query,
            "query": urlencode({"q": query}) if query else "",
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def activity_unoffer(request: AuthenticatedHttpRequest, code: str, activity: int) -> HttpResponse:
    """Take another programme's activity out of this catalogue (it asks first)."""
    programme = get_programme(code)
    instance = get_borrowed_activity(programme, activity)
    back = redirect("activities:manage_programme", code=programme.code)
    if request.method == "POST":
        try:
            services.stop_offering(activity=instance, programme=programme, by=request.user)
        except UserFacingError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("“%(title)s” is no longer in your catalogue.") % {"title": instance.title},
            )
        return back
    return confirm_page(
        request,
        question=_("Take “%(title)s” out of your catalogue?") % {"title": instance.title},
        explanation=_(
            "Your students can no longer choose it; those who already did keep it in their "
            "portfolio. %(programme)s still offers it."
        )
        % {"programme": instance.programme.name},
        button=_("Take it out"),
        cancel_url=back.url,
    )


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Http404 from None
