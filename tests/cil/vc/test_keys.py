"""The issuer's keys: created and rotated by command, never lost, all in the DID document."""

from __future__ import annotations

import io
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.urls import reverse

from cil.vc import keys


@pytest.fixture
def key_dir(settings, tmp_path):
    settings.CIL_VC_KEYS_DIR = tmp_path / "keys"
    return tmp_path / "keys"


@pytest.mark.parametrize(
    ("site_url", "did"),
    [
        ("https://cil.example.edu", "did:web:cil.example.edu"),
        ("http://127.0.0.1:8000", "did:web:127.0.0.1%3A8000"),
        ("https://Portal.Example.EDU/", "did:web:portal.example.edu"),
    ],
)
def test_the_did_is_did_web_of_the_site_with_the_port_percent_encoded(site_url, did) -> None:
    with override_settings(SITE_URL=site_url):
        assert keys.issuer_did() == did


def test_create_key_writes_a_private_file_and_refuses_a_second(key_dir) -> None:
    out = io.StringIO()
    call_command("vc_create_key", stdout=out)
    path = key_dir / keys.CURRENT
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    multikey = keys.public_keys()[0].multikey
    assert multikey.startswith("z6Mk")
    assert multikey in out.getvalue()
    assert "PRIVATE" not in out.getvalue()  # the command shows the public key only
    with pytest.raises(CommandError, match="vc_rotate_key"):
        call_command("vc_create_key", stdout=io.StringIO())
    call_command("vc_create_key", "--if-missing", stdout=io.StringIO())
    assert keys.public_keys()[0].multikey == multikey


def test_rotation_keeps_the_old_public_key_listed_and_signs_with_the_new(key_dir) -> None:
    call_command("vc_create_key", stdout=io.StringIO())
    old = keys.public_keys()[0].multikey
    call_command("vc_rotate_key", stdout=io.StringIO())
    call_command("vc_rotate_key", stdout=io.StringIO())
    listed = keys.public_keys()
    assert [k.current for k in listed] == [True, False, False]
    assert listed[-1].multikey == old  # the oldest last
    assert keys.multikey_of(keys.current_private_key().public_key()) == listed[0].multikey
    # Only public keys are kept for retired ones.
    assert all(b"PRIVATE" not in p.read_bytes() for p in (key_dir / keys.RETIRED).iterdir())


def test_rotating_without_a_key_says_what_to_do(key_dir) -> None:
    with pytest.raises(CommandError, match="vc_create_key"):
        call_command("vc_rotate_key", stdout=io.StringIO())


@pytest.mark.django_db
def test_the_did_document_lists_every_key_as_a_multikey_for_anyone(key_dir) -> None:
    keys.create_key()
    keys.rotate_key()
    response = Client().get(reverse("did_document"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    document = response.json()
    did = keys.issuer_did()
    assert document["id"] == did
    methods = document["verificationMethod"]
    assert len(methods) == 2
    assert {m["type"] for m in methods} == {"Multikey"}
    assert {m["controller"] for m in methods} == {did}
    assert [m["id"] for m in methods] == [f"{did}#{m['publicKeyMultibase']}" for m in methods]
    assert document["assertionMethod"] == [m["id"] for m in methods]
