"""The privacy notice: publishing versions, accepting at sign-up, being asked again."""

from __future__ import annotations

import pytest
from django.core import checks
from django.test import Client
from django.urls import reverse

from cil import privacy
from cil.models import PrivacyAcceptance, PrivacyNotice, User
from tests.conftest import Personas
from tests.support.clients import client_for

SIGNUP = {
    "full_name": "Ingrid Kristiansen",
    "email": "ingrid@uni.example",
    "password1": "a-long-and-unusual-passphrase",
    "password2": "a-long-and-unusual-passphrase",
}

pytestmark = pytest.mark.django_db


def publish(personas: Personas, text: str = "We store your **portfolio**.") -> PrivacyNotice:
    return privacy.publish(
        text_en=text, text_nb="Vi lagrer **porteføljen** din.", by=personas.central
    )


def test_with_no_notice_published_nobody_is_asked(personas: Personas) -> None:
    response = client_for(personas.student_a).get(reverse("portfolio:home"))
    assert response.status_code == 200
    assert 'name="privacy"' not in Client().get("/accounts/signup/").content.decode()


def test_the_public_page_shows_the_current_version_in_both_languages(personas: Personas) -> None:
    publish(personas, "Old text.")
    publish(personas)
    english = Client().get("/privacy/")
    assert "<strong>portfolio</strong>" in english.content.decode()
    assert "Version 2" in english.content.decode()
    norwegian = Client(headers={"accept-language": "nb"}).get("/privacy/")
    assert "<strong>porteføljen</strong>" in norwegian.content.decode()


def test_signing_up_needs_the_checkbox_and_records_the_acceptance(personas: Personas) -> None:
    notice = publish(personas)
    client = Client()
    refused = client.post("/accounts/signup/", SIGNUP)
    assert refused.status_code == 200
    assert "Read the privacy notice, then tick the box" in refused.content.decode()
    assert not User.objects.filter(email=SIGNUP["email"]).exists()
    client.post("/accounts/signup/", {**SIGNUP, "privacy": "on"})
    user = User.objects.get(email=SIGNUP["email"])
    acceptance = PrivacyAcceptance.objects.get(user=user)
    assert (acceptance.notice, acceptance.occasion) == (notice, "signup")


def test_a_new_version_is_asked_for_again_and_the_acceptance_recorded(personas: Personas) -> None:
    first = publish(personas, "First.")
    privacy.accept(user=personas.student_a, notice=first, occasion="signup")
    client = client_for(personas.student_a)
    assert client.get(reverse("portfolio:home")).status_code == 200
    second = publish(personas, "Second.")
    asked = client.get(reverse("portfolio:home"))
    assert asked.status_code == 302
    assert asked["Location"].startswith(reverse("privacy_accept"))
    page = client.get(asked["Location"])
    assert "Updated privacy notice" in page.content.decode()
    # Signing out, the notice itself and health checks are never in the way.
    assert client.get("/privacy/").status_code == 200
    assert client.get("/healthz").status_code == 200
    accepted = client.post(reverse("privacy_accept"), {"next": reverse("portfolio:home")})
    assert accepted["Location"] == reverse("portfolio:home")
    assert PrivacyAcceptance.objects.filter(user=personas.student_a, notice=second).exists()
    assert client.get(reverse("portfolio:home")).status_code == 200


def test_a_person_who_never_accepted_is_asked_at_sign_in(personas: Personas) -> None:
    publish(personas)
    response = client_for(personas.student_b).get(reverse("portfolio:home"))
    assert response.status_code == 302 and "/privacy/accept/" in response["Location"]
    page = client_for(personas.student_b).get(response["Location"])
    assert "Before you go on" in page.content.decode()


def test_the_accept_page_sends_only_to_this_site(personas: Personas) -> None:
    publish(personas)
    response = client_for(personas.student_a).post(
        reverse("privacy_accept"), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_central_staff_preview_then_publish(personas: Personas) -> None:
    client = client_for(personas.central)
    body = {"text_en": "## Rights\n<script>x</script>", "text_nb": "## Rettigheter"}
    preview = client.post(reverse("privacy_edit"), {**body, "action": "preview"})
    assert "<h3>Rights</h3>" in preview.content.decode()
    assert "<script>" not in preview.content.decode()
    assert not PrivacyNotice.objects.exists()
    client.post(reverse("privacy_edit"), {**body, "action": "publish"})
    notice = PrivacyNotice.objects.get()
    assert (notice.version, notice.published_by) == (1, personas.central)
    # Central staff too are asked to accept what they published before going on.
    assert client.get(reverse("privacy_edit")).status_code == 302


def test_deploy_check_warns_until_a_notice_is_published(personas: Personas) -> None:
    ids = [m.id for m in checks.run_checks(include_deployment_checks=True)]
    assert "cil.W011" in ids
    publish(personas)
    ids = [m.id for m in checks.run_checks(include_deployment_checks=True)]
    assert "cil.W011" not in ids
