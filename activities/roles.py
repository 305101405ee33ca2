"""Role predicates: what a user is in each study programme, beside ``ProgrammeRole``.

The access policy's URL rules (``cil/policy.py``) and the apps' scoped lookups and workflow
guards all ask these, so every layer from this app upwards decides on roles the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from activities.models import ProgrammeRole


@dataclass(frozen=True)
class Roles:
    """What one user is, computed once per request from a single query."""

    is_authenticated: bool
    is_superuser: bool
    is_central_staff: bool
    administers: frozenset[str]  # programme codes
    reviews: frozenset[str]

    @property
    def administers_any(self) -> bool:
        return self.is_superuser or bool(self.administers)

    @property
    def reviews_any(self) -> bool:
        return self.is_superuser or bool(self.reviews)

    @property
    def sees_all_programmes(self) -> bool:
        return self.is_superuser or self.is_central_staff


ANONYMOUS_ROLES = Roles(False, False, False, frozenset(), frozenset())


def roles_of(user: Any) -> Roles:
    """The user's roles, cached on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS_ROLES
    cached: Roles | None = getattr(user, "_cil_roles", None)
    if cached is not None:
        return cached

    administers: set[str] = set()
    reviews: set[str] = set()
    for code, role in ProgrammeRole.objects.filter(user=user).values_list(
        "programme__code", "role"
    ):
        (administers if role == ProgrammeRole.Role.ADMINISTRATOR else reviews).add(code)
    roles = Roles(
        is_authenticated=True,
        is_superuser=user.is_superuser,
        is_central_staff=user.is_central_staff,
        administers=frozenset(administers),
        reviews=frozenset(reviews),
    )
    user._cil_roles = roles
    return roles


def _code(programme: Any) -> str:
    return programme if isinstance(programme, str) else programme.code


def is_programme_admin(user: Any, programme: Any) -> bool:
    """Certificate administrator of the programme (a superuser counts as one everywhere)."""
    roles = roles_of(user)
    return roles.is_superuser or _code(programme) in roles.administers


def is_programme_reviewer(user: Any, programme: Any) -> bool:
    """Reviewer (academic staff of the local resource group) of the programme."""
    roles = roles_of(user)
    return roles.is_superuser or _code(programme) in roles.reviews


def is_central_staff(user: Any) -> bool:
    roles = roles_of(user)
    return roles.is_superuser or roles.is_central_staff


def has_staff_role(user: Any) -> bool:
    """Administrator or reviewer of some programme, central staff, or a superuser: the people
    who issue and approve, and so must sign in with a second factor."""
    roles = roles_of(user)
    return roles.administers_any or roles.reviews_any or roles.sees_all_programmes


def may_assign_roles(user: Any) -> bool:
    """Superusers, and central staff where the institution lets them (a setting)."""
    roles = roles_of(user)
    return roles.is_superuser or (
        roles.is_central_staff and settings.CIL_CENTRAL_STAFF_ASSIGN_ROLES
    )


def can_view_programme_figures(user: Any, programme: Any) -> bool:
    """Programme figures are for its administrators and, read-only, for central staff."""
    return is_central_staff(user) or is_programme_admin(user, programme)
