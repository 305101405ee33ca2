"""Catalogue, rules and proposal changes: each through one service that checks, locks and audits."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from activities import services
from activities.models import Activity, ActivityProposal, Location
from cil.models import AuditEvent
from tests.conftest import Personas
from tests.factories import (
    ActivityFactory,
    EnrolmentFactory,
    ProgrammeFactory,
    ProposalFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ACTIVITY = {
    "title_en": "Language café",
    "title_nb": "Språkkafé",
    "description_en": "Speak Spanish every Thursday.",
    "description_nb": "Snakk spansk hver torsdag.",
    "location": "home",
    "category": "language_cafe",
    "engagements_required": 3,
}


def test_rules_change_is_saved_and_audited_with_before_and_after(personas: Personas) -> None:
    p = personas.programme_p
    changed = services.update_rules(
        programme=p, by=personas.admin_p, values={"min_abroad": 0, "career_course_required": True}
    )
    assert sorted(changed) == ["career_course_required", "min_abroad"]
    p.refresh_from_db()
    assert (p.min_abroad, p.career_course_required) == (0, True)
    event = AuditEvent.objects.get(action="programme.rules_changed")
    assert event.actor == personas.admin_p
    assert event.data["before"] == {"min_abroad": 1, "career_course_required": False}
    assert event.data["after"] == {"min_abroad": 0, "career_course_required": True}


def test_saving_the_same_rules_changes_and_records_nothing(personas: Personas) -> None:
    p = personas.programme_p
    assert (
        services.update_rules(programme=p, by=personas.admin_p, values={"min_activities": 3}) == []
    )
    assert not AuditEvent.objects.exists()


def test_rules_the_engine_cannot_hold_are_refused_and_nothing_is_stored(personas: Personas) -> None:
    p = personas.programme_p
    with pytest.raises(ValueError, match="cannot be more than the number of activities"):
        services.update_rules(programme=p, by=personas.admin_p, values={"min_home": 3})
    p.refresh_from_db()
    assert p.min_home == 1
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("actor", ["admin_q", "reviewer_p", "central", "student_a"])
def test_only_the_programmes_administrators_change_its_rules(personas: Personas, actor) -> None:
    with pytest.raises(PermissionDenied):
        services.update_rules(
            programme=personas.programme_p, by=getattr(personas, actor), values={"min_abroad": 0}
        )


def test_created_activity_is_offered_by_its_programme_and_audited(personas: Personas) -> None:
    activity = services.create_activity(
        programme=personas.programme_p, by=personas.admin_p, values=ACTIVITY
    )
    assert list(activity.programmes.all()) == [personas.programme_p]
    assert activity.created_by == personas.admin_p
    assert AuditEvent.objects.filter(action="activity.created", object_id=str(activity.pk)).exists()


def test_invalid_activity_is_refused_whole(personas: Personas) -> None:
    with pytest.raises(ValidationError):
        services.create_activity(
            programme=personas.programme_p,
            by=personas.admin_p,
            values={**ACTIVITY, "location": "mars"},
        )
    assert not Activity.objects.exists()


def test_an_activity_can_be_offered_by_every_programme_its_administrator_runs(
    personas: Personas,
) -> None:
    third = ProgrammeFactory(code="nutrition")
    personas.admin_p.programme_roles.create(programme=third, role="administrator")
    personas.admin_p.__dict__.pop("_cil_roles", None)  # roles changed
    activity = services.create_activity(
        programme=personas.programme_p,
        by=personas.admin_p,
        values=ACTIVITY,
        offered_by=[third, personas.programme_q],  # Q is not theirs: ignored
    )
    assert set(activity.programmes.values_list("code", flat=True)) == {"nursing", "nutrition"}


def test_editing_keeps_other_programmes_that_offer_the_activity(personas: Personas) -> None:
    activity = ActivityFactory(programme=personas.programme_p, offered_by=[personas.programme_q])
    services.update_activity(
        activity=activity, by=personas.admin_p, values={"title_en": "Renamed"}, offered_by=[]
    )
    activity.refresh_from_db()
    assert activity.title_en == "Renamed"
    assert set(activity.programmes.values_list("code", flat=True)) == {"nursing", "medicine"}


def test_administrator_of_q_cannot_edit_or_archive_an_activity_of_p(personas: Personas) -> None:
    activity = ActivityFactory(programme=personas.programme_p)
    with pytest.raises(PermissionDenied):
        services.update_activity(
            activity=activity, by=personas.admin_q, values={"title_en": "Mine"}
        )
    with pytest.raises(PermissionDenied):
        services.archive_activity(activity=activity, by=personas.admin_q)
    activity.refresh_from_db()
    assert activity.title_en != "Mine"
    assert activity.archived_at is None


# (state before, action, allowed)
ARCHIVE_MATRIX = [
    ("current", "archive", True),
    ("current", "restore", False),
    ("archived", "archive", False),
    ("archived", "restore", True),
]


@pytest.mark.parametrize(("state", "action", "allowed"), ARCHIVE_MATRIX)
def test_archive_transitions(personas: Personas, state: str, action: str, allowed: bool) -> None:
    activity = ActivityFactory(programme=personas.programme_p)
    if state == "archived":
        services.archive_activity(activity=activity, by=personas.admin_p)
    before = AuditEvent.objects.count()
    move = services.archive_activity if action == "archive" else services.restore_activity
    if allowed:
        move(activity=activity, by=personas.admin_p)
        activity.refresh_from_db()
        assert activity.is_archived == (action == "archive")
        assert AuditEvent.objects.count() == before + 1
    else:
        with pytest.raises(services.ActivityError):
            move(activity=activity, by=personas.admin_p)
        assert AuditEvent.objects.count() == before


def test_archived_activity_leaves_the_catalogue_but_is_not_deleted(personas: Personas) -> None:
    activity = ActivityFactory(programme=personas.programme_p)
    services.archive_activity(activity=activity, by=personas.admin_p)
    assert not Activity.objects.public().filter(pk=activity.pk).exists()
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_proposal_reaches_the_programmes_administrators_by_mail(
    personas: Personas, mailoutbox, committed
) -> None:
    EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    with committed():
        proposal = services.propose_activity(
            student=personas.student_a,
            programme=personas.programme_p,
            values={
                "title": "Red Cross homework help",
                "description": "Every Monday.",
                "location": "home",
                "category": "volunteer",
            },
        )
    assert proposal.status == ActivityProposal.Status.PENDING
    assert [m.to for m in mailoutbox] == [[personas.admin_p.email]]
    assert "Red Cross homework help" in mailoutbox[0].subject
    assert f"/manage/nursing/proposals/{proposal.pk}/" in mailoutbox[0].body


def test_accepting_into_the_catalogue_creates_a_public_activity_and_tells_the_student(
    personas: Personas, mailoutbox, committed
) -> None:
    proposal = ProposalFactory(programme=personas.programme_p, student=personas.student_a)
    with committed():
        activity = services.accept_proposal(
            proposal=proposal, by=personas.admin_p, values=ACTIVITY, for_student_only=False
        )
    proposal.refresh_from_db()
    assert proposal.status == ActivityProposal.Status.ACCEPTED
    assert proposal.activity == activity and proposal.decided_by == personas.admin_p
    assert (
        Activity.objects.public().offered_by(personas.programme_p).filter(pk=activity.pk).exists()
    )
    assert [m.to for m in mailoutbox] == [[personas.student_a.email]]
    assert "accepted into the activity catalogue" in mailoutbox[0].body


def test_accepting_for_the_student_only_keeps_it_out_of_the_catalogue(personas: Personas) -> None:
    proposal = ProposalFactory(programme=personas.programme_p, student=personas.student_a)
    activity = services.accept_proposal(
        proposal=proposal, by=personas.admin_p, values=ACTIVITY, for_student_only=True
    )
    assert activity.private_to == personas.student_a
    assert not Activity.objects.public().filter(pk=activity.pk).exists()
    p = personas.programme_p
    assert Activity.objects.available_to(personas.student_a, p).filter(pk=activity.pk).exists()
    assert not Activity.objects.available_to(personas.student_b, p).filter(pk=activity.pk).exists()


def test_declining_needs_a_reason_which_the_student_reads(
    personas: Personas, mailoutbox, committed
) -> None:
    proposal = ProposalFactory(programme=personas.programme_p, student=personas.student_a)
    with pytest.raises(services.ActivityError):
        services.decline_proposal(proposal=proposal, by=personas.admin_p, reason="  ")
    with committed():
        services.decline_proposal(
            proposal=proposal, by=personas.admin_p, reason="Not international."
        )
    proposal.refresh_from_db()
    assert proposal.status == ActivityProposal.Status.DECLINED
    assert "Not international." in mailoutbox[0].body
    event = AuditEvent.objects.get(action="proposal.decided")
    assert (event.from_state, event.to_state, event.subject) == (
        "pending",
        "declined",
        personas.student_a,
    )


def test_student_mail_is_written_in_the_students_language(
    personas: Personas, mailoutbox, committed
) -> None:
    personas.student_a.language = "nb"
    personas.student_a.save()
    proposal = ProposalFactory(programme=personas.programme_p, student=personas.student_a)
    with committed():
        services.decline_proposal(
            proposal=proposal, by=personas.admin_p, reason="Ikke internasjonalt."
        )
    assert "Hei" in mailoutbox[0].body


@pytest.mark.parametrize("first", ["accept", "decline"])
def test_a_proposal_is_decided_once(personas: Personas, first: str) -> None:
    proposal = ProposalFactory(programme=personas.programme_p, student=personas.student_a)
    # Two administrators open the same proposal; the second click must not decide again.
    stale = ActivityProposal.objects.get(pk=proposal.pk)
    if first == "accept":
        services.accept_proposal(
            proposal=proposal, by=personas.admin_p, values=ACTIVITY, for_student_only=False
        )
    else:
        services.decline_proposal(proposal=proposal, by=personas.admin_p, reason="No.")
    with pytest.raises(services.ActivityError, match="already been decided"):
        services.decline_proposal(proposal=stale, by=personas.admin_p, reason="Again.")
    with pytest.raises(services.ActivityError):
        services.accept_proposal(
            proposal=stale, by=personas.admin_p, values=ACTIVITY, for_student_only=True
        )
    assert Activity.objects.count() == (1 if first == "accept" else 0)


def test_administrator_of_q_cannot_decide_a_proposal_to_p(personas: Personas) -> None:
    proposal = ProposalFactory(programme=personas.programme_p, student=personas.student_a)
    with pytest.raises(PermissionDenied):
        services.decline_proposal(proposal=proposal, by=personas.admin_q, reason="No.")
    proposal.refresh_from_db()
    assert proposal.is_pending


def test_failed_acceptance_stores_nothing(personas: Personas, mailoutbox, committed) -> None:
    proposal = ProposalFactory(programme=personas.programme_p, student=personas.student_a)
    with committed(), pytest.raises(ValidationError):
        services.accept_proposal(
            proposal=proposal,
            by=personas.admin_p,
            values={**ACTIVITY, "category": "nonsense"},
            for_student_only=False,
        )
    proposal.refresh_from_db()
    assert proposal.is_pending and not Activity.objects.exists() and mailoutbox == []


def test_superusers_build_the_local_resource_group_and_administrators_are_told(
    personas: Personas, mailoutbox, committed
) -> None:
    p = personas.programme_p
    with committed():
        member = services.assign_role(
            programme=p, user=personas.student_b, role="reviewer", by=personas.superuser
        )
    with pytest.raises(services.ActivityError, match="already has this role"):
        services.assign_role(
            programme=p, user=personas.student_b, role="reviewer", by=personas.superuser
        )
    with committed():
        services.remove_role(member=member, by=personas.superuser)
    assert not p.roles.filter(user=personas.student_b).exists()
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["group.member_added", "group.member_removed"]
    assert [m.to for m in mailoutbox] == [[personas.admin_p.email]] * 2
    assert "Student B joined the local resource group of Nursing" in mailoutbox[0].subject
    assert "Super User made Student B" in mailoutbox[0].body
    assert "Student B left the local resource group of Nursing" in mailoutbox[1].subject


def test_central_staff_build_groups_only_where_the_institution_allows_it(
    personas: Personas, settings
) -> None:
    p = personas.programme_p
    with pytest.raises(PermissionDenied):
        services.assign_role(
            programme=p, user=personas.student_b, role="reviewer", by=personas.central
        )
    settings.CIL_CENTRAL_STAFF_ASSIGN_ROLES = True
    member = services.assign_role(
        programme=p, user=personas.student_b, role="reviewer", by=personas.central
    )
    services.remove_role(member=member, by=personas.central)
    assert not p.roles.filter(user=personas.student_b).exists()


@pytest.mark.parametrize("actor", ["central", "superuser"])
def test_nobody_gives_a_role_to_themselves(personas: Personas, settings, actor: str) -> None:
    settings.CIL_CENTRAL_STAFF_ASSIGN_ROLES = True
    me = getattr(personas, actor)
    with pytest.raises(services.ActivityError, match="their own role"):
        services.assign_role(programme=personas.programme_p, user=me, role="administrator", by=me)
    assert not personas.programme_p.roles.filter(user=me).exists()
    assert not AuditEvent.objects.exists()


def test_nobody_removes_their_own_role(personas: Personas) -> None:
    other_superuser = UserFactory(is_superuser=True)
    member = services.assign_role(
        programme=personas.programme_p,
        user=personas.superuser,
        role="reviewer",
        by=other_superuser,
    )
    with pytest.raises(services.ActivityError, match="their own role"):
        services.remove_role(member=member, by=personas.superuser)
    assert personas.programme_p.roles.filter(pk=member.pk).exists()


@pytest.mark.parametrize("role", ["administrator", "reviewer"])
def test_an_active_student_of_the_programme_is_not_made_its_staff(
    personas: Personas, role: str
) -> None:
    EnrolmentFactory(student=personas.student_a, programme=personas.programme_p)
    with pytest.raises(services.ActivityError, match="signed up for the certificate in Nursing"):
        services.assign_role(
            programme=personas.programme_p,
            user=personas.student_a,
            role=role,
            by=personas.superuser,
        )
    assert not personas.programme_p.roles.filter(user=personas.student_a).exists()
    # A student of another programme can be staff here.
    services.assign_role(
        programme=personas.programme_q, user=personas.student_a, role=role, by=personas.superuser
    )


@pytest.mark.parametrize("actor", ["admin_p", "reviewer_p", "student_a", "central"])
def test_only_superusers_change_a_group_by_default(personas: Personas, actor: str) -> None:
    with pytest.raises(PermissionDenied):
        services.assign_role(
            programme=personas.programme_p,
            user=personas.student_b,
            role="administrator",
            by=getattr(personas, actor),
        )


def test_questions_are_replaced_and_at_least_one_of_each_kind_is_kept(personas: Personas) -> None:
    p = personas.programme_p
    with pytest.raises(services.ActivityError):
        services.update_questions(
            programme=p, by=personas.admin_p, activity_questions=[], report_questions=[]
        )
    services.update_questions(
        programme=p,
        by=personas.admin_p,
        activity_questions=[{"en": "What did you learn?", "nb": "Hva lærte du?"}],
        report_questions=p.report_questions,
    )
    p.refresh_from_db()
    assert p.activity_questions == [{"en": "What did you learn?", "nb": "Hva lærte du?"}]


def test_location_values_are_the_rules_engines() -> None:
    from activities.rules import Location as EngineLocation

    assert set(Location.values) == {loc.value for loc in EngineLocation}


def test_only_the_programmes_students_propose(personas: Personas) -> None:
    with pytest.raises(services.ActivityError, match="Sign up for the certificate in Nursing"):
        services.propose_activity(
            student=personas.student_b,
            programme=personas.programme_p,
            values={"title": "x", "description": "y", "location": "home", "category": "other"},
        )
    assert not ActivityProposal.objects.exists()


def test_another_programme_offers_an_activity_and_takes_it_out_again(personas: Personas) -> None:
    activity = ActivityFactory(programme=personas.programme_p)
    services.offer_activity(activity=activity, programme=personas.programme_q, by=personas.admin_q)
    assert Activity.objects.public().offered_by(personas.programme_q).get() == activity
    # The responsible programme does not change: P still edits and archives it.
    activity.refresh_from_db()
    assert activity.programme == personas.programme_p
    offered = AuditEvent.objects.get(action="activity.offered")
    assert (offered.actor, offered.data) == (personas.admin_q, {"programme": "medicine"})

    with pytest.raises(services.ActivityError, match="already in your catalogue"):
        services.offer_activity(
            activity=activity, programme=personas.programme_q, by=personas.admin_q
        )
    services.stop_offering(activity=activity, programme=personas.programme_q, by=personas.admin_q)
    assert not Activity.objects.offered_by(personas.programme_q).exists()
    assert Activity.objects.offered_by(personas.programme_p).get() == activity
    assert AuditEvent.objects.filter(action="activity.unoffered").count() == 1


def test_only_public_activities_are_offered_and_only_by_the_programmes_administrators(
    personas: Personas,
) -> None:
    archived = ActivityFactory(programme=personas.programme_p)
    services.archive_activity(activity=archived, by=personas.admin_p)
    private = ActivityFactory(programme=personas.programme_p, private_to=personas.student_a)
    for activity in (archived, private):
        with pytest.raises(services.ActivityError, match="not in any public catalogue"):
            services.offer_activity(
                activity=activity, programme=personas.programme_q, by=personas.admin_q
            )
    public = ActivityFactory(programme=personas.programme_p)
    with pytest.raises(PermissionDenied):  # administrator of P, not of Q
        services.offer_activity(
            activity=public, programme=personas.programme_q, by=personas.admin_p
        )
    assert not Activity.objects.offered_by(personas.programme_q).exists()


def test_a_programme_does_not_take_its_own_activity_out_of_its_catalogue(
    personas: Personas,
) -> None:
    activity = ActivityFactory(programme=personas.programme_p)
    with pytest.raises(services.ActivityError, match="archive it instead"):
        services.stop_offering(
            activity=activity, programme=personas.programme_p, by=personas.admin_p
        )
    assert Activity.objects.offered_by(personas.programme_p).get() == activity
