"""Undoing a change of the primary e-mail address, from the notice the old address received.

A thief with a stolen session can add their own address, make it primary and then reset the
password. The notice to the old address carries a signed link, valid for
CIL_EMAIL_CHANGE_UNDO_HOURS, that makes the old address primary again, removes the new one and
signs out every session of the account; the owner then chooses a new password.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse

from cil import audit
from cil.models import User

UNDO_SALT = "cil.accounts.email_change_undo"


class UndoRefused(Exception):
    """The link is forged, expired, already used, or the account has changed since."""


def email_change_undo_url(*, user: Any, from_email: str, to_email: str) -> str:
    key = signing.dumps(
        {"user": user.pk, "from": from_email, "to": to_email}, salt=UNDO_SALT, compress=True
    )
    return str(settings.SITE_URL) + reverse("account_email_undo", kwargs={"key": key})


def read_undo_key(key: str) -> dict[str, Any]:
    """What the link undoes, if it is genuine, younger than CIL_EMAIL_CHANGE_UNDO_HOURS, and
    the change it names is still the account's latest (not changed again, not undone)."""
    try:
        change: dict[str, Any] = signing.loads(
            key, salt=UNDO_SALT, max_age=timedelta(hours=settings.CIL_EMAIL_CHANGE_UNDO_HOURS)
        )
    except signing.BadSignature as exc:  # SignatureExpired is one, too
        raise UndoRefused from exc
    if not _is_latest(change):
        raise UndoRefused
    return change


def _is_latest(change: dict[str, Any]) -> bool:
    return bool(
        EmailAddress.objects.filter(
            user_id=change["user"], primary=True, email__iexact=change["to"]
        ).exists()
    )


def undo_email_change(*, key: str) -> User:
    """Make the old address primary again, remove the new one and end every session."""
    change = read_undo_key(key)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=change["user"]).first()
        # Checked again under the lock: two clicks at once undo once.
        if user is None or not _is_latest(change):
            raise UndoRefused
        current = EmailAddress.objects.get(user=user, primary=True)
        if EmailAddress.objects.filter(email__iexact=change["from"]).exclude(user=user).exists():
            raise UndoRefused  # removed since, and taken by another account
        old = EmailAddress.objects.filter(user=user, email__iexact=change["from"]).first()
        if old is None:
            old = EmailAddress(user=user, email=change["from"])
        # The link reached this mailbox, which proves it is the owner's.
        old.verified = True
        old.save()
        old.set_as_primary()
        current.delete()
        audit.record(
            actor=None,
            action="account.email_change_undone",
            target=user,
            subject=user,
            from_state=change["to"],
            to_state=change["from"],
        )
        for session in UserSession.objects.filter(user=user):
            session.end()
    user.refresh_from_db()
    return user
