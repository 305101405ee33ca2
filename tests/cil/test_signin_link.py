"""Signing in with a one-time link mailed to the confirmed address after graduation."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client

from cil import ratelimit, signin_link
from cil.models import AuditEvent
from tests.factories import UserFactory, give_graduation_address

pytestmark = pytest.mark.django_db

REQUEST = "/accounts/link/"
PRIVATE = "grad@private.example"


def ask(email: str, ip: str = "192.0.2.1") -> str:
    response = Client(REMOTE_ADDR=ip).post(REQUEST, {"email": email})
    assert response.status_code == 200
    # Each answer carries its own CSRF token (the language form): compare the rest.
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return page.replace(email, "ADDRESS")


def link_path(message) -> str:
    found = re.search(r"https?://[^/\s]+(/accounts/link/\S+/)", str(message.body))
    assert found, message.body
    return found.group(1)


@pytest.fixture
def graduate():
    user = UserFactory(email="grad@uni.example")
    give_graduation_address(user, PRIVATE)
    return user


def test_the_link_goes_to_the_private_address_and_signs_in_once(
    graduate, committed, mailoutbox, settings
) -> None:
    settings.CIL_LOCAL_LOGIN = "none"  # works where passwords are not used at all
    with committed():
        ask(PRIVATE)
    assert [m.to for m in mailoutbox] == [[PRIVATE]]
    path = link_path(mailoutbox[0])
    browser = Client()
    assert "Sign in to the account on this browser?" in browser.get(path).content.decode()
    assert "_auth_user_id" not in browser.session  # opening the link alone signs nobody in
    response = browser.post(path)
    assert response.status_code == 302
    assert browser.session["_auth_user_id"] == str(graduate.pk)
    assert AuditEvent.objects.filter(action="account.signin_link_used", subject=graduate).exists()
    # Used: void, from this browser or any other.
    assert Client().post(path).status_code == 400
    assert Client().get(path).status_code == 400


def test_an_expired_link_does_not_sign_in(graduate, monkeypatch) -> None:
    earlier = time.time() - 31 * 60
    with monkeypatch.context() as m:
        m.setattr("time.time", lambda: earlier)  # the link was made 31 minutes ago
        token = signin_link.make_token(graduate)
    browser = Client()
    assert browser.post(f"/accounts/link/{token}/").status_code == 400
    assert "_auth_user_id" not in browser.session


def test_a_link_is_void_once_the_addresses_change(graduate) -> None:
    token = signin_link.make_token(graduate)
    graduate.emailaddress_set.create(email="another@private.example")
    assert Client().post(f"/accounts/link/{token}/").status_code == 400


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    graduate, committed, mailoutbox
) -> None:
    with committed():
        known = ask(PRIVATE)
        unknown = ask("nobody@private.example")
        institutional = ask(graduate.email)  # not the address after graduation
    assert known == unknown == institutional
    assert [m.to for m in mailoutbox] == [[PRIVATE]]


def test_an_unconfirmed_address_and_staff_get_no_link(committed, mailoutbox) -> None:
    student = UserFactory()
    give_graduation_address(student, "unconfirmed@private.example", verified=False)
    staff = UserFactory(is_central_staff=True)
    give_graduation_address(staff, "staff@private.example")
    with committed():
        ask("unconfirmed@private.example")
        ask("staff@private.example")
    assert mailoutbox == []


def test_links_to_one_address_and_requests_from_one_client_are_limited(
    graduate, committed, mailoutbox, settings, monkeypatch
) -> None:
    monkeypatch.setattr(ratelimit, "_now", lambda: 1_800_000_010.0)  # one and the same minute
    settings.CIL_SIGNIN_LINK_PER_ADDRESS_PER_HOUR = 2
    with committed():
        answers = {ask(PRIVATE, ip=f"192.0.2.{n}") for n in range(1, 5)}
    assert len(answers) == 1  # the same answer, sent or not
    assert len(mailoutbox) == 2
    settings.CIL_SIGNIN_LINK_RATE_PER_MINUTE = 3
    client = Client(REMOTE_ADDR="198.51.100.7")
    codes = [client.post(REQUEST, {"email": f"x{n}@example.org"}).status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]
