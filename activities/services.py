"""Every change to programmes, their rules, the catalogue and proposals goes through here.

Each function checks that the actor may do it, locks the rows it changes, saves inside one
transaction and records an audit event; an illegal move raises ``ActivityError``, which views
show as a message. Views never assign these fields themselves.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import (
    Activity,
    ActivityProposal,
    Organiser,
    ProgrammePage,
    ProgrammeRole,
    StudyProgramme,
)
from activities.roles import is_programme_admin, may_assign_roles
from cil import audit
from cil.errors import UserFacingError
from cil.mail import notify
from cil.models import User
from cil.workflow import own_row_refused

RULE_FIELDS = StudyProgramme.RULE_FIELDS
ACTIVITY_FIELDS = Activity.EDITABLE_FIELDS


class ActivityError(UserFacingError):
    """A change that is not allowed in the current state; the message is for the user."""


def _require_admin(user: User, programme: StudyProgramme) -> None:
    if not is_programme_admin(user, programme):
        raise PermissionDenied


def _rules_snapshot(programme: StudyProgramme) -> dict[str, Any]:
    return {name: getattr(programme, name) for name in RULE_FIELDS}


# --- Programme rules, questions and public page ----------------------------------------------


@transaction.atomic
def update_rules(*, programme: StudyProgramme, by: User, values: dict[str, Any]) -> list[str]:
    """Change a programme's certificate rules; returns the names of the fields that changed.

    Students who signed up earlier keep the rules recorded with their enrolment, so a change
    applies to new sign-ups only.
    """
    _require_admin(by, programme)
    locked = StudyProgramme.objects.select_for_update().get(pk=programme.pk)
    before = _rules_snapshot(locked)
    changed = [name for name in RULE_FIELDS if name in values and values[name] != before[name]]
    if not changed:
        return []
    for name in changed:
        setattr(locked, name, values[name])
    locked.ruleset()  # the engine's check: RuleError, a ValueError, names each problem
    locked.save(update_fields=changed)
    audit.record(
        actor=by,
        action="programme.rules_changed",
        target=locked,
        data={"before": {n: before[n] for n in changed}, "after": {n: values[n] for n in changed}},
    )
    for name in changed:
        setattr(programme, name, values[name])
    return changed


@transaction.atomic
def update_questions(
    *,
    programme: StudyProgramme,
    by: User,
    activity_questions: list[dict[str, str]],
    report_questions: list[dict[str, str]],
) -> None:
    """Replace the reflection questions; reflections already written keep their own copy."""
    _require_admin(by, programme)
    if not activity_questions or not report_questions:
        raise ActivityError(_("Keep at least one question of each kind."))
    locked = StudyProgramme.objects.select_for_update().get(pk=programme.pk)
    before = {"activity": locked.activity_questions, "report": locked.report_questions}
    locked.activity_questions = activity_questions
    locked.report_questions = report_questions
    locked.save(update_fields=["activity_questions", "report_questions"])
    audit.record(
        actor=by,
        action="programme.questions_changed",
        target=locked,
        data={
            "before": before,
            "after": {"activity": activity_questions, "report": report_questions},
        },
    )
    programme.activity_questions = activity_questions
    programme.report_questions = report_questions


@transaction.atomic
def update_page(*, programme: StudyProgramme, by: User, texts: dict[str, str]) -> ProgrammePage:
    """Save the Markdown of the programme's public page."""
    _require_admin(by, programme)
    page, _created = ProgrammePage.objects.select_for_update().get_or_create(programme=programme)
    changed = [name for name, value in texts.items() if getattr(page, name) != value]
    for name in changed:
        setattr(page, name, texts[name])
    if changed:
        page.save(update_fields=[*changed, "updated_at"])
        audit.record(
            actor=by, action="programme.page_changed", target=programme, data={"fields": changed}
        )
    return page


# --- Local resource group ----------------------------------------------------------------


def _require_role_granter(user: User, member: User) -> None:
    # Granting a role is a decision about who decides on students' work: superusers make it
    # (central staff where the institution allows it), and never for themselves.
    if not may_assign_roles(user):
        raise PermissionDenied
    if member.pk == user.pk:
        raise ActivityError(_("Nobody may change their own role in a local resource group."))


def _tell_administrators(member: ProgrammeRole, *, added: bool, by: User) -> None:
    """Every change of a group is mailed to the programme's administrators."""
    for admin in member.programme.staff(ProgrammeRole.Role.ADMINISTRATOR):
        notify(
            user=admin,
            template="activities/mail/group_changed",
            context={"member": member, "added": added, "by": by},
        )


@transaction.atomic
def assign_role(*, programme: StudyProgramme, user: User, role: str, by: User) -> ProgrammeRole:
    _require_role_granter(by, user)
    if role not in ProgrammeRole.Role.values:
        raise ActivityError(_("Choose administrator or reviewer."))
    # Staff decide on the programme's students: someone signed up as a student in it cannot be
    # one of them (they would decide on their own certificate).
    if programme.enrolments.active().filter(student=user).exists():
        raise ActivityError(
            _(
                "%(name)s is signed up for the certificate in %(programme)s and cannot be on its"
                " local resource group while the enrolment is active."
            )
            % {"name": user.full_name or user.email, "programme": programme.name}
        )
    member, created = ProgrammeRole.objects.get_or_create(user=user, programme=programme, role=role)
    if not created:
        raise ActivityError(
            _("%(name)s already has this role in %(programme)s.")
            % {"name": user.full_name or user.email, "programme": programme.name}
        )
    audit.record(
        actor=by,
        action="group.member_added",
        target=programme,
        to_state=role,
        subject=user,
        data={"user": user.email},
    )
    _tell_administrators(member, added=True, by=by)
    return member


@transaction.atomic
def remove_role(*, member: ProgrammeRole, by: User) -> None:
    _require_role_granter(by, member.user)
    locked = ProgrammeRole.objects.select_for_update().filter(pk=member.pk).first()
    if locked is None:
        raise ActivityError(_("This person had already left the group."))
    locked.delete()
    audit.record(
        actor=by,
        action="group.member_removed",
        target=member.programme,
        from_state=member.role,
        subject=member.user,
        data={"user": member.user.email},
    )
    _tell_administrators(member, added=False, by=by)


# --- Catalogue -------------------------------------------------------------------------------


def _offered_by(
    activity: Activity, by: User, chosen: list[StudyProgramme], responsible: StudyProgramme
) -> list[StudyProgramme]:
    """The programmes that will offer the activity.

    An administrator decides for the programmes they administer; other programmes that already
    offer the activity keep doing so. The responsible programme always offers it.
    """
    kept = (
        [p for p in activity.programmes.all() if not is_programme_admin(by, p)]
        if activity.pk
        else []
    )
    mine = [p for p in chosen if is_programme_admin(by, p)]
    result = {p.pk: p for p in [*kept, *mine, responsible]}
    return list(result.values())


@transaction.atomic
def create_activity(
    *,
    programme: StudyProgramme,
    by: User,
    values: dict[str, Any],
    offered_by: list[StudyProgramme] | None = None,
    private_to: User | None = None,
) -> Activity:
    _require_admin(by, programme)
    activity = Activity(programme=programme, created_by=by, private_to=private_to)
    for name in ACTIVITY_FIELDS:
        if name in values:
            setattr(activity, name, values[name])
    activity.full_clean(exclude=["programmes"])
    activity.save()
    activity.programmes.set(_offered_by(activity, by, offered_by or [], programme))
    audit.record(actor=by, action="activity.created", target=activity, subject=private_to)
    return activity


@transaction.atomic
def update_activity(
    *,
    activity: Activity,
    by: User,
    values: dict[str, Any],
    offered_by: list[StudyProgramme] | None = None,
) -> list[str]:
    """Edit an activity; what students already did keeps pointing at it."""
    _require_admin(by, activity.programme)
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    changed = [n for n in ACTIVITY_FIELDS if n in values and getattr(locked, n) != values[n]]
    for name in changed:
        setattr(locked, name, values[name])
    locked.full_clean(exclude=["programmes"])
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
    if offered_by is not None:
        locked.programmes.set(_offered_by(locked, by, offered_by, locked.programme))
    if changed or offered_by is not None:
        audit.record(actor=by, action="activity.changed", target=locked, data={"fields": changed})
    return changed


@transaction.atomic
def archive_activity(*, activity: Activity, by: User) -> Activity:
    """Hide an activity from new choices. It is never deleted."""
    _require_admin(by, activity.programme)
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.archived_at is not None:
        raise ActivityError(_("This activity was already archived."))
    locked.archived_at = timezone.now()
    locked.save(update_fields=["archived_at", "updated_at"])
    audit.record(
        actor=by,
        action="activity.archived",
        target=locked,
        from_state="current",
        to_state="archived",
    )
    return locked


@transaction.atomic
def restore_activity(*, activity: Activity, by: User) -> Activity:
    """Offer an archived activity again."""
    _require_admin(by, activity.programme)
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.archived_at is None:
        raise ActivityError(_("This activity is not archived."))
    locked.archived_at = None
    locked.save(update_fields=["archived_at", "updated_at"])
    audit.record(
        actor=by,
        action="activity.restored",
        target=locked,
        from_state="archived",
        to_state="current",
    )
    return locked


@transaction.atomic
def offer_activity(*, activity: Activity, programme: StudyProgramme, by: User) -> None:
    """Put another programme's activity into this programme's catalogue too.

    The responsible programme still edits and archives it; this programme's students can
    choose it from now on.
    """
    _require_admin(by, programme)
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.archived_at is not None or locked.private_to_id is not None:
        raise ActivityError(_("This activity is not in any public catalogue."))
    if locked.programmes.filter(pk=programme.pk).exists():
        raise ActivityError(_("This activity is already in your catalogue."))
    locked.programmes.add(programme)
    audit.record(
        actor=by, action="activity.offered", target=locked, data={"programme": programme.code}
    )


@transaction.atomic
def stop_offering(*, activity: Activity, programme: StudyProgramme, by: User) -> None:
    """Take another programme's activity out of this programme's catalogue again.

    Students who already chose it keep it in their portfolio.
    """
    _require_admin(by, programme)
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.programme_id == programme.pk:
        raise ActivityError(
            _("Your programme is responsible for this activity: archive it instead.")
        )
    if not locked.programmes.filter(pk=programme.pk).exists():
        raise ActivityError(_("This activity is no longer in your catalogue."))
    locked.programmes.remove(programme)
    audit.record(
        actor=by, action="activity.unoffered", target=locked, data={"programme": programme.code}
    )


# --- Proposals -------------------------------------------------------------------------------


@transaction.atomic
def propose_activity(
    *, student: User, programme: StudyProgramme, values: dict[str, Any]
) -> ActivityProposal:
    """A student proposes an activity they found; the programme's administrators are told.

    Only a student signed up for the certificate in the programme may propose to it.
    """
    if not programme.enrolments.filter(student=student, status="active").exists():
        raise ActivityError(
            _("Sign up for the certificate in %(programme)s before you propose activities to it.")
            % {"programme": programme.name}
        )
    proposal = ActivityProposal(student=student, programme=programme, **values)
    proposal.full_clean()
    proposal.save()
    audit.record(
        actor=student,
        action="proposal.submitted",
        target=proposal,
        to_state=proposal.status,
        subject=student,
    )
    for admin in programme.staff(ProgrammeRole.Role.ADMINISTRATOR):
        notify(
            user=admin,
            template="activities/mail/proposal_submitted",
            context={"proposal": proposal},
        )
    return proposal


def refuse_own_proposal(proposal: ActivityProposal, by: User) -> None:
    """Nobody decides on their own proposal, whatever roles they hold (as nobody decides on
    their own certificate: ``cil.workflow.roles_on``)."""
    if proposal.student_id == by.pk:
        raise own_row_refused()


def _lock_pending(proposal: ActivityProposal, by: User) -> ActivityProposal:
    _require_admin(by, proposal.programme)
    refuse_own_proposal(proposal, by)
    locked = (
        ActivityProposal.objects.select_for_update()
        .select_related("student", "programme")
        .get(pk=proposal.pk)
    )
    if locked.status != ActivityProposal.Status.PENDING:
        raise ActivityError(
            _("This proposal has already been decided: %(status)s.")
            % {"status": locked.get_status_display()}
        )
    return locked


def _decide(
    proposal: ActivityProposal, by: User, status: str, reason: str, activity: Activity | None
) -> None:
    from_state = proposal.status
    proposal.status = status
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    proposal.reason = reason
    proposal.activity = activity
    proposal.save(update_fields=["status", "decided_by", "decided_at", "reason", "activity"])
    audit.record(
        actor=by,
        action="proposal.decided",
        target=proposal,
        from_state=from_state,
        to_state=status,
        comment=reason,
        subject=proposal.student,
    )
    notify(
        user=proposal.student,
        template="activities/mail/proposal_decided",
        context={"proposal": proposal},
    )


@transaction.atomic
def accept_proposal(
    *,
    proposal: ActivityProposal,
    by: User,
    values: dict[str, Any],
    for_student_only: bool,
    comment: str = "",
) -> Activity:
    """Accept a proposal into the catalogue, or for the proposing student only.

    ``values`` are the activity's fields as the administrator completed them (both languages,
    evidence guidance); the new activity is the one the student's entry will point at.
    """
    locked = _lock_pending(proposal, by)
    activity = create_activity(
        programme=locked.programme,
        by=by,
        values=values,
        private_to=locked.student if for_student_only else None,
    )
    status = (
        ActivityProposal.Status.ACCEPTED_FOR_STUDENT
        if for_student_only
        else ActivityProposal.Status.ACCEPTED
    )
    _decide(locked, by, status, comment, activity)
    proposal.status = locked.status
    return activity


@transaction.atomic
def decline_proposal(*, proposal: ActivityProposal, by: User, reason: str) -> None:
    """Decline with a reason the student reads."""
    refuse_own_proposal(proposal, by)
    if not reason.strip():
        raise ActivityError(_("Say why the proposal is declined: the student will read it."))
    locked = _lock_pending(proposal, by)
    _decide(locked, by, ActivityProposal.Status.DECLINED, reason.strip(), None)
    proposal.status = locked.status


def activity_values_from_proposal(proposal: ActivityProposal) -> dict[str, Any]:
    """A first draft of the activity, for the administrator to complete before accepting."""
    description = proposal.description
    if proposal.organiser_name:
        description = f"{description}\n\n{proposal.organiser_name}"
    return {
        "title_en": proposal.title,
        "title_nb": proposal.title,
        "description_en": description,
        "description_nb": description,
        "location": proposal.location,
        "category": proposal.category,
        "organiser": proposal.organiser or Organiser.STUDENT,
    }
