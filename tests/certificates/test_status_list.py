"""The revocation status list (W3C Bitstring Status List v1.0): the encoding as the
specification defines it, random unique entries, the bit set with the revocation and only with
it, and the public list's address."""

from __future__ import annotations

import base64
import gzip
import json
import threading

import pytest
from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activities.models import StudyProgramme
from certificates import status_list, workflow
from certificates.models import STATUS_LIST_SIZE, Diploma, StatusList
from tests.certificates.test_diploma import presented
from tests.conftest import Personas
from tests.factories import EnrolmentFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def spec_decode(encoded_list: str) -> bytes:
    """The specification's decoding, written out here independently of the module: strip the
    multibase prefix "u", base64url-decode (no padding), GZIP-decompress."""
    assert encoded_list[0] == "u" and "=" not in encoded_list
    text = encoded_list[1:]
    return gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def spec_bit(bits: bytes, index: int) -> int:
    """Entry ``index``: index 0 is the left-most bit of the first byte."""
    return (bits[index // 8] >> (7 - index % 8)) & 1


def bare_diplomas(count: int, programme: StudyProgramme | None = None) -> list[Diploma]:
    """``count`` diplomas without PDFs (the list does not look at them), none allocated yet."""
    programme = programme or ProgrammeFactory()
    made = []
    for n in range(count):
        enrolment = EnrolmentFactory(programme=programme)
        made.append(
            Diploma.objects.create(
                enrolment=enrolment,
                number=f"T-{enrolment.pk}-{n}",
                content={},
                pdf="diplomas/none.pdf",
                sha256="0" * 64,
                issued_at=timezone.now(),
            )
        )
    return made


def test_encoded_list_round_trips_with_the_specifications_bit_order() -> None:
    bits = bytes(STATUS_LIST_SIZE // 8)
    for index in (0, 7, 8, 1000, STATUS_LIST_SIZE - 1):
        bits = status_list.with_bit(bits, index)
    encoded = status_list.encode(bits)
    decoded = spec_decode(encoded)
    assert decoded == bits and status_list.decode(encoded) == bits
    assert len(decoded) * 8 == STATUS_LIST_SIZE
    assert decoded[0] == 0b1000_0001 and decoded[1] == 0b1000_0000 and decoded[-1] == 0b0000_0001
    assert [i for i in range(STATUS_LIST_SIZE) if spec_bit(decoded, i)] == [
        0,
        7,
        8,
        1000,
        STATUS_LIST_SIZE - 1,
    ]
    assert not status_list.get_bit(status_list.with_bit(bits, 1000, False), 1000)


def test_an_issued_diploma_gets_an_entry_and_revoking_sets_its_bit(
    personas: Personas, client: Client
) -> None:
    enrolment = presented(personas)
    workflow.advance(enrolment=enrolment, by=personas.admin_p, action="issue_diploma")
    diploma = Diploma.objects.select_related("status_list").get()
    assert diploma.status_list is not None and diploma.status_index is not None
    index = diploma.status_index
    url = f"{settings.SITE_URL}/credentials/status/{diploma.status_list.pk}"
    assert status_list.entry_for(diploma) == {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": url,
    }

    def published_bit() -> int:
        credential = client.get(f"/credentials/status/{diploma.status_list_id}").json()
        return spec_bit(spec_decode(credential["credentialSubject"]["encodedList"]), index)

    assert published_bit() == 0
    workflow.advance(
        enrolment=enrolment, by=personas.admin_p, action="revoke_diploma", comment="Misspelt."
    )
    assert published_bit() == 1
    diploma.refresh_from_db()
    assert status_list.is_revoked(diploma) is True
    # Only that bit: a reissued diploma gets another entry, clear.
    workflow.advance(enrolment=enrolment, by=personas.admin_p, action="issue_diploma")
    second = Diploma.objects.exclude(pk=diploma.pk).get()
    assert second.status_index != index and status_list.is_revoked(second) is False
    assert sum(bin(b).count("1") for b in bytes(StatusList.objects.get().bits)) == 1


def test_a_failed_revocation_leaves_the_bit_clear(personas: Personas) -> None:
    enrolment = presented(personas)
    workflow.advance(enrolment=enrolment, by=personas.admin_p, action="issue_diploma")
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.advance(
            enrolment=enrolment, by=personas.admin_p, action="revoke_diploma", comment="Misspelt."
        )
        assert status_list.is_revoked(Diploma.objects.select_related("status_list").get())
        raise RuntimeError("the transaction that revokes fails after the move")
    diploma = Diploma.objects.select_related("status_list").get()
    assert diploma.is_valid and status_list.is_revoked(diploma) is False


def test_indexes_are_random_and_unique() -> None:
    diplomas = bare_diplomas(200)
    for diploma in diplomas:
        status_list.allocate(diploma)
    indexes = [d.status_index for d in Diploma.objects.order_by("pk")]
    assert len(set(indexes)) == 200 and None not in indexes
    assert StatusList.objects.get().used == 200
    # Spread over the whole list, not handed out in order.
    quarters = {i * 4 // STATUS_LIST_SIZE for i in indexes if i is not None}
    assert quarters == {0, 1, 2, 3}
    assert indexes != sorted(indexes)  # type: ignore[type-var]
    allocated = bytes(StatusList.objects.get().allocated)
    assert sum(bin(b).count("1") for b in allocated) == 200
    assert all(status_list.get_bit(allocated, i) for i in indexes if i is not None)


def test_a_full_list_is_followed_by_a_new_one() -> None:
    small = StatusList.objects.create(size=16)
    diplomas = bare_diplomas(17)
    for diploma in diplomas:
        status_list.allocate(diploma)
    in_small = Diploma.objects.filter(status_list=small)
    assert sorted(d.status_index for d in in_small) == list(range(16))  # type: ignore[type-var]
    newer = StatusList.objects.exclude(pk=small.pk).get()
    assert Diploma.objects.filter(status_list=newer).count() == 1
    assert newer.size == STATUS_LIST_SIZE


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_never_share_an_entry() -> None:
    programme = ProgrammeFactory()
    diplomas = bare_diplomas(24, programme)
    StatusList.objects.create(size=24)  # as many entries as diplomas: every one is taken
    errors: list[BaseException] = []

    def allocate_all(part: list[Diploma]) -> None:
        try:
            for diploma in part:
                with transaction.atomic():
                    status_list.allocate(diploma)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=allocate_all, args=(diplomas[i::3],)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert StatusList.objects.count() == 1
    indexes = Diploma.objects.values_list("status_index", flat=True)
    assert sorted(i for i in indexes if i is not None) == list(range(24))


def test_the_list_is_public_cached_and_read_in_constant_queries(client: Client) -> None:
    for diploma in bare_diplomas(30):
        status_list.allocate(diploma)
        status_list.revoke(diploma)
    busy = StatusList.objects.get()
    counts = []
    for listed in (StatusList.objects.create(), busy):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/credentials/status/{listed.pk}")
        counts.append(len(queries))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/vc+ld+json"
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert cache_control == {"public", f"max-age={settings.CIL_STATUS_LIST_TTL}"}
        assert not response.cookies
    assert counts[0] == counts[1] <= 2

    credential = json.loads(response.content)
    url = f"{settings.SITE_URL}/credentials/status/{busy.pk}"
    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert credential["id"] == url
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert credential["validFrom"].endswith("Z")
    subject = credential["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    assert subject["ttl"] == settings.CIL_STATUS_LIST_TTL * 1000
    bits = spec_decode(subject["encodedList"])
    revoked = {d.status_index for d in Diploma.objects.all()}
    assert {i for i in range(len(bits) * 8) if spec_bit(bits, i)} == revoked
    assert client.get("/credentials/status/999999").status_code == 404


def test_the_signed_list_is_reused_until_the_list_or_the_key_changes(
    personas: Personas, client: Client, settings, tmp_path
) -> None:
    from cil.vc import keys

    settings.CIL_VC_KEYS_DIR = tmp_path / "keys"
    keys.create_key()
    enrolment = presented(personas)
    workflow.advance(enrolment=enrolment, by=personas.admin_p, action="issue_diploma")
    url = f"/credentials/status/{StatusList.objects.get().pk}"
    first, again = client.get(url).json(), client.get(url).json()
    assert first["proof"] == again["proof"]  # signed once while nothing changed

    _, new_key = keys.rotate_key()
    rotated = client.get(url).json()
    assert rotated["proof"]["verificationMethod"].endswith(new_key)

    workflow.advance(
        enrolment=enrolment, by=personas.admin_p, action="revoke_diploma", comment="Misspelt."
    )
    revoked = client.get(url).json()
    assert (
        revoked["credentialSubject"]["encodedList"] != rotated["credentialSubject"]["encodedList"]
    )
    assert revoked["proof"] != rotated["proof"]
