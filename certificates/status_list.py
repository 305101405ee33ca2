"""Revocation published as a W3C Bitstring Status List v1.0.

Each diploma gets, when it is issued, a random unused entry in a status list (``allocate``);
revoking it sets that entry's bit in the same transaction (``revoke``). The list is served as a
``BitstringStatusListCredential`` (``status_list_credential``) at a stable public address, and a
diploma's credential points at its entry (``entry_for``).

- Random indexes: the specification asks for them, so that the order of issue tells a reader of
  the list nothing; ``secrets`` picks them. ``StatusList.allocated`` marks the entries in use,
  and the unique constraint on (list, index) backs it up.
- Concurrency: allocating and revoking lock the list's row (``select_for_update``), so two
  issues never take the same entry and two revocations never overwrite each other's bit.
- Bit order: entry 0 is the left-most (most significant) bit of the first byte.
- ``encodedList``: "u" (multibase base64url) + base64url without padding of the GZIP of the
  bitstring.
"""

from __future__ import annotations

import base64
import gzip
import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.urls import reverse

from certificates.models import Diploma, StatusList
from cil.vc import keys

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
PURPOSE = StatusList.Purpose.REVOCATION

# Random tries before picking among the free entries directly (a nearly full list).
_RANDOM_TRIES = 32


# --- Bits ------------------------------------------------------------------------------------


def get_bit(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def with_bit(bits: bytes, index: int, value: bool = True) -> bytes:
    """``bits`` with entry ``index`` set (or cleared)."""
    changed = bytearray(bits)
    mask = 0x80 >> (index % 8)
    if value:
        changed[index // 8] |= mask
    else:
        changed[index // 8] &= ~mask & 0xFF
    return bytes(changed)


def encode(bits: bytes) -> str:
    """The ``encodedList`` of a bitstring: multibase base64url (no padding) of its GZIP."""
    compressed = gzip.compress(bits, mtime=0)  # mtime 0: the same bits give the same text
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def decode(encoded: str) -> bytes:
    """The bitstring of an ``encodedList`` (the inverse of ``encode``)."""
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (prefix 'u').")
    text = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


# --- Allocation and revocation ---------------------------------------------------------------


def _free_index(allocated: bytes, size: int) -> int:
    for _ in range(_RANDOM_TRIES):
        index = secrets.randbelow(size)
        if not get_bit(allocated, index):
            return index
    free = [i for i in range(size) if not get_bit(allocated, i)]
    return secrets.choice(free)


def allocate(diploma: Diploma) -> None:
    """Give ``diploma`` a random unused entry of the current revocation list (a new list when
    the current one is full) and save it. Call inside the transaction that issues it: the list
    stays locked until that transaction ends."""
    # Not the revocation bits (another 16 kB, for the list's credential): only the entries
    # given out are read and written here.
    lists = StatusList.objects.select_for_update().only("purpose", "size", "allocated", "used")
    status_list = lists.filter(purpose=PURPOSE, used__lt=F("size")).order_by("pk").first()
    if status_list is None:
        status_list = StatusList.objects.create(purpose=PURPOSE)
        # Lock the new row as well: another transaction may find it as soon as this one commits.
        status_list = lists.get(pk=status_list.pk)
    allocated = bytes(status_list.allocated)
    index = _free_index(allocated, status_list.size)
    status_list.allocated = with_bit(allocated, index)
    status_list.used += 1
    status_list.save(update_fields=["allocated", "used"])
    diploma.status_list, diploma.status_index = status_list, index
    diploma.save(update_fields=["status_list", "status_index"])


def revoke(diploma: Diploma) -> None:
    """Set ``diploma``'s bit in its list. Call inside the transaction that revokes it, so that
    the bit and the revocation are committed, or rolled back, together."""
    if diploma.status_list_id is None or diploma.status_index is None:
        return  # issued before status lists: the verification page alone says it is revoked
    status_list = StatusList.objects.select_for_update().get(pk=diploma.status_list_id)
    status_list.bits = with_bit(bytes(status_list.bits), diploma.status_index)
    status_list.save(update_fields=["bits", "changed_at"])


def is_revoked(diploma: Diploma) -> bool | None:
    """What the published list says of ``diploma`` (None: it has no entry)."""
    if diploma.status_list is None or diploma.status_index is None:
        return None
    return get_bit(bytes(diploma.status_list.bits), diploma.status_index)


# --- The credentials -------------------------------------------------------------------------


def list_url(status_list: StatusList) -> str:
    site_url: str = settings.SITE_URL
    return site_url + reverse("certificates:status_list", args=[status_list.pk])


def entry_for(diploma: Diploma) -> dict[str, Any]:
    """The diploma's ``BitstringStatusListEntry`` (its credential's ``credentialStatus``)."""
    if diploma.status_list_id is None or diploma.status_index is None:
        raise ValueError(f"Diploma {diploma.number} has no status list entry.")
    url = settings.SITE_URL + reverse("certificates:status_list", args=[diploma.status_list_id])
    return {
        "id": f"{url}#{diploma.status_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE.value,
        "statusListIndex": str(diploma.status_index),
        "statusListCredential": url,
    }


def ttl_seconds() -> int:
    ttl: int = settings.CIL_STATUS_LIST_TTL
    return ttl


def _timestamp(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def status_list_credential(status_list: StatusList) -> dict[str, Any]:
    """The unsigned ``BitstringStatusListCredential`` of ``status_list``."""
    url = list_url(status_list)
    return {
        "@context": [CREDENTIALS_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": keys.issuer_did(),
        "validFrom": _timestamp(status_list.changed_at),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": status_list.purpose,
            "encodedList": encode(bytes(status_list.bits)),
            "ttl": ttl_seconds() * 1000,
        },
    }


def signed_status_list_credential(status_list: StatusList) -> dict[str, Any]:
    """The status list credential as served, signed by the current key (eddsa-rdfc-2022).

    Signing costs more than the rest of the request, so the signed document is kept in the
    shared cache under the list's last change and the signing key: a revocation (which sets
    ``changed_at``) or a key rotation gives a new key, so a stale list is never served."""
    signer = keys.multikey_of(keys.current_private_key().public_key())
    cache_key = f"status-list:{status_list.pk}:{status_list.changed_at.timestamp()}:{signer}"
    cached: dict[str, Any] | None = cache.get(cache_key)
    if cached is None:
        cached = keys.sign_as_issuer(status_list_credential(status_list))
        cache.set(cache_key, cached, timeout=ttl_seconds())
    return cached
