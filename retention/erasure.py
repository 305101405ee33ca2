"""Erasure on request: a student asks (``ask``), central staff erase after typing the
student's name or e-mail address (``erase``).

The user row is anonymised, not deleted: a kept diploma register entry points at the
enrolment, which points at the user (both PROTECT), and the request itself stays as the record
that it was carried out. Everything else that names the student is deleted, files first
collected and removed from the store once the rows are gone.
"""

from __future__ import annotations

import secrets

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from activities.models import Activity, ActivityProposal, ProgrammeRole
from activities.roles import is_central_staff
from certificates.models import Diploma
from cil import audit
from cil.errors import UserFacingError
from cil.models import AuditEvent, PendingInstitutionalLink, PrivacyAcceptance, User
from portfolio import home_cache
from portfolio.models import Enrolment, Evidence, StaffAccess
from retention.models import ErasureRequest
from retention.services import delete_files

ERASED_DOMAIN = "erased.invalid"


class ErasureError(UserFacingError):
    pass


def ask(*, user: User, reason: str = "") -> ErasureRequest:
    """The student's request; a second one while the first waits is refused."""
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        if ErasureRequest.objects.filter(user=user, status=ErasureRequest.Status.PENDING).exists():
            raise ErasureError(_("Your request is already waiting for central staff."))
        request = ErasureRequest.objects.create(user=user, reason=reason)
        audit.record(actor=user, action="account.erasure_requested", target=request, subject=user)
    return request


def confirmation_matches(user: User, typed: str) -> bool:
    typed = " ".join(typed.split()).casefold()
    return bool(typed) and typed in {
        " ".join(user.full_name.split()).casefold(),
        user.email.casefold(),
    }


def erase(
    *, request: ErasureRequest, by: User, confirmation: str, keep_register: bool
) -> ErasureRequest:
    """Erase the student of ``request``; records an audit event without personal content."""
    if not is_central_staff(by):
        raise PermissionDenied
    files: list[str] = []
    with transaction.atomic():
        request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
        student = User.objects.select_for_update().get(pk=request.user_id)
        if student.pk == by.pk:
            raise ErasureError(_("Nobody erases their own account: ask another member of staff."))
        if not request.is_pending:
            raise ErasureError(_("This request has been carried out already."))
        if not confirmation_matches(student, confirmation):
            raise ErasureError(_("Type the student's name or e-mail address exactly to confirm."))
        reference = secrets.token_hex(16)
        files = _erase_rows(student, keep_register=keep_register)
        _anonymise(student, reference)
        request.status = ErasureRequest.Status.ERASED
        request.reason = ""
        request.erased_at = timezone.now()
        request.erased_by = by
        request.register_kept = keep_register
        request.reference = reference
        request.save(
            update_fields=[
                "status",
                "reason",
                "erased_at",
                "erased_by",
                "register_kept",
                "reference",
            ]
        )
        audit.record(
            actor=by,
            action="account.erased",
            target=request,
            data={"reference": reference, "register_kept": keep_register},
        )
        transaction.on_commit(lambda: delete_files(files))
    return request


def _erase_rows(student: User, *, keep_register: bool) -> list[str]:
    """Delete every row about ``student`` but the user row; return the files to remove."""
    enrolments = Enrolment.objects.filter(student=student)
    evidence = Evidence.objects.filter(entry__enrolment__in=enrolments)
    files = [name for pair in evidence.values_list("file", "thumbnail") for name in pair]
    diplomas = Diploma.objects.filter(enrolment__in=enrolments)
    files += [name for pair in diplomas.values_list("pdf", "credential") for name in pair]
    evidence.delete()

    if keep_register:
        # The register entry (Diploma.content: name, programme, activities, number, status)
        # stays and still verifies; the student's copies (PDF, credential) go.
        diplomas.update(pdf="", credential="", sha256="", credential_sha256="")
        kept = enrolments.filter(diplomas__isnull=False).distinct()
        for enrolment in kept:
            enrolment.entries.all().delete()
            for related in ("share_links", "session_signups", "reminders"):
                getattr(enrolment, related).all().delete()
            if hasattr(enrolment, "final_report"):
                enrolment.final_report.delete()
        kept.update(withdrawal_reason="", activities_comment="", presentation_note="")
        home_cache.forget([student.pk])  # the update sends no signal
        enrolments.exclude(pk__in=kept.values("pk")).delete()
    else:
        diplomas.delete()
        enrolments.delete()

    ActivityProposal.objects.filter(student=student).delete()
    Activity.objects.filter(private_to=student).delete()
    ProgrammeRole.objects.filter(user=student).delete()
    user_type = ContentType.objects.get_for_model(User)
    AuditEvent.objects.filter(
        Q(subject=student) | Q(actor=student) | Q(content_type=user_type, object_id=str(student.pk))
    ).delete()
    PendingInstitutionalLink.objects.filter(user=student).delete()
    StaffAccess.objects.filter(student=student).delete()  # the enrolments' go with them too
    PrivacyAcceptance.objects.filter(user=student).delete()
    addresses = set(EmailAddress.objects.filter(user=student).values_list("email", flat=True))
    addresses.add(student.email)
    EmailAddress.objects.filter(user=student).delete()
    SocialAccount.objects.filter(user=student).delete()  # and its tokens
    Authenticator.objects.filter(user=student).delete()
    _end_sessions(student)
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__in=addresses).delete()
    # Mail queued for the student (sent or not): the task's arguments name them.
    for needle in (student.email, student.full_name):
        if needle:
            DBTaskResult.objects.annotate(text=Cast("args_kwargs", TextField())).filter(
                text__icontains=needle
            ).delete()
    return files


def _end_sessions(student: User) -> None:
    keys = set(UserSession.objects.filter(user=student).values_list("session_key", flat=True))
    UserSession.objects.filter(user=student).delete()
    # Sessions opened without allauth's tracking (the admin's login, tests) are found by
    # reading them: erasure is rare, and the session table is pruned daily.
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(student.pk):
            keys.add(session.session_key)
    Session.objects.filter(session_key__in=keys).delete()


def _anonymise(student: User, reference: str) -> None:
    student.email = f"erased-{reference}@{ERASED_DOMAIN}"
    student.full_name = ""
    student.set_unusable_password()
    student.is_active = False
    student.is_staff = False
    student.is_superuser = False
    student.is_central_staff = False
    student.last_login = None
    student.save()
    student.groups.clear()
    student.user_permissions.clear()
