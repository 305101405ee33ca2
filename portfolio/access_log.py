"""Who looked: every time somebody other than the student opens part of their portfolio.

The staff views (an evidence file, an activity with its diary and reflection, the final
report, the student's page) call ``record`` once per view: one insert, no content, no lookups
beyond the roles the access check has already loaded.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.text import capfirst

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


# What the page shows of an access: when, who, in which role, what, in which programme.
SHOWN_FIELDS = (
    "at",
    "role",
    "kind",
    "staff__full_name",
    "enrolment__programme",
    "enrolment__programme__name_en",
    "enrolment__programme__name_nb",
)


def accesses_of(student: User) -> Paginator[StaffAccess]:
    """Who opened the student's portfolio, newest first (two queries a page, read along the
    index on the student and the time)."""
    rows = (
        StaffAccess.objects.filter(student=student)
        .select_related("staff", "enrolment__programme")
        .only(*SHOWN_FIELDS)
    )
    return Paginator(rows, PAGE_SIZE)


def rows_of(page: Page[StaffAccess]) -> list[dict[str, Any]]:
    """The page's accesses as the table prints them: the role and kind words translated once
    for the page rather than once a row."""
    roles = {value: capfirst(str(label)) for value, label in StaffAccess.Role.choices}
    kinds = {value: capfirst(str(label)) for value, label in StaffAccess.Kind.choices}
    return [
        {
            "at": access.at,
            "who": access.staff.full_name if access.staff else None,
            "role": roles.get(access.role, access.role),
            "kind": kinds.get(access.kind, access.kind),
            "programme": access.enrolment.programme.name,
        }
        for access in page
    ]


def page_of(student: User, number: str | int | None) -> Page[StaffAccess]:
    return accesses_of(student).get_page(number)
