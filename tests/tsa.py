"""A real RFC 3161 time stamp authority on 127.0.0.1 for the tests.

An HTTP server in a thread answers `application/timestamp-query` POSTs with signed time stamp tokens.
The token is made by pyHanko's test TSA (DummyTimeStamper: real CMS signatures over a real TSTInfo,
with the nonce and message imprint of the request) under a TSA certificate issued by the test's own
development CA, so a client talks to it exactly as to a public TSA, over HTTP.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MAX_REQUEST = 64 * 1024


def tsa_certificate(ca_dir: Path):
    """An RSA TSA certificate (extended key usage timeStamping, critical) from the dev CA in ca_dir;
    returns (asn1crypto certificate, asn1crypto private key info). pyHanko's test TSA signs with RSA."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    ca_key = serialization.load_pem_private_key((ca_dir / "dev-ca.key.pem").read_bytes(), None)
    ca_cert = x509.load_pem_x509_certificate((ca_dir / "dev-ca.cert.pem").read_bytes())
    key = rsa.generate_private_key(65537, 2048)
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COMMON_NAME, "aftale TEST-TSA"),
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Testtidsstempel"),
                ]
            )
        )
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    der = serialization.Encoding.DER
    return (
        asn1_x509.Certificate.load(cert.public_bytes(der)),
        asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        ),
    )


class TimeStampAuthority:
    """Start with `with TimeStampAuthority(ca_dir) as tsa:`; `tsa.url` is where to send requests and
    `tsa.requests` counts the requests answered."""

    def __init__(self, ca_dir: Path):
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

        cert, key = tsa_certificate(Path(ca_dir))
        self.stamper = DummyTimeStamper(tsa_cert=cert, tsa_key=key)
        self.requests = 0
        authority = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                from asn1crypto import tsp

                length = int(self.headers.get("Content-Length") or 0)
                if self.headers.get("Content-Type") != "application/timestamp-query" or not (
                    0 < length <= MAX_REQUEST
                ):
                    self.send_error(400)
                    return
                request = tsp.TimeStampReq.load(self.rfile.read(length))
                response = asyncio.run(authority.stamper.async_request_tsa_response(request))
                body = response.dump()
                authority.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsa"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> TimeStampAuthority:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
