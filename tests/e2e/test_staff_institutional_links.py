"""Central staff link and unlink a person's institutional login at their request, in Chromium
and in both languages: staff record a pending link, the person signs in at a real OpenID
provider on 127.0.0.1 and lands in their existing account; then staff unlink it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import expect

from cil.models import AuditEvent, PendingInstitutionalLink
from tests.e2e.conftest import Visit, axe_violations, prefer_language, sign_in_as
from tests.factories import UserFactory
from tests.support.oidc import RunningProvider, feide_user, running_provider, use_providers

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KARI_SUB = "76a7a061-3c55-430d-8ee0-6f82ec42501f"
KARI_EMAIL = "kari.nordmann@oslomet.no"
KARI_EPPN = "karinor@oslomet.no"

TEXT = {
    "en": {
        "people": "People",
        "search_label": "Name or e-mail address",
        "search": "Search",
        "provider": "Institutional sign-in",
        "iid": "Institutional id",
        "reason": "Reason",
        "record": "Record the link",
        "recorded": "The link is recorded",
        "feide": "Sign in with Feide",
        "unlink": "Unlink",
        "unlinked": "login is unlinked",
        "none": "No institutional login is linked to this account.",
        "asked": "even when it leaves the account without a way to sign in",
    },
    "nb": {
        "people": "Personer",
        "search_label": "Navn eller e-postadresse",
        "search": "Søk",
        "provider": "Institusjonsinnlogging",
        "iid": "Institusjons-ID",
        "reason": "Grunn",
        "record": "Registrer koblingen",
        "recorded": "Koblingen er registrert",
        "feide": "Logg inn med Feide",
        "unlink": "Koble fra",
        "unlinked": "innloggingen er koblet fra",
        "none": "Ingen institusjonsinnlogging er koblet til denne kontoen.",
        "asked": "selv om kontoen da ikke har noen måte å logge inn på",
    },
}


@pytest.fixture
def feide(settings) -> Iterator[RunningProvider]:
    kari = feide_user(KARI_SUB, "Kari Nordmann", KARI_EMAIL, KARI_EPPN)
    with running_provider(kari) as provider:
        use_providers(settings, provider.config("feide", {"en": "Feide", "nb": "Feide"}))
        yield provider


@pytest.mark.parametrize("language", ["en", "nb"])
def test_staff_link_a_login_the_person_signs_in_and_staff_unlink_it(
    visit: Visit, feide: RunningProvider, language: str
) -> None:
    t = TEXT[language]
    page = visit.page
    central = UserFactory(is_central_staff=True, full_name="Siri Sentral")
    kari = UserFactory(email=KARI_EMAIL, full_name="Kari Nordmann")
    prefer_language(visit, language)
    sign_in_as(visit, central)

    # Staff find Kari and record the link she asked for.
    visit.goto("/home/")
    page.get_by_role("navigation", name=re.compile("Main|Hoved")).get_by_role(
        "link", name=t["people"], exact=True
    ).click()
    visit.check()
    page.get_by_label(t["search_label"]).fill("Nordmann")
    page.get_by_role("button", name=t["search"], exact=True).click()
    visit.check()
    page.get_by_role("link", name="Kari Nordmann").click()
    visit.check()
    expect(page.get_by_role("main")).to_contain_text(t["none"])
    page.get_by_label(t["provider"]).select_option("feide")
    page.get_by_label(t["iid"]).fill(KARI_EPPN)
    page.get_by_label(t["reason"]).fill("Asked at the service desk.")
    page.get_by_role("button", name=t["record"]).click()
    visit.check()
    expect(page.get_by_role("alert").or_(page.locator(".alert-success"))).to_contain_text(
        t["recorded"]
    )
    assert PendingInstitutionalLink.objects.get().user_id == kari.pk

    # Kari signs in at Feide and lands in her existing account.
    page.context.clear_cookies()
    prefer_language(visit, language)
    visit.goto("/accounts/login/")
    page.get_by_role("button", name=t["feide"]).click()
    page.get_by_role("button", name=KARI_SUB).click()
    page.wait_for_url(re.compile(re.escape(visit.base_url)))
    visit.check()
    account = SocialAccount.objects.get(provider="feide", uid=KARI_SUB)
    assert account.user_id == kari.pk
    visit.goto("/accounts/3rdparty/")
    expect(page.locator("[data-institutional-id]")).to_have_text(KARI_EPPN)

    # Staff unlink it again, with a reason, after a confirmation.
    page.context.clear_cookies()
    prefer_language(visit, language)
    sign_in_as(visit, central)
    visit.goto(f"/staff/people/{kari.pk}/sign-in/")
    expect(page.locator("[data-institutional-id]")).to_have_text(KARI_EPPN)
    expect(page.get_by_role("main")).to_contain_text(t["asked"])
    page.get_by_role("link", name=re.compile(t["unlink"])).click()
    visit.check()
    assert axe_violations(page) == ""
    page.get_by_label(t["reason"]).fill("No longer at OsloMet.")
    page.get_by_role("button", name=t["unlink"], exact=True).click()
    visit.check()
    expect(page.get_by_role("main")).to_contain_text(t["none"])
    assert not SocialAccount.objects.exists()
    assert AuditEvent.objects.filter(
        action="account.institutional_unlinked", actor=central, subject=kari
    ).exists()
