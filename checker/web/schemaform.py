"""The dossier's JSON Schemas as the form library (json-editor) reads them.

json-editor resolves "#/definitions/..." inside one schema and knows JSON Schema draft 4 to 7, not the
2020-12 "$defs" the dossier schemas use, nor their references across files (common.schema.json). The
form schema is therefore the document's schema with common.schema.json's definitions copied in under
"common:" names, every reference rewritten to "#/definitions/...", and the conditional parts (if/then,
which only sharpen what the server checks anyway) left out. Titles and descriptions stay as written:
they are the Danish labels of the form. Validation stays on the server, with the same validator and
the same messages as `aftale check`.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from checker.schema import DOCUMENT_TYPES, SchemaRegistry

COMMON = "common.schema.json"

#: keywords json-editor does not understand and that only narrow what the server already validates
DROPPED = {
    "$schema",
    "$id",
    "allOf",
    "dependentRequired",
    "dependentSchemas",
    "if",
    "then",
    "else",
    "unevaluatedProperties",
    "patternErrorMessage",
}

#: text properties that hold prose and get a text area instead of a one-line field
PROSE = {"beskrivelse", "tekst", "bemaerkning", "kildetekst", "formaal", "indledning", "resume", "note"}


def _ref(ref: str, own: str) -> str:
    """A reference of `own` (a schema file name) rewritten to a local definition."""
    file, _, fragment = ref.partition("#")
    file = file or own
    name = fragment.rsplit("/", 1)[-1]
    return f"#/definitions/{'common:' if file == COMMON else ''}{name}"


def _rewrite(node: Any, own: str, key: str | None = None) -> Any:
    if isinstance(node, list):
        return [_rewrite(item, own) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for k, v in node.items():
        if k in DROPPED or k == "$defs":
            continue
        if k == "$ref":
            out[k] = _ref(v, own)
        elif k == "properties" and isinstance(v, dict):
            out[k] = {name: _rewrite(sub, own, name) for name, sub in v.items()}
        else:
            out[k] = _rewrite(v, own)
    # properties that only a conditional branch names (a target's kontrolpunkt fields per type) are
    # offered as optional fields, so that the form shows them with their titles and never drops them
    for branch in node.get("allOf", []):
        then = branch.get("then") if isinstance(branch, dict) else None
        if isinstance(then, dict) and isinstance(then.get("properties"), dict):
            _merge(out.setdefault("properties", {}), _rewrite(then["properties"], own))
    if key in PROSE and out.get("type") == "string":
        out["format"] = "textarea"
    return out


def _merge(into: dict, extra: dict) -> None:
    """Property schemas of a branch added to `into`: new names as they are; for a list both name, the
    item properties the branch adds."""
    for name, sub in extra.items():
        if not isinstance(sub, dict):  # `true`: the branch only allows what the object defines
            continue
        have = into.get(name)
        if have is None:
            into[name] = sub
        elif isinstance(have, dict) and isinstance(sub.get("items"), dict) and sub["items"].get("properties"):
            items = have.setdefault("items", {})
            _merge(items.setdefault("properties", {}), sub["items"]["properties"])


@cache
def _form_schema(doctype: str) -> dict:
    registry = SchemaRegistry()
    own = DOCUMENT_TYPES[doctype][0]
    schema = registry.by_file[own]
    common = registry.by_file[COMMON]
    out = _rewrite(schema, own)
    definitions = {f"common:{name}": _rewrite(sub, COMMON) for name, sub in common["$defs"].items()}
    definitions.update({name: _rewrite(sub, own) for name, sub in schema.get("$defs", {}).items()})
    # paragraphs of prose: each a text area
    definitions["common:afsnitstekst"]["items"] = {
        "$ref": "#/definitions/common:tekst",
        "format": "textarea",
        "title": definitions["common:afsnitstekst"].get("title", "Afsnit"),
    }
    out["definitions"] = definitions
    return out


def form_schema(doctype: str) -> dict:
    """The json-editor schema for a document type (a fresh copy the caller may change)."""
    return copy.deepcopy(_form_schema(doctype))


def pointer_to_path(pointer: str) -> str:
    """A JSON pointer ("/periode/start") as json-editor's editor path ("root.periode.start")."""
    if not pointer:
        return "root"
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    return ".".join(["root", *parts])
