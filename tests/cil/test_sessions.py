"""Signed-in pages are never kept by caches; sessions end when idle and after a maximum age;
a signed-in user sees their sessions and ends the others."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from cil.sessions import RENEWED_AT, SIGNED_IN_AT
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

BACKEND = "django.contrib.auth.backends.ModelBackend"


def signed_in(user=None, **headers: Any) -> Client:
    client = Client(**headers)
    client.force_login(user or UserFactory(), backend=BACKEND)
    return client


def test_signed_in_pages_are_private_and_not_stored() -> None:
    client = signed_in()
    for path in ("/portfolio/", "/programmes/", "/accounts/email/"):
        cache_control = client.get(path)["Cache-Control"]
        assert "private" in cache_control, path
        assert "no-store" in cache_control, path


def test_public_pages_stay_as_they_were_for_visitors(client) -> None:
    response = client.get("/programmes/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_page_that_sets_its_own_cache_control_keeps_it() -> None:
    client = signed_in()
    response = client.get("/healthz")  # never_cache
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def session_row(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_a_session_ends_after_eight_idle_hours() -> None:
    client = signed_in()
    client.get("/portfolio/")
    expires = session_row(client).expire_date
    assert abs(expires - (timezone.now() + timedelta(hours=8))) < timedelta(minutes=1)

    # Using the portal starts the idle time anew (the session is saved at most once a minute) ...
    session = client.session
    session[RENEWED_AT] = (timezone.now() - timedelta(minutes=2)).timestamp()
    session.save()
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=5)
    )
    client.get("/portfolio/")
    assert session_row(client).expire_date > timezone.now() + timedelta(hours=7)

    # ... and a session left alone that long is gone.
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/portfolio/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_session_ends_fourteen_days_after_sign_in_however_busy() -> None:
    client = signed_in()
    assert client.get("/portfolio/").status_code == 200
    session = client.session
    assert SIGNED_IN_AT in session
    session[SIGNED_IN_AT] = (timezone.now() - timedelta(days=14, minutes=1)).timestamp()
    session.save()
    response = client.get("/portfolio/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_session_limits_come_from_the_environment(settings) -> None:
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert timedelta(days=14) == settings.CIL_SESSION_MAX_AGE


def test_a_user_sees_their_sessions_and_signs_out_the_others() -> None:
    user = UserFactory()
    laptop = Client(HTTP_USER_AGENT="Laptop browser")
    laptop.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    phone = Client(HTTP_USER_AGENT="Phone browser")
    phone.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert phone.get("/portfolio/").status_code == 200

    page = laptop.get("/accounts/sessions/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Laptop browser" in body
    assert "Phone browser" in body
    assert "Sign out other sessions" in body

    response = laptop.post("/accounts/sessions/")
    assert response.status_code == 302
    assert laptop.get("/portfolio/").status_code == 200
    assert phone.get("/portfolio/")["Location"].startswith("/accounts/login/")
