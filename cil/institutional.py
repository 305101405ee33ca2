"""Central staff link or unlink a person's institutional login at their request.

Unlinking removes the login at once. Linking cannot attach a login the portal has never seen
(its ``sub`` is known only when the person signs in), so it records a pending link: the
person's next sign-in at that provider whose institutional id equals the one staff entered is
attached to their account, once, within CIL_PENDING_LINK_DAYS. Every step is audited with the
reason staff gave, and the person is told by e-mail. Nobody does this to their own account:
they link and unlink from their own account page.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cil import audit, identity, mail
from cil.errors import UserFacingError
from cil.models import PendingInstitutionalLink, User


class LinkRefused(UserFacingError):
    """The link or unlink cannot be made; the message says why."""


def provider_name(provider_id: str) -> str:
    provider = next((p for p in settings.CIL_OIDC_PROVIDERS if p.id == provider_id), None)
    return provider.name(get_language()) if provider else provider_id


def linked_logins(user: User) -> list[dict[str, Any]]:
    """The person's institutional logins, as the staff page lists them."""
    return [
        {
            "account": account,
            "provider": provider_name(account.provider),
            "institutional_id": identity.institutional_id(account),
        }
        for account in SocialAccount.objects.filter(user=user).order_by("provider", "date_joined")
    ]


def open_links(user: User) -> QuerySet[PendingInstitutionalLink]:
    """Pending links of ``user`` that are neither used nor expired."""
    return PendingInstitutionalLink.objects.filter(
        user=user, used_at__isnull=True, expires_at__gt=timezone.now()
    )


def _refuse_own(person: User, by: User) -> None:
    if person.pk == by.pk:
        raise LinkRefused(_("Link or unlink your own institutional logins from your account page."))


def _tell(person: User, template: str, **context: Any) -> None:
    mail.notify(
        user=person,
        template=f"cil/mail/{template}",
        context={"institution_name": settings.CIL_INSTITUTION_NAME, **context},
    )


@transaction.atomic
def unlink(*, account: SocialAccount, by: User, reason: str) -> None:
    """Remove ``account`` from its user. Allowed even when it was their only way in: they asked
    for it, and staff can record a new link or the person can reset a password."""
    person = User.objects.select_for_update().get(pk=account.user_id)
    _refuse_own(person, by)
    if not reason.strip():
        raise LinkRefused(_("Give the reason for unlinking."))
    provider = account.provider
    audit.record(
        actor=by,
        action="account.institutional_unlinked",
        target=person,
        subject=person,
        comment=reason.strip(),
        data={"provider": provider},
    )
    account.delete()
    _tell(person, "institutional_unlinked", provider=provider_name(provider), by=by)


@transaction.atomic
def record_link(
    *, person: User, provider: str, institutional_id: str, by: User, reason: str
) -> PendingInstitutionalLink:
    """Record that ``person``'s next sign-in at ``provider`` as ``institutional_id`` is theirs."""
    person = User.objects.select_for_update().get(pk=person.pk)
    _refuse_own(person, by)
    if not reason.strip():
        raise LinkRefused(_("Give the reason for linking."))
    if provider not in {p.id for p in settings.CIL_OIDC_PROVIDERS}:
        raise LinkRefused(_("Choose one of the institutional sign-ins."))
    iid = institutional_id.strip().lower()
    if _already_linked(provider, iid):
        raise LinkRefused(
            _("This institutional login is already linked to an account: unlink it there first.")
        )
    waiting = PendingInstitutionalLink.objects.filter(
        provider=provider,
        institutional_id=iid,
        used_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    if waiting.exclude(user=person).exists():
        raise LinkRefused(
            _("A link for this institutional login is already waiting for another account.")
        )
    waiting.delete()  # the same request again: the new one replaces it, with a new expiry
    link = PendingInstitutionalLink.objects.create(
        user=person,
        provider=provider,
        institutional_id=iid,
        created_by=by,
        expires_at=timezone.now() + timedelta(days=settings.CIL_PENDING_LINK_DAYS),
    )
    audit.record(
        actor=by,
        action="account.institutional_link_recorded",
        target=person,
        subject=person,
        comment=reason.strip(),
        data={"provider": provider, "pending_link": link.pk},
    )
    _tell(
        person,
        "institutional_link_recorded",
        provider=provider_name(provider),
        by=by,
        expires_at=link.expires_at,
    )
    return link


def _already_linked(provider: str, iid: str) -> bool:
    """Is a login at ``provider`` with this institutional id linked to some account?"""
    claim = next(
        (p.institutional_id_claim for p in settings.CIL_OIDC_PROVIDERS if p.id == provider), ""
    )
    candidates = SocialAccount.objects.filter(provider=provider).filter(
        Q(extra_data__userinfo__has_key=claim)
        | Q(extra_data__id_token__has_key=claim)
        | Q(extra_data__has_key=claim)
    )
    return any(identity.institutional_id(account).lower() == iid for account in candidates)


def claim_pending_link(*, account: SocialAccount) -> User | None:
    """The account that a pending link gives this new institutional login, if any; the link is
    used up. Call it inside the transaction that attaches the login."""
    iid = identity.institutional_id(account).strip().lower()
    if not iid:
        return None
    link = (
        PendingInstitutionalLink.objects.select_for_update()
        .filter(
            provider=account.provider,
            institutional_id=iid,
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("user")
        .order_by("-created_at")
        .first()
    )
    if link is None or not link.user.is_active:
        return None
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    audit.record(
        actor=None,
        action="account.institutional_link_used",
        target=link.user,
        subject=link.user,
        data={"provider": account.provider, "pending_link": link.pk},
    )
    return link.user
