from __future__ import annotations

import re
import time
from types import SimpleNamespace

import pytest
from django.core import mail
from django.test import Client

from cil.models import User
from tests.factories import PASSWORD, UserFactory

SIGNUP = {
    "full_name": "Ingrid Kristiansen",
    "password1": "a-long-and-unusual-passphrase",
    "password2": "a-long-and-unusual-passphrase",
}


@pytest.mark.django_db
def test_signup_needs_a_verified_email_before_login(client, settings) -> None:
    response = client.post("/accounts/signup/", {**SIGNUP, "email": "ingrid@uni.example"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="ingrid@uni.example")
    assert user.full_name == "Ingrid Kristiansen"
    assert len(mail.outbox) == 1
    # Links in mail are built from SITE_URL (tests/cil/test_mail_links.py).
    link = re.search(
        rf"{re.escape(settings.SITE_URL)}(/accounts/confirm-email/[^/\s]+/)",
        str(mail.outbox[0].body),
    )
    assert link, mail.outbox[0].body

    # Unverified: logging in sends the person back to the verification notice.
    credentials = {"login": "ingrid@uni.example", "password": SIGNUP["password1"]}
    client.post("/accounts/login/", credentials)
    assert client.get("/portfolio/").status_code == 302

    client.post(link.group(1))
    response = client.post("/accounts/login/", credentials)
    assert response["Location"] == "/home/"
    assert client.get("/portfolio/").status_code == 200


@pytest.mark.django_db
def test_signup_can_be_limited_to_institution_domains(client, settings) -> None:
    settings.CIL_SIGNUP_EMAIL_DOMAINS = ["uni.example", "student.uni.example"]
    response = client.post("/accounts/signup/", {**SIGNUP, "email": "ingrid@gmail.example"})
    assert response.status_code == 200
    assert "Use your institution e-mail address" in response.content.decode()
    assert "@uni.example, @student.uni.example" in response.content.decode()
    assert not User.objects.filter(email="ingrid@gmail.example").exists()

    response = client.post("/accounts/signup/", {**SIGNUP, "email": "ingrid@student.uni.example"})
    assert response.status_code == 302
    assert User.objects.filter(email="ingrid@student.uni.example").exists()


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account_with_a_clear_message(client, settings) -> None:
    user = UserFactory(email="target@uni.example")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/accounts/login/", {"login": user.email, "password": "wrong"})
        assert response.status_code == 200
    response = client.post("/accounts/login/", {"login": user.email, "password": "wrong"})
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed log-in attempts" in page
    assert "Try again in 30 minutes" in page

    # Locked: even the right password is refused until the lockout ends.
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_is_per_account_and_address_not_for_everyone(client, settings) -> None:
    victim = UserFactory(email="victim@uni.example")
    other = UserFactory(email="other@uni.example")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"login": victim.email, "password": "wrong"})
    response = client.post("/accounts/login/", {"login": other.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/home/"


@pytest.mark.django_db
def test_logout_is_a_post(client) -> None:
    user = UserFactory()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_sends_a_link(client) -> None:
    user = UserFactory()
    response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


@pytest.mark.django_db
def test_switching_language_is_remembered_for_mail(personas) -> None:
    client = Client()
    client.force_login(personas.student_a, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post("/i18n/setlang/", {"language": "nb", "next": "/portfolio/"})
    assert response.status_code == 302
    personas.student_a.refresh_from_db()
    assert personas.student_a.language == "nb"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/portfolio/"})
    personas.student_a.refresh_from_db()
    assert personas.student_a.language == "nb"  # an unknown language changes nothing


@pytest.mark.django_db
def test_anonymous_language_switch_still_works() -> None:
    response = Client().post("/i18n/setlang/", {"language": "nb", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "nb"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ('=HYPERLINK("http://evil.example/?x=1","click")', "web address"),
        ("Win a prize at evil.example now", "web address"),
        ("See www.evil.example", "web address"),
        ("Write to me at spam@evil.example", "web address"),
        ("Ingrid\nClick here: a prize awaits", "line breaks"),
        ("Ingrid\r\nBcc: everyone", "line breaks"),
        ("Ingrid\u202eevil", "line breaks"),  # a right-to-left override turns text around
        ("Ingrid\u200bKristiansen", "line breaks"),
        ("I" * 101, "at most 100 characters"),
    ],
)
def test_a_name_carries_no_links_line_breaks_or_long_text(client, name: str, message: str) -> None:
    response = client.post(
        "/accounts/signup/", {**SIGNUP, "full_name": name, "email": "ingrid@uni.example"}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()
    assert not mail.outbox


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    ["Ingrid Kristiansen", "J.R.R. Tolkien", "Anne-Marie O'Neil", "Åse Ødegård", "I" * 100],
)
def test_ordinary_names_are_welcome(client, name: str) -> None:
    client.post("/accounts/signup/", {**SIGNUP, "full_name": name, "email": "ingrid@uni.example"})
    assert User.objects.get().full_name == name


@pytest.mark.django_db
def test_an_account_adds_only_a_few_email_addresses_a_day(monkeypatch) -> None:
    import allauth.core.internal.ratelimit as allauth_ratelimit

    clock = {"now": 1_800_000_000.0}
    # allauth reads the wall clock for its windows: an hour and a day pass in the test.
    wall_clock = SimpleNamespace(
        time=lambda: clock["now"], monotonic=time.monotonic, sleep=time.sleep
    )
    monkeypatch.setattr(allauth_ratelimit, "time", wall_clock)
    user = UserFactory()
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    # Changing addresses asks for the password again first (re-authentication).
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    statuses = []
    for i in range(12):
        clock["now"] += 300  # spread over an hour: no per-minute limit is reached
        response = client.post(
            "/accounts/email/", {"action_add": "", "email": f"other{i}@uni.example"}
        )
        statuses.append(response.status_code)
    assert statuses == [302] * 10 + [429, 429]
    assert len(mail.outbox) == 10
    clock["now"] += 86_400  # a day later
    response = client.post("/accounts/email/", {"action_add": "", "email": "late@uni.example"})
    assert response.status_code == 302
