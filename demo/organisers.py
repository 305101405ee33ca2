"""Organisers' confirmations and an employer share link in the demo.

Ada (Nursing) asked organisers to confirm two activities: the guest lectures were first
declined by the student association (wrong person asked) and then confirmed by the course
coordinator, with role and organisation; her planned exchange waits for an answer from Granada.
Gustav (diploma issued) shares his diploma with an employer: two reflections and a photo
chosen, and the link already viewed a few times.

Answers go through the service functions, so the audit trail and the mail to the student read
as in use. The links' tokens are made here and thrown away: nothing secret is printed or kept,
and no organiser mail with a working link is queued. Running it twice changes nothing.
"""

from __future__ import annotations

import datetime
import secrets

from django.db.models import F
from django.utils import timezone

from certificates import sharing
from certificates.models import ShareLink
from cil import audit
from cil.models import User
from demo.portfolios import add_evidence
from portfolio import confirmations
from portfolio.models import Confirmation, Enrolment, Entry

GUEST_LECTURES = "Guest lectures on global health"
EXCHANGE = "Exchange semester with clinical placement"


def _entry(student: User, title: str) -> Entry | None:
    return Entry.objects.filter(enrolment__student=student, activity__title_en=title).first()


def _answered(
    entry: Entry,
    student: User,
    *,
    name: str,
    email: str,
    confirmed: bool,
    role: str = "",
    organisation: str = "",
    comment: str = "",
) -> None:
    """Ask as the student would, then answer as the organiser would by the mailed link.

    The request's mail task, queued on commit, finds the request answered and sends nothing.
    """
    asked = confirmations.request_confirmation(
        entry=entry,
        by=student,
        organiser_name=name,
        organiser_email=email,
        message="We met at the guest lectures; could you confirm that I took part?",
        language="en",
    )
    token = secrets.token_urlsafe(32)  # stands in for the mailed link's token; never kept
    Confirmation.objects.filter(pk=asked.pk).update(token_hash=confirmations.hash_token(token))
    confirmations.answer(
        token=token, confirmed=confirmed, role=role, organisation=organisation, comment=comment
    )


def _waiting(entry: Entry, student: User, *, name: str, email: str) -> None:
    """An open request whose mail went out: written directly, so that no mail with a working
    link is queued (the demo would print it on the console)."""
    waiting = Confirmation.objects.create(
        entry=entry,
        organiser_name=name,
        organiser_email=email,
        message="Could you confirm my clinical placement when it is done?",
        language="en",
        expires_at=timezone.now() + datetime.timedelta(days=confirmations.LINK_DAYS),
        token_hash=confirmations.hash_token(secrets.token_urlsafe(32)),
    )
    audit.record(
        actor=student,
        action="entry.confirmation_requested",
        target=entry,
        to_state=waiting.status,
        subject=student,
        data={"confirmation": waiting.pk, "organiser": waiting.organiser_name},
    )


def seed_confirmations() -> None:
    ada = User.objects.filter(email="ada.student@uni.example").first()
    if ada is None or Confirmation.objects.filter(entry__enrolment__student=ada).exists():
        return
    lectures, exchange = _entry(ada, GUEST_LECTURES), _entry(ada, EXCHANGE)
    if lectures is not None and lectures.status in confirmations.ASKABLE:
        _answered(
            lectures,
            ada,
            name="Jonas Berg",
            email="jonas.berg@studentforening.example",
            confirmed=False,
            comment=(
                "The lectures were organised by the faculty, not by our association: please ask "
                "the course coordinator."
            ),
        )
        _answered(
            lectures,
            ada,
            name="Ingrid Solberg",
            email="ingrid.solberg@uni.example",
            confirmed=True,
            role="Course coordinator",
            organisation="Faculty of Health Sciences",
            comment="Ada attended all three lectures and signed the attendance list each time.",
        )
    if exchange is not None and exchange.status in confirmations.ASKABLE:
        _waiting(exchange, ada, name="Carmen Ruiz", email="carmen.ruiz@ugr.example")


def seed_share_link() -> None:
    gustav = User.objects.filter(email="gustav.student@uni.example").first()
    enrolment = (
        Enrolment.objects.filter(student=gustav, diplomas__isnull=False).first()
        if gustav is not None
        else None
    )
    if gustav is None or enrolment is None or enrolment.share_links.exists():
        return
    reflections = list(sharing.shareable_reflections(enrolment)[:2])
    if reflections and not sharing.shareable_photos(enrolment).exists():
        add_evidence(
            reflections[0].entry, gustav, photo=True, name="buddy-day", caption="Buddy day"
        )
    photos = list(sharing.shareable_photos(enrolment)[:1])
    link = sharing.create_link(
        enrolment=enrolment,
        by=gustav,
        label="Application to Oslo University Hospital",
        language=ShareLink.Language.EN,
        expires_on=timezone.localdate() + datetime.timedelta(days=sharing.DEFAULT_DAYS),
        show_activities=True,
        reflections=reflections,
        photos=photos,
    )
    # An employer has looked a few times.
    ShareLink.objects.filter(pk=link.pk).update(
        view_count=F("view_count") + 4, last_viewed_at=timezone.now() - datetime.timedelta(hours=5)
    )
