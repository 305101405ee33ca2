"""The frame of every page (base.html): its parts are rendered once and reused
(cil/templatetags/cil_layout.py), yet each page shows what is true for its request."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from activities.models import ProgrammeRole
from cil.templatetags.cil_layout import NAVIGATION
from tests.conftest import Personas
from tests.factories import ProgrammeRoleFactory
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

PROGRAMMES = reverse("activities:programmes")


def navigation(body: str) -> str:
    return body.split('<ul class="navbar-nav me-auto">', 1)[1].split("</ul>", 1)[0]


def test_a_role_granted_or_taken_shows_in_the_navigation_at_the_next_page(
    personas: Personas,
) -> None:
    client = client_for(personas.student_a)
    assert "Reviews" not in navigation(client.get(PROGRAMMES).content.decode())

    role = ProgrammeRoleFactory(
        user=personas.student_a, programme=personas.programme_p, role=ProgrammeRole.Role.REVIEWER
    )
    assert "Reviews" in navigation(client.get(PROGRAMMES).content.decode())

    role.delete()
    assert "Reviews" not in navigation(client.get(PROGRAMMES).content.decode())


def test_people_with_the_same_roles_each_see_their_own_address_and_page(
    personas: Personas,
) -> None:
    first = client_for(personas.student_a).get(PROGRAMMES + "?q=<b>&page=2").content.decode()
    second = client_for(personas.student_b).get(reverse("privacy")).content.decode()

    assert f": {personas.student_a.email}</span>" in first
    assert personas.student_b.email not in first
    assert f": {personas.student_b.email}</span>" in second
    assert personas.student_a.email not in second
    # The language switcher comes back to the page it was used on, escaped as any value.
    assert 'name="next" type="hidden" value="/programmes/?q=%3Cb%3E&amp;page=2"' in first
    assert f'name="next" type="hidden" value="{reverse("privacy")}"' in second


def test_only_the_current_page_is_marked_current(personas: Personas) -> None:
    client = client_for(personas.central)
    on_programmes = navigation(client.get(PROGRAMMES).content.decode())
    on_people = navigation(client.get(reverse("people")).content.decode())
    elsewhere = navigation(client.get(reverse("privacy")).content.decode())

    assert re.findall(r'href="([^"]+)" aria-current="page"', on_programmes) == [PROGRAMMES]
    assert re.findall(r'href="([^"]+)" aria-current="page"', on_people) == [reverse("people")]
    assert "aria-current" not in elsewhere


def test_the_navigation_follows_the_language(personas: Personas) -> None:
    client = client_for(personas.reviewer_p)
    english = client.get(PROGRAMMES).content.decode()
    client.cookies["django_language"] = "nb"
    norwegian = client.get(PROGRAMMES).content.decode()

    assert "Reviews" in navigation(english) and "Study programmes" in navigation(english)
    assert "Vurderinger" in navigation(norwegian) and "Studieprogrammer" in navigation(norwegian)
    assert "Logg ut" in norwegian and "Sign out" not in norwegian


def test_the_sign_out_form_carries_a_token_the_server_accepts(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.student_a, backend="django.contrib.auth.backends.ModelBackend")
    client.get(PROGRAMMES)  # the first page sets the CSRF cookie
    body = client.get(PROGRAMMES).content.decode()
    logout = body.split(f'action="{reverse("account_logout")}"', 1)[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', logout)
    assert token is not None

    response = client.post(reverse("account_logout"), {"csrfmiddlewaretoken": token.group(1)})

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_every_entry_that_can_be_current_is_known_to_the_layout_tags() -> None:
    """The stored navigation is keyed by the current entry, found among NAVIGATION; an entry
    missing there would never be marked current."""
    header = (settings.BASE_DIR / "templates" / "layout" / "_header.html").read_text()
    named = dict(
        (variable, name) for name, variable in re.findall(r"{% url '([^']+)' as (\w+) %}", header)
    )
    compared = re.findall(r"request_path == (\w+)", header)

    assert compared
    assert sorted(named[variable] for variable in compared) == sorted(NAVIGATION)
