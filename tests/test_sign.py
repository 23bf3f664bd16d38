"""Signing: development certificates, signature fields on the agreement's signature page, PAdES
signatures one party after another, and verification of what is signed, missing, broken or changed.

Real pyHanko, real files: the agreement is built once with LibreOffice (as `aftale build` does), small
PDFs are made with fpdf2."""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from checker.findings import CouldNotRun
from checker.sign import field_name, party_slug
from checker.sign.devcert import CA_NAME, TEST_MARK, make_dev_cert
from checker.sign.fields import add_signature_fields, locate_blocks, signature_fields
from checker.sign.requirement import make_requirement
from checker.sign.signer import sign_pdf
from checker.sign.verify import verify_pdf
from tests.conftest import VIBORG

# the parties as printed on the agreement's signature page, and who signs for each
PARTIES = {
    "Boligselskabet Viborg": "Søren Ærø Åberg",
    "Boligselskabet Sct. Jørgen, Viborg": "Mette Kjærgaard",
    "Bjerringbro Andelsboligforening": "Anders Holm",
    "Viborg Kommune": "Ulla Nørgaard Bæk",
}
FIELDS = [field_name(p) for p in PARTIES]
PYHANKO = Path(sys.executable).with_name("pyhanko")  # pyHanko's own validator (pyhanko-cli)
TIMES: dict[str, list[float]] = {"sign": [], "verify": []}


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def agreement(tmp_path_factory) -> Path:
    """The Viborg agreement as LibreOffice makes it (PDF/A-2b), before any signature field is added:
    the Word file from build(), converted the way build() converts it."""
    from checker.assemble.build import build
    from checker.assemble.pdf import convert

    folder = tmp_path_factory.mktemp("sigbuild")
    result = build(VIBORG, folder / "viborg", pdf=False)
    (pdf,) = convert([result.out / "samarbejdsaftale.docx"], folder)
    return pdf


@pytest.fixture(scope="module")
def certs(tmp_path_factory) -> dict:
    """One test CA, one signer per party."""
    folder = tmp_path_factory.mktemp("certs")
    return {party: make_dev_cert(folder, person, party) for party, person in PARTIES.items()}


def requirement_for(parties: list[str], cvr: dict[str, str] | None = None) -> dict:
    """A signing requirement as the build writes it, for these parties (with CVR numbers if given)."""
    cvr = cvr or {}
    return make_requirement(
        "samarbejdsaftale",
        "samarbejdsaftale.json",
        {"underskrifter": [{"part": p} for p in parties]},
        [{"navn": p, "type": "kommune", **({"cvr": cvr[p]} if p in cvr else {})} for p in parties],
        dossier="viborg-2017-2021",
        version="1",
        draft=False,
        sources=[{"path": "samarbejdsaftale.json", "sha256": "0" * 64}],
    )


def prepare(agreement: Path, target: Path, parties: list[str], requirement: dict | None = None) -> Path:
    """A copy of the agreement with empty signature fields for these parties and their requirement, as
    the build adds them."""
    shutil.copy(agreement, target)
    blocks = locate_blocks(target, parties)
    add_signature_fields(
        target,
        [(field_name(p), page, box) for p, (page, box) in blocks.items()],
        requirement or requirement_for(parties),
    )
    return target


@pytest.fixture(scope="module")
def prepared(agreement, tmp_path_factory) -> Path:
    """The agreement with four empty signature fields and the requirement that the four parties sign."""
    return prepare(agreement, tmp_path_factory.mktemp("prepared") / "samarbejdsaftale.pdf", list(PARTIES))


@pytest.fixture(scope="module")
def signed(prepared, certs, tmp_path_factory) -> Path:
    """The agreement signed by all four parties, one after another."""
    pdf = tmp_path_factory.mktemp("signed") / "samarbejdsaftale.pdf"
    shutil.copy(prepared, pdf)
    for party in PARTIES:
        start = time.perf_counter()
        sign_pdf(pdf, field_name(party), certs[party].key, certs[party].cert)
        TIMES["sign"].append(time.perf_counter() - start)
    return pdf


def copy(src: Path, tmp_path: Path, name: str = "doc.pdf") -> Path:
    target = tmp_path / name
    shutil.copy(src, target)
    return target


def simple_pdf(path: Path, lines: list[str] | None = None) -> Path:
    from fpdf import FPDF

    doc = FPDF()
    doc.add_page()
    doc.set_font("Helvetica", size=12)
    for line in lines or ["Et lille testdokument."]:
        doc.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    doc.output(str(path))
    return path


def stamp_text(pdf: Path, page: int) -> str:
    """The page's text with the widgets' appearance streams merged in (as a viewer shows them)."""
    with pikepdf.open(pdf) as doc:
        doc.flatten_annotations("all")
        buffer = io.BytesIO()
        doc.save(buffer)
    with pdfplumber.open(buffer) as doc:
        return doc.pages[page].extract_text()


def revision_end(pdf: Path, field: str) -> int:
    """Where the revision holding a field's signature ends (the end of its signed byte range)."""
    with pikepdf.open(pdf) as doc:
        for f in doc.Root.AcroForm.Fields:
            if str(f.get("/T")) == field:
                br = [int(x) for x in f.V.ByteRange]
                return br[2] + br[3]
    raise AssertionError(field)


# --------------------------------------------------------------------------- names


def test_party_slug_and_field_name():
    assert party_slug("Boligselskabet Sct. Jørgen Viborg") == "boligselskabet-sct-joergen-viborg"
    assert party_slug("Boligselskabet Sct. Jørgen, Viborg") == "boligselskabet-sct-joergen-viborg"
    assert party_slug("  Ærø Å/S – Café ") == "aeroe-aa-s-cafe"
    assert field_name("Viborg Kommune") == "underskrift-viborg-kommune"


def test_package_does_not_import_pyhanko():
    import subprocess
    import sys

    code = "import sys, checker.sign; print('pyhanko' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


# --------------------------------------------------------------------------- dev certificates


def test_dev_cert(tmp_path):
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding, load_pem_private_key
    from cryptography.x509.oid import NameOID

    dev = make_dev_cert(tmp_path, "Søren Ærø Åberg", "Boligselskabet Sct. Jørgen, Viborg")
    assert dev.key == tmp_path / "soeren-aeroe-aaberg.key.pem"
    assert dev.cert == tmp_path / "soeren-aeroe-aaberg.cert.pem"
    assert dev.ca_cert == tmp_path / "dev-ca.cert.pem"
    assert (tmp_path / "dev-ca.key.pem").is_file()
    assert stat.S_IMODE(dev.key.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "dev-ca.key.pem").stat().st_mode) == 0o600

    cert = x509.load_pem_x509_certificate(dev.cert.read_bytes())
    ca = x509.load_pem_x509_certificate(dev.ca_cert.read_bytes())

    def attr(name, oid):
        return name.get_attributes_for_oid(oid)[0].value

    assert attr(cert.subject, NameOID.COMMON_NAME) == "Søren Ærø Åberg"
    assert attr(cert.subject, NameOID.ORGANIZATION_NAME) == "Boligselskabet Sct. Jørgen, Viborg"
    assert attr(cert.subject, NameOID.ORGANIZATIONAL_UNIT_NAME) == TEST_MARK
    assert "IKKE TIL RIGTIG BRUG" in TEST_MARK
    assert attr(ca.subject, NameOID.COMMON_NAME) == CA_NAME == "aftale TEST-CA – IKKE TIL RIGTIG BRUG"
    assert cert.issuer == ca.subject
    # UTF-8 strings, so æøå survive in every reader
    asn1 = asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))
    assert {rdn[0]["value"].name for rdn in asn1.subject.chosen} == {"utf8_string"}
    # EC P-256, signing key usages, five years
    key = load_pem_private_key(dev.key.read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1"
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    lifetime = cert.not_valid_after_utc - datetime.now(UTC)
    assert timedelta(days=5 * 365 - 2) < lifetime < timedelta(days=5 * 366 + 1)

    # a second person: the same CA is reused
    ca_before = dev.ca_cert.read_bytes()
    other = make_dev_cert(tmp_path, "Ulla Nørgaard", "Viborg Kommune")
    assert other.ca_cert.read_bytes() == ca_before
    assert x509.load_pem_x509_certificate(other.cert.read_bytes()).issuer == ca.subject

    # never overwrite a signer key
    key_before = dev.key.read_bytes()
    with pytest.raises(CouldNotRun) as exc:
        make_dev_cert(tmp_path, "Søren Ærø Åberg", "Et andet selskab")
    assert "overskrives ikke" in exc.value.text.da and "not overwritten" in exc.value.text.en
    assert dev.key.read_bytes() == key_before


# --------------------------------------------------------------------------- fields


def test_locate_blocks_on_the_agreement(agreement):
    blocks = locate_blocks(agreement, [*PARTIES, "Landsbyggefonden"])
    assert set(blocks) == set(PARTIES)  # a label that is not there is absent
    with pdfplumber.open(agreement) as doc:
        pages = {page for page, _box in blocks.values()}
        assert len(pages) == 1
        page = doc.pages[pages.pop()]
        assert "Underskrifter" in page.extract_text()
        height = float(page.height)
        words = page.extract_words()
    ordered = sorted(blocks.items(), key=lambda kv: -kv[1][1][3])
    assert [p for p, _ in ordered] == list(PARTIES)  # top to bottom in the printed order
    for party, (_page, (x1, y1, x2, y2)) in blocks.items():
        assert x1 < x2 and y1 < y2
        assert 30 <= y2 - y1 <= 80 and x2 - x1 >= 200
        # the box lies below the label's first word and above the next "Dato"
        first = party.split()[0]
        label_bottoms = [height - w["bottom"] for w in words if w["text"] == first and abs(w["x0"] - x1) < 5]
        assert any(0 < b - y2 < 10 for b in label_bottoms), party
        datos = [height - w["top"] for w in words if w["text"] == "Dato" and height - w["top"] < y1]
        assert datos and y1 - max(datos) < 10
    # the boxes do not overlap: each lies wholly above the next one down
    for upper, lower in zip(ordered, ordered[1:], strict=False):
        assert lower[1][1][3] < upper[1][1][1]


def test_locate_blocks_small_pdf(tmp_path):
    """Underscore signing lines, a label with no line (box just below it), and a party named in the body
    text above the heading, which is not a signature block."""
    pdf = simple_pdf(
        tmp_path / "small.pdf",
        [
            "Aftalen indgås mellem Viborg Kommune og andre.",
            "Viborg Kommune",
            "",
            "Underskrifter:",
            "Viborg Kommune",
            "",
            "",
            "",
            "______________________________",
            "Dato   Navn",
            "Boligselskabet Æblehaven",
        ],
    )
    blocks = locate_blocks(pdf, ["Viborg Kommune", "Boligselskabet Æblehaven"])
    assert set(blocks) == {"Viborg Kommune", "Boligselskabet Æblehaven"}
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        height = float(page.height)
        words = page.extract_words()
    heading = next(w for w in words if w["text"] == "Underskrifter:")
    _page, (x1, y1, x2, y2) = blocks["Viborg Kommune"]
    assert y2 < height - heading["bottom"]  # below the heading, not the body text's mention
    underscores = next(w for w in words if w["text"].startswith("___"))
    assert abs(y1 - (height - underscores["bottom"])) < 4  # down to the signing line
    _page, (x1, y1, x2, y2) = blocks["Boligselskabet Æblehaven"]
    assert 40 <= y2 - y1 <= 60 and x2 - x1 >= 200  # the fallback box under the label


def test_locate_blocks_with_an_offset_mediabox(tmp_path):
    """Coordinates come out in the file's own user space, also when the MediaBox does not start at 0."""
    for mediabox in ([0, 0, 595, 842], [0, 100, 595, 942], [40, 100, 635, 942]):
        pdf = pikepdf.new()
        font = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
            )
        )
        content = (
            b"BT /F1 14 Tf 100 700 Td (Underskrifter:) Tj ET "
            b"BT /F1 12 Tf 100 650 Td (Viborg Kommune) Tj ET "
            b"0.5 w 100 590 m 500 590 l S "
            b"BT /F1 10 Tf 100 578 Td (Dato) Tj ET"
        )
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=mediabox,
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
            Contents=pdf.make_stream(content),
        )
        pdf.pages.append(pikepdf.Page(page))
        path = tmp_path / f"mb-{mediabox[1]}-{mediabox[0]}.pdf"
        pdf.save(path)
        (page_index, (x1, y1, x2, y2)) = locate_blocks(path, ["Viborg Kommune"])["Viborg Kommune"]
        assert page_index == 0
        assert (round(x1), round(x2)) == (100, 500), mediabox
        assert 590 < y1 < 594 and 640 < y2 < 650, (mediabox, y1, y2)  # from the line up to under the label


def test_add_signature_fields(prepared):
    assert signature_fields(prepared) == dict.fromkeys(FIELDS, False)
    with pikepdf.open(prepared) as doc:
        meta = doc.open_metadata()
        assert meta.get("pdfaid:part") == "2"
        assert meta.get("pdfaid:conformance") == "B"
    with pytest.raises(CouldNotRun) as exc:
        add_signature_fields(prepared, [(FIELDS[0], 1, (100, 100, 300, 150))])
    assert "findes allerede" in exc.value.text.da


def test_add_signature_fields_is_incremental_and_atomic(agreement, tmp_path):
    pdf = copy(agreement, tmp_path)
    original = pdf.read_bytes()
    add_signature_fields(pdf, [("underskrift-a", 1, (72, 600, 300, 650))])
    after = pdf.read_bytes()
    assert after.startswith(original) and len(after) > len(original)
    assert [p.name for p in tmp_path.iterdir()] == ["doc.pdf"]  # no temporary file left behind
    with pytest.raises(CouldNotRun) as exc:
        add_signature_fields(pdf, [("underskrift-b", 99, (72, 600, 300, 650))])
    assert "Side 100" in exc.value.text.da
    assert pdf.read_bytes() == after


# --------------------------------------------------------------------------- signing and verifying


def test_four_parties_sign_one_after_another(signed, prepared, certs):
    data = signed.read_bytes()
    assert data.startswith(prepared.read_bytes())  # every signature was an incremental update
    assert signature_fields(signed) == dict.fromkeys(FIELDS, True)

    start = time.perf_counter()
    result = verify_pdf(signed, trust=[certs["Viborg Kommune"].ca_cert])
    TIMES["verify"].append(time.perf_counter() - start)

    assert [s.field for s in result.signatures] == FIELDS  # in signing order
    for sig, (party, person) in zip(result.signatures, PARTIES.items(), strict=True):
        assert (sig.signer, sig.organisation) == (person, party)
        assert sig.intact and sig.valid and sig.trusted, sig.problems
        assert not sig.modified_after, sig.field
        assert not sig.seal
        assert sig.problems == []
        assert sig.time is not None and abs(sig.time - datetime.now(UTC)) < timedelta(minutes=10)
    assert result.empty_fields == [] and result.missing == [] and result.attachments == []
    assert result.ok
    with pikepdf.open(signed) as doc:
        assert doc.open_metadata().get("pdfaid:part") == "2"


def test_stamp_shows_name_with_aeoeaa(signed):
    text = stamp_text(signed, 1)
    assert "Underskrevet digitalt af" in text
    for party, person in PARTIES.items():
        assert person in text
        assert party in text
    assert "Søren Ærø Åberg" in text
    with pikepdf.open(signed) as doc:  # the stamp font is embedded
        widget = next(f for f in doc.Root.AcroForm.Fields if str(f.T) == FIELDS[0])
        fonts = []

        def walk(xobj, depth=0):
            res = xobj.get("/Resources", {})
            fonts.extend(res.get("/Font", {}).values())
            for sub in res.get("/XObject", {}).values():
                if depth < 5:
                    walk(sub, depth + 1)

        walk(widget.AP.N)
        assert fonts
        descendant = fonts[0].DescendantFonts[0]
        assert "DejaVuSans" in str(descendant.BaseFont) and "/FontFile2" in descendant.FontDescriptor


def test_sign_returns_details_and_writes_out(prepared, certs, tmp_path):
    pdf = copy(prepared, tmp_path)
    before = pdf.read_bytes()
    out = tmp_path / "underskrevet.pdf"
    party = "Viborg Kommune"
    result = sign_pdf(pdf, field_name(party), certs[party].key, certs[party].cert, out=out)
    assert result["field"] == field_name(party)
    assert (result["signer"], result["organisation"]) == (PARTIES[party], party)
    assert isinstance(result["time"], datetime)
    assert pdf.read_bytes() == before  # the input is left alone when out is given
    assert signature_fields(out)[field_name(party)] is True
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.pdf", "underskrevet.pdf"]


def test_missing_signatures(prepared, certs, tmp_path):
    pdf = copy(prepared, tmp_path)
    for party in list(PARTIES)[:2]:
        sign_pdf(pdf, field_name(party), certs[party].key, certs[party].cert)
    result = verify_pdf(pdf, trust=[certs["Viborg Kommune"].ca_cert])
    assert len(result.signatures) == 2
    assert all(s.intact and s.valid and s.trusted and not s.modified_after for s in result.signatures)
    assert result.missing == FIELDS[2:]
    assert result.empty_fields == FIELDS[2:]
    assert not result.ok


def test_a_required_party_without_a_field_is_missing(agreement, certs, tmp_path):
    """The requirement names a party whose field is not in the PDF (removed, or never added): missing."""
    parties = list(PARTIES)
    pdf = prepare(
        agreement, tmp_path / "a.pdf", parties[:1], requirement_for([*parties[:1], "Landsbyggefonden"])
    )
    sign_pdf(pdf, FIELDS[0], certs[parties[0]].key, certs[parties[0]].cert)
    result = verify_pdf(pdf)
    assert result.missing == ["underskrift-landsbyggefonden"]
    assert result.party_of("underskrift-landsbyggefonden") == "Landsbyggefonden"
    assert not result.ok


def test_tamper_one_byte(signed, certs, tmp_path):
    pdf = copy(signed, tmp_path)
    data = bytearray(pdf.read_bytes())
    # the document title in LibreOffice's information dictionary, signed by every signature
    index = data.index(b"/Title (Strategisk") + len(b"/Title (")
    assert index < revision_end(signed, FIELDS[0])
    data[index : index + 1] = b"s"
    pdf.write_bytes(bytes(data))
    result = verify_pdf(pdf, trust=[certs["Viborg Kommune"].ca_cert])
    assert result.signatures and not result.signatures[0].intact
    assert all(not s.intact for s in result.signatures)
    assert any("brudt" in p.da for p in result.signatures[0].problems)
    assert not result.ok


def _append_content(src: Path, dst: Path) -> None:
    """A later incremental update that draws on the signature page (not a signature, not form filling)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    with src.open("rb") as fh:
        writer = IncrementalPdfFileWriter(io.BytesIO(fh.read()))
    stream = generic.StreamObject(stream_data=b"q 1 0 0 rg 100 100 200 50 re f Q")
    writer.add_stream_to_page(1, writer.add_object(stream))
    out = io.BytesIO()
    writer.write(out)
    dst.write_bytes(out.getvalue())


def _append_annotation(src: Path, dst: Path) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    with src.open("rb") as fh:
        writer = IncrementalPdfFileWriter(io.BytesIO(fh.read()))
    page_ref = writer.find_page_for_modification(1)[0]
    page = page_ref.get_object()
    annot = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/FreeText"),
            generic.NameObject("/Rect"): generic.ArrayObject(
                [generic.FloatObject(v) for v in (100, 100, 300, 150)]
            ),
            generic.NameObject("/Contents"): generic.TextStringObject("Ændret efter underskrift"),
            generic.NameObject("/DA"): generic.TextStringObject("/Helv 12 Tf 0 g"),
        }
    )
    annots = page.get("/Annots")
    if annots is None:
        page[generic.NameObject("/Annots")] = generic.ArrayObject([writer.add_object(annot)])
    else:
        annots = annots.get_object()
        annots.append(writer.add_object(annot))
        if isinstance(page.raw_get("/Annots"), generic.IndirectObject):
            writer.mark_update(page.raw_get("/Annots"))
    writer.mark_update(page_ref)
    out = io.BytesIO()
    writer.write(out)
    dst.write_bytes(out.getvalue())


@pytest.mark.parametrize("change", [_append_content, _append_annotation], ids=["content", "annotation"])
def test_change_after_signing_is_modified_after(signed, certs, tmp_path, change):
    pdf = tmp_path / "changed.pdf"
    change(signed, pdf)
    assert pdf.read_bytes().startswith(signed.read_bytes())
    result = verify_pdf(pdf, trust=[certs["Viborg Kommune"].ca_cert])
    assert len(result.signatures) == 4
    for sig in result.signatures:
        assert sig.intact and sig.valid and sig.trusted  # the signed bytes themselves are untouched
        assert sig.modified_after, sig.field
        assert any("ændret efter underskriften" in p.da for p in sig.problems)
    assert not result.ok


def test_removing_the_last_signature_leaves_its_field_missing(signed, certs, tmp_path):
    pdf = tmp_path / "truncated.pdf"
    pdf.write_bytes(signed.read_bytes()[: revision_end(signed, FIELDS[2])])
    assert signature_fields(pdf) == {**dict.fromkeys(FIELDS[:3], True), FIELDS[3]: False}
    result = verify_pdf(pdf, trust=[certs["Viborg Kommune"].ca_cert])
    assert [s.field for s in result.signatures] == FIELDS[:3]
    assert all(s.intact and s.valid and s.trusted and not s.modified_after for s in result.signatures)
    assert result.missing == [FIELDS[3]]
    assert not result.ok


def test_untrusted_ca(agreement, certs, tmp_path):
    other = make_dev_cert(tmp_path / "other-ca", "Fremmed Person", "Viborg Kommune")
    pdf = prepare(agreement, tmp_path / "doc.pdf", ["Viborg Kommune"])
    sign_pdf(pdf, FIELDS[3], other.key, other.cert)

    result = verify_pdf(pdf, trust=[certs["Viborg Kommune"].ca_cert])
    (sig,) = result.signatures
    assert sig.intact and sig.valid and not sig.trusted and not sig.modified_after
    assert any("betroede" in p.da for p in sig.problems)
    assert not result.ok

    result = verify_pdf(pdf)  # no trust given: valid and untrusted, and who signed is not confirmed
    (sig,) = result.signatures
    assert sig.intact and sig.valid and not sig.trusted
    assert sig.problems == []
    assert not result.ok
    assert [p.en for p in result.problems] == [
        "No --trust: the certificates were not checked against a trusted certificate, so who signed is not "
        "confirmed. Give the issuer's certificate with --trust."
    ]

    result = verify_pdf(pdf, trust=[other.ca_cert])
    assert result.signatures[0].trusted and result.ok


def _service_sign(
    src: Path, dst: Path, dev, field: str = "Signature1", box=(300, 60, 550, 110), page=0
) -> None:
    """Sign as a signing service would: pyHanko directly, into a new field of its own naming."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = signers.SimpleSigner.load(str(dev.key), str(dev.cert), ca_chain_files=(str(dev.ca_cert),))
    with src.open("rb") as fh:
        writer = IncrementalPdfFileWriter(io.BytesIO(fh.read()))
    with dst.open("wb") as out:
        signers.sign_pdf(
            writer,
            signers.PdfSignatureMetadata(field_name=field, subfilter=fields.SigSeedSubFilter.PADES),
            signer=signer,
            new_field_spec=fields.SigFieldSpec(sig_field_name=field, box=box, on_page=page),
            output=out,
        )


def test_unknown_field_from_a_signing_service_is_listed(certs, tmp_path):
    pdf = simple_pdf(tmp_path / "plain.pdf")
    signed_pdf = tmp_path / "service.pdf"
    _service_sign(pdf, signed_pdf, certs["Viborg Kommune"])
    result = verify_pdf(signed_pdf, trust=[certs["Viborg Kommune"].ca_cert])
    (sig,) = result.signatures
    assert sig.field == "Signature1"
    assert (sig.signer, sig.organisation) == (PARTIES["Viborg Kommune"], "Viborg Kommune")
    assert sig.intact and sig.valid and sig.trusted and not sig.modified_after
    assert result.ok


def test_signing_service_after_our_signature_does_not_modify(prepared, certs, tmp_path):
    """A service adds its own field and signature after a party signed with aftale: an allowed change."""
    pdf = copy(prepared, tmp_path)
    sign_pdf(pdf, FIELDS[0], certs["Boligselskabet Viborg"].key, certs["Boligselskabet Viborg"].cert)
    out = tmp_path / "service.pdf"
    _service_sign(pdf, out, certs["Viborg Kommune"], page=1)
    result = verify_pdf(out, trust=[certs["Viborg Kommune"].ca_cert])
    assert [s.field for s in result.signatures] == [FIELDS[0], "Signature1"]
    assert all(s.intact and s.valid and s.trusted and not s.modified_after for s in result.signatures)
    assert all(s.holds for s in result.signatures) and result.problems == []
    assert result.missing == FIELDS[1:]  # the service's own field is not a party's


def _issue(ca_dir: Path, subject, usage, *, eku=None, rsa_key=False):
    """A certificate from the test CA in ca_dir, with its key (cryptography objects)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    ca_key = serialization.load_pem_private_key((ca_dir / "dev-ca.key.pem").read_bytes(), None)
    ca_cert = x509.load_pem_x509_certificate((ca_dir / "dev-ca.cert.pem").read_bytes())
    key = rsa.generate_private_key(65537, 2048) if rsa_key else ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(usage, critical=True)
    )
    if eku is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
    return builder.sign(ca_key, hashes.SHA256()), key


def test_document_timestamp_after_the_signatures(signed, certs, tmp_path):
    """An archive time stamp added after everyone signed (as PAdES-LTA services do) is listed as such and
    changes nothing for the signatures before it."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    ca_dir = certs["Viborg Kommune"].ca_cert.parent
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "aftale TEST-TSA"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Testtidsstempel"),
        ]
    )
    usage = x509.KeyUsage(True, True, False, False, False, False, False, False, False)
    tsa_cert, tsa_key = _issue(
        ca_dir, subject, usage, eku=[ExtendedKeyUsageOID.TIME_STAMPING], rsa_key=True
    )  # pyHanko's test TSA is RSA-only
    der = serialization.Encoding.DER
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(tsa_cert.public_bytes(der)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            tsa_key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        ),
    )
    pdf = tmp_path / "lta.pdf"
    with signed.open("rb") as fh:
        writer = IncrementalPdfFileWriter(io.BytesIO(fh.read()))
    with pdf.open("wb") as out:
        signers.PdfTimeStamper(stamper, field_name="Arkivtidsstempel").timestamp_pdf(
            writer, "sha256", output=out
        )
    result = verify_pdf(pdf, trust=[certs["Viborg Kommune"].ca_cert])
    assert [s.field for s in result.signatures] == [*FIELDS, "Arkivtidsstempel"]
    *parties, stamp = result.signatures
    assert all(s.intact and s.valid and s.trusted and not s.modified_after for s in parties)
    assert stamp.kind == "document-timestamp" and stamp.signer == "aftale TEST-TSA"
    assert stamp.intact and stamp.valid and stamp.time is not None
    assert result.ok


def test_seal_flag(tmp_path):
    """A certificate naming only an organisation (as a signing service's seal does) is flagged as a seal."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.x509.oid import NameOID

    dev = make_dev_cert(tmp_path, "Nogen", "Viborg Kommune")  # for the CA
    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Viborg Kommune")])
    usage = x509.KeyUsage(True, True, False, False, False, False, False, False, False)
    cert, key = _issue(tmp_path, subject, usage)
    (tmp_path / "seal.key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    (tmp_path / "seal.cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pdf = simple_pdf(tmp_path / "plain.pdf")
    add_signature_fields(pdf, [("underskrift-viborg-kommune", 0, (300, 60, 550, 110))])
    info = sign_pdf(pdf, "underskrift-viborg-kommune", tmp_path / "seal.key.pem", tmp_path / "seal.cert.pem")
    assert info["signer"] is None and info["organisation"] == "Viborg Kommune"
    (sig,) = verify_pdf(pdf, trust=[dev.ca_cert]).signatures
    assert sig.seal and sig.signer is None and sig.organisation == "Viborg Kommune"
    assert sig.intact and sig.valid and sig.trusted
    text = stamp_text(pdf, 0)
    assert "Underskrevet digitalt af" in text and text.count("Viborg Kommune") == 1


def test_signature_file_attachments_are_listed(certs, tmp_path):
    pdf = simple_pdf(tmp_path / "plain.pdf")
    with pikepdf.open(pdf, allow_overwriting_input=True) as doc:
        for name, data in [("aftale.p7s", b"0\x80"), ("signatur-penneo.xml", b"<x/>"), ("bilag.xlsx", b"PK")]:
            doc.attachments[name] = pikepdf.AttachedFileSpec(doc, data, filename=name)
        doc.save(pdf)
    result = verify_pdf(pdf)
    assert result.attachments == ["aftale.p7s", "signatur-penneo.xml"]
    # attached signature files cannot be verified here: with no signature and no requirement the PDF
    # is reported as not signed, never as holding
    assert result.signatures == [] and not result.ok
    assert [p.en for p in result.problems] == [
        "The PDF is not signed: it has no signatures and does not say who must sign."
    ]


# --------------------------------------------------------------------------- errors


def test_sign_errors(prepared, certs, tmp_path):
    pdf = copy(prepared, tmp_path)
    viborg = certs["Boligselskabet Viborg"]
    kommune = certs["Viborg Kommune"]

    with pytest.raises(CouldNotRun) as exc:
        sign_pdf(pdf, "underskrift-landsbyggefonden", viborg.key, viborg.cert)
    assert exc.value.text.da.startswith("Feltet underskrift-landsbyggefonden findes ikke; felter i PDF'en: ")
    assert FIELDS[0] in exc.value.text.da and "does not exist" in exc.value.text.en

    sign_pdf(pdf, FIELDS[0], viborg.key, viborg.cert)
    signed_once = pdf.read_bytes()
    with pytest.raises(CouldNotRun) as exc:
        sign_pdf(pdf, FIELDS[0], viborg.key, viborg.cert)
    assert "allerede underskrevet" in exc.value.text.da and "already been signed" in exc.value.text.en

    with pytest.raises(CouldNotRun) as exc:  # somebody else's key
        sign_pdf(pdf, FIELDS[3], viborg.key, kommune.cert)
    assert "hører ikke til" in exc.value.text.da and "does not belong" in exc.value.text.en

    text = tmp_path / "notes.pdf"
    text.write_text("Dette er ikke en PDF.\n", encoding="utf-8")
    with pytest.raises(CouldNotRun) as exc:
        sign_pdf(text, FIELDS[0], viborg.key, viborg.cert)
    assert "ikke en PDF" in exc.value.text.da

    with pytest.raises(CouldNotRun) as exc:  # a certificate where the key should be
        sign_pdf(pdf, FIELDS[3], kommune.cert, kommune.cert)
    assert "ingen privat nøgle" in exc.value.text.da

    with pytest.raises(CouldNotRun) as exc:
        sign_pdf(pdf, FIELDS[3], kommune.key, tmp_path / "missing.pem")
    assert "kan ikke læses" in exc.value.text.da

    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(kommune.key.read_bytes(), None)
    locked = tmp_path / "locked.key.pem"
    locked.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"hemmelig"),
        )
    )
    with pytest.raises(CouldNotRun) as exc:
        sign_pdf(pdf, FIELDS[3], locked, kommune.cert)
    assert "adgangskode" in exc.value.text.da and "password" in exc.value.text.en

    assert pdf.read_bytes() == signed_once  # none of the failures touched the file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.pdf", "locked.key.pem", "notes.pdf"]


def test_not_a_pdf_damaged_or_encrypted(tmp_path, certs):
    text = tmp_path / "notes.pdf"
    text.write_text("Dette er ikke en PDF.\n", encoding="utf-8")
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nsnip")
    encrypted = tmp_path / "encrypted.pdf"
    with pikepdf.open(simple_pdf(tmp_path / "plain.pdf")) as doc:
        doc.save(encrypted, encryption=pikepdf.Encryption(user="laes", owner="ejer"))
    calls = [
        lambda p: verify_pdf(p),
        lambda p: signature_fields(p),
        lambda p: locate_blocks(p, ["Viborg Kommune"]),
        lambda p: add_signature_fields(p, [("underskrift-x", 0, (100, 100, 300, 150))]),
        lambda p: sign_pdf(p, "underskrift-x", certs["Viborg Kommune"].key, certs["Viborg Kommune"].cert),
    ]
    for path in (text, damaged, encrypted, tmp_path / "absent.pdf", tmp_path):
        for call in calls:
            with pytest.raises(CouldNotRun) as exc:
                call(path)
            assert exc.value.text.da and exc.value.text.en
    with pytest.raises(CouldNotRun) as exc:
        verify_pdf(text)
    assert "ikke en PDF" in exc.value.text.da
    with pytest.raises(CouldNotRun) as exc:
        verify_pdf(encrypted)
    assert "krypteret" in exc.value.text.da
    with pytest.raises(CouldNotRun) as exc:
        verify_pdf(simple_pdf(tmp_path / "p.pdf"), trust=[text])
    assert "intet certifikat" in exc.value.text.da


# --------------------------------------------------------------------------- speed


def test_speed_figures(signed, certs, capsys):
    """Not a timing assertion: prints how long signing and verifying the agreement take."""
    assert len(TIMES["sign"]) == 4
    start = time.perf_counter()
    verify_pdf(signed, trust=[certs["Viborg Kommune"].ca_cert])
    TIMES["verify"].append(time.perf_counter() - start)
    size = os.path.getsize(signed)
    with capsys.disabled():
        print(
            f"\n[sign] agreement {size // 1024} KiB: sign_pdf "
            + ", ".join(f"{t:.2f}" for t in TIMES["sign"])
            + " s; verify_pdf (4 signatures) "
            + ", ".join(f"{t:.2f}" for t in TIMES["verify"])
            + " s"
        )


# --------------------------------------------------------------------------- forgeries (issue 9)
# Each forged file is made with plain tools (pikepdf, or pyHanko's incremental writer directly), never
# through aftale, and verify's exit code and message are asserted.

NEW_TITLE = "AFTALEN ER OPHÆVET"
OLD_TITLE = "Strategisk samarbejdsaftale om boligsocial indsats"


def append_update(data: bytes, objects: dict[int, bytes]) -> bytes:
    """One incremental update written by hand: the objects (number -> body, a dictionary or a whole
    "<<…>> stream … endstream") appended with a cross-reference section and a trailer that continues
    the last one. Needs the last revision to use a classic cross-reference table (LibreOffice's and
    pyHanko's files do)."""
    with pikepdf.open(io.BytesIO(data)) as doc:
        root_num, info_num = doc.Root.objgen[0], doc.trailer.Info.objgen[0]
        size = max(int(doc.trailer.Size), max(objects) + 1)
        ident = doc.trailer.ID.unparse(resolved=True)
    prev = int(data[data.rindex(b"startxref") + 9 :].split()[0])
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    offsets = {}
    for num, body in sorted(objects.items()):
        offsets[num] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (num, body)
    xref = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n"
    for num in sorted(offsets):
        out += b"%d 1\n%010d 00000 n \n" % (num, offsets[num])
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID %s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        size,
        root_num,
        info_num,
        ident,
        prev,
        xref,
    )
    return bytes(out)


def xmp_stream(xmp: bytes) -> bytes:
    return b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n%s\nendstream" % (len(xmp), xmp)


def _retitle(src: Path, dst: Path) -> None:
    """After everyone signed: one more incremental update, written by hand, that only renames the
    document in the information dictionary (/Title) and in the XMP metadata (dc:title)."""
    with pikepdf.open(src) as doc:
        info, meta = doc.trailer.Info, doc.Root.Metadata
        info.Title = pikepdf.String(NEW_TITLE)
        objects = {
            info.objgen[0]: info.unparse(resolved=True),
            meta.objgen[0]: xmp_stream(meta.read_bytes().replace(OLD_TITLE.encode(), NEW_TITLE.encode(), 1)),
        }
    dst.write_bytes(append_update(src.read_bytes(), objects))


def test_a_title_change_after_the_last_signature_is_reported(signed, certs, tmp_path, run):
    forged = tmp_path / "ophaevet.pdf"
    _retitle(signed, forged)
    assert forged.read_bytes().startswith(signed.read_bytes())
    ca = certs["Viborg Kommune"].ca_cert
    code, out, err = run("verify", forged, "--trust", ca)
    assert code == 1, out + err
    assert f"titel (/Info) ændret fra »{OLD_TITLE}« til »{NEW_TITLE}«" in out
    assert f"titel (XMP dc:title) ændret fra »{OLD_TITLE}« til »{NEW_TITLE}«" in out
    assert out.strip().endswith("Underskrifterne holder ikke.")
    result = verify_pdf(forged, trust=[ca])
    assert all(s.intact and s.valid and s.modified_after for s in result.signatures)
    last = result.signatures[-1]
    assert last.coverage == "entire-revision" and last.revision == result.revisions - 1
    assert [c.en for c in last.changes_after] == [
        f"revision {result.revisions}: title (/Info) changed from '{OLD_TITLE}' to '{NEW_TITLE}'",
        f"revision {result.revisions}: title (XMP dc:title) changed from '{OLD_TITLE}' to '{NEW_TITLE}'",
    ]
    # the independent validators agree that the last signature no longer covers the document
    pdfsig = subprocess.run(["pdfsig", forged], capture_output=True, text=True, timeout=60).stdout
    assert pdfsig.count("Signature is Valid") == 4
    assert pdfsig.rsplit("Signature #4", 1)[1].count("Not total document signed") == 1


def pyhanko_validate(pdf: Path, ca: Path) -> subprocess.CompletedProcess:
    """pyHanko's own validator (pyhanko-cli) on the PDF, trusting only the test CA."""
    return subprocess.run(
        [
            PYHANKO,
            "sign",
            "validate",
            "--trust-replace",
            "--trust",
            ca,
            "--no-revocation-check",
            "--pretty-print",
            pdf,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_genuine_agreement_agrees_with_pdfsig_and_pyhankos_validator(signed, certs):
    ca = certs["Viborg Kommune"].ca_cert
    assert verify_pdf(signed, trust=[ca]).ok
    pdfsig = subprocess.run(["pdfsig", signed], capture_output=True, text=True, timeout=60).stdout
    assert pdfsig.count("Signature is Valid") == 4
    assert pdfsig.rsplit("Signature #4", 1)[1].count("Total document signed") == 1
    pyhanko = pyhanko_validate(signed, ca)
    assert pyhanko.returncode == 0, pyhanko.stderr
    assert pyhanko.stdout.count("The signature is judged VALID.") == 4
    assert pyhanko.stdout.count("The signer's certificate is trusted.") == 4


def test_pyhankos_validator_also_sees_the_title_change(signed, certs, tmp_path):
    forged = tmp_path / "ophaevet.pdf"
    _retitle(signed, forged)
    ca = certs["Viborg Kommune"].ca_cert
    pyhanko = pyhanko_validate(forged, ca)
    last = pyhanko.stdout.rsplit("Field 4:", 1)[1]
    assert "The signature does not cover the entire file." in last
    assert "The signature is judged VALID." in last  # pyHanko allows metadata updates; verify does not


def _flatten(src: Path, dst: Path, *, drop_requirement: bool) -> None:
    """What a flatten or print-to-PDF does: no form, no annotations (pikepdf rewrites the whole file)."""
    with pikepdf.open(src) as doc:
        if "/AcroForm" in doc.Root:
            del doc.Root["/AcroForm"]
        for page in doc.pages:
            if "/Annots" in page.obj:
                del page.obj["/Annots"]
        if drop_requirement:
            del doc.Root["/AFTL_Underskriftskrav"]
        doc.save(dst)


def test_a_flattened_copy_is_not_signed(signed, certs, tmp_path, run):
    ca = certs["Viborg Kommune"].ca_cert
    flat = tmp_path / "flad.pdf"
    _flatten(signed, flat, drop_requirement=False)
    code, out, _ = run("verify", flat, "--trust", ca)
    assert code == 1
    for field, party in zip(FIELDS, PARTIES, strict=True):
        assert f"✗ {field} ({party}): ikke underskrevet" in out
    assert out.strip().endswith("PDF'en er ikke underskrevet.")

    bare = tmp_path / "bar.pdf"
    _flatten(signed, bare, drop_requirement=True)
    code, out, _ = run("verify", bare, "--trust", ca, "--lang", "en")
    assert code == 1
    assert "The PDF is not signed: it has no signatures and does not say who must sign." in out
    assert out.strip().endswith("The PDF is not signed.")


def test_a_removed_requirement_after_signing_is_a_change(signed, certs, tmp_path):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed.read_bytes()))
    del writer.root["/AFTL_Underskriftskrav"]
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    pdf = tmp_path / "uden-krav.pdf"
    pdf.write_bytes(out.getvalue())
    result = verify_pdf(pdf, trust=[certs["Viborg Kommune"].ca_cert])
    assert not result.ok
    assert all(s.modified_after for s in result.signatures)
    assert any("underskriftskravet er fjernet" in c.da for c in result.signatures[-1].changes_after)


def test_sign_refuses_another_partys_certificate(prepared, certs, tmp_path, run):
    pdf = copy(prepared, tmp_path)
    before = pdf.read_bytes()
    wrong = certs["Boligselskabet Viborg"]
    code, _, err = run("sign", pdf, "--party", "viborg-kommune", "--key", wrong.key, "--cert", wrong.cert)
    assert code == 2
    assert (
        "Feltet underskrift-viborg-kommune tilhører Viborg Kommune: Certifikatet er udstedt til "
        "»Boligselskabet Viborg«, ikke til Viborg Kommune. Hver part underskriver med sit eget certifikat. "
        "Der er ikke underskrevet." in err
    )
    assert pdf.read_bytes() == before


def test_verify_reports_a_signature_by_the_wrong_party_made_elsewhere(prepared, certs, tmp_path, run):
    """Signed outside aftale (pyHanko directly) into Viborg Kommune's field with Boligselskabet Viborg's
    certificate."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    dev = certs["Boligselskabet Viborg"]
    signer = signers.SimpleSigner.load(str(dev.key), str(dev.cert), ca_chain_files=(str(dev.ca_cert),))
    writer = IncrementalPdfFileWriter(io.BytesIO(prepared.read_bytes()))
    out = io.BytesIO()
    signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name=FIELDS[3]), signer=signer, output=out)
    pdf = tmp_path / "forkert.pdf"
    pdf.write_bytes(out.getvalue())
    code, text, _ = run("verify", pdf, "--trust", dev.ca_cert, "--format", "json", "--lang", "en")
    report = json.loads(text)
    assert code == 1 and report["ok"] is False
    (sig,) = report["signatures"]
    assert (sig["field"], sig["party"], sig["party_ok"]) == (FIELDS[3], "Viborg Kommune", False)
    assert sig["intact"] and sig["valid"] and sig["trusted"]
    assert sig["problems"] == [
        "Signed in Viborg Kommune's field, but The certificate is issued to 'Boligselskabet Viborg', not to "
        "Viborg Kommune. Each party signs with its own certificate."
    ]


def test_a_cvr_number_binds_the_certificate_to_the_party(agreement, tmp_path, run):
    parties = ["Viborg Kommune"]
    pdf = prepare(
        agreement, tmp_path / "cvr.pdf", parties, requirement_for(parties, {"Viborg Kommune": "29189854"})
    )
    certs_dir = tmp_path / "certs"
    right = make_dev_cert(certs_dir, "Ulla Åkjær", "Viborg Kommunes Borgerservice", cvr="29189854")
    wrong = make_dev_cert(certs_dir, "Falsk Person", "Viborg Kommune", cvr="11111111")
    code, _, err = run("sign", pdf, "--party", "viborg-kommune", "--key", wrong.key, "--cert", wrong.cert)
    assert code == 2 and "Certifikatet har CVR 11111111, men Viborg Kommune har CVR 29189854." in err
    code, out, err = run("sign", pdf, "--party", "viborg-kommune", "--key", right.key, "--cert", right.cert)
    assert code == 0, err
    code, text, _ = run("verify", pdf, "--trust", right.ca_cert, "--format", "json")
    (sig,) = json.loads(text)["signatures"]
    assert code == 0 and sig["party_ok"] is True and sig["identifiers"] == ["CVR 29189854"]
    assert sig["organisation"] == "Viborg Kommunes Borgerservice"


def test_dev_cert_rejects_a_malformed_cvr(tmp_path, run):
    code, _, err = run("dev-cert", "--name", "A B", "--organisation", "X", "--cvr", "1234", "--out", tmp_path)
    assert code == 2 and "»1234« er ikke et CVR-nummer (8 cifre)" in err
    assert list(tmp_path.iterdir()) == []


def test_sign_with_a_timestamp_from_a_local_tsa(prepared, certs, tmp_path, run):
    from tests.tsa import TimeStampAuthority

    dev = certs["Viborg Kommune"]
    pdf = copy(prepared, tmp_path)
    with TimeStampAuthority(dev.ca_cert.parent) as tsa:
        code, out, err = run(
            "sign", pdf, "--party", "viborg-kommune", "--key", dev.key, "--cert", dev.cert, "--tsa", tsa.url
        )
        assert code == 0, err
        assert tsa.requests >= 1 and "Tidsstempel: " in out
    code, text, _ = run("verify", pdf, "--trust", dev.ca_cert, "--format", "json")
    (sig,) = json.loads(text)["signatures"]
    assert sig["timestamp_authority"] == "aftale TEST-TSA"
    stamp = datetime.fromisoformat(sig["timestamp"])
    assert abs(stamp - datetime.now(UTC)) < timedelta(minutes=5)
    assert sig["time"] == sig["timestamp"]  # the time stamp, not the signer's clock, is the signing time
    assert sig["signer_time"] is not None and sig["problems"] == []
    code, out, _ = run("verify", pdf, "--trust", dev.ca_cert)
    assert "tidsstempel: " in out and "(aftale TEST-TSA)" in out


def test_an_unreachable_tsa_signs_nothing(prepared, certs, tmp_path, run):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dev = certs["Viborg Kommune"]
    pdf = copy(prepared, tmp_path)
    before = pdf.read_bytes()
    code, _, err = run(
        "sign",
        pdf,
        "--party",
        "viborg-kommune",
        "--key",
        dev.key,
        "--cert",
        dev.cert,
        "--tsa",
        f"http://127.0.0.1:{port}/",
    )
    assert code == 2 and "kan ikke nås" in err and "intet er underskrevet" in err and "Traceback" not in err
    assert pdf.read_bytes() == before
    code, _, err = run(
        "sign", pdf, "--party", "viborg-kommune", "--key", dev.key, "--cert", dev.cert, "--tsa", "ftp://x"
    )
    assert code == 2 and "--tsa »ftp://x« er ikke en http- eller https-adresse." in err


def test_a_huge_pdf_is_refused_before_reading(tmp_path, run):
    huge = tmp_path / "stor.pdf"
    with huge.open("wb") as fh:
        fh.truncate(3 * 1024**3)  # sparse: 3 GB on paper, nothing on disk
    code, _, err = run("verify", huge)
    assert code == 2 and "fylder 3072 MB; en PDF må højst fylde 200 MB" in err


def test_every_party_recorded_elsewhere_says_so_and_claims_no_signature(agreement, tmp_path, run):
    requirement = make_requirement(
        "samarbejdsaftale",
        "samarbejdsaftale.json",
        {
            "underskrifter": [
                {"part": "Viborg Kommune", "navn": "Ulla Åkjær", "dato": "2017-03-20", "metode": "wet-ink"}
            ]
        },
        [{"navn": "Viborg Kommune", "type": "kommune"}],
        dossier="viborg-2017-2021",
        version="1",
        draft=False,
        sources=[],
    )
    pdf = copy(agreement, tmp_path)
    add_signature_fields(pdf, [], requirement)
    code, out, _ = run("verify", pdf)
    assert code == 0
    assert "• Viborg Kommune: underskrevet andetsteds (registreret: Ulla Åkjær, 2017-03-20, wet-ink)" in out
    assert out.strip().endswith(
        "Ingen digitale underskrifter at kontrollere: alle parter er registreret som underskrevet andetsteds."
    )


def test_a_draft_is_never_signed_off(agreement, certs, tmp_path, run):
    requirement = requirement_for(["Viborg Kommune"])
    requirement["udkast"] = True
    pdf = prepare(agreement, tmp_path / "udkast.pdf", ["Viborg Kommune"], requirement)
    dev = certs["Viborg Kommune"]
    assert run("sign", pdf, "--party", "viborg-kommune", "--key", dev.key, "--cert", dev.cert)[0] == 0
    code, out, _ = run("verify", pdf, "--trust", dev.ca_cert)
    assert code == 1 and "Dokumentet er bygget som UDKAST; det er ikke den endelige aftale." in out


# --------------------------------------------------------------------------- forgeries found by attacking verify


def test_a_new_empty_field_covering_the_page_after_signing_is_reported(signed, certs, tmp_path, run):
    """An empty signature field added after the last signature whose widget covers page 1: its
    appearance can hide the signed text, and pyHanko allows new fields in an uncertified document."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    writer = IncrementalPdfFileWriter(io.BytesIO(signed.read_bytes()))
    append_signature_field(writer, SigFieldSpec("underskrift-tillaeg", on_page=0, box=(0, 0, 595, 842)))
    out = io.BytesIO()
    writer.write(out)
    pdf = tmp_path / "overlay.pdf"
    pdf.write_bytes(out.getvalue())
    code, text, _ = run("verify", pdf, "--trust", certs["Viborg Kommune"].ca_cert)
    assert code == 1
    assert "et nyt underskriftsfelt »underskrift-tillaeg« dækker 100 % af siden" in text
    assert "et nyt, tomt underskriftsfelt »underskrift-tillaeg« er tilføjet efter underskriften" in text


def test_a_second_xmp_description_with_another_title_is_reported(signed, certs, tmp_path):
    with pikepdf.open(signed) as doc:
        meta = doc.Root.Metadata
        xmp = meta.read_bytes()
        extra = (
            '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt>'
            f'<rdf:li xml:lang="x-default">{NEW_TITLE}</rdf:li></rdf:Alt></dc:title></rdf:Description>'
        ).encode()
        index = xmp.index(b"<rdf:Description")
        objects = {meta.objgen[0]: xmp_stream(xmp[:index] + extra + xmp[index:])}
    pdf = tmp_path / "dobbelt.pdf"
    pdf.write_bytes(append_update(signed.read_bytes(), objects))
    with pikepdf.open(pdf) as doc:
        assert NEW_TITLE in str(doc.open_metadata().get("dc:title"))  # a reader sees the forged title
    result = verify_pdf(pdf, trust=[certs["Viborg Kommune"].ca_cert])
    assert not result.ok
    assert [c.en for c in result.signatures[-1].changes_after] == [
        f"revision {result.revisions}: title (XMP dc:title) changed from '{OLD_TITLE}' to '{NEW_TITLE} | {OLD_TITLE}'"
    ]


def test_bytes_after_the_last_revision_are_not_intact(signed, certs, tmp_path):
    pdf = tmp_path / "hale.pdf"
    pdf.write_bytes(signed.read_bytes() + b"99 0 obj\n(AFTALEN ER OPHAEVET)\nendobj\n")
    result = verify_pdf(pdf, trust=[certs["Viborg Kommune"].ca_cert])
    assert not result.ok
    assert "37 bytes after the document's last revision, covered by no signature" in [
        c.en for c in result.signatures[-1].changes_after
    ]


def test_thousands_of_revisions_are_refused_quickly(signed, tmp_path, run):
    data = signed.read_bytes()
    with pikepdf.open(signed) as doc:
        info = doc.trailer.Info
        body = info.unparse(resolved=True)
        num = info.objgen[0]
    for _ in range(101):  # each update redefines the information dictionary as it was
        data = append_update(data, {num: body})
    pdf = tmp_path / "mange.pdf"
    pdf.write_bytes(data)
    start = time.perf_counter()
    code, _, err = run("verify", pdf)
    assert code == 2 and "har 107 revisioner; aftale kontrollerer højst 100" in err
    assert time.perf_counter() - start < 30


def test_a_deeply_nested_requirement_is_a_message_not_a_traceback(agreement, tmp_path, run):
    pdf = copy(agreement, tmp_path)
    data = pdf.read_bytes()
    with pikepdf.open(pdf) as doc:
        size = int(doc.trailer.Size)
        doc.Root["/AFTL_Underskriftskrav"] = pikepdf.Name("/Placeholder")
        root = doc.Root.unparse(resolved=True).replace(b"/Placeholder", b"%d 0 R" % size)
        root_num = doc.Root.objgen[0]
    deep = b"[" * 100_000 + b"]" * 100_000
    pdf.write_bytes(append_update(data, {root_num: root, size: deep}))
    code, out, err = run("verify", pdf)
    assert code == 1 and "Traceback" not in out + err
    assert "PDF'ens underskriftskrav kan ikke læses" in out


def test_an_empty_party_field_left_out_of_the_requirement_fails(agreement, certs, tmp_path):
    """The requirement names two parties, the document has four party fields: the two left out are not
    quietly ignored."""
    parties = list(PARTIES)
    pdf = tmp_path / "to.pdf"
    shutil.copy(agreement, pdf)
    blocks = locate_blocks(pdf, parties)
    add_signature_fields(
        pdf, [(field_name(p), page, box) for p, (page, box) in blocks.items()], requirement_for(parties[:2])
    )
    for party in parties[:2]:
        sign_pdf(pdf, field_name(party), certs[party].key, certs[party].cert)
    result = verify_pdf(pdf, trust=[certs["Viborg Kommune"].ca_cert])
    assert not result.ok
    assert [p.en for p in result.problems] == [
        f"The field '{FIELDS[2]}' is empty and belongs to no party that must sign.",
        f"The field '{FIELDS[3]}' is empty and belongs to no party that must sign.",
    ]


@pytest.mark.parametrize(
    "organisations",
    [
        ["Viborg Kommune ООО"],
        ["Viborg Kommune\u200b"],
        ["Ｖｉｂｏｒｇ Ｋｏｍｍｕｎｅ"],
        ["Viborg Kommune", "Evil Corp"],
    ],
    ids=["cyrillic-suffix", "zero-width-space", "fullwidth", "two-organisations"],
)
def test_look_alike_organisations_do_not_sign_for_a_party(agreement, certs, tmp_path, organisations):
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.x509.oid import NameOID

    subject = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, "Falsk Person")]
        + [x509.NameAttribute(NameOID.ORGANIZATION_NAME, o) for o in organisations]
    )
    usage = x509.KeyUsage(True, True, False, False, False, False, False, False, False)
    cert, key = _issue(certs["Viborg Kommune"].ca_cert.parent, subject, usage)
    (tmp_path / "k.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    (tmp_path / "c.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pdf = prepare(agreement, tmp_path / "doc.pdf", ["Viborg Kommune"])
    with pytest.raises(CouldNotRun) as exc:
        sign_pdf(pdf, FIELDS[3], tmp_path / "k.pem", tmp_path / "c.pem")
    assert "Der er ikke underskrevet." in exc.value.text.da


def test_cvr_numbers_are_read_exactly():
    from checker.sign.requirement import identity_from_attributes, party_mismatch

    party = {"part": "Viborg Kommune", "cvr": "29189854"}

    def identity(**attributes):
        return identity_from_attributes({k: [v] for k, v in attributes.items()})

    assert identity(serial_number="CVR:29189854-RID:1234").cvr == ("29189854",)
    assert identity(serial_number="CVR:29189854-RID:1234").rid == "1234"
    assert identity(organization_identifier="NTRDK-29189854").cvr == ("29189854",)
    assert identity(serial_number="CVR:291898541").cvr == ()  # nine digits: no CVR number
    assert identity(serial_number="UID:XCVR:29189854").cvr == ()  # not a CVR field
    assert party_mismatch(identity(serial_number="CVR:29189854", organization_name="X"), party) is None
    both = identity_from_attributes(
        {"serial_number": ["CVR:29189854"], "organization_identifier": ["NTRDK-11111111"]}
    )
    assert "several CVR numbers" in party_mismatch(both, party).en
