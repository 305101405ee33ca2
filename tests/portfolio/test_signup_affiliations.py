"""A programme may let only students with certain institutional affiliations sign up; the
affiliations come from the institutional login (cil.identity.affiliations) and only restrict."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from activities.models import ProgrammeRole
from cil.identity import (
    FEIDE_AFFILIATION_CLAIM,
    SAML_AFFILIATION,
    SAML_SCOPED_AFFILIATION,
    affiliations,
)
from portfolio.models import Enrolment
from tests.conftest import Personas
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

SIGNUP = {"expected_term": "spring", "expected_year": "2028", "accept": "on"}


def feide_login(user: object, sub: str, values: list[str]) -> SocialAccount:
    return SocialAccount.objects.create(
        user=user,
        provider="feide",
        uid=sub,
        extra_data={"userinfo": {FEIDE_AFFILIATION_CLAIM: values}},
    )


def test_affiliations_are_read_from_oidc_claims_and_saml_attributes() -> None:
    oidc = SocialAccount(
        provider="feide", extra_data={"userinfo": {FEIDE_AFFILIATION_CLAIM: ["Student", "member"]}}
    )
    assert affiliations(oidc) == {"student", "member"}
    saml = SocialAccount(
        provider="saml",
        extra_data={
            SAML_AFFILIATION: ["employee"],
            SAML_SCOPED_AFFILIATION: ["faculty@uio.no", "employee@uio.no"],
        },
    )
    assert affiliations(saml) == {"employee", "faculty"}
    assert affiliations(SocialAccount(provider="feide", extra_data={})) == frozenset()


def test_a_student_without_the_affiliation_is_refused(personas: Personas) -> None:
    personas.programme_p.signup_affiliations = ["student"]
    personas.programme_p.save()
    feide_login(personas.student_a, "a-sub", ["employee", "member"])
    response = client_for(personas.student_a).post(
        reverse("portfolio:signup", args=["nursing"]), SIGNUP, follow=True
    )
    assert "is open to student only" in response.content.decode()
    assert not Enrolment.objects.exists()
    # Without any institutional login, likewise.
    client_for(personas.student_b).post(reverse("portfolio:signup", args=["nursing"]), SIGNUP)
    assert not Enrolment.objects.exists()


def test_a_student_with_the_affiliation_signs_up_and_gets_no_role(personas: Personas) -> None:
    personas.programme_p.signup_affiliations = ["student", "staff"]
    personas.programme_p.save()
    feide_login(personas.student_a, "a-sub", ["member", "staff"])
    page = client_for(personas.student_a).get(reverse("activities:programme", args=["nursing"]))
    assert "Sign-up is open to student, staff only" in page.content.decode()
    response = client_for(personas.student_a).post(
        reverse("portfolio:signup", args=["nursing"]), SIGNUP
    )
    assert response.status_code == 302
    assert Enrolment.objects.get().student == personas.student_a
    assert not ProgrammeRole.objects.filter(user=personas.student_a).exists()


def test_without_a_requirement_anyone_signs_up(personas: Personas) -> None:
    client_for(personas.student_b).post(reverse("portfolio:signup", args=["nursing"]), SIGNUP)
    assert Enrolment.objects.get().student == personas.student_b


def test_administrators_set_the_requirement_with_the_rules(personas: Personas) -> None:
    from tests.activities.test_manage_views import RULES

    response = client_for(personas.admin_p).post(
        reverse("activities:edit_rules", args=["nursing"]),
        {**RULES, "signup_affiliations": ["student", "employee"]},
    )
    assert response.status_code == 302
    personas.programme_p.refresh_from_db()
    assert personas.programme_p.signup_affiliations == ["student", "employee"]
