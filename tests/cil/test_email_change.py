"""Changing the sign-in address needs a recent password, tells the old address, and the old
address can undo it for 72 hours."""

from __future__ import annotations

import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.core import mail, signing
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from cil.accounts import UNDO_SALT
from cil.audit import events_for
from cil.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://cil.uni.example"
OLD = "ingrid@uni.example"
NEW = "thief@evil.example"


@pytest.fixture(autouse=True)
def _public_address(settings) -> None:
    settings.SITE_URL = SITE


def sign_in(user: User) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def path_of(link: str) -> str:
    assert link.startswith(SITE), link
    return link.removeprefix(SITE)


def mails_to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if address in m.to]


def test_an_old_session_must_give_the_password_before_adding_an_address() -> None:
    user = UserFactory(email=OLD)
    stolen = Client()
    stolen.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = stolen.post("/accounts/email/", {"action_add": "", "email": NEW})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not EmailAddress.objects.filter(email=NEW).exists()

    reauthenticate = response["Location"]
    assert stolen.post(reauthenticate, {"password": "a-guess"}).status_code == 200  # refused
    stolen.post(reauthenticate, {"password": PASSWORD})
    stolen.post("/accounts/email/", {"action_add": "", "email": NEW})
    assert EmailAddress.objects.filter(email=NEW, user=user).exists()


def test_changing_the_password_needs_the_current_one() -> None:
    # The password form asks for the current password itself: that is its re-authentication.
    user = UserFactory(email=OLD)
    stolen = Client()
    stolen.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    new = "another-long-passphrase"
    response = stolen.post(
        "/accounts/password/change/",
        {"oldpassword": "a-guess", "password1": new, "password2": new},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def take_over(user: User) -> Client:
    """What a thief who has the password does: add, confirm and make primary their address."""
    thief = sign_in(user)
    thief.post("/accounts/reauthenticate/", {"password": PASSWORD})
    thief.post("/accounts/email/", {"action_add": "", "email": NEW})
    confirmation = str(mails_to(NEW)[-1].body)
    confirm = re.search(rf"{SITE}/accounts/confirm-email/\S+/", confirmation)
    assert confirm, confirmation
    thief.post(path_of(confirm.group(0)))
    assert EmailAddress.objects.get(email=NEW).verified
    response = thief.post("/accounts/email/", {"action_primary": "", "email": NEW})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == NEW
    return thief


def test_the_old_address_hears_of_every_change_and_can_undo_the_new_primary() -> None:
    user = UserFactory(email=OLD)
    thief = take_over(user)
    told = mails_to(OLD)
    subjects = [m.subject for m in told]
    assert any("added" in s.lower() for s in subjects), subjects
    changed = [m for m in told if "changed" in m.subject.lower()]
    assert len(changed) == 1, subjects
    body = str(changed[0].body)
    assert f"from {OLD} to {NEW}" in body
    assert body.startswith(f"Hello {user.full_name},")
    undo = re.search(rf"{SITE}/accounts/email/undo/\S+/", body)
    assert undo, body
    assert "72 hours" in body

    # The thief also changes the password, which goes to their own address now.
    thief.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "thiefs-own-passphrase",
            "password2": "thiefs-own-passphrase",
        },
    )

    owner = Client()
    page = owner.get(path_of(undo.group(0)))
    assert page.status_code == 200
    assert OLD in page.content.decode()
    assert "Make it primary again" in page.content.decode()
    user.refresh_from_db()
    assert user.email == NEW  # a GET changes nothing

    response = owner.post(path_of(undo.group(0)))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == OLD
    assert EmailAddress.objects.get(user=user, primary=True).email == OLD
    assert not EmailAddress.objects.filter(email=NEW).exists()
    # Every session of the account is over; the owner is sent to choose a new password.
    assert thief.get("/portfolio/")["Location"].startswith("/accounts/login/")
    assert response["Location"] == "/accounts/password/reset/"

    # The link works once.
    page = owner.post(path_of(undo.group(0)))
    assert page.status_code == 200
    assert "no longer be used" in page.content.decode()
    assert [e.action for e in events_for(user)] == ["account.email_change_undone"]


def test_the_undo_link_expires_after_72_hours() -> None:
    user = UserFactory(email=OLD)
    take_over(user)
    body = str(next(m for m in mails_to(OLD) if "changed" in m.subject.lower()).body)
    found = re.search(rf"{SITE}/accounts/email/undo/(\S+)/", body)
    assert found, body
    token = found.group(1)
    payload = signing.loads(token, salt=UNDO_SALT)

    class SeventyThreeHoursAgo(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time()) - 73 * 3600)

    old_token = SeventyThreeHoursAgo(salt=UNDO_SALT).sign_object(payload, compress=True)
    response = Client().post(f"/accounts/email/undo/{old_token}/")
    assert response.status_code == 200
    assert "no longer be used" in response.content.decode()
    user.refresh_from_db()
    assert user.email == NEW


def test_a_forged_undo_link_does_nothing() -> None:
    user = UserFactory(email=OLD)
    take_over(user)
    forged = signing.dumps({"user": user.pk, "from": "x@evil.example", "to": NEW}, salt="other")
    response = Client().post(f"/accounts/email/undo/{forged}/")
    assert "no longer be used" in response.content.decode()
    user.refresh_from_db()
    assert user.email == NEW


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Hello Ingrid,", "72 hours", "was changed"]),
        ("nb", ["Hei Ingrid,", "72 timer", "ble endret"]),
    ],
)
def test_the_notices_read_well_in_both_languages(rf, language: str, words: list[str]) -> None:
    user = UserFactory(email=OLD, full_name="Ingrid")
    context = {
        "user": user,
        "from_email": OLD,
        "to_email": NEW,
        "undo_url": f"{SITE}/accounts/email/undo/x/",
        "undo_hours": 72,
        "ip": "203.0.113.7",
        "user_agent": "Firefox",
        "timestamp": "now",
        "site_url": SITE,
        "institution_name": "Demo University",
        "added_email": NEW,
    }
    with translation.override(language):
        subject = render_to_string("account/email/email_changed_subject.txt", context)
        body = render_to_string("account/email/email_changed_message.txt", context)
        added = render_to_string("account/email/email_added_message.txt", context)
        password = render_to_string("account/email/password_changed_message.txt", context)
    assert subject.strip()
    for word in words:
        assert word in body, body
    for text in (body, added, password):
        assert text.startswith(words[0]), text
        assert text.rstrip().endswith(f"{SITE}/"), text
