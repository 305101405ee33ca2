"""Dashboards, exports and follow-up (reminders) for administrators and central staff."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from activities.lookups import get_programme
from activities.models import StudyProgramme
from certificates import exports, figures, followup
from certificates.forms import (
    FiguresFilter,
    FollowUpFilter,
    ReminderTemplateForm,
)
from cil import audit
from cil.http import AuthenticatedHttpRequest
from cil.responses import no_store


def _scope_and_filter(
    request: AuthenticatedHttpRequest,
    programmes: QuerySet[StudyProgramme],
    *,
    central: bool,
    owner: int | None = None,
) -> tuple[figures.Scope, FiguresFilter]:
    form = FiguresFilter(request.GET or None, central=central)
    year = term = faculty = programme = None
    if form.is_valid():
        year = form.cleaned_data.get("year")
        term = form.cleaned_data.get("term") or None
        if central and form.cleaned_data.get("faculty"):
            faculty = form.cleaned_data["faculty"].pk
            programmes = programmes.filter(faculty=faculty)
        if central and form.cleaned_data.get("programme"):
            programme = form.cleaned_data["programme"].pk
            programmes = programmes.filter(pk=programme)
    # What the cache knows these figures by: the programmes they cover.
    key = f"central:f{faculty or ''}:p{programme or ''}" if central else f"programmes:{owner}"
    return figures.Scope(programmes=programmes, year=year, term=term, key=key), form


@require_safe
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Central staff's dashboard: every programme, filterable by faculty, programme and year."""
    scope, form = _scope_and_filter(request, StudyProgramme.objects.all(), central=True)
    return render(
        request,
        "certificates/figures.html",
        {
            "title": _("Overview"),
            "form": form,
            "query": request.GET.urlencode(),
            "exports": _export_links(request, "certificates:overview_export", []),
            **figures.dashboard(scope),
        },
    )


@require_safe
def programme_figures(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """A programme's dashboard for its administrators."""
    programme = get_programme(code)
    scope, form = _scope_and_filter(
        request, StudyProgramme.objects.filter(pk=programme.pk), central=False, owner=programme.pk
    )
    return render(
        request,
        "certificates/figures.html",
        {
            "title": _("Figures"),
            "programme": programme,
            "form": form,
            "query": request.GET.urlencode(),
            "exports": _export_links(request, "certificates:programme_export", [code]),
            **figures.dashboard(scope),
        },
    )


def _export_links(
    request: AuthenticatedHttpRequest, name: str, args: list[str]
) -> list[dict[str, str]]:
    labels = {
        "enrolments": _("Sign-ups"),
        "activities": _("Approved activities"),
        "diplomas": _("Diplomas"),
    }
    query = request.GET.urlencode()
    return [
        {
            "label": labels[kind],
            "fmt": fmt.upper(),
            "url": reverse(name, args=[*args, kind, fmt]) + (f"?{query}" if query else ""),
        }
        for kind in exports.KINDS
        for fmt in ("csv", "xlsx")
    ]


def _export(
    kind: str, fmt: str, scope: figures.Scope, *, personal: bool, name: str
) -> HttpResponse:
    if kind not in exports.KINDS or fmt not in ("csv", "xlsx"):
        raise Http404
    if fmt == "csv":
        body, content_type = (
            exports.as_csv(kind, scope, personal=personal),
            "text/csv; charset=utf-8",
        )
    else:
        body = exports.as_xlsx(kind, scope, personal=personal)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}-{kind}.{fmt}"'
    return no_store(response)


@require_safe
def overview_export(request: AuthenticatedHttpRequest, kind: str, fmt: str) -> HttpResponse:
    scope, _form = _scope_and_filter(request, StudyProgramme.objects.all(), central=True)
    # Central staff look at figures: their exports carry no names or e-mail addresses.
    return _export(kind, fmt, scope, personal=False, name="cil")


@require_safe
def programme_export(
    request: AuthenticatedHttpRequest, code: str, kind: str, fmt: str
) -> HttpResponse:
    programme = get_programme(code)
    scope, _form = _scope_and_filter(
        request, StudyProgramme.objects.filter(pk=programme.pk), central=False, owner=programme.pk
    )
    return _export(kind, fmt, scope, personal=True, name=f"cil-{programme.code}")


@require_http_methods(["GET", "HEAD", "POST"])
def follow_up(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Students to follow up, with reminders by e-mail from the programme's own text."""
    programme = get_programme(code)
    template = followup.template_for(programme)
    template_form = ReminderTemplateForm(instance=template)
    if request.method == "POST" and request.POST.get("action") == "template":
        template_form = ReminderTemplateForm(request.POST, instance=template)
        if template_form.is_valid():
            template_form.save()
            audit.record(actor=request.user, action="programme.reminder_changed", target=programme)
            messages.success(request, _("The reminder text is saved."))
            return redirect("certificates:follow_up", code=programme.code)
    elif request.method == "POST":
        ids = [int(pk) for pk in request.POST.getlist("enrolments") if pk.isdigit()]
        if not ids:
            messages.error(request, _("Tick the students to remind."))
        else:
            sent, refused = followup.send_reminders(
                programme=programme, enrolment_ids=ids, by=request.user
            )
            if sent:
                messages.success(request, _("Reminder sent to %(n)d students.") % {"n": sent})
            if refused:
                messages.error(
                    request,
                    _("%(n)d students were already reminded today and were not sent another.")
                    % {"n": refused},
                )
        return redirect(
            reverse("certificates:follow_up", args=[programme.code]) + f"?{request.GET.urlencode()}"
        )
    filter_form = FollowUpFilter(request.GET or None)
    months = filter_form.cleaned_data["months"] if filter_form.is_valid() else 3
    return render(
        request,
        "certificates/follow_up.html",
        {
            "programme": programme,
            "filter": filter_form,
            "months": months,
            "stalled": followup.stalled(programme, months),
            "ready": followup.ready_for_next_step(programme),
            "reports": followup.reports_waiting(programme),
            "template_form": template_form,
            "now": timezone.now(),
        },
    )
