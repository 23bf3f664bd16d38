"""Sign one existing, empty signature field of a PDF: a PAdES signature added by incremental update,
with a visible stamp (signer, organisation, time) drawn in an embedded TrueType font with æøå."""

from __future__ import annotations

import io
import string
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from checker.files import write_file
from checker.findings import CouldNotRun, Text
from checker.sign import quiet_libraries, read_pdf_bytes

REASON = "Underskrift af strategisk samarbejdsaftale"
LOCATION = "Danmark"
STAMP_TEXT = "Underskrevet digitalt af\n%(signer)s\n%(organisation)s\n%(ts)s"
SEAL_TEXT = "Underskrevet digitalt af\n%(organisation)s\n%(ts)s"  # a certificate naming no person
TIME_FORMAT = "%d.%m.%Y kl. %H:%M:%S %Z"
FONTS = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
]


def stamp_font() -> Path:
    for font in FONTS:
        if font.is_file():
            return font
    raise CouldNotRun(
        Text(
            "Skrifttypen til underskriftsstemplet (DejaVu Sans) er ikke installeret; kør »make run«.",
            "The font for the signature stamp (DejaVu Sans) is not installed; run 'make run'.",
        )
    )


# --------------------------------------------------------------------------- key material


def _load_key(key: Path):
    from cryptography.hazmat.primitives import serialization

    key = Path(key)
    try:
        data = key.read_bytes()
    except OSError as exc:
        raise CouldNotRun(
            Text(
                f"Nøglefilen {key} kan ikke læses: {exc.strerror}.",
                f"The key file {key} cannot be read: {exc.strerror}.",
            )
        ) from None
    from cryptography.exceptions import UnsupportedAlgorithm

    load = serialization.load_pem_private_key if b"-----BEGIN" in data else serialization.load_der_private_key
    try:
        return load(data, password=None)
    except TypeError:
        raise CouldNotRun(
            Text(
                f"Nøglen i {key} er beskyttet med en adgangskode; aftale kan kun bruge en ukrypteret nøglefil. "
                "Brug en signeringstjeneste til rigtige underskrifter.",
                f"The key in {key} is protected by a password; aftale can only use an unencrypted key file. "
                "Use a signing service for real signatures.",
            )
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        raise CouldNotRun(
            Text(
                f"{key} indeholder ingen privat nøgle, som kan læses (PEM eller DER).",
                f"{key} contains no readable private key (PEM or DER).",
            )
        ) from None


def _load_certs(cert: Path):
    from cryptography import x509

    cert = Path(cert)
    try:
        data = cert.read_bytes()
    except OSError as exc:
        raise CouldNotRun(
            Text(
                f"Certifikatfilen {cert} kan ikke læses: {exc.strerror}.",
                f"The certificate file {cert} cannot be read: {exc.strerror}.",
            )
        ) from None
    try:
        if b"-----BEGIN" in data:
            certs = x509.load_pem_x509_certificates(data)
        else:
            certs = [x509.load_der_x509_certificate(data)]
    except (ValueError, TypeError):
        certs = []
    if not certs:
        raise CouldNotRun(
            Text(
                f"{cert} indeholder intet certifikat, som kan læses (PEM eller DER).",
                f"{cert} contains no readable certificate (PEM or DER).",
            )
        )
    return certs


def subject_parts(cert) -> tuple[str | None, str | None]:
    """(CN, O) of a cryptography certificate's subject."""
    from cryptography.x509.oid import NameOID

    def first(oid):
        values = cert.subject.get_attributes_for_oid(oid)
        return str(values[0].value) if values else None

    return first(NameOID.COMMON_NAME), first(NameOID.ORGANIZATION_NAME)


def _spki(public_key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _signer(key: Path, cert: Path):
    """A pyHanko SimpleSigner, after checking the files with messages a person can act on."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    private_key = _load_key(key)
    certs = _load_certs(cert)
    signer_cert = next((c for c in certs if _spki(c.public_key()) == _spki(private_key.public_key())), None)
    if signer_cert is None:
        raise CouldNotRun(
            Text(
                f"Nøglen {key} hører ikke til certifikatet {cert}.",
                f"The key {key} does not belong to the certificate {cert}.",
            )
        )
    now = datetime.now(UTC)
    if now < signer_cert.not_valid_before_utc or now > signer_cert.not_valid_after_utc:
        raise CouldNotRun(
            Text(
                f"Certifikatet {cert} er ikke gyldigt nu (gyldigt {signer_cert.not_valid_before_utc:%d.%m.%Y}–"
                f"{signer_cert.not_valid_after_utc:%d.%m.%Y}).",
                f"The certificate {cert} is not valid now (valid {signer_cert.not_valid_before_utc:%Y-%m-%d} to "
                f"{signer_cert.not_valid_after_utc:%Y-%m-%d}).",
            )
        )
    der = serialization.Encoding.DER
    try:
        asn1_key = asn1_keys.PrivateKeyInfo.load(
            private_key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        )
        asn1_cert = asn1_x509.Certificate.load(signer_cert.public_bytes(der))
        others = [asn1_x509.Certificate.load(c.public_bytes(der)) for c in certs if c is not signer_cert]
        store = SimpleCertificateStore()
        store.register_multiple(others)
        return SimpleSigner(signing_cert=asn1_cert, signing_key=asn1_key, cert_registry=store), signer_cert
    except (ValueError, TypeError, NotImplementedError) as exc:
        raise CouldNotRun(
            Text(
                f"Nøglen i {key} kan ikke bruges til at underskrive ({exc}).",
                f"The key in {key} cannot be used for signing ({exc}).",
            )
        ) from None


FONT_SIZE = 8


def _stamp_font_file(text: str, folder: Path) -> Path:
    """The stamp font, cut down to the characters the stamp can contain and scaled to 1000 units per em.

    pyHanko (0.38) writes a TrueType font's glyph widths (/W) and kerning in the font's own units but PDF
    reads them as thousandths of an em; DejaVu Sans has 2048 units per em, so without scaling every
    letter would be followed by a gap as wide as itself. A font with 1000 units per em is drawn right."""
    from fontTools import subset
    from fontTools.ttLib import TTFont, TTLibError
    from fontTools.ttLib.scaleUpem import scale_upem

    source = stamp_font()
    target = folder / "stamp-font.ttf"
    try:
        font = TTFont(str(source))
        # no layout tables: a four-line stamp needs neither ligatures nor kerning, and merely parsing
        # DejaVu's GPOS takes longer than everything else here (deleted unread, they are never parsed)
        for tag in ("GSUB", "GPOS", "GDEF", "kern", "morx", "kerx", "FFTM"):
            if tag in font:
                del font[tag]
        options = subset.Options()
        options.notdef_outline = True
        options.hinting = False  # instructions are not scaled; viewers render fine without them
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=text)
        subsetter.subset(font)
        if font["head"].unitsPerEm != 1000:
            scale_upem(font, 1000)
        font.save(str(target))
    except (TTLibError, OSError, KeyError, ValueError, AssertionError) as exc:
        raise CouldNotRun(
            Text(
                f"Skrifttypen {source} kan ikke bruges til underskriftsstemplet ({exc}).",
                f"The font {source} cannot be used for the signature stamp ({exc}).",
            )
        ) from None
    return target


def _stamp_style(font_file: Path, stamp_text: str = STAMP_TEXT):
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    # the font engine and the text box must have the same size, or lines after the first drift sideways
    return TextStampStyle(
        stamp_text=stamp_text,
        text_box_style=TextBoxStyle(
            font=GlyphAccumulatorFactory(str(font_file), font_size=FONT_SIZE),
            font_size=FONT_SIZE,
            leading=FONT_SIZE + 2,
            box_layout_rule=SimpleBoxLayoutRule(
                x_align=AxisAlignment.ALIGN_MIN, y_align=AxisAlignment.ALIGN_MIN, margins=Margins()
            ),
        ),
        # four lines of 10 points fill the 40-odd points between the party's name and its signing line
        inner_content_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MIN,
            y_align=AxisAlignment.ALIGN_MID,
            margins=Margins(left=4, right=4, top=2, bottom=2),
        ),
        background=None,
        border_width=0,
        timestamp_format=TIME_FORMAT,
    )


# --------------------------------------------------------------------------- signing


def sign_pdf(
    pdf: Path,
    field: str,
    key: Path,
    cert: Path,
    *,
    out: Path | None = None,
    reason: str = REASON,
    location: str = LOCATION,
    tsa: str | None = None,
) -> dict:
    """Sign the existing empty field `field` with the key and certificate (PAdES, incremental update;
    with `tsa`, an RFC 3161 time stamp from that URL makes it PAdES B-T). The certificate must identify
    the party the field belongs to (the document's signing requirement, or for a PDF without one, the
    party named in the field). The PDF is replaced atomically, or the result written to `out`. Returns
    {"field", "party", "signer", "organisation", "time", "timestamp"}."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields as pyhanko_fields
    from pyhanko.sign import signers
    from pyhanko.sign.general import SigningError
    from pyhanko.sign.timestamps import TimestampRequestError
    from pyhanko.sign.validation import EmbeddedPdfSignature

    from checker.sign.fields import fields_in, incremental_writer, open_reader

    quiet_libraries()
    pdf = Path(pdf)
    data = read_pdf_bytes(pdf)
    reader = open_reader(data, pdf)
    try:
        fields = fields_in(reader)
    except (PdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CouldNotRun(
            Text(
                f"Formularfelterne i {pdf} kan ikke læses ({exc}).",
                f"The form fields in {pdf} cannot be read ({exc}).",
            )
        ) from None
    if field not in fields:
        listed = ", ".join(fields) or "ingen"
        listed_en = ", ".join(fields) or "none"
        raise CouldNotRun(
            Text(
                f"Feltet {field} findes ikke; felter i PDF'en: {listed}.",
                f"The field {field} does not exist; fields in the PDF: {listed_en}.",
            )
        )
    if fields[field]:
        raise CouldNotRun(
            Text(
                f"Feltet {field} i {pdf} er allerede underskrevet.",
                f"The field {field} in {pdf} has already been signed.",
            )
        )

    signer, signer_cert = _signer(key, cert)
    name, organisation = subject_parts(signer_cert)
    party = _check_party(reader, pdf, field, signer.signing_cert)
    timestamper = _timestamper(tsa) if tsa else None
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        subfilter=pyhanko_fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
    )
    params = {"organisation": organisation or "", "signer": name or organisation or ""}
    stamp_text = STAMP_TEXT if name else SEAL_TEXT
    output = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="aftale-sign-") as scratch:
        characters = stamp_text + string.printable + "".join(params.values())
        style = _stamp_style(_stamp_font_file(characters, Path(scratch)), stamp_text)
        pdf_signer = signers.PdfSigner(meta, signer, stamp_style=style, timestamper=timestamper)
        try:
            writer = incremental_writer(data)
            pdf_signer.sign_pdf(
                writer, existing_fields_only=True, appearance_text_params=params, output=output
            )
        except TimestampRequestError as exc:
            cause = f": {exc.__cause__}" if exc.__cause__ else ""
            raise CouldNotRun(
                Text(
                    f"Tidsstempeltjenesten {tsa} kan ikke nås eller gav intet gyldigt tidsstempel ({exc}{cause}); "
                    "intet er underskrevet.",
                    f"The time stamp authority {tsa} cannot be reached or gave no valid time stamp ({exc}{cause}); "
                    "nothing was signed.",
                )
            ) from None
        except (TimeoutError, OSError) as exc:
            if timestamper is None:
                raise
            raise CouldNotRun(
                Text(
                    f"Tidsstempeltjenesten {tsa} kan ikke nås ({exc or type(exc).__name__}); intet er underskrevet.",
                    f"The time stamp authority {tsa} cannot be reached ({exc or type(exc).__name__}); nothing was signed.",
                )
            ) from None
        except (SigningError, PdfError, ValueError, KeyError, TypeError) as exc:
            raise CouldNotRun(
                Text(
                    f"Feltet {field} i {pdf} kunne ikke underskrives ({exc}).",
                    f"The field {field} in {pdf} could not be signed ({exc}).",
                )
            ) from None
    signed = output.getvalue()

    # read the signing time (and the time stamp's) back from what was written
    when = stamped = None
    try:
        check = PdfFileReader(io.BytesIO(signed))
        for sig in check.embedded_signatures:
            if isinstance(sig, EmbeddedPdfSignature) and sig.field_name == field:
                when = sig.self_reported_timestamp
                stamped = _timestamp_time(sig.signer_info)
    except (PdfError, ValueError, KeyError, TypeError, AttributeError):
        pass
    write_file(Path(out) if out is not None else pdf, signed)
    return {
        "field": field,
        "party": party,
        "signer": name,
        "organisation": organisation,
        "time": when,
        "timestamp": stamped,
    }


def _timestamp_time(signer_info):
    """The time in a signature's RFC 3161 time stamp token (unsigned attribute), or None."""
    for attr in signer_info["unsigned_attrs"] or ():
        if attr["type"].native == "signature_time_stamp_token":
            token = attr["values"][0]
            return token["content"]["encap_content_info"]["content"].parsed["gen_time"].native
    return None


def _check_party(reader, pdf: Path, field: str, cert) -> str | None:
    """The party the field belongs to; CouldNotRun when the certificate does not identify it."""
    from checker.sign import FIELD_PREFIX
    from checker.sign.requirement import (
        RequirementError,
        decode,
        identity_of,
        party_for_field,
        party_mismatch,
        raw_from_root,
    )

    try:
        raw = raw_from_root(reader.root)
        requirement = decode(raw) if raw is not None else None
    except RequirementError as exc:
        raise CouldNotRun(
            Text(
                f"Underskriftskravet i {pdf} kan ikke læses ({exc}); der underskrives ikke.",
                f"The signing requirement in {pdf} cannot be read ({exc}); nothing is signed.",
            )
        ) from None
    party = party_for_field(requirement, field)
    if party is None:
        if requirement is not None:
            raise CouldNotRun(
                Text(
                    f"Feltet {field} tilhører ingen part i dokumentets underskriftskrav.",
                    f"The field {field} belongs to no party in the document's signing requirement.",
                )
            )
        if not field.startswith(FIELD_PREFIX):
            return None  # a foreign field name says nothing about who should sign it
        party = {"part": field[len(FIELD_PREFIX) :]}
    mismatch = party_mismatch(identity_of(cert), party)
    if mismatch is not None:
        raise CouldNotRun(
            Text(
                f"Feltet {field} tilhører {party['part']}: {mismatch.da} Der er ikke underskrevet.",
                f"The field {field} belongs to {party['part']}: {mismatch.en} Nothing was signed.",
            )
        )
    return party["part"] if requirement is not None else None


def _timestamper(url: str):
    """An RFC 3161 client for the URL (http or https)."""
    from urllib.parse import urlparse

    from pyhanko.sign.timestamps import HTTPTimeStamper

    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise CouldNotRun(
            Text(
                f"--tsa »{url}« er ikke en http- eller https-adresse.",
                f"--tsa '{url}' is not an http or https address.",
            )
        )
    return HTTPTimeStamper(url, timeout=10)
