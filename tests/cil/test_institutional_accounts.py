"""Central staff link or unlink a person's institutional login at their request, and
institutional sign-ins live under the same session rules as any other. The sign-in goes
through a real OpenID provider on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.utils import timezone

from cil.models import AuditEvent, PendingInstitutionalLink
from tests.factories import UserFactory
from tests.support.clients import client_for
from tests.support.oidc import RunningProvider, feide_user, running_provider, use_providers

KARI_SUB = "76a7a061-kari"
KARI_EMAIL = "kari.nordmann@oslomet.no"
KARI_EPPN = "karinor@oslomet.no"


@pytest.fixture
def feide(settings) -> Iterator[RunningProvider]:
    kari = feide_user(KARI_SUB, "Kari Nordmann", KARI_EMAIL, KARI_EPPN)
    with running_provider(kari) as provider:
        use_providers(settings, provider.config("feide", {"en": "Feide", "nb": "Feide"}))
        yield provider


def sign_in_at_feide(client: Client) -> str:
    """Sign in as Kari at the provider; returns where the portal sends the browser next."""
    start = client.post("/accounts/oidc/feide/login/", {"process": "login"})
    answer = requests.post(
        start["Location"], data={"sub": KARI_SUB}, allow_redirects=False, timeout=10
    )
    back = urlsplit(answer.headers["Location"])
    done = client.get(f"{back.path}?{back.query}")
    return done.get("Location") or str(done.status_code)


@pytest.mark.django_db(transaction=True)
def test_a_recorded_link_brings_the_next_sign_in_to_the_existing_account(
    feide, django_capture_on_commit_callbacks
) -> None:
    central = UserFactory(is_central_staff=True)
    kari = UserFactory(email=KARI_EMAIL, full_name="Kari Nordmann")  # an old password account
    staff = client_for(central)

    # Without a link, her institutional sign-in is refused: her e-mail is taken.
    refused = Client()
    sign_in_at_feide(refused)
    assert "_auth_user_id" not in refused.session
    assert not SocialAccount.objects.exists()

    page = staff.get(f"/staff/people/{kari.pk}/sign-in/").content.decode()
    assert "No institutional login is linked" in page
    response = staff.post(
        f"/staff/people/{kari.pk}/sign-in/link/",
        {"provider": "feide", "institutional_id": " KariNor@oslomet.no ", "reason": ""},
    )
    assert response.status_code == 400  # the reason is required
    response = staff.post(
        f"/staff/people/{kari.pk}/sign-in/link/",
        {
            "provider": "feide",
            "institutional_id": " KariNor@oslomet.no ",
            "reason": "Asked at the desk.",
        },
    )
    assert response.status_code == 302
    link = PendingInstitutionalLink.objects.get()
    assert (link.user, link.institutional_id) == (kari, KARI_EPPN)
    assert link.expires_at > timezone.now() + timedelta(days=13)
    event = AuditEvent.objects.get(action="account.institutional_link_recorded")
    assert (event.actor, event.subject, event.comment) == (central, kari, "Asked at the desk.")
    assert KARI_EPPN not in str(event.data)

    client = Client()
    sign_in_at_feide(client)
    assert client.session["_auth_user_id"] == str(kari.pk)
    account = SocialAccount.objects.get(provider="feide", uid=KARI_SUB)
    assert account.user == kari
    link.refresh_from_db()
    assert link.used_at is not None
    assert AuditEvent.objects.filter(
        action="account.institutional_link_used", subject=kari
    ).exists()

    # The page lists the login, with its institutional id, and unlinks it with a reason.
    page = staff.get(f"/staff/people/{kari.pk}/sign-in/").content.decode()
    assert KARI_EPPN in page
    unlink = f"/staff/people/{kari.pk}/sign-in/{account.pk}/unlink/"
    assert "Unlinking is still allowed" not in staff.get(unlink).content.decode()  # a password
    assert staff.post(unlink, {"reason": ""}).status_code == 400
    assert SocialAccount.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(unlink, {"reason": "Left the university."})
    assert response.status_code == 302
    assert not SocialAccount.objects.exists()
    event = AuditEvent.objects.get(action="account.institutional_unlinked")
    assert (event.actor, event.comment, event.data) == (
        central,
        "Left the university.",
        {"provider": "feide"},
    )


@pytest.mark.django_db
def test_unlinking_the_only_way_in_is_allowed_and_the_page_says_so(
    django_capture_on_commit_callbacks,
) -> None:
    central = UserFactory(is_central_staff=True)
    person = UserFactory()
    person.set_unusable_password()
    person.save()
    account = SocialAccount.objects.create(user=person, provider="feide", uid="s", extra_data={})
    staff = client_for(central)
    unlink = f"/staff/people/{person.pk}/sign-in/{account.pk}/unlink/"
    assert "only way in" in staff.get(unlink).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(unlink, {"reason": "Asked by e-mail."})
    assert not SocialAccount.objects.exists()
    (message,) = mail.outbox
    assert message.to == [person.email]
    assert "unlinked" in message.subject


@pytest.mark.django_db
def test_central_staff_cannot_act_on_their_own_account(settings) -> None:
    central = UserFactory(is_central_staff=True)
    account = SocialAccount.objects.create(user=central, provider="feide", uid="own", extra_data={})
    staff = client_for(central)
    page = staff.get(f"/staff/people/{central.pk}/sign-in/").content.decode()
    assert "This is your own account" in page
    staff.post(f"/staff/people/{central.pk}/sign-in/{account.pk}/unlink/", {"reason": "Mine."})
    assert SocialAccount.objects.filter(pk=account.pk).exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_only_central_staff_open_the_pages() -> None:
    person = UserFactory()
    assert client_for(UserFactory()).get(f"/staff/people/{person.pk}/sign-in/").status_code == 403
    found = client_for(UserFactory(is_central_staff=True)).get(
        "/staff/people/", {"q": person.email[:6]}
    )
    assert f"/staff/people/{person.pk}/sign-in/" in found.content.decode()


# --- Sessions ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_institutional_sign_in_is_listed_and_ends_when_idle(feide) -> None:
    client = Client(HTTP_USER_AGENT="Kari's phone")
    sign_in_at_feide(client)  # a new account
    assert "_auth_user_id" in client.session
    sessions = client.get("/accounts/sessions/").content.decode()
    assert "Kari&#x27;s phone" in sessions or "Kari's phone" in sessions
    expires = Session.objects.get(pk=client.session.session_key).expire_date
    assert abs(expires - (timezone.now() + timedelta(hours=8))) < timedelta(minutes=1)
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert client.get("/portfolio/")["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_the_sign_out_page_says_the_institution_session_stays() -> None:
    page = client_for(UserFactory()).get("/accounts/logout/").content.decode()
    assert "ends your session on this portal only" in page
    assert "close the browser" in page
