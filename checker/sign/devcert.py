"""Development certificates: a local test CA and EC P-256 signer certificates issued by it.

They let the signing workflow be tried and tested without MitID Erhverv. Everything here is marked as a
test in the certificate subject, and the keys are unencrypted PEM files: never use them for real
signatures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from checker.files import create_file
from checker.findings import CouldNotRun, Text
from checker.sign import party_slug

CA_NAME = "aftale TEST-CA – IKKE TIL RIGTIG BRUG"
TEST_MARK = "TESTCERTIFIKAT – IKKE TIL RIGTIG BRUG"
CA_KEY = "dev-ca.key.pem"
CA_CERT = "dev-ca.cert.pem"
SIGNER_YEARS = 5
CA_YEARS = 10


@dataclass
class DevCert:
    key: Path
    cert: Path
    ca_cert: Path


def _years(start: datetime, years: int) -> datetime:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def _name(cn: str | None, organisation: str | None, ou: str, cvr: str | None = None):
    from cryptography import x509
    from cryptography.x509.oid import NameOID, ObjectIdentifier

    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "DK")] if cvr else []
    if cn:
        attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    if cvr:
        # organizationIdentifier (2.5.4.97) in the ETSI EN 319 412-1 form: NTR + country + "-" + number
        attrs.append(x509.NameAttribute(ObjectIdentifier("2.5.4.97"), f"NTRDK-{cvr}"))
    attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou))
    return x509.Name(attrs)


def _pem_key(key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _load_or_make_ca(out_dir: Path, now: datetime):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key_path, cert_path = out_dir / CA_KEY, out_dir / CA_CERT
    if key_path.exists() or cert_path.exists():
        if not (key_path.exists() and cert_path.exists()):
            present, absent = (key_path, cert_path) if key_path.exists() else (cert_path, key_path)
            raise CouldNotRun(
                Text(
                    f"Test-CA'en i {out_dir} er ufuldstændig: {present.name} findes, men {absent.name} mangler. "
                    "Flyt den resterende fil væk for at lave en ny test-CA.",
                    f"The test CA in {out_dir} is incomplete: {present.name} exists but {absent.name} is missing. "
                    "Move the remaining file away to make a new test CA.",
                )
            )
        try:
            ca_key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
            ca_cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        except (OSError, ValueError, TypeError) as exc:
            raise CouldNotRun(
                Text(
                    f"Test-CA'en i {out_dir} kan ikke læses ({exc}).",
                    f"The test CA in {out_dir} cannot be read ({exc}).",
                )
            ) from None
        if ca_cert.public_key().public_numbers() != ca_key.public_key().public_numbers():
            raise CouldNotRun(
                Text(
                    f"{CA_KEY} og {CA_CERT} i {out_dir} hører ikke sammen.",
                    f"{CA_KEY} and {CA_CERT} in {out_dir} do not belong together.",
                )
            )
        return ca_key, ca_cert

    ca_key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(CA_NAME, None, TEST_MARK)
    ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(_years(now, CA_YEARS))
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
        .add_extension(ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    create_file(key_path, _pem_key(ca_key), 0o600)
    create_file(cert_path, ca_cert.public_bytes(serialization.Encoding.PEM), 0o644)
    return ca_key, ca_cert


def make_dev_cert(out_dir: Path, name: str, organisation: str, *, cvr: str | None = None) -> DevCert:
    """Issue a test signer certificate for a person at an organisation, from the test CA in out_dir
    (created on first use). Files: <slug>.key.pem (mode 0600) and <slug>.cert.pem, slug = party_slug(name).
    With `cvr` (8 digits) the subject carries organizationIdentifier NTRDK-<cvr>."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    out_dir = Path(out_dir)
    name, organisation = (name or "").strip(), (organisation or "").strip()
    slug = party_slug(name)
    if not name or not organisation or not slug:
        raise CouldNotRun(
            Text(
                "Et testcertifikat kræver både navn og organisation (med mindst ét bogstav eller tal i navnet).",
                "A test certificate needs both a name and an organisation (with at least one letter or digit in the name).",
            )
        )
    if cvr is not None and not re.fullmatch(r"[0-9]{8}", cvr):
        raise CouldNotRun(
            Text(
                f"--cvr »{cvr}« er ikke et CVR-nummer (8 cifre).",
                f"--cvr '{cvr}' is not a CVR number (8 digits).",
            )
        )
    for label_da, label_en, value in (
        ("Navnet", "The name", name),
        ("Organisationen", "The organisation", organisation),
    ):
        if len(value) > 64:
            raise CouldNotRun(
                Text(
                    f"{label_da} »{value}« er længere end de 64 tegn, et certifikat tillader.",
                    f"{label_en} '{value}' is longer than the 64 characters a certificate allows.",
                )
            )
    key_path, cert_path = out_dir / f"{slug}.key.pem", out_dir / f"{slug}.cert.pem"
    if slug == "dev-ca":
        raise CouldNotRun(
            Text(
                f"Navnet »{name}« er forbeholdt test-CA'en.",
                f"The name '{name}' is reserved for the test CA.",
            )
        )
    if key_path.exists() or cert_path.exists():
        existing = key_path if key_path.exists() else cert_path
        raise CouldNotRun(
            Text(
                f"Der findes allerede et testcertifikat for »{name}« ({existing}); det overskrives ikke. "
                "Slet eller flyt filerne, hvis du vil lave et nyt.",
                f"A test certificate for '{name}' already exists ({existing}); it is not overwritten. "
                "Delete or move the files to make a new one.",
            )
        )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CouldNotRun(
            Text(f"Kan ikke oprette {out_dir}: {exc.strerror}.", f"Cannot create {out_dir}: {exc.strerror}.")
        ) from None

    now = datetime.now(UTC).replace(microsecond=0)
    ca_key, ca_cert = _load_or_make_ca(out_dir, now)
    key = ec.generate_private_key(ec.SECP256R1())
    not_after = min(_years(now, SIGNER_YEARS), ca_cert.not_valid_after_utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(name, organisation, TEST_MARK, cvr))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation
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
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    create_file(key_path, _pem_key(key), 0o600)
    create_file(cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)
    return DevCert(key=key_path, cert=cert_path, ca_cert=out_dir / CA_CERT)
