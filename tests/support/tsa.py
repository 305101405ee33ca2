"""A real RFC 3161 timestamp authority on localhost for the tests: `openssl ts -reply` behind a
tiny HTTP handler, with a TSA certificate issued by the test CA. No network, no mock: pyHanko
speaks the protocol to it exactly as it would to a public TSA."""

from __future__ import annotations

import datetime
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CONFIG = """
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
serial = {serial}
crypto_device = builtin
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _tsa_certificate(
    directory: Path, ca: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey
) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    cert_path, key_path = directory / "tsa.pem", directory / "tsa.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@contextmanager
def local_tsa(ca: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey) -> Iterator[str]:
    """Serve a timestamp authority until the block ends; yields its URL."""
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        cert, key = _tsa_certificate(directory, ca, ca_key)
        (directory / "serial").write_text("01\n")
        config = directory / "tsa.cnf"
        config.write_text(CONFIG.format(serial=directory / "serial"))
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                query = self.rfile.read(int(self.headers["Content-Length"]))
                with lock:  # openssl keeps the serial number in one file
                    (directory / "query.tsq").write_bytes(query)
                    subprocess.run(
                        [
                            "openssl", "ts", "-reply", "-config", str(config),
                            "-queryfile", str(directory / "query.tsq"),
                            "-signer", str(cert), "-inkey", str(key),
                            "-out", str(directory / "reply.tsr"),
                        ],
                        check=True,
                        capture_output=True,
                    )  # fmt: skip
                    reply = (directory / "reply.tsr").read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/"
        finally:
            server.shutdown()
            server.server_close()
