"""The Word templates in templates/ are the source of the documents' wording and layout, edited in Word
(docs/skabeloner.md). These tests guard what an edit must keep: every variable path a template uses
exists in the schemas (or is one of the presentation fields checker/assemble/view.py adds), so a renamed
field cannot silently vanish from the documents; every Jinja tag sits inside one Word run, as typed;
and every template renders with the data of both examples."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from jinja2 import nodes

from checker.assemble.build import TEMPLATES
from checker.assemble.render import environment
from checker.assemble.view import ADDED_FIELDS
from checker.schema import SchemaRegistry
from tests.conftest import VIBORG
from tests.wordfiles import TEMPLATE_DIR, make_word_files

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ANY = object()  # a value whose shape the schema does not describe (a string, a number, a loop helper)


class Items:
    """The result of dict.items(): iterating gives (key, value)."""

    def __init__(self, node):
        self.node = node


class SchemaWalker:
    def __init__(self):
        self.registry = SchemaRegistry()
        # the view's added fields, keyed by the schema object they extend
        self.added: dict[int, tuple[dict, object]] = {}
        for where, fields in ADDED_FIELDS.items():
            name, pointer = where.split("#", 1)
            contents = self.registry.by_file[name]
            target = contents
            for token in filter(None, pointer.split("/")):
                target = target[token]
            assert isinstance(target, dict) and "properties" in target, f"{where} is not an object schema"
            self.added[id(target)] = (fields, self.registry.registry.resolver(contents["$id"]))

    def root(self, doctype: str):
        schema = self.registry.schema_for(doctype)
        return (schema, self.registry.registry.resolver(schema["$id"]))

    def deref(self, node):
        schema, resolver = node
        while isinstance(schema, dict) and "$ref" in schema:
            resolved = resolver.lookup(schema["$ref"])
            schema, resolver = resolved.contents, resolved.resolver
        return schema, resolver

    def prop(self, node, name: str):
        schema, resolver = self.deref(node)
        if not isinstance(schema, dict):
            return None
        candidates = [schema] + [b.get("then", {}) for b in schema.get("allOf", []) if isinstance(b, dict)]
        for c in candidates:
            props = c.get("properties", {})
            if name in props and isinstance(props[name], dict):
                return (props[name], resolver)
        fields, own = self.added.get(id(schema), ({}, None))
        if name in fields:
            return (fields[name], own)
        if isinstance(schema.get("additionalProperties"), dict):
            return (schema["additionalProperties"], resolver)
        return None

    def items(self, node):
        schema, resolver = self.deref(node)
        if isinstance(schema, dict) and isinstance(schema.get("items"), dict):
            return (schema["items"], resolver)
        return None

    def map_values(self, node):
        schema, resolver = self.deref(node)
        if isinstance(schema, dict) and isinstance(schema.get("additionalProperties"), dict):
            return (schema["additionalProperties"], resolver)
        return None


def template_sources(path: Path) -> list[str]:
    """The Jinja source of a docx template: its document, headers and footers, as docxtpl patches them."""
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(path))
    with zipfile.ZipFile(path) as z:
        parts = [n for n in z.namelist() if re.match(r"word/(document|header\d*|footer\d*)\.xml$", n)]
        return [tpl.patch_xml(z.read(n).decode("utf-8")) for n in parts]


def check_paths(source: str, scope: dict, walker: SchemaWalker) -> tuple[list[str], set[str]]:
    """(problems, paths used) for one template source."""
    problems: list[str] = []
    used: set[str] = set()

    def resolve(expr, scope):
        if isinstance(expr, nodes.Name):
            if expr.name in scope:
                return scope[expr.name], expr.name
            problems.append(f"unknown variable '{expr.name}'")
            return ANY, expr.name
        if isinstance(expr, nodes.Getattr | nodes.Getitem):
            key = (
                expr.attr
                if isinstance(expr, nodes.Getattr)
                else (expr.arg.value if isinstance(expr.arg, nodes.Const) else None)
            )
            base, path = resolve(expr.node, scope)
            if key is None:
                visit(expr.arg, scope)
                return ANY, path
            path = f"{path}.{key}"
            if base is ANY:
                return ANY, path
            child = walker.items(base) if isinstance(key, int) else walker.prop(base, key)
            if child is None:
                problems.append(f"'{path}' is not in the schema")
                return ANY, path
            used.add(path)
            return child, path
        if isinstance(expr, nodes.Call) and isinstance(expr.node, nodes.Getattr):
            base, path = resolve(expr.node.node, scope)
            if expr.node.attr != "items":
                problems.append(f"method call '{path}.{expr.node.attr}()'")
                return ANY, path
            return Items(base), path
        visit(expr, scope)
        return ANY, "?"

    def bind(target, value, scope):
        if isinstance(target, nodes.Name):
            scope[target.name] = value
        elif isinstance(target, nodes.Tuple):
            for t in target.items:
                bind(t, ANY, scope)

    def visit(node, scope):
        if isinstance(node, nodes.For):
            iterable, path = resolve(node.iter, scope)
            inner = dict(scope, loop=ANY)
            if isinstance(iterable, Items):
                values = walker.map_values(iterable.node) if iterable.node is not ANY else ANY
                if isinstance(node.target, nodes.Tuple) and len(node.target.items) == 2:
                    bind(node.target.items[0], ANY, inner)
                    bind(node.target.items[1], values or ANY, inner)
            elif iterable is ANY:
                bind(node.target, ANY, inner)
            else:
                element = walker.items(iterable)
                if element is None:
                    problems.append(f"'{path}' is not a list")
                bind(node.target, element or ANY, inner)
            for child in node.body + node.else_:
                visit(child, inner)
            if node.test is not None:
                visit(node.test, inner)
            return
        if isinstance(node, nodes.Assign):
            value, _ = resolve(node.node, scope)
            bind(node.target, value, scope)
            return
        if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem | nodes.Call):
            resolve(node, scope)
            return
        for child in node.iter_child_nodes():
            visit(child, scope)

    visit(environment().parse(source), scope)
    return problems, used


@pytest.fixture(scope="module")
def walker() -> SchemaWalker:
    return SchemaWalker()


def _scope(doctype: str, walker: SchemaWalker) -> dict:
    aftale = walker.root("strategisk-samarbejdsaftale")
    scope = {"aftale": aftale, "udkast": ANY, "eksempel": ANY}
    if doctype == "strategisk-samarbejdsaftale":
        scope["organisationsdiagram"] = ANY
    else:
        scope["dokument"] = walker.root(doctype)
    if doctype == "kommissorium":
        scope["organ"] = walker.items(walker.prop(walker.prop(aftale, "organisering"), "organer"))
    return scope


@pytest.mark.parametrize("doctype", list(TEMPLATES), ids=list(TEMPLATES.values()))
def test_every_variable_a_template_uses_exists_in_the_schema(doctype, walker):
    path = TEMPLATE_DIR / TEMPLATES[doctype]
    problems, used = [], set()
    for source in template_sources(path):
        p, u = check_paths(source, _scope(doctype, walker), walker)
        problems += p
        used |= u
    assert problems == []
    assert len(used) >= 5  # the template does use the dossier


def test_the_path_checker_catches_a_renamed_field(walker):
    source = "{{ aftale.ressourcer.finansiering.landsbyggefond | tkr }}{% for c in aftale.indsatsomraader.omraader %}{{ c.navnet }}{% endfor %}"
    problems, _ = check_paths(source, _scope("strategisk-samarbejdsaftale", walker), walker)
    assert problems == [
        "'aftale.ressourcer.finansiering.landsbyggefond' is not in the schema",
        "'c.navnet' is not in the schema",
    ]


def test_the_path_checker_follows_loops_refs_and_per_area_maps(walker):
    source = (
        "{% for io in aftale.indsatsomraader.omraader %}{% for c in io.succeskriterier %}"
        "{% for navn, v in c.baseline.per_omraade.items() %}{{ navn }} {{ v | tal }}{% endfor %}"
        "{% for k in c.maal.kontrolpunkter %}{{ k.dato | kort_dato }}{{ k.betegnelse }}{% endfor %}"
        "{{ c.datakilde.tekst }}{% endfor %}{% endfor %}"
    )
    problems, used = check_paths(source, _scope("strategisk-samarbejdsaftale", walker), walker)
    assert problems == []
    assert {
        "c.baseline.per_omraade",
        "k.dato",
        "c.datakilde.tekst",
        "aftale.indsatsomraader.omraader",
    } <= used


# --- one run per tag ------------------------------------------------------------------------------------

TAG = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.DOTALL)
OPENERS = re.compile(r"{{|{%|{#")
STORIES = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")


def split_tags(xml: bytes) -> list[str]:
    """The text of every paragraph in which a Jinja tag is not wholly inside one w:t (one run's text):
    split across runs (as Word does when part of a tag is retyped, spell-checked or formatted), or
    opened and not closed in the paragraph."""
    from lxml import etree

    problems = []
    for paragraph in etree.fromstring(xml).iter(f"{{{W}}}p"):
        texts = [
            t.text or ""
            for t in paragraph.iter(f"{{{W}}}t")
            if next(t.iterancestors(f"{{{W}}}p")) is paragraph  # not a text box's own paragraphs
        ]
        whole = "".join(texts)
        whole_tags = sum(len(TAG.findall(text)) for text in texts)
        if len(TAG.findall(whole)) != whole_tags or len(OPENERS.findall(whole)) != whole_tags:
            problems.append(whole)
    return problems


TEMPLATE_FILES = sorted(p.name for p in TEMPLATE_DIR.glob("*.docx"))


@pytest.mark.parametrize("name", TEMPLATE_FILES)
def test_every_jinja_tag_sits_inside_one_run(name):
    problems, tags = [], 0
    with zipfile.ZipFile(TEMPLATE_DIR / name) as docx:
        for part in filter(STORIES.match, docx.namelist()):
            xml = docx.read(part)
            problems += [f"{part}: {text}" for text in split_tags(xml)]
            tags += len(TAG.findall(xml.decode("utf-8")))
    assert problems == []
    assert tags >= 5


def test_a_tag_split_across_runs_is_found():
    def paragraph(*runs: str) -> bytes:
        body = "".join(f"<w:r><w:t>{r}</w:t></w:r>" for r in runs)
        return f'<w:document xmlns:w="{W}"><w:body><w:p>{body}</w:p></w:body></w:document>'.encode()

    assert split_tags(paragraph("Aftalen gælder ", "{{ aftale.periode_tekst }}", ".")) == []
    assert split_tags(paragraph("{{ aftale.", "periode_tekst }}")) == ["{{ aftale.periode_tekst }}"]
    assert split_tags(paragraph("{", "{ aftale.helhedsplan }}")) == ["{{ aftale.helhedsplan }}"]
    assert split_tags(paragraph("{%p if udkast ")) == ["{%p if udkast "]


# --- every template renders with both examples ------------------------------------------------------------


@pytest.fixture(scope="module")
def word_files(tmp_path_factory) -> dict[str, Path]:
    return make_word_files(tmp_path_factory.mktemp("rendered"))


def _made_from(template: str, label: str) -> bool:
    stem = template.removesuffix(".docx")
    name = Path(label).name
    return name == template or name.startswith(f"{stem}-")


@pytest.mark.parametrize("dossier", ["viborg", "eksempelby"])
@pytest.mark.parametrize("name", TEMPLATE_FILES)
def test_every_template_renders_with_the_examples(name, dossier, word_files):
    from docx import Document

    made = [
        p for label, p in word_files.items() if label.startswith(f"{dossier}/") and _made_from(name, label)
    ]
    assert made, f"nothing rendered from {name} for {dossier}"
    for path in made:
        with zipfile.ZipFile(path) as docx:
            text = "".join(docx.read(part).decode("utf-8") for part in filter(STORIES.match, docx.namelist()))
        assert not OPENERS.search(text), f"{path.name}: a tag was left in the document"
        assert len(Document(str(path)).paragraphs) > 3


# --- words in narrow table columns break with a hyphen, never mid-word without one ---------------------

LETTERS = re.compile(r"[^\W\d_]+")


def broken_words(pdf_path: Path, words: set[str], shortest: int = 14) -> list[str]:
    """Long words of the Word file that the PDF breaks over two lines without a hyphen
    ("Projektkoordineringsgru" at the end of a line, "ppen" below it, at the same left edge)."""
    import pdfplumber

    long_words = [w for w in words if len(w) >= shortest]
    broken = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            found = page.extract_words()
            for head in found:
                text = head["text"]
                if not LETTERS.fullmatch(text) or text in words:
                    continue
                for word in (w for w in long_words if w.startswith(text) and w != text):
                    rest = word[len(text) :]
                    below = [
                        w
                        for w in found
                        if LETTERS.match(w["text"])
                        and LETTERS.match(w["text"]).group() == rest
                        and 0 < w["top"] - head["top"] < 3 * (head["bottom"] - head["top"])
                        and abs(w["x0"] - head["x0"]) < 2
                    ]
                    if below:
                        broken.append(f"{text}|{rest}")
    return broken


def test_long_words_in_table_columns_break_with_a_hyphen(tmp_path):
    """Narrow name columns hyphenate (Danish, style TabeltekstOrddeling) instead of breaking a word anywhere."""
    from checker.assemble.build import build
    from tests.wordfiles import EKSEMPELBY

    problems = []
    for dossier in (VIBORG, EKSEMPELBY):
        result = build(dossier, tmp_path / dossier.name)
        for pdf in (p for p in result.documents if p.suffix == ".pdf" and p.stem != "organisationsdiagram"):
            with zipfile.ZipFile(pdf.with_suffix(".docx")) as docx:
                xml = "".join(docx.read(n).decode("utf-8") for n in filter(STORIES.match, docx.namelist()))
            words = set(LETTERS.findall(" ".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))))
            problems += [f"{pdf.name}: {b}" for b in broken_words(pdf, words)]
    assert problems == []


def test_the_templates_hyphenate_only_the_narrow_table_columns_in_danish():
    """Body text and ordinary table text keep their words whole (so a reader can compare them with the
    agreement word for word); the style TabeltekstOrddeling, used in the narrow columns that hold names
    (Ansvarlig, Indsatsområde, Aktør, Organ ...), hyphenates in Danish."""
    uses = 0
    for name in TEMPLATE_FILES:
        with zipfile.ZipFile(TEMPLATE_DIR / name) as docx:
            settings = docx.read("word/settings.xml").decode("utf-8")
            styles = docx.read("word/styles.xml").decode("utf-8")
            uses += docx.read("word/document.xml").decode("utf-8").count('w:val="TabeltekstOrddeling"')
        assert "<w:autoHyphenation/>" in settings, name
        defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.DOTALL).group()
        assert '<w:lang w:val="da-DK"' in defaults and "<w:suppressAutoHyphens/>" in defaults, name
        style = {
            sid: body
            for sid, body in re.findall(
                r'<w:style [^>]*w:styleId="([^"]+)"(.*?)</w:style>', styles, re.DOTALL
            )
        }
        assert "suppressAutoHyphens" not in style["Tabeltekst"], name
        assert '<w:basedOn w:val="Tabeltekst"/>' in style["TabeltekstOrddeling"], name
        assert '<w:suppressAutoHyphens w:val="0"/>' in style["TabeltekstOrddeling"], name
    assert uses >= 15
