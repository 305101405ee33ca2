from __future__ import annotations

import re

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
