"""Share links: a student shows employers their diploma and what they chose of the portfolio.

The token in a link's address is never stored. Each link has a random ``key`` (32 random
bytes); its token is ``salted_hmac(SALT, key)`` under SECRET_KEY, and the table keeps only the
token's SHA-256, by which a visit finds the link. So the student can copy the link and show
its QR code again at any time (the token is derived again), while a copy of the database alone
gives no working address. Changing SECRET_KEY ends every share link (students make new ones).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import segno
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from certificates.models import Diploma, ShareLink
from cil import audit
from cil.errors import UserFacingError
from cil.models import User
from portfolio.models import Enrolment, Entry, Evidence, Reflection

SALT = "cil.certificates.share-link"
DEFAULT_DAYS = 90
MAX_DAYS = 365


class SharingError(UserFacingError):
    """A share link that cannot be made as asked."""


def token_for(link: ShareLink) -> str:
    """The token of the link's address: 43 URL-safe characters, like token_urlsafe(32)."""
    digest = salted_hmac(SALT, link.key, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def share_url(link: ShareLink) -> str:
    site_url: str = settings.SITE_URL
    return site_url + reverse("certificates:shared", args=[token_for(link)])


def qr_svg(link: ShareLink) -> str:
    """The link's address as an inline SVG QR code (nothing is fetched to draw it)."""
    svg: str = segno.make(share_url(link), error="m").svg_inline(
        scale=4, border=2, title=_("QR code of the link"), omitsize=False
    )
    return svg


# --- What may be shared ----------------------------------------------------------------------


def approved_entries(enrolment: Enrolment) -> QuerySet[Entry]:
    return Entry.objects.filter(enrolment=enrolment, status=Entry.Status.APPROVED)


def shareable_reflections(enrolment: Enrolment) -> QuerySet[Reflection]:
    """Reflections on approved activities: one per entry."""
    return (
        Reflection.objects.filter(entry__in=approved_entries(enrolment))
        .select_related("entry__activity")
        .order_by("entry__started_on", "entry__pk")
    )


def shareable_photos(enrolment: Enrolment) -> QuerySet[Evidence]:
    """Photos of approved activities (never proofs of participation)."""
    return (
        Evidence.objects.filter(entry__in=approved_entries(enrolment), kind=Evidence.Kind.PHOTO)
        .select_related("entry__activity")
        .order_by("entry__started_on", "entry__pk", "pk")
    )


def current_diploma(enrolment: Enrolment) -> Diploma | None:
    """The valid diploma, or else the latest revoked one (which a shared page must name)."""
    diplomas = sorted(enrolment.diplomas.all(), key=lambda d: (d.is_valid, d.issued_at, d.pk))
    return diplomas[-1] if diplomas else None


def may_share(enrolment: Enrolment) -> bool:
    """A diploma, or at least one approved activity, is something to show."""
    return enrolment.diplomas.exists() or approved_entries(enrolment).exists()


# --- Writes -----------------------------------------------------------------------------------


def create_link(
    *,
    enrolment: Enrolment,
    by: User,
    label: str,
    language: str,
    expires_on: datetime.date,
    show_activities: bool,
    reflections: Iterable[Reflection] = (),
    photos: Iterable[Evidence] = (),
) -> ShareLink:
    """A new link on the student's own enrolment, showing only what they chose."""
    if enrolment.student_id != by.pk:
        raise SharingError(_("Only the student shares their own certificate."))
    if not may_share(enrolment):
        raise SharingError(
            _("There is nothing to share yet: a link needs a diploma or an approved activity.")
        )
    today = timezone.localdate()
    if not today < expires_on <= today + datetime.timedelta(days=MAX_DAYS):
        raise SharingError(_("A link is shared from tomorrow up to one year ahead."))
    reflections, photos = list(reflections), list(photos)
    # Only what is shareable on this enrolment: a forged form names nothing else.
    allowed_reflections = set(shareable_reflections(enrolment).values_list("pk", flat=True))
    allowed_photos = set(shareable_photos(enrolment).values_list("pk", flat=True))
    if any(r.pk not in allowed_reflections for r in reflections) or any(
        p.pk not in allowed_photos for p in photos
    ):
        raise SharingError(_("Only reflections and photos of approved activities can be shared."))
    with transaction.atomic():
        link = ShareLink(
            enrolment=enrolment,
            label=label,
            language=language,
            expires_on=expires_on,
            show_activities=show_activities,
        )
        link.token_hash = hash_token(token_for(link))
        link.save()
        link.reflections.set(reflections)
        link.photos.set(photos)
        # Seen by the student alone: no programme is named, so staff do not read it.
        audit.record(actor=by, action="share_link.created", target=link, subject=by)
    return link


def revoke_link(*, link: ShareLink, by: User) -> None:
    """Stop sharing at once; a second click changes nothing."""
    with transaction.atomic():
        locked = ShareLink.objects.select_for_update().get(pk=link.pk)
        if locked.revoked_at is not None:
            return
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit.record(actor=by, action="share_link.revoked", target=locked, subject=by)
    link.revoked_at = locked.revoked_at


# --- Reads ------------------------------------------------------------------------------------


def live_links() -> QuerySet[ShareLink]:
    return ShareLink.objects.filter(revoked_at__isnull=True, expires_on__gte=timezone.localdate())


# What a visit reads of the link, its enrolment, the holder and the programme (not the
# holder's password hash or the enrolment's rules, say).
_LINK_FIELDS = (
    *(f.name for f in ShareLink._meta.concrete_fields),
    "enrolment__id",
    "enrolment__student_id",
    "enrolment__programme_id",
    "enrolment__student__id",
    "enrolment__student__full_name",
    "enrolment__programme__id",
    "enrolment__programme__name_en",
    "enrolment__programme__name_nb",
)
# What the shared page shows of each (ordering and the template read nothing else).
_DIPLOMA_FIELDS = ("enrolment_id", "number", "code", "content", "issued_at", "revoked_at")
_ACTIVITY_FIELDS = ("activity__title_en", "activity__title_nb", "activity__location")
_ENTRY_FIELDS = ("enrolment_id", "activity_id", "status", "started_on", "ended_on")


def find_link(token: str, *, for_page: bool = False) -> ShareLink | None:
    """The live link with this token, or None: unknown, expired and stopped look the same.

    For the shared page (``for_page``) the link also says whether any reflection or photo was
    chosen: a link that shows none (most show the diploma and the activities) then needs no
    query for them.
    """
    if not token or len(token) > 100:
        return None
    # The holder's name and the programme come with the link: the shared page reads them.
    links = (
        live_links()
        .filter(token_hash=hash_token(token))
        .select_related("enrolment__student", "enrolment__programme")
        .only(*_LINK_FIELDS)
    )
    if for_page:
        links = links.annotate(
            any_reflections=Exists(
                ShareLink.reflections.through.objects.filter(sharelink_id=OuterRef("pk"))
            ),
            any_photos=Exists(ShareLink.photos.through.objects.filter(sharelink_id=OuterRef("pk"))),
        )
    return links.first()


def count_view(link: ShareLink) -> None:
    """One more view, counted in the database (two visits at once make two)."""
    ShareLink.objects.filter(pk=link.pk).update(
        view_count=F("view_count") + 1, last_viewed_at=timezone.now()
    )


@dataclass(frozen=True)
class SharedPage:
    """Exactly what a link shows."""

    link: ShareLink
    holder: str
    programme: dict[str, str]
    diploma: Diploma | None
    activities: list[Entry]
    reflections: list[Reflection]
    photos: list[Evidence]


def shared_page(link: ShareLink) -> SharedPage:
    """What the link shows now, in a fixed number of queries.

    The link comes from ``find_link``, with its enrolment, holder and programme. Reflections and
    photos are the chosen ones still on an approved activity of the enrolment (an entry could
    be reopened later), filtered by a join rather than a subquery of the approved entries.
    """
    enrolment = link.enrolment
    diplomas = list(Diploma.objects.filter(enrolment_id=enrolment.pk).only(*_DIPLOMA_FIELDS))
    diploma = max(diplomas, key=lambda d: (d.is_valid, d.issued_at, d.pk)) if diplomas else None
    activities = (
        list(
            approved_entries(enrolment)
            .select_related("activity")
            .only(*_ENTRY_FIELDS, *_ACTIVITY_FIELDS)
            .order_by("started_on", "pk")
        )
        if link.show_activities
        else []
    )
    # A link that did not come from find_link(..., for_page=True) says nothing of its choices.
    on_approved = {"entry__enrolment_id": enrolment.pk, "entry__status": Entry.Status.APPROVED}
    entry_fields = [f"entry__{name}" for name in (*_ENTRY_FIELDS, *_ACTIVITY_FIELDS)]
    reflections = list(
        link.reflections.filter(**on_approved)
        .select_related("entry__activity")
        .only("entry_id", "answers", *entry_fields)
        .order_by("entry__started_on", "entry__pk")
        if getattr(link, "any_reflections", True)
        else ()
    )
    photos = list(
        link.photos.filter(kind=Evidence.Kind.PHOTO, **on_approved)
        .select_related("entry__activity")
        .only("entry_id", "kind", "caption", *entry_fields)
        .order_by("entry__started_on", "entry__pk", "pk")
        if getattr(link, "any_photos", True)
        else ()
    )
    programme = enrolment.programme
    return SharedPage(
        link=link,
        holder=enrolment.student.full_name,
        programme={"en": programme.name_en, "nb": programme.name_nb or programme.name_en},
        diploma=diploma,
        activities=activities,
        reflections=reflections,
        photos=photos,
    )


def shared_photo(link: ShareLink, pk: int) -> Evidence | None:
    """A photo the link shows, or None."""
    return link.photos.filter(
        pk=pk, kind=Evidence.Kind.PHOTO, entry__in=approved_entries(link.enrolment)
    ).first()


def links_of(enrolment: Enrolment) -> list[ShareLink]:
    """The student's links on an enrolment, newest first, with what each shows."""
    return list(
        ShareLink.objects.filter(enrolment=enrolment).prefetch_related(
            Prefetch("reflections", queryset=Reflection.objects.only("pk")),
            Prefetch("photos", queryset=Evidence.objects.only("pk")),
        )
    )


def is_live(link: ShareLink) -> bool:
    return link.revoked_at is None and link.expires_on >= timezone.localdate()
