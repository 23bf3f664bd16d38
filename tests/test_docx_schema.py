"""Every Word file aftale writes is valid ECMA-376 transitional XML: the templates as shipped, the documents
`aftale build` makes from both examples (final and --draft), the audit report (`aftale audit --format
docx`) and the ændringsoversigt (`aftale diff --format docx`). The schemas are in tests/ecma376 (see its
README.md for where they come from and LICENSE.md for their licence).

Every XML part of a file is validated against the schema of its root element's namespace:
WordprocessingML (document, styles, settings, numbering, fonts, headers, footers, ...), DrawingML (the
theme, and the pictures inside the document), the extended properties (docProps/app.xml), custom XML
and bibliography parts, [Content_Types].xml and every .rels part. Only docProps/core.xml is not (its
schema imports the Dublin Core schemas, which ECMA-376 does not ship); a part with any other root
fails the test rather than being skipped.

Before validation, markup compatibility (ECMA-376 Part 3) is applied as a consumer does that
understands exactly the namespaces the schemas define – Word's own extensions (w14, w15, wp14, ...)
are what it does not understand:

- `mc:AlternateContent` is replaced by the content of its first `mc:Choice` whose `Requires` names only
  understood namespaces, else by the content of its `mc:Fallback`, else removed;
- an element or attribute in a namespace that an `mc:Ignorable` in scope lists, and that is not
  understood, is removed (an element that `mc:ProcessContent` names is unwrapped: its
  children stay in its place);
- the `mc:Ignorable`, `mc:ProcessContent` and `mc:MustUnderstand` attributes are removed; an
  `mc:MustUnderstand` naming a namespace that is not understood makes the part invalid.

Nothing else is changed, so an element of an unknown namespace that is not declared ignorable fails, as
it would in Word.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import ROOT
from tests.wordfiles import TEMPLATE_DIR, make_word_files

SCHEMAS = ROOT / "tests" / "ecma376"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# parts whose schema is not in tests/ecma376 (see the module docstring)
NOT_VALIDATED = {"http://schemas.openxmlformats.org/package/2006/metadata/core-properties"}


class Schemas:
    """The vendored schema set, loaded offline into one lxml XMLSchema."""

    def __init__(self, folder: Path = SCHEMAS):
        files = sorted(folder.glob("*/*.xsd"))
        self.by_namespace: dict[str, Path] = {}
        for path in files:
            namespace = etree.parse(str(path)).getroot().get("targetNamespace")
            self.by_namespace.setdefault(namespace, path)
        imports = "".join(
            f'<xsd:import namespace="{ns}" schemaLocation="{path.as_uri()}"/>'
            for ns, path in sorted(self.by_namespace.items())
        )
        driver = f'<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">{imports}</xsd:schema>'
        parser = etree.XMLParser(no_network=True, resolve_entities=False)
        self.schema = etree.XMLSchema(
            etree.fromstring(driver, parser, base_url=(folder / "all.xsd").as_uri())
        )
        self.understood = set(self.by_namespace) | {"http://www.w3.org/XML/1998/namespace"}

    def errors(self, root: etree._Element) -> list[str]:
        """The schema's complaints about one part (after markup compatibility), as "line N: message"."""
        try:
            apply_markup_compatibility(root, self.understood)
        except ValueError as exc:
            return [str(exc)]
        if self.schema.validate(root):
            return []
        return [f"line {e.line}: {e.message}" for e in self.schema.error_log]


def _namespaces(element: etree._Element, prefixes: str | None) -> set[str]:
    found = set()
    for prefix in (prefixes or "").split():
        namespace = element.nsmap.get(prefix)
        if namespace is None:
            raise ValueError(
                f"line {element.sourceline}: the prefix {prefix!r} in a markup-compatibility attribute is not declared"
            )
        found.add(namespace)
    return found


def _qualified_names(element: etree._Element, names: str | None) -> set[tuple[str, str]]:
    """mc:ProcessContent's list of "prefix:name" or "prefix:*" as (namespace, name) pairs."""
    found = set()
    for qualified in (names or "").split():
        prefix, _, local = qualified.partition(":")
        (namespace,) = _namespaces(element, prefix)
        found.add((namespace, local or "*"))
    return found


def apply_markup_compatibility(root: etree._Element, understood: set[str]) -> None:
    """ECMA-376 Part 3 preprocessing, in place, for a consumer that understands `understood`."""

    def visit(element: etree._Element, ignorable: set[str], process: set[tuple[str, str]]) -> None:
        ignorable = ignorable | _namespaces(element, element.get(f"{{{MC}}}Ignorable"))
        process = process | _qualified_names(element, element.get(f"{{{MC}}}ProcessContent"))
        unknown = _namespaces(element, element.get(f"{{{MC}}}MustUnderstand")) - understood
        if unknown:
            raise ValueError(f"line {element.sourceline}: mc:MustUnderstand names {sorted(unknown)}")
        for name in list(element.attrib):
            namespace = etree.QName(name).namespace
            if namespace == MC or (namespace in ignorable and namespace not in understood):
                del element.attrib[name]
        index = 0
        while index < len(element):
            child = element[index]
            if not isinstance(child.tag, str):  # a comment or processing instruction
                index += 1
                continue
            namespace = etree.QName(child).namespace
            if child.tag == f"{{{MC}}}AlternateContent":
                replacement = _chosen(child, understood)
            elif namespace in ignorable and namespace not in understood:
                unwrap = {(namespace, "*"), (namespace, etree.QName(child).localname)} & process
                replacement = list(child) if unwrap else []
            else:
                visit(child, ignorable, process)
                index += 1
                continue
            element.remove(child)
            for offset, node in enumerate(replacement):
                element.insert(index + offset, node)
            # the replacement is visited in its new place (it may hold more of the same)

    visit(root, set(), set())


def _chosen(alternate: etree._Element, understood: set[str]) -> list[etree._Element]:
    for branch in alternate:
        if branch.tag == f"{{{MC}}}Choice" and _namespaces(branch, branch.get("Requires")) <= understood:
            return list(branch)
        if branch.tag == f"{{{MC}}}Fallback":
            return list(branch)
    return []


@dataclass
class Report:
    validated: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def validate_docx(path: Path, schemas: Schemas) -> Report:
    report = Report()
    parser = etree.XMLParser(no_network=True, resolve_entities=False, huge_tree=False)
    with zipfile.ZipFile(path) as docx:
        for name in docx.namelist():
            if not name.endswith((".xml", ".rels")):
                continue
            root = etree.fromstring(docx.read(name), parser)
            namespace = etree.QName(root).namespace
            if namespace in NOT_VALIDATED:
                continue
            if namespace not in schemas.by_namespace:
                report.errors.append(f"{name}: no schema for the root element {root.tag}")
                continue
            report.validated.append(name)
            report.errors += [f"{name} {message}" for message in schemas.errors(root)]
    return report


@pytest.fixture(scope="module")
def schemas() -> Schemas:
    return Schemas()


@pytest.fixture(scope="module")
def word_files(tmp_path_factory) -> dict[str, Path]:
    return make_word_files(tmp_path_factory.mktemp("word"))


def _check(files: dict[str, Path], schemas: Schemas) -> None:
    assert files
    problems = []
    for label, path in files.items():
        report = validate_docx(path, schemas)
        assert "word/document.xml" in report.validated, label
        assert {"[Content_Types].xml", "_rels/.rels", "word/styles.xml", "word/settings.xml"} <= set(
            report.validated
        )
        problems += [f"{label} › {e}" for e in report.errors]
    assert problems == []


TEMPLATES = sorted(p.name for p in TEMPLATE_DIR.glob("*.docx"))


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_is_valid_transitional_wordprocessingml(name, schemas):
    _check({name: TEMPLATE_DIR / name}, schemas)


@pytest.mark.parametrize("dossier", ["viborg", "eksempelby"])
@pytest.mark.parametrize("kind", ["build", "udkast"])
def test_every_built_document_is_valid(dossier, kind, word_files, schemas):
    files = {k: p for k, p in word_files.items() if k.startswith(f"{dossier}/{kind}/")}
    assert len(files) >= 9
    _check(files, schemas)


@pytest.mark.parametrize("dossier", ["viborg", "eksempelby"])
def test_the_audit_report_is_valid(dossier, word_files, schemas):
    _check({k: p for k, p in word_files.items() if k == f"{dossier}/revisionsrapport.docx"}, schemas)


@pytest.mark.parametrize("dossier", ["viborg", "eksempelby"])
def test_the_aendringsoversigt_is_valid(dossier, word_files, schemas):
    _check({k: p for k, p in word_files.items() if k.startswith(f"{dossier}/aendringsoversigt")}, schemas)


def test_the_word_files_cover_every_template(word_files):
    """Every template in templates/ is among what the commands above rendered."""
    rendered = {Path(k).name for k in word_files if not k.startswith("templates/")}
    for name in (
        "revisionsrapport.docx",
        "aendringsoversigt.docx",
        "samarbejdsaftale.docx",
        "milepaelsplan.docx",
    ):
        assert name in rendered
    assert any(n.startswith("delaftale-") for n in rendered) and any(
        n.startswith("kommissorium-") for n in rendered
    )
    assert "beredskabsplan.docx" in rendered and len(TEMPLATES) == 7


# --- the validator itself ------------------------------------------------------------------------------

NS = (
    f'xmlns:w="{W}" xmlns:mc="{MC}" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
)


def _errors(body: str, schemas: Schemas, root_attributes: str = "") -> list[str]:
    xml = f"<w:document {NS} {root_attributes}><w:body>{body}</w:body></w:document>"
    return schemas.errors(etree.fromstring(xml))


def _cell(properties: str) -> str:
    return f"<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w='2000'/></w:tblGrid><w:tr><w:tc><w:tcPr>{properties}</w:tcPr><w:p/></w:tc></w:tr></w:tbl>"


def test_the_schema_rejects_cell_shading_before_the_cell_width(schemas):
    width = '<w:tcW w:w="2000" w:type="dxa"/>'
    shading = '<w:shd w:val="clear" w:color="auto" w:fill="C6EFCE"/>'
    assert _errors(_cell(width + shading), schemas) == []
    [error] = _errors(_cell(shading + width), schemas)
    assert "tcW" in error and "not expected" in error


def test_ignorable_extensions_are_removed_and_the_fallback_is_chosen(schemas):
    body = (
        '<w:p w14:paraId="1A2B3C4D"><w:r><mc:AlternateContent>'
        '<mc:Choice Requires="wps"><wps:wsp/></mc:Choice>'
        "<mc:Fallback><w:t>tekst</w:t></mc:Fallback>"
        "</mc:AlternateContent></w:r></w:p><w14:unknown/>"
    )
    assert _errors(body, schemas, 'mc:Ignorable="w14 wps"') == []
    root = etree.fromstring(f"<w:document {NS} mc:Ignorable='w14 wps'><w:body>{body}</w:body></w:document>")
    apply_markup_compatibility(root, schemas.understood)
    assert etree.tostring(root[0]).decode().count("<w:t>tekst</w:t>") == 1
    assert MC not in etree.tostring(root).decode().replace(f'xmlns:mc="{MC}"', "")


def test_an_element_named_in_process_content_is_unwrapped(schemas):
    body = "<w14:wrapper><w:p><w:r><w:t>inde i</w:t></w:r></w:p></w14:wrapper>"
    assert _errors(body, schemas, 'mc:Ignorable="w14" mc:ProcessContent="w14:wrapper"') == []
    root = etree.fromstring(
        f"<w:document {NS} mc:Ignorable='w14' mc:ProcessContent='w14:wrapper'><w:body>{body}</w:body></w:document>"
    )
    apply_markup_compatibility(root, schemas.understood)
    assert [etree.QName(e).localname for e in root[0]] == ["p"]


def test_an_extension_that_is_not_ignorable_is_an_error(schemas):
    assert _errors('<w:p w14:paraId="1A2B3C4D"/>', schemas) != []
    assert _errors("<w14:unknown/>", schemas) != []
    [error] = _errors("<w:p/>", schemas, 'mc:MustUnderstand="w14"')
    assert "MustUnderstand" in error


def test_a_part_without_a_schema_fails_rather_than_being_skipped(tmp_path, schemas):
    source = TEMPLATE_DIR / "delaftale.docx"
    target = tmp_path / "extra.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("customXml/item9.xml", '<x:root xmlns:x="urn:example"/>')
    report = validate_docx(target, schemas)
    assert report.errors == ["customXml/item9.xml: no schema for the root element {urn:example}root"]


def test_a_shaded_cell_saved_by_word_with_a_width_still_renders_valid(tmp_path, schemas):
    """Word writes a w:tcW into every cell it saves; docxtpl's {% cellbg %} then puts its w:shd first.
    The renderer puts the cell properties back in the schema's order."""
    from docx import Document
    from docx.oxml.ns import qn

    from checker.assemble.render import render_docx

    doc = Document()
    cell = doc.add_table(rows=1, cols=1).rows[0].cells[0]
    # python-docx, like Word, writes the cell's width (w:tcW) into its properties
    assert cell._tc.tcPr.find(qn("w:tcW")) is not None
    cell.paragraphs[0].add_run('{% cellbg "C6EFCE" %}{{ tekst }}')
    template = tmp_path / "skabelon.docx"
    doc.save(template)
    out = tmp_path / "ud.docx"
    out.write_bytes(render_docx(template, {"tekst": "opfyldt"}))
    from docx import Document as Open

    rendered = Open(str(out))
    children = [c.tag.split("}")[1] for c in rendered.tables[0].rows[0].cells[0]._tc.tcPr]
    assert children.index("tcW") < children.index("shd")
    # (python-docx's own default settings.xml lacks w:zoom/@w:percent; only the body is ours)
    assert [e for e in validate_docx(out, schemas).errors if e.startswith("word/document.xml")] == []
