"""Scoped lookups: fetch an object only within what the URL's programme or user allows.

The access policy has already checked the user's role for the programme in the URL; these make
sure the object in the URL belongs to that programme (or to the user), and 404 otherwise.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from activities.models import Activity, ActivityProposal, ProgrammeRole, StudyProgramme
from cil.http import AuthenticatedHttpRequest


def get_programme(code: str) -> StudyProgramme:
    return get_object_or_404(StudyProgramme.objects.select_related("faculty"), code=code)


def get_owned_activity(programme: StudyProgramme, pk: int) -> Activity:
    """An activity the programme is responsible for (its administrators may change it)."""
    return get_object_or_404(
        Activity.objects.select_related("programme"), pk=pk, programme=programme
    )


def get_offerable_activity(programme: StudyProgramme, pk: int) -> Activity:
    """A public activity of another programme's catalogue, not yet in this one."""
    return get_object_or_404(Activity.objects.public().exclude(programmes=programme), pk=pk)


def get_borrowed_activity(programme: StudyProgramme, pk: int) -> Activity:
    """An activity in the programme's catalogue that another programme is responsible for."""
    return get_object_or_404(
        Activity.objects.offered_by(programme)
        .exclude(programme=programme)
        .select_related("programme"),
        pk=pk,
    )


def get_public_activity(programme: StudyProgramme, pk: int) -> Activity:
    """An activity in the programme's public catalogue."""
    return get_object_or_404(
        Activity.objects.public().offered_by(programme).select_related("programme"), pk=pk
    )


def get_programme_proposal(programme: StudyProgramme, pk: int) -> ActivityProposal:
    return get_object_or_404(
        ActivityProposal.objects.select_related("student", "programme", "decided_by", "activity"),
        pk=pk,
        programme=programme,
    )


def get_group_member(programme: StudyProgramme, pk: int) -> ProgrammeRole:
    return get_object_or_404(
        ProgrammeRole.objects.select_related("user", "programme"), pk=pk, programme=programme
    )


def proposals_of(request: AuthenticatedHttpRequest) -> QuerySet[ActivityProposal]:
    """The signed-in user's own proposals, newest first."""
    return ActivityProposal.objects.filter(student=request.user).select_related(
        "programme", "activity"
    )
