"""The certificate administrators' review of submitted activities."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from activities.lookups import get_programme
from activities.models import StudyProgramme
from certificates import review_queue
from cil.audit import events_for
from cil.errors import UserFacingError
from cil.http import AuthenticatedHttpRequest
from cil.workflow import actions_of
from portfolio import access_log, workflow
from portfolio.models import Entry
from portfolio.services import reflection_questions


def _programme_entries(programme: StudyProgramme) -> QuerySet[Entry]:
    return Entry.objects.filter(enrolment__programme=programme).select_related(
        "activity", "enrolment__student"
    )


@require_safe
def entry_queue(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Submitted activities of the programme's students, oldest first, a page at a time: a
    large programme has hundreds waiting at the start of a term."""
    programme = get_programme(code)
    page = review_queue.waiting_page(
        programme=programme, user=request.user, number=request.GET.get("page")
    )
    return render(
        request,
        "certificates/entry_queue.html",
        {"programme": programme, "entries": page, "page_obj": page},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def entry_review(request: AuthenticatedHttpRequest, code: str, entry: int) -> HttpResponse:
    """One submitted activity with its evidence, diary and reflection; approve, return, reject."""
    programme = get_programme(code)
    instance = get_object_or_404(_programme_entries(programme), pk=entry)
    if request.method == "POST":
        action = request.POST.get("action", "")
        # Only the moves the table gives this user's role (an administrator's decisions).
        if action not in actions_of(workflow.ENTRIES, instance, request.user):
            raise PermissionDenied
        try:
            workflow.transition(
                entry=instance,
                by=request.user,
                action=action,
                comment=request.POST.get("comment", ""),
            )
        except UserFacingError as error:
            messages.error(request, str(error))
            return redirect("certificates:entry_review", code=programme.code, entry=instance.pk)
        done = {
            workflow.EntryAction.APPROVE: _("Approved: %(title)s (%(student)s)."),
            workflow.EntryAction.RETURN: _("Returned for changes: %(title)s (%(student)s)."),
            workflow.EntryAction.REJECT: _("Rejected: %(title)s (%(student)s)."),
        }[workflow.EntryAction(action)]
        messages.success(
            request,
            done
            % {"title": instance.activity.title, "student": instance.enrolment.student.full_name},
        )
        return redirect("certificates:entry_queue", code=programme.code)
    access_log.record(
        by=request.user,
        enrolment=instance.enrolment,
        kind=access_log.Kind.ENTRY,
        object_id=instance.pk,
        programme_code=programme.code,
    )
    return render(
        request,
        "certificates/entry_review.html",
        {
            "programme": programme,
            "entry": instance,
            "evidence": list(instance.evidence.all()),
            "notes": list(instance.notes.all()),
            "questions": reflection_questions(instance),
            "actions": workflow.moves_for(instance, request.user),
            "history": events_for(instance),
            "confirmations": list(instance.confirmations.shown()),
        },
    )


@require_POST
def entry_approve_many(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    programme = get_programme(code)
    ids = [int(pk) for pk in request.POST.getlist("entries") if pk.isdigit()]
    entries = list(_programme_entries(programme).filter(pk__in=ids))
    if not entries:
        messages.error(request, _("Tick the activities to approve."))
        return redirect("certificates:entry_queue", code=programme.code)
    done = workflow.approve_many(entries=entries, by=request.user)
    messages.success(
        request,
        ngettext("%(n)d activity approved.", "%(n)d activities approved.", done.approved)
        % {"n": done.approved},
    )
    if done.decided:
        messages.warning(
            request,
            ngettext(
                "%(n)d activity had already been decided and was left as it is.",
                "%(n)d activities had already been decided and were left as they are.",
                done.decided,
            )
            % {"n": done.decided},
        )
    if done.own:
        messages.warning(
            request,
            ngettext(
                "%(n)d is your own activity: another administrator decides on it.",
                "%(n)d are your own activities: another administrator decides on them.",
                done.own,
            )
            % {"n": done.own},
        )
    return redirect("certificates:entry_queue", code=programme.code)
