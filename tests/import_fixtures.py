"""The inputs of »aftale import«, made once per test session from the seed agreement (tests/data, the
project's copy of shared/seed) with real LibreOffice, python-docx and pikepdf.

A test module uses them with ``pytest_plugins = ["tests.import_fixtures"]``.

- seed_pdf, seed_docx: the seed's plain text converted by LibreOffice to PDF and to Word, no styles (as
  a text file opens in Writer: "Preformatted Text", a monospaced font);
- styled_docx: the seed with its numbered sections ("1. Formål …") as Heading 1, "5.1 …" as Heading 2,
  and the finansiering of section 7 as a real Word table; styled_pdf: that converted to PDF by LibreOffice
  (bold headings in a larger size, a ruled table);
- hostile inputs: scanned_pdf (pages as pictures, no text), encrypted_pdf (a user password),
  not_a_pdf (a text file named .pdf), pdf_500 (500 small pages), doc_file (the seed as Word 97-2003 .doc),
  encrypted_docx (an OLE2 file with an EncryptedPackage stream, as Word writes a password-protected
  file; LibreOffice cannot write one), macro_docx (a vbaProject.bin part), macro_type_docx (a
  macro-enabled content type), external_docx (an attached template fetched from the web),
  hyperlink_docx (a web link: allowed).
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

from tests.conftest import SEED

HEADING_1 = re.compile(r"(\d{1,2})\. [A-ZÆØÅ][^.:]{2,90}")
HEADING_2 = re.compile(r"\d\.\d [A-ZÆØÅ][^.:]{2,60}")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _libreoffice(files: list[Path], outdir: Path, convert_to: str, infilter: str | None = None) -> None:
    from checker.libreoffice import program
    from checker.processes import run_bounded

    profile = outdir / ".lo-profile"
    cmd = [
        program(),
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--invisible",
        "--nologo",
        "--norestore",
        *([f"--infilter={infilter}"] if infilter else []),
        "--convert-to",
        convert_to,
        "--outdir",
        str(outdir),
        *map(str, files),
    ]
    proc = run_bounded(cmd, timeout=120, cpu_seconds=120)
    shutil.rmtree(profile, ignore_errors=True)
    for f in files:
        assert (outdir / f"{f.stem}.{convert_to.split(':')[0]}").is_file(), proc.stderr.decode()


@pytest.fixture(scope="session")
def import_inputs(tmp_path_factory) -> Path:
    """A folder of the seed as text; the fixtures below add to it."""
    folder = tmp_path_factory.mktemp("import-inputs")
    shutil.copyfile(SEED, folder / "seed.txt")
    return folder


@pytest.fixture(scope="session")
def seed_pdf(import_inputs: Path) -> Path:
    _libreoffice([import_inputs / "seed.txt"], import_inputs, "pdf", "Text (encoded):UTF8")
    return import_inputs / "seed.pdf"


@pytest.fixture(scope="session")
def seed_docx(import_inputs: Path) -> Path:
    _libreoffice([import_inputs / "seed.txt"], import_inputs, "docx:MS Word 2007 XML", "Text (encoded):UTF8")
    return import_inputs / "seed.docx"


@pytest.fixture(scope="session")
def doc_file(import_inputs: Path) -> Path:
    folder = import_inputs / "doc"
    folder.mkdir()
    _libreoffice([import_inputs / "seed.txt"], folder, "doc:MS Word 97", "Text (encoded):UTF8")
    return folder / "seed.doc"


def seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").splitlines()


FINANSIERING = [
    ("Organisation", "Finansiering (t.kr.)"),
    ("Landsbyggefonden", "14.600"),
    ("Lokal medfinansiering", "12.502"),
    ("Samlet budget for den boligsociale indsats", "27.102"),
]


@pytest.fixture(scope="session")
def styled_docx(import_inputs: Path) -> Path:
    """The seed, a paragraph per line, its section headings styled, the finansiering as a table."""
    import docx

    document = docx.Document()
    lines = seed_lines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        i += 1
        if not line:
            continue
        if line == "Organisation Finansiering":  # the seed's table, flattened to text: a table again
            table = document.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            for label, amount in FINANSIERING:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = label, amount
            while i < len(lines) and ("t.kr." in lines[i] or not lines[i].strip()):
                i += 1
            continue
        if HEADING_1.fullmatch(line):
            # a heading the text file wraps: "3. Beskrivelse … og" + "tryghedssituation"
            while i < len(lines) and lines[i].strip()[:1].islower():
                line += " " + lines[i].strip()
                i += 1
            document.add_paragraph(line, style="Heading 1")
        elif HEADING_2.fullmatch(line):
            document.add_paragraph(line, style="Heading 2")
        else:
            document.add_paragraph(line)
    path = import_inputs / "styled.docx"
    document.save(path)
    return path


@pytest.fixture(scope="session")
def styled_pdf(styled_docx: Path) -> Path:
    folder = styled_docx.parent / "styled-pdf"
    folder.mkdir()
    _libreoffice([styled_docx], folder, "pdf")
    return folder / "styled.pdf"


@pytest.fixture(scope="session")
def scanned_pdf(seed_pdf: Path) -> Path:
    """The seed's first two pages as pictures in a PDF: what a scanner gives, no text layer."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(seed_pdf))
    try:
        images = [document[i].render(scale=0.7).to_pil().convert("L") for i in range(2)]
    finally:
        document.close()
    path = seed_pdf.parent / "scannet.pdf"
    images[0].save(path, "PDF", resolution=50, save_all=True, append_images=images[1:])
    return path


@pytest.fixture(scope="session")
def encrypted_pdf(seed_pdf: Path) -> Path:
    import pikepdf

    path = seed_pdf.parent / "krypteret.pdf"
    with pikepdf.open(seed_pdf) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(owner="ejer", user="hemmelig", R=6))
    return path


@pytest.fixture(scope="session")
def not_a_pdf(import_inputs: Path) -> Path:
    path = import_inputs / "aftale.pdf"
    path.write_text("Strategisk samarbejdsaftale om boligsocial indsats\nIkke en PDF.\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def pdf_500(import_inputs: Path) -> Path:
    """500 pages, each a line of text in Helvetica: small, cheap to make, far beyond the page limit."""
    import pikepdf

    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    for n in range(1, 501):
        page = pdf.add_blank_page(page_size=(595, 842))
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.Contents = pdf.make_stream(f"BT /F1 12 Tf 72 770 Td (Side {n} af 500) Tj ET".encode("ascii"))
    path = import_inputs / "500-sider.pdf"
    pdf.save(path)
    return path


def rewrite_zip(source: Path, target: Path, change) -> Path:
    """A copy of a zip (a docx) with change(parts: dict[name, bytes]) applied to its parts."""
    with zipfile.ZipFile(source) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    change(parts)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return target


@pytest.fixture(scope="session")
def macro_docx(seed_docx: Path) -> Path:
    def add_macros(parts: dict[str, bytes]) -> None:
        parts["word/vbaProject.bin"] = OLE2 + b"\x00" * 504 + "VBA".encode("utf-16-le") + b"\x00" * 512

    return rewrite_zip(seed_docx, seed_docx.parent / "makro.docx", add_macros)


@pytest.fixture(scope="session")
def macro_type_docx(seed_docx: Path) -> Path:
    def macro_enabled(parts: dict[str, bytes]) -> None:
        types = parts["[Content_Types].xml"]
        parts["[Content_Types].xml"] = types.replace(
            b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
        )

    return rewrite_zip(seed_docx, seed_docx.parent / "makro-type.docx", macro_enabled)


def _add_relationship(parts: dict[str, bytes], rels: str, relationship: bytes) -> None:
    empty = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>'
    )
    parts[rels] = parts.get(rels, empty).replace(b"</Relationships>", relationship + b"</Relationships>")


@pytest.fixture(scope="session")
def external_docx(seed_docx: Path) -> Path:
    """An attached template on a web server, which Word fetches when the file opens (template injection)."""

    def attach(parts: dict[str, bytes]) -> None:
        _add_relationship(
            parts,
            "word/_rels/settings.xml.rels",
            b'<Relationship Id="rIdT1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/attachedTemplate" Target="http://skabeloner.example/normal.dotm" '
            b'TargetMode="External"/>',
        )

    return rewrite_zip(seed_docx, seed_docx.parent / "ekstern.docx", attach)


@pytest.fixture(scope="session")
def hyperlink_docx(seed_docx: Path) -> Path:
    def link(parts: dict[str, bytes]) -> None:
        _add_relationship(
            parts,
            "word/_rels/document.xml.rels",
            b'<Relationship Id="rIdL1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/hyperlink" Target="http://driftsstoette.lbf.dk/" TargetMode="External"/>',
        )

    return rewrite_zip(seed_docx, seed_docx.parent / "link.docx", link)


@pytest.fixture(scope="session")
def encrypted_docx(import_inputs: Path) -> Path:
    path = import_inputs / "adgangskode.docx"
    path.write_bytes(
        OLE2
        + b"\x00" * 504
        + "EncryptionInfo".encode("utf-16-le")
        + b"\x00" * 50
        + "EncryptedPackage".encode("utf-16-le")
        + bytes(range(256)) * 8
    )
    return path
