"""Who looked: every time somebody other than the student opens part of their portfolio.

The staff views (an evidence file, an activity with its diary and reflection, the final
report, the student's page) call ``record`` once per view: one insert, no content, no lookups
beyond the roles the access check has already loaded.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator

from activities.roles import roles_of
from cil.models import User
from portfolio.models import Enrolment, StaffAccess

Kind = StaffAccess.Kind
PAGE_SIZE = 25


def _role(user: User, code: str) -> str:
    """The role in which ``user`` opened it (a superuser passes every role check: say so)."""
    roles = roles_of(user)
    if roles.is_superuser:
        return StaffAccess.Role.SUPERUSER
    if code in roles.administers:
        return StaffAccess.Role.ADMINISTRATOR
    if code in roles.reviews:
        return StaffAccess.Role.REVIEWER
    if roles.is_central_staff:
        return StaffAccess.Role.CENTRAL
    return StaffAccess.Role.OTHER


def record(
    *,
    by: User,
    enrolment: Enrolment,
    kind: str,
    object_id: int,
    programme_code: str | None = None,
) -> StaffAccess | None:
    """Record that ``by`` opened part of ``enrolment``'s portfolio; nothing if it is the
    student's own. The role is read from the programme: give its code where the enrolment's
    programme is not loaded."""
    if by.pk == enrolment.student_id:
        return None
    code = programme_code or enrolment.programme.code
    return StaffAccess.objects.create(
        staff=by,
        student_id=enrolment.student_id,
        enrolment=enrolment,
        kind=kind,
        object_id=object_id,
        role=_role(by, code),
    )


def accesses_of(student: User) -> Paginator[StaffAccess]:
    """Who opened the student's portfolio, newest first (two queries a page)."""
    rows = StaffAccess.objects.filter(student=student).select_related(
        "staff", "enrolment__programme"
    )
    return Paginator(rows, PAGE_SIZE)


def page_of(student: User, number: str | int | None) -> Page[StaffAccess]:
    return accesses_of(student).get_page(number)
