"""The institution's seal on diplomas (PAdES, with pyHanko), and checking a PDF someone sends us.

Signing. The seal certificate and its key come from a PKCS#12 file named in the settings
(``CIL_SEAL_P12_FILE`` and its password), read once per process and kept only in memory: never
in the database, never in a log. ``sign_pdf`` adds the signature to WeasyPrint's PDF as an
incremental update, so the tagged PDF/UA document stays byte for byte what was rendered and
the signature is appended after it. With a timestamp authority (``CIL_SEAL_TSA_URL``) the
signature carries an RFC 3161 timestamp of the signature value: PAdES B-T; without one, B-B.
Without a certificate, ``sign_pdf`` returns the PDF as it was and diplomas are unsigned.

Checking. ``check_pdf`` says what a PDF is, for an employer who was sent one:

- its SHA-256 is a diploma's (the stored, signed file): *genuine*, valid or revoked;
- it is not, but it carries a signature made with our seal certificate, or the revision that
  a signature covers is a diploma's file (an edited copy with an incremental update after our
  signature; a changed byte inside the signed range): *altered*;
- anything else: *not issued here*.

The file is parsed only to find its signatures, and nothing in it is ever stored.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import enum
import functools
import hashlib
import io
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from asn1crypto import cms, x509
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import attributes, fields, signers, timestamps

from certificates.models import Diploma

logger = logging.getLogger(__name__)
T = TypeVar("T")

SIGNATURE_FIELD = "Seal"


class SealNotLoaded(Exception):
    """The configured seal certificate could not be read (wrong path or password)."""


@dataclass(frozen=True)
class Seal:
    signer: signers.SimpleSigner
    fingerprint: str  # SHA-256 of the seal certificate (DER), to recognise our signatures


def _password() -> bytes | None:
    if settings.CIL_SEAL_P12_PASSWORD_FILE:
        text = Path(settings.CIL_SEAL_P12_PASSWORD_FILE).read_text(encoding="utf-8")
        return text.rstrip("\r\n").encode()
    password: str = settings.CIL_SEAL_P12_PASSWORD
    return password.encode() if password else None


@functools.cache
def current_seal() -> Seal | None:
    """The configured seal, loaded on first use; None when no certificate is configured."""
    path: str = settings.CIL_SEAL_P12_FILE
    if not path:
        return None
    loaded = signers.SimpleSigner.load_pkcs12(  # type: ignore[no-untyped-call]
        path, passphrase=_password()
    )
    if loaded is None:
        # pyHanko logs its own reason; ours names neither the password nor the key.
        raise SealNotLoaded(f"The seal certificate in {path} could not be read.")
    signer = _Signer(
        signing_key=loaded.signing_key,
        signing_cert=loaded.signing_cert,
        cert_registry=loaded.cert_registry,
        signature_mechanism=loaded.signature_mechanism,
    )
    return Seal(signer=signer, fingerprint=_fingerprint(signer.signing_cert))


class _Signer(signers.SimpleSigner):
    """pyHanko's signer, with the CMS structures it builds passed on as parsed DER.

    asn1crypto encodes a structure built from Python values again each time its bytes or their
    length are asked for, and each of its parts again for each of those, so a structure nested
    ten deep (the signer's name inside the signing-certificate attribute, inside the signed
    attributes, inside the signer info) is encoded hundreds of times while pyHanko signs it
    and packs the signature: most of the seal's time. Here the attributes that never change
    (the seal's certificate and the algorithms) are built once per process, and the signed
    attributes and the signer info are encoded once and parsed back, after which their bytes
    are kept. The DER, and so the signature, is the same.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fixed_values: dict[tuple[str, str], Any] = {}

    def _signed_attr_providers(self, *args: Any, **kwargs: Any) -> Any:
        digest_algorithm = str(kwargs.get("digest_algorithm", ""))
        for provider in super()._signed_attr_providers(*args, **kwargs):
            if isinstance(
                provider,
                attributes.SigningCertificateV2Provider | attributes.CMSAlgorithmProtectionProvider,
            ):
                yield _BuiltOnce(provider, self._fixed_values, digest_algorithm)
            else:
                yield provider

    async def signed_attrs(self, *args: Any, **kwargs: Any) -> cms.CMSAttributes:
        built = await super().signed_attrs(*args, **kwargs)
        return cms.CMSAttributes.load(built.dump())

    def signer_info(self, *args: Any, **kwargs: Any) -> cms.SignerInfo:
        built = super().signer_info(*args, **kwargs)
        return cms.SignerInfo.load(built.dump())


class _BuiltOnce(attributes.CMSAttributeProvider):
    """An attribute that depends only on the seal and the digest algorithm: built by pyHanko's
    own provider the first time, kept parsed from its DER for every later signature."""

    def __init__(
        self,
        provider: attributes.CMSAttributeProvider,
        store: dict[tuple[str, str], Any],
        digest_algorithm: str,
    ) -> None:
        self.attribute_type = provider.attribute_type
        self.provider = provider
        self.store = store
        self.key = (provider.attribute_type, digest_algorithm)

    async def build_attr_value(self, dry_run: bool = False) -> Any:
        if self.key in self.store:
            return self.store[self.key]
        value = await self.provider.build_attr_value(dry_run=dry_run)  # type: ignore[no-untyped-call]
        parsed = type(value).load(value.dump())
        if not dry_run:  # a size estimate's value may be a placeholder
            self.store[self.key] = parsed
        return parsed


def _fingerprint(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.dump()).hexdigest()


@receiver(setting_changed)
def _forget_seal(*, setting: str, **kwargs: Any) -> None:
    """Tests configure another certificate with override_settings: load that one next time."""
    if setting.startswith("CIL_SEAL_"):
        current_seal.cache_clear()
        _reserved.clear()


def is_configured() -> bool:
    """Whether diplomas are sealed: administrators are told when they are not."""
    return bool(settings.CIL_SEAL_P12_FILE)


def signature_level() -> str:
    """How ``sign_pdf`` signs with the current settings: a ``Diploma.Signature`` value."""
    if current_seal() is None:
        return Diploma.Signature.UNSIGNED
    return Diploma.Signature.PADES_B_T if settings.CIL_SEAL_TSA_URL else Diploma.Signature.PADES_B_B


def sign_pdf(pdf: bytes) -> bytes:
    """The PDF with the institution's seal added as an incremental update (or as it was, when
    no seal is configured). The rendered bytes are the signed file's first revision."""
    seal = current_seal()
    if seal is None:
        return pdf
    tsa_url: str = settings.CIL_SEAL_TSA_URL
    timestamper = timestamps.HTTPTimeStamper(tsa_url, timeout=10) if tsa_url else None
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=settings.CIL_INSTITUTION_NAME,
        reason="Diploma issued by " + settings.CIL_INSTITUTION_NAME,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    key = (seal.fingerprint, tsa_url)
    signing = signers.async_sign_pdf(
        writer,
        metadata,
        signer=seal.signer,
        timestamper=timestamper,
        bytes_reserved=_reserved.get(key),
    )
    signed: bytes = _run_to_completion(signing).getvalue()
    if key not in _reserved:
        _reserved[key] = _space_reserved(signed)
    return signed


# Space for the signature in the PDF, per seal and timestamp authority. Without it pyHanko
# estimates the space on every signature by making a whole dummy signature first (and, with a
# timestamp authority, asking it for a dummy timestamp): about half the cost of sealing. The
# first signature in a process makes that estimate (with its margin of 50 %) and later ones
# reuse the space it reserved.
_reserved: dict[tuple[str, str], int] = {}


def _space_reserved(signed: bytes) -> int:
    """The space (hexadecimal digits) the first signature of ``signed`` was given."""
    reader = PdfFileReader(io.BytesIO(signed), strict=False)
    contents = reader.embedded_signatures[0].sig_object.raw_get("/Contents")
    return 2 * len(bytes(contents))


def _run_to_completion(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run pyHanko's coroutine from synchronous code: in this thread when it has no event loop
    (a request, the task worker), else in a thread of its own (asyncio.run refuses to start a
    loop inside a running one, as in an async caller or a Playwright test)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


# --- Checking a PDF someone sends ------------------------------------------------------------


class Verdict(enum.Enum):
    GENUINE = "genuine"
    REVOKED = "revoked"
    ALTERED = "altered"
    NOT_ISSUED_HERE = "not_issued_here"


@dataclass(frozen=True)
class Finding:
    verdict: Verdict
    diploma: Diploma | None = None  # only for a genuine (valid or revoked) file


def check_pdf(data: bytes) -> Finding:
    """What ``data`` (a PDF's bytes) is: see the module's docstring."""
    diploma = Diploma.objects.filter(sha256=hashlib.sha256(data).hexdigest()).first()
    if diploma is not None:
        return Finding(Verdict.GENUINE if diploma.is_valid else Verdict.REVOKED, diploma)
    if _carries_our_seal(data):
        return Finding(Verdict.ALTERED)
    return Finding(Verdict.NOT_ISSUED_HERE)


def _carries_our_seal(data: bytes) -> bool:
    seal = _seal_or_none()
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception:
        # A damaged or hostile PDF can make a parser fail in many ways; either way it is not
        # a file we can recognise.
        return False
    for signature in signatures:
        cert, byte_range = _signer_and_range(signature)
        if cert is not None and seal is not None and _fingerprint(cert) == seal.fingerprint:
            return True
        # The revision this signature covers ends where its second byte range ends; if that
        # revision is a diploma's file, something was added after our signature.
        if len(byte_range) == 4:
            end = int(byte_range[2]) + int(byte_range[3])
            revision = hashlib.sha256(data[:end]).hexdigest()
            if Diploma.objects.filter(sha256=revision).exists():
                return True
    return False


def _signer_and_range(signature: Any) -> tuple[x509.Certificate | None, list[int]]:
    """The signer's certificate and the byte range of a signature; nothing for one that cannot
    be read (an unreadable signature is simply not ours)."""
    try:
        return signature.signer_cert, list(signature.byte_range)
    except Exception:
        return None, []


def _seal_or_none() -> Seal | None:
    """The seal for recognising signatures; a broken configuration must not break checking."""
    try:
        return current_seal()
    except Exception:
        logger.exception("The seal certificate could not be loaded.")
        return None
