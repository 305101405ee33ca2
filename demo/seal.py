"""A demo seal: a demo CA and a seal certificate it issued, for `make run` and the tests.

Nothing here is trusted by anyone but whoever adds the demo CA's certificate (``ca.pem``)
as a trust root; a real seal certificate comes from a qualified trust service provider.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class DemoSeal:
    p12: Path  # the seal's key and certificate, with the CA's certificate as its chain
    password_file: Path
    ca_pem: Path  # the trust root to give a validator
    ca: x509.Certificate
    ca_key: ec.EllipticCurvePrivateKey  # kept in memory only, to issue more (a test's TSA)
    seal: x509.Certificate


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NO"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def create_demo_seal(directory: Path, organisation: str) -> DemoSeal:
    """Write a new demo CA and seal certificate into ``directory`` (created if missing)."""
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(f"{organisation} demo CA", organisation)
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    seal_key = ec.generate_private_key(ec.SECP256R1())
    seal = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{organisation} diploma seal", organisation))
        .issuer_name(ca_name)
        .public_key(seal_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # non-repudiation: what a seal asserts
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(seal_key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    password = secrets.token_urlsafe(24)
    p12 = directory / "seal.p12"
    password_file = directory / "seal.password"
    ca_pem = directory / "ca.pem"
    password_file.write_text(password + "\n", encoding="utf-8")
    password_file.chmod(0o600)
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"seal",
            seal_key,
            seal,
            [ca],
            serialization.BestAvailableEncryption(password.encode()),
        )
    )
    p12.chmod(0o600)
    ca_pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    return DemoSeal(
        p12=p12, password_file=password_file, ca_pem=ca_pem, ca=ca, ca_key=ca_key, seal=seal
    )
