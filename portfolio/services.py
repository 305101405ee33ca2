"""Every change to enrolments and portfolios goes through here.

Each function checks that the actor may do it and that the object is in a state that allows
it, locks what it changes, saves in one transaction and records an audit event. A refused move
raises ``PortfolioError`` with a message for the user. Files are written through Django's
storage API; if anything fails after a file is written, the file is removed again, so a failed
upload leaves nothing behind.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Activity, StudyProgramme
from cil import audit, files
from cil.errors import UserFacingError
from cil.identity import affiliations
from cil.models import User
from portfolio import uploads, workflow
from portfolio.models import DiaryNote, Enrolment, Entry, Evidence, Reflection

ENTRY_FIELDS = (
    "activity",
    "started_on",
    "ended_on",
    "country",
    "city",
    "host",
    "description",
    "engagements",
)


def student_affiliations(student: User) -> frozenset[str]:
    """What the student's institutional logins say they are (student, staff …), together."""
    from allauth.socialaccount.models import SocialAccount

    found: frozenset[str] = frozenset()
    for account in SocialAccount.objects.filter(user=student):
        found |= affiliations(account)
    return found


class PortfolioError(UserFacingError):
    """A change that is not allowed now; the message is for the user."""


# --- Enrolment -------------------------------------------------------------------------------


@transaction.atomic
def enrol(
    *, student: User, programme: StudyProgramme, expected_term: str, expected_year: int
) -> Enrolment:
    """Sign a student up. The programme's current rules are kept with the enrolment."""
    programme = StudyProgramme.objects.select_for_update().get(pk=programme.pk)
    if not programme.signup_open:
        raise PortfolioError(
            _("%(programme)s is not open for sign-up.") % {"programme": programme.name}
        )
    if Enrolment.objects.active().filter(student=student, programme=programme).exists():
        raise PortfolioError(
            _("You have already signed up in %(programme)s.") % {"programme": programme.name}
        )
    required = set(programme.signup_affiliations or [])
    if required and not required & student_affiliations(student):
        raise PortfolioError(
            _(
                "%(programme)s is open to %(affiliations)s only, and none of your institutional "
                "logins says you are one. Sign in through your institution (link its login from "
                "your account page), or ask the programme's administrators."
            )
            % {
                "programme": programme.name,
                "affiliations": ", ".join(programme.signup_affiliation_labels),
            }
        )
    enrolment = Enrolment.objects.create(
        student=student,
        programme=programme,
        rules=programme.ruleset().to_dict(),
        expected_term=expected_term,
        expected_year=expected_year,
        terms_accepted_at=timezone.now(),
    )
    audit.record(
        actor=student,
        action="enrolment.created",
        target=enrolment,
        to_state=enrolment.status,
        subject=student,
    )
    return enrolment


@transaction.atomic
def withdraw(*, enrolment: Enrolment, by: User, reason: str = "") -> Enrolment:
    """Leave the certificate. The enrolment and the portfolio are kept, marked withdrawn."""
    locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if locked.student_id != by.pk:
        raise PermissionDenied
    if locked.status != Enrolment.Status.ACTIVE:
        raise PortfolioError(_("You have already withdrawn from this certificate."))
    locked.status = Enrolment.Status.WITHDRAWN
    locked.withdrawn_at = timezone.now()
    locked.withdrawal_reason = reason.strip()
    locked.save(update_fields=["status", "withdrawn_at", "withdrawal_reason"])
    audit.record(
        actor=by,
        action="enrolment.withdrawn",
        target=locked,
        from_state="active",
        to_state=locked.status,
        comment=locked.withdrawal_reason,
        subject=locked.student,
    )
    return locked


# --- Entries ---------------------------------------------------------------------------------


def _lock_editable(entry: Entry, by: User) -> Entry:
    locked = (
        Entry.objects.select_for_update().select_related("enrolment", "activity").get(pk=entry.pk)
    )
    if locked.enrolment.student_id != by.pk:
        raise PermissionDenied
    if not locked.enrolment.is_active:
        raise PortfolioError(
            _("You have withdrawn from this certificate, so the portfolio is read-only.")
        )
    if not locked.is_editable:
        raise PortfolioError(
            _("This activity is %(status)s and cannot be changed now.")
            % {"status": locked.get_status_display()}
        )
    return locked


def _check_activity(enrolment: Enrolment, activity: Activity) -> None:
    allowed = Activity.objects.available_to(enrolment.student, enrolment.programme).filter(
        pk=activity.pk
    )
    if not allowed.exists():
        raise PortfolioError(_("Choose an activity from your programme's catalogue."))


def _check_dates(values: dict[str, Any]) -> None:
    ended = values.get("ended_on")
    if ended and ended < values["started_on"]:
        raise PortfolioError(_("The activity cannot end before it starts."))


@transaction.atomic
def create_entry(*, enrolment: Enrolment, by: User, values: dict[str, Any]) -> Entry:
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.student_id != by.pk:
        raise PermissionDenied
    if not enrolment.is_active:
        raise PortfolioError(
            _("You have withdrawn from this certificate, so the portfolio is read-only.")
        )
    _check_activity(enrolment, values["activity"])
    _check_dates(values)
    entry = Entry.objects.create(
        enrolment=enrolment, **{k: values[k] for k in ENTRY_FIELDS if k in values}
    )
    audit.record(actor=by, action="entry.created", target=entry, to_state=entry.status, subject=by)
    return entry


@transaction.atomic
def update_entry(*, entry: Entry, by: User, values: dict[str, Any]) -> Entry:
    locked = _lock_editable(entry, by)
    if values.get("activity") and values["activity"].pk != locked.activity_id:
        _check_activity(locked.enrolment, values["activity"])
    _check_dates({**{k: getattr(locked, k) for k in ("started_on", "ended_on")}, **values})
    changed = [k for k in ENTRY_FIELDS if k in values and getattr(locked, k) != values[k]]
    for name in changed:
        setattr(locked, name, values[name])
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
    return locked


@transaction.atomic
def delete_entry(*, entry: Entry, by: User) -> None:
    """Only a draft can be deleted; its files go with it once the deletion commits."""
    locked = _lock_editable(entry, by)
    if locked.status != Entry.Status.DRAFT:
        raise PortfolioError(_("Only a draft can be deleted."))
    names = [n for ev in locked.evidence.all() for n in (ev.file.name, ev.thumbnail.name) if n]
    audit.record(
        actor=by,
        action="entry.deleted",
        target=locked,
        from_state=locked.status,
        subject=by,
        data={"activity": locked.activity_id},
    )
    locked.delete()
    transaction.on_commit(lambda: _delete_files(names))


def submission_problems(entry: Entry) -> list[str]:
    """What must be done before the entry can be submitted for approval (empty when ready).
    Reads the evidence and reflection the entry was loaded with, if it was (the entry page)."""
    problems = []
    if not entry.evidence.exists():
        problems.append(
            _("Upload at least one piece of evidence: a proof of participation or a photo.")
        )
    reflection = _reflection_of(entry)
    if reflection is None or not reflection.is_complete:
        problems.append(_("Answer every reflection question."))
    return problems


def submit_entry(*, entry: Entry, by: User) -> Entry:
    """Send the entry to the certificate administrators. It is read-only until returned."""
    if entry.enrolment.student_id != by.pk:
        raise PermissionDenied
    with transaction.atomic():
        # Checked under the entry's lock, which deleting evidence also takes: a file deleted
        # in another request at the same moment is either seen here or waits for the move.
        locked = Entry.objects.select_for_update(of=("self",)).get(pk=entry.pk)
        problems = submission_problems(locked)
        if problems:
            raise PortfolioError(" ".join(problems))
        try:
            return workflow.transition(entry=locked, by=by, action=workflow.EntryAction.SUBMIT)
        except workflow.WorkflowError as error:
            raise PortfolioError(str(error)) from error


# --- Diary and reflection --------------------------------------------------------------------


@transaction.atomic
def add_note(*, entry: Entry, by: User, written_on: date, text: str) -> DiaryNote:
    locked = _lock_editable(entry, by)
    if not text.strip():
        raise PortfolioError(_("Write something in the note."))
    return DiaryNote.objects.create(entry=locked, written_on=written_on, text=text.strip())


@transaction.atomic
def delete_note(*, note: DiaryNote, by: User) -> None:
    _lock_editable(note.entry, by)
    note.delete()


@transaction.atomic
def save_reflection(*, entry: Entry, by: User, answers: list[str]) -> Reflection:
    """Save the answers, with a copy of the questions they answer."""
    locked = _lock_editable(entry, by)
    existing = Reflection.objects.filter(entry=locked).first()
    questions = (
        existing.answers
        if existing and existing.answers
        else locked.enrolment.programme.activity_questions
    )
    if len(answers) != len(questions):
        raise PortfolioError(_("Answer each question in its own box."))
    data = [
        {"en": q["en"], "nb": q.get("nb", ""), "answer": a.strip()}
        for q, a in zip(questions, answers, strict=True)
    ]
    reflection, _created = Reflection.objects.update_or_create(
        entry=locked, defaults={"answers": data}
    )
    return reflection


def _reflection_of(entry: Entry) -> Reflection | None:
    """The entry's reflection: the one it was loaded with (``select_related``), else read."""
    if Entry.reflection.is_cached(entry):
        return getattr(entry, "reflection", None)  # None: loaded, and there is none
    return Reflection.objects.filter(entry=entry).first()


def reflection_questions(entry: Entry) -> list[dict[str, str]]:
    """The questions this entry's reflection answers: its own copy, or the programme's now.
    Reads the reflection the entry was loaded with, if it was (``select_related``)."""
    existing = _reflection_of(entry)
    if existing and existing.answers:
        answers: list[dict[str, str]] = existing.answers
        return answers
    return [{**q, "answer": ""} for q in entry.enrolment.programme.activity_questions]


# --- Evidence --------------------------------------------------------------------------------


def used_bytes(student: User) -> int:
    return (
        Evidence.objects.filter(entry__enrolment__student=student).aggregate(total=Sum("size"))[
            "total"
        ]
        or 0
    )


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _store(content: File[bytes], *, student: User, extension: str) -> str:
    # A generated, unguessable name in a folder per student; the original name is only shown.
    name = f"evidence/{student.pk}/{uuid.uuid4().hex}{extension}"
    return default_storage.save(name, content)


def add_evidence(
    *, entry: Entry, by: User, upload: UploadedFile[bytes], kind: str, caption: str = ""
) -> Evidence:
    """Check the file by its bytes, clean photos, store it privately and record it.

    Nothing is half-stored: the files are written first and deleted again if the database
    transaction does not commit.
    """
    inspected = uploads.inspect_upload(upload)  # raises UploadRejected with the user's message
    quota = settings.CIL_STUDENT_QUOTA_BYTES
    written: list[str] = []
    try:
        with transaction.atomic():
            locked = _lock_editable(entry, by)
            stored = inspected.stored
            content: File[bytes]
            thumb: File[bytes] | None
            if inspected.kind == "image":
                content, thumb = uploads.clean_image(upload)
                size = content.size
            else:
                upload.seek(0)
                content, thumb = upload, None
                size = cast(int, upload.size)  # Django's upload handlers always set it
            if used_bytes(by) + size > quota:
                raise PortfolioError(
                    _(
                        "This file would take you over your storage limit of %(quota)s. Remove "
                        "files you no longer need, or upload a smaller file."
                    )
                    % {"quota": filesizeformat(quota)}
                )
            sha256 = files.sha256_of(content)
            name = _store(content, student=by, extension=stored.extension)
            written.append(name)
            thumb_name = thumb_sha256 = ""
            if thumb is not None:
                thumb_sha256 = files.sha256_of(thumb)
                thumb_name = _store(thumb, student=by, extension=uploads.STORED_PHOTO.extension)
                written.append(thumb_name)
            evidence = Evidence.objects.create(
                entry=locked,
                kind=Evidence.Kind.PROOF if inspected.kind == "pdf" else kind,
                file=name,
                thumbnail=thumb_name,
                content_type=stored.content_type,
                original_name=uploads.display_name(upload.name or ""),
                size=size,
                sha256=sha256,
                thumbnail_sha256=thumb_sha256,
                caption=caption.strip(),
            )
            audit.record(
                actor=by,
                action="evidence.added",
                target=locked,
                subject=by,
                data={"evidence": evidence.pk},
            )
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    return evidence


@transaction.atomic
def delete_evidence(*, evidence: Evidence, by: User) -> None:
    _lock_editable(evidence.entry, by)
    names = [n for n in (evidence.file.name, evidence.thumbnail.name) if n]
    evidence.delete()
    audit.record(actor=by, action="evidence.deleted", target=evidence.entry, subject=by)
    transaction.on_commit(lambda: _delete_files(names))
