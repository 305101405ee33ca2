"""The diploma as an Open Badges 3.0 credential, signed ``eddsa-rdfc-2022`` by the institution.

Issued with every diploma, in the same transaction, from the same snapshot of the facts, and
stored once: the stored bytes are what every download returns. The holder is named by a salted
SHA-256 of their e-mail address (never the address), so the credential can be as public as the
verification page; a verifier who is told the address can check it against the hash.

``credential_status`` is the hook for the Bitstring Status List entry: until the status list is
wired in it adds nothing.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from certificates import status_list
from certificates.models import Diploma, ReportVersion
from cil.vc import eddsa, keys
from cil.vc.canon import CREDENTIALS_V2, OB_V3P0

MEDIA_TYPE = "application/vc+ld+json"


def _languages(language: str) -> tuple[str, ...]:
    return ("en", "nb") if language == Diploma.Language.BOTH else (language,)


def _in_languages(languages: tuple[str, ...], make: Any, sep: str = " / ") -> str:
    """One string in each language, joined: the OB 3.0 schema wants plain strings."""
    parts = []
    for lang in languages:
        with translation.override(lang):
            parts.append(str(make(lang)))
    return sep.join(dict.fromkeys(parts))  # the same words twice are said once


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def identity_hash(email: str, salt: str) -> str:
    """``sha256$<hex>`` of the address (lower-case, trimmed) followed by the salt (OB 3.0)."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def credential_status(diploma: Diploma) -> dict[str, Any]:
    """The ``credentialStatus`` entry (Bitstring Status List) of the diploma's credential."""
    return status_list.entry_for(diploma)


def _evidence(diploma: Diploma, languages: tuple[str, ...]) -> list[dict[str, Any]]:
    content = diploma.content
    items = []
    for activity in content["activities"]:

        def where(lang: str, a: dict[str, Any] = activity) -> str:
            place = _("abroad") if a["location"] == "abroad" else _("at home")
            same_day = not a["to"] or a["to"] == a["from"]
            dates = a["from"] if same_day else f"{a['from']} \N{EN DASH} {a['to']}"
            return " · ".join(p for p in (str(place).capitalize(), a["place"][lang], dates) if p)

        items.append(
            {
                "type": ["Evidence"],
                "name": _in_languages(languages, lambda lang, a=activity: a["title"][lang]),
                "description": _in_languages(languages, where),
            }
        )
    enrolment = diploma.enrolment
    approved = (
        ReportVersion.objects.filter(
            report__enrolment=enrolment, decision=ReportVersion.Decision.APPROVED
        )
        .order_by("-decided_at")
        .values_list("decided_at", flat=True)
        .first()
    )
    report_on = approved.date().isoformat() if approved else ""
    items.append(
        {
            "type": ["Evidence"],
            "name": _in_languages(languages, lambda lang: _("Final reflection report")),
            "description": _in_languages(
                languages,
                lambda lang: (
                    _("Approved by academic staff on %(date)s.") % {"date": report_on}
                    if report_on
                    else _("Approved by academic staff.")
                ),
            ),
        }
    )
    if enrolment.presented_on:
        presented_on = enrolment.presented_on.isoformat()
        items.append(
            {
                "type": ["Evidence"],
                "name": _in_languages(languages, lambda lang: _("Presentation")),
                "description": _in_languages(
                    languages,
                    lambda lang: (
                        _("Presented the experience to fellow students on %(date)s.")
                        % {"date": presented_on}
                    ),
                ),
            }
        )
    return items


def build(diploma: Diploma, *, salt: str | None = None) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential of an issued diploma."""
    content = diploma.content
    enrolment = diploma.enrolment
    programme = enrolment.programme
    languages = _languages(diploma.language)
    site_url: str = settings.SITE_URL
    salt = salt or secrets.token_hex(16)
    certificate = _in_languages(languages, lambda lang: _("Certificate of International Learning"))
    rules = enrolment.ruleset()
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2, OB_V3P0],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": keys.issuer_did(),
            "type": ["Profile"],
            "name": content["institution"],
            "url": site_url,
        },
        "validFrom": _timestamp(diploma.issued_at),
        # The certificate's name is the same in both languages; the programme's may differ.
        "name": f"{certificate}: "
        + _in_languages(languages, lambda lang: content["programme"][lang]),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "identityHash": identity_hash(enrolment.student.email, salt),
                    "salt": salt,
                }
            ],
            "achievement": {
                "id": site_url + reverse("activities:programme", args=[programme.code]),
                "type": ["Achievement"],
                "achievementType": "CoCurricular",
                "name": certificate,
                "description": _in_languages(
                    languages, lambda lang: content["employer_statement"][lang], sep="\n\n"
                ),
                "criteria": {
                    "narrative": _in_languages(
                        languages, lambda lang: "\n".join(str(s) for s in rules.describe()), "\n\n"
                    )
                },
            },
        },
        "evidence": _evidence(diploma, languages),
    }
    status = credential_status(diploma)
    if status is not None:
        credential["credentialStatus"] = status
    return credential


def sign(credential: dict[str, Any]) -> dict[str, Any]:
    """Sign with the current key; the proof is an array of one, as the OB 3.0 schema wants."""
    signed = keys.sign_as_issuer(credential)
    signed["proof"] = [signed["proof"]]
    return signed


def verify(document: dict[str, Any]) -> dict[str, Any]:
    """Check a credential against our keys, current and retired; ProofError if it fails."""
    return eddsa.verify(document, resolve_key=keys.resolve)


def issue(diploma: Diploma) -> str:
    """Build, sign and store the diploma's credential; returns the stored file's name (to delete
    if the transaction that records it fails). Call inside that transaction."""
    signed = sign(build(diploma))
    data = json.dumps(signed, ensure_ascii=False, indent=2).encode()
    name = default_storage.save(
        f"diplomas/{diploma.enrolment.programme.code}/{diploma.code}.credential.json",
        ContentFile(data),
    )
    diploma.credential = name
    diploma.credential_sha256 = hashlib.sha256(data).hexdigest()
    diploma.save(update_fields=["credential", "credential_sha256"])
    return name


def filename(diploma: Diploma) -> str:
    return f"{diploma.number}.credential.json"
