"""Pieces of the certificate workflow shown on the student's portfolio page."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import capfirst

from certificates import queues
from certificates.models import FinalReport
from certificates.next_step import NextStep, next_step_for
from certificates.upcoming import upcoming
from certificates.workflow import moves_for, places_closed, session_wanted

register = template.Library()


@register.simple_tag
def student_sessions(enrolment: Any) -> list[dict[str, Any]]:
    """Upcoming sessions the student can sign up for, and those they have signed up for and
    may still cancel (a session whose attendance is recorded is over for them): rows for
    certificates/_student_sessions.html, which the page includes only when there are some."""
    listed = upcoming(enrolment.programme_id)  # its sign-ups too: no query of its own
    mine = listed.places_of(enrolment.pk)
    shown = [  # the programme's own sessions: each is offered to it
        s
        for s in listed.sessions
        if places_closed(s) is None
        and (s.pk in mine or session_wanted(s, enrolment, offered=True) is None)
    ]
    # Plain values, made here rather than in the template (a filter and a {% url %} a row).
    return [
        {
            "name": capfirst(str(s)),
            "when": formats.date_format(timezone.localtime(s.starts_at), "SHORT_DATETIME_FORMAT"),
            "place": s.place,
            "signed_up": s.pk in mine,
            "action": reverse(
                "certificates:session_cancel" if s.pk in mine else "certificates:session_signup",
                kwargs={"enrolment": enrolment.pk, "session": s.pk},
            ),
        }
        for s in shown
    ]


@register.simple_tag
def final_report_status(enrolment: Any) -> str:
    """The student's final report status in words ("" before one is started)."""
    report = FinalReport.objects.filter(enrolment=enrolment).only("status").first()
    return report.get_status_display() if report else ""


@register.simple_tag(takes_context=True)
def may_move(context: dict[str, Any], enrolment: Any, action: str) -> bool:
    """Whether the signed-in user may make this move of the enrolment now, condition included
    (the portfolio's home asks this rather than restating the stage machine)."""
    return moves_for(enrolment, context["user"]).allows(action)


@register.simple_tag
def next_step(enrolment: Any, entries: Any, progress: Any) -> NextStep:
    """The next step on the way to the diploma (``.student`` and ``.staff`` wordings): the
    portfolio's home asks this, as that app cannot import the certificate's models."""
    return next_step_for(enrolment, entries, progress)


@register.inclusion_tag("certificates/_programme_queues.html", takes_context=True)
def programme_queues(context: template.Context, programme: Any) -> dict[str, Any]:
    """What waits for the programme's staff, for its administration page."""
    return {"queues": queues.programme_queues(programme, context["request"].user)}
