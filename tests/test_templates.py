"""Every variable path each Word template uses exists in the schemas (or is one of the presentation
fields checker/assemble/view.py adds), so a renamed field cannot silently vanish from the documents."""

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
from tests.conftest import ROOT

TEMPLATE_DIR = ROOT / "templates"
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
