"""The bundled JSON Schemas, and validation of one source file into findings in plain Danish or English.

Each dossier file names its kind in "dokumenttype"; that picks the schema. jsonschema reports every
error, not only the first; each becomes a Finding with the JSON pointer, line and column, the place in
the users' words, a message a secretariat worker understands, and where possible a hint.
"""

from __future__ import annotations

import difflib
import json
import re
from decimal import Decimal
from functools import cached_property
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from checker.findings import Finding, Severity, Text
from checker.jsonsource import JsonSource, escape_pointer_token, pointer_of
from checker.labels import Labeller
from checker.memo import Memo, digest
from checker.resources import schema_dir

BASE = "https://lbf-aftale.dk/schemas/v2/"

#: dokumenttype -> (schema file, Danish name, English name)
DOCUMENT_TYPES: dict[str, tuple[str, str, str]] = {
    "strategisk-samarbejdsaftale": (
        "samarbejdsaftale.schema.json",
        "strategisk samarbejdsaftale",
        "strategic agreement",
    ),
    "delaftale": ("delaftale.schema.json", "delaftale", "sub-agreement"),
    "kommissorium": ("kommissorium.schema.json", "kommissorium", "terms of reference"),
    "milepaelsplan": ("milepaelsplan.schema.json", "milepælsplan", "milestone plan"),
    "beredskabsplan": ("beredskabsplan.schema.json", "beredskabsplan", "contingency plan"),
    "opfoelgning": ("opfoelgning.schema.json", "opfølgningsregister", "follow-up register"),
}


class SchemaRegistry:
    """All schemas in schemas/, loaded once; one compiled validator per document type."""

    def __init__(self) -> None:
        resources = []
        self.by_file: dict[str, dict] = {}
        for path in sorted(schema_dir().glob("*.schema.json")):
            contents = json.loads(path.read_text(encoding="utf-8"))
            self.by_file[path.name] = contents
            resources.append((contents["$id"], Resource.from_contents(contents)))
        self.registry = Registry().with_resources(resources)
        self._validators: dict[str, Draft202012Validator] = {}

    @cached_property
    def format_checker(self) -> FormatChecker:
        return FormatChecker(formats=["date"])

    def schema_for(self, doctype: str) -> dict:
        return self.by_file[DOCUMENT_TYPES[doctype][0]]

    def validator(self, doctype: str) -> Draft202012Validator:
        if doctype not in self._validators:
            self._validators[doctype] = Draft202012Validator(
                _inlined(self.schema_for(doctype), self.registry),
                registry=self.registry,
                format_checker=self.format_checker,
            )
        return self._validators[doctype]

    def labeller(self, doctype: str) -> Labeller:
        schema = self.schema_for(doctype)
        return Labeller(schema, self.registry.resolver(schema["$id"]))


_INLINED: dict[str, dict] = {}


def _inlined(schema: dict, registry: Registry) -> dict:
    """The schema with every $ref replaced by {"allOf": [the schema it names]}, once per schema.

    Validating follows a $ref by looking its URI up in the registry each time (half of all validation
    time, and 70 % of an audit of thousands of measurements); an allOf of the same schema validates the
    same, yields the same errors with the same `schema` and keyword (allOf, like $ref, hands on its
    subschema's errors unchanged), and unevaluatedProperties sees its properties as $ref's. A $ref back
    into a schema already being inlined (a cycle) is left to the registry."""
    key = schema["$id"]
    if key not in _INLINED:
        _INLINED[key] = _inline(schema, registry.resolver(key), ())
    return _INLINED[key]


def _inline(node: Any, resolver, seen: tuple) -> Any:
    if isinstance(node, list):
        return [_inline(item, resolver, seen) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: (v if k == "$defs" else _inline(v, resolver, seen)) for k, v in node.items() if k != "$ref"}
    ref = node.get("$ref")
    if isinstance(ref, str):
        resolved = resolver.lookup(ref)
        uri = str(resolved.resolver._base_uri) + "#" + ref.partition("#")[2]
        if uri in seen:
            out["$ref"] = ref  # a cycle: validated through the registry, as before
        else:
            target = _inline(resolved.contents, resolved.resolver, (*seen, uri))
            out["allOf"] = [target, *out.get("allOf", [])]
    return out


def guess_doctype(rel: str) -> str | None:
    """The document type a file's name and folder suggest, for hints only."""
    name = rel.rsplit("/", 1)[-1]
    if name == "samarbejdsaftale.json":
        return "strategisk-samarbejdsaftale"
    for folder, doctype in (("delaftaler/", "delaftale"), ("kommissorier/", "kommissorium")):
        if rel.startswith(folder):
            return doctype
    stem = name.removesuffix(".json")
    if stem == "opfoelgning":
        return "opfoelgning"
    return stem if stem in DOCUMENT_TYPES else None


def document_type(source: JsonSource) -> tuple[str | None, list[Finding]]:
    data = source.data
    known = ", ".join(DOCUMENT_TYPES)
    guess = guess_doctype(source.rel)
    if not isinstance(data, dict):
        return None, [
            Finding(
                "doc-not-object",
                Severity.ERROR,
                Text(
                    f"Filen skal indeholde et JSON-objekt {{ … }}, men indeholder {_kind_da(data)}.",
                    f"The file must hold a JSON object {{ … }}, but holds {_kind_en(data)}.",
                ),
                source.rel,
                "",
                *source.position(""),
            )
        ]
    doctype = data.get("dokumenttype")
    if isinstance(doctype, str) and doctype in DOCUMENT_TYPES:
        return doctype, []
    hint_da = f"Angiv en af: {known}."
    hint_en = f"Give one of: {known}."
    if guess:
        hint_da = f'Filens navn tyder på "dokumenttype": "{guess}". ' + hint_da
        hint_en = f'The file\'s name suggests "dokumenttype": "{guess}". ' + hint_en
    if "dokumenttype" not in data:
        line, col = source.position("")
        return None, [
            Finding(
                "doc-type-missing",
                Severity.ERROR,
                Text(
                    "Feltet »dokumenttype« mangler, så filens art (og dermed dens skema) er ukendt.",
                    "The field 'dokumenttype' is missing, so the kind of file (and its schema) is unknown.",
                ),
                source.rel,
                "",
                line,
                col,
                hint=Text(hint_da, hint_en),
            )
        ]
    close = difflib.get_close_matches(str(doctype), DOCUMENT_TYPES, n=1, cutoff=0.6)
    if close:
        hint_da, hint_en = f"Mente du »{close[0]}«? " + hint_da, f"Did you mean '{close[0]}'? " + hint_en
    line, col = source.position("/dokumenttype")
    return None, [
        Finding(
            "doc-type-unknown",
            Severity.ERROR,
            Text(f"Ukendt dokumenttype »{doctype}«.", f"Unknown document type '{doctype}'."),
            source.rel,
            "/dokumenttype",
            line,
            col,
            hint=Text(hint_da, hint_en),
        )
    ]


_VALIDATED = Memo(64)  # (doctype, rel, content digest) -> findings


def validate_source(source: JsonSource, doctype: str, registry: SchemaRegistry) -> list[Finding]:
    key = (doctype, source.rel, digest(source.text))
    known = _VALIDATED.get(key)
    if known is None:
        known = _VALIDATED.put(key, tuple(_validate_source(source, doctype, registry)))
    return list(known)


def _validate_source(source: JsonSource, doctype: str, registry: SchemaRegistry) -> list[Finding]:
    validator = registry.validator(doctype)
    errors = sorted(
        validator.iter_errors(source.data), key=lambda e: (list(map(str, e.absolute_path)), e.validator)
    )
    if not errors:
        return []
    # a malformed date fails both its pattern and its format: one finding says it better than two
    dated = {tuple(e.absolute_path) for e in errors if e.validator == "format"}
    errors = [e for e in errors if not (e.validator == "pattern" and tuple(e.absolute_path) in dated)]
    labeller = registry.labeller(doctype)
    findings: list[Finding] = []
    required_seen: dict[tuple, int] = {}
    for error in errors:
        for parts, key_position, message, hint in _explain(error, required_seen, labeller):
            pointer = pointer_of(parts)
            line, col = source.position(pointer, key=key_position)
            label = labeller.label(list(parts), source.data) if parts else ""
            findings.append(
                Finding(
                    f"schema-{_code(error.validator)}",
                    Severity.ERROR,
                    message,
                    source.rel,
                    pointer,
                    line,
                    col,
                    label=Text(label, label) if label else None,
                    hint=hint,
                )
            )
    return findings


def _code(keyword: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", keyword).lower()  # additionalProperties -> additional-properties


# --- turning one jsonschema error into words -------------------------------------------------------------

_TYPE_DA = {
    "string": "en tekst",
    "integer": "et helt tal",
    "number": "et tal",
    "object": "et objekt { … }",
    "array": "en liste [ … ]",
    "boolean": "true eller false",
    "null": "null",
}
_TYPE_EN = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "object": "an object { … }",
    "array": "a list [ … ]",
    "boolean": "true or false",
    "null": "null",
}


def _kind_da(value: Any) -> str:
    if isinstance(value, bool):
        return f"værdien {str(value).lower()}"
    if value is None:
        return "null"
    if isinstance(value, Decimal):
        return f"decimaltallet {value}"
    if isinstance(value, int):
        return f"tallet {value}"
    if isinstance(value, str):
        return f"teksten »{_short(value)}«"
    if isinstance(value, list):
        return "en liste"
    return "et objekt"


def _kind_en(value: Any) -> str:
    if isinstance(value, bool):
        return f"the value {str(value).lower()}"
    if value is None:
        return "null"
    if isinstance(value, Decimal):
        return f"the decimal number {value}"
    if isinstance(value, int):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string '{_short(value)}'"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _short(value: Any, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _show(value: Any) -> str:
    if isinstance(value, str):
        return _short(value)
    return _short(json.dumps(value, ensure_ascii=False, default=str))


def _type_words(expected: Any, table: dict[str, str], joiner: str) -> str:
    names = [expected] if isinstance(expected, str) else list(expected)
    return joiner.join(table.get(n, n) for n in names)


def _prop_title(schema: dict, prop: str) -> str | None:
    node = schema.get("properties", {}).get(prop)
    return node.get("title") if isinstance(node, dict) else None


def _explain(
    error: ValidationError, required_seen: dict, labeller: Labeller
) -> list[tuple[list, bool, Text, Text | None]]:
    """(path parts, point at the key?, message, hint) for each finding this error stands for."""
    parts = list(error.absolute_path)
    kw, value, inst, schema = error.validator, error.validator_value, error.instance, error.schema
    title = schema.get("title") if isinstance(schema, dict) else None

    if kw == "required":
        missing = [p for p in value if isinstance(inst, dict) and p not in inst]
        slot = (tuple(map(str, parts)), tuple(error.absolute_schema_path))
        index = required_seen.get(slot, 0)
        required_seen[slot] = index + 1
        prop = missing[index] if index < len(missing) else str(value)
        ptitle = _prop_title(schema, prop)
        where = f" (»{ptitle}«)" if ptitle else ""
        return [
            (
                parts,
                True,
                Text(
                    f"Det krævede felt »{prop}«{where} mangler.",
                    f"The required field '{prop}'{where} is missing.",
                ),
                Text(f'Tilføj "{prop}" her.', f'Add "{prop}" here.'),
            )
        ]

    if kw in ("additionalProperties", "unevaluatedProperties"):
        allowed = sorted(_known_properties(schema, labeller)) if isinstance(schema, dict) else []
        if kw == "additionalProperties" and isinstance(inst, dict):
            extras = [k for k in inst if k not in schema.get("properties", {})]
        else:
            extras = re.findall(r"'((?:[^'\\]|\\.)*)'", error.message.split("(", 1)[-1])
        out = []
        for extra in extras:
            close = difflib.get_close_matches(extra, allowed, n=1, cutoff=0.6)
            if close:
                hint = Text(f"Mente du »{close[0]}«?", f"Did you mean '{close[0]}'?")
            elif allowed:
                hint = Text(
                    "Tilladte felter her: " + ", ".join(allowed) + ".",
                    "Fields allowed here: " + ", ".join(allowed) + ".",
                )
            else:
                hint = None
            out.append(
                (
                    parts + [extra],
                    True,
                    Text(
                        f"Feltet »{extra}« kendes ikke her og ville blive ignoreret.",
                        f"The field '{extra}' is not known here and would be ignored.",
                    ),
                    hint,
                )
            )
        return out

    if kw == "type":
        return [
            (
                parts,
                False,
                Text(
                    f"Her skal stå {_type_words(value, _TYPE_DA, ' eller ')}, men der står {_kind_da(inst)}.",
                    f"Expected {_type_words(value, _TYPE_EN, ' or ')}, but found {_kind_en(inst)}.",
                ),
                _type_hint(value, inst),
            )
        ]

    if kw == "enum":
        choices = ", ".join(_show(v) for v in value)
        close = difflib.get_close_matches(str(inst), [str(v) for v in value], n=1, cutoff=0.6)
        hint = Text(f"Mente du »{close[0]}«?", f"Did you mean '{close[0]}'?") if close else None
        return [
            (
                parts,
                False,
                Text(
                    f"Værdien »{_show(inst)}« er ikke tilladt. Tilladte værdier: {choices}.",
                    f"The value '{_show(inst)}' is not allowed. Allowed values: {choices}.",
                ),
                hint,
            )
        ]

    if kw == "const":
        return [
            (
                parts,
                False,
                Text(
                    f"Værdien skal være »{_show(value)}«, men er »{_show(inst)}«.",
                    f"The value must be '{_show(value)}', but is '{_show(inst)}'.",
                ),
                None,
            )
        ]

    if kw == "pattern":
        da = schema.get("patternErrorMessage") or f"Den skal passe til mønsteret {value}."
        en = schema.get("x-patternErrorMessage-en") or f"It must match the pattern {value}."
        return [
            (
                parts,
                False,
                Text(
                    f"»{_short(inst)}« har ikke den rette form. {da}",
                    f"'{_short(inst)}' does not have the right form. {en}",
                ),
                None,
            )
        ]

    if kw == "format" and value == "date":
        return [
            (
                parts,
                False,
                Text(
                    f"»{_short(inst)}« er ikke en gyldig dato. Skriv datoen som ÅÅÅÅ-MM-DD, fx 2017-04-01.",
                    f"'{_short(inst)}' is not a valid date. Write the date as YYYY-MM-DD, e.g. 2017-04-01.",
                ),
                None,
            )
        ]

    if kw == "minLength" and value == 1:
        return [(parts, False, Text("Teksten må ikke være tom.", "The text must not be empty."), None)]
    if kw == "minLength":
        return [
            (
                parts,
                False,
                Text(
                    f"Teksten skal være mindst {value} tegn.",
                    f"The text must be at least {value} characters.",
                ),
                None,
            )
        ]
    if kw == "minItems":
        return [
            (
                parts,
                False,
                Text(
                    f"Listen skal have mindst {value} element(er), men har {len(inst)}.",
                    f"The list must have at least {value} item(s), but has {len(inst)}.",
                ),
                None,
            )
        ]
    if kw == "maxItems":
        return [
            (
                parts,
                False,
                Text(
                    f"Listen må højst have {value} element(er), men har {len(inst)}.",
                    f"The list may have at most {value} item(s), but has {len(inst)}.",
                ),
                None,
            )
        ]
    if kw == "uniqueItems":
        return [
            (
                parts,
                False,
                Text(
                    "Listen indeholder den samme værdi mere end én gang.",
                    "The list holds the same value more than once.",
                ),
                None,
            )
        ]
    if kw in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        da_rel = {
            "minimum": "mindst",
            "exclusiveMinimum": "større end",
            "maximum": "højst",
            "exclusiveMaximum": "mindre end",
        }[kw]
        en_rel = {
            "minimum": "at least",
            "exclusiveMinimum": "greater than",
            "maximum": "at most",
            "exclusiveMaximum": "less than",
        }[kw]
        return [
            (
                parts,
                False,
                Text(
                    f"Værdien {inst} skal være {da_rel} {value}.",
                    f"The value {inst} must be {en_rel} {value}.",
                ),
                None,
            )
        ]
    if kw == "minProperties":
        return [
            (
                parts,
                False,
                Text(
                    f"Objektet skal have mindst {value} felt(er).",
                    f"The object must have at least {value} field(s).",
                ),
                None,
            )
        ]
    if kw == "dependentRequired":
        out = []
        for key, needed in value.items():
            if isinstance(inst, dict) and key in inst:
                for n in needed:
                    if n not in inst:
                        out.append(
                            (
                                parts,
                                True,
                                Text(
                                    f"Når »{key}« er angivet, skal »{n}« også være det.",
                                    f"When '{key}' is given, '{n}' must be given too.",
                                ),
                                None,
                            )
                        )
        return out
    if kw in ("oneOf", "anyOf"):
        return [(parts, False, *_alternatives(error, title))]

    return [
        (
            parts,
            False,
            Text(
                f"Værdien opfylder ikke skemaets krav ({kw}): {error.message}",
                f"The value does not meet the schema ({kw}): {error.message}",
            ),
            None,
        )
    ]


_EN_TITLES = {
    "Beløb i kroner": 'a whole number of kroner, or a decimal string with at most two decimals such as "1250.50"; never a float',
    "Grænse": '"baseline" or a number',
}


def _known_properties(schema: dict, labeller: Labeller) -> set[str]:
    """Property names a schema knows, including those it pulls in by $ref (for unevaluatedProperties)."""
    names = set(schema.get("properties", {}))
    for sub in schema.get("allOf", []):  # a $ref inlined for validation (_inlined)
        if isinstance(sub, dict):
            names |= set(sub.get("properties", {}))
    ref = schema.get("$ref")
    if isinstance(ref, str):
        # the subschema's own base URI is not kept on the error; its $refs are local to one schema file
        candidates = [ref] + (
            [BASE + name + ref for name in ("common.schema.json",)] if ref.startswith("#") else []
        )
        for candidate in candidates:
            try:
                target, _ = labeller._deref({"$ref": candidate}, labeller.resolver)
            except Exception:  # noqa: BLE001 - only used to list allowed names in a hint
                continue
            if isinstance(target, dict):
                names |= set(target.get("properties", {}))
                break
    return names


def _type_hint(expected: Any, inst: Any) -> Text | None:
    names = [expected] if isinstance(expected, str) else list(expected)
    if "integer" in names and isinstance(inst, Decimal):
        return Text(
            "Skriv et helt tal uden decimaler, fx 14600000.",
            "Write a whole number without decimals, e.g. 14600000.",
        )
    if "number" in names and isinstance(inst, str):
        return Text(
            "Skriv tallet uden anførselstegn og med punktum som decimaltegn, fx 26.8.",
            "Write the number without quotes and with a decimal point, e.g. 26.8.",
        )
    if "integer" in names and isinstance(inst, str):
        return Text(
            "Skriv tallet uden anførselstegn og uden tusindtalspunktum, fx 3220.",
            "Write the number without quotes or thousands separators, e.g. 3220.",
        )
    return None


def _alternatives(error: ValidationError, title: str | None) -> tuple[Text, Text | None]:
    branches = error.validator_value
    if all(isinstance(b, dict) and set(b) == {"required"} and len(b["required"]) == 1 for b in branches):
        names = ", ".join(b["required"][0] for b in branches)
        present = [
            b["required"][0]
            for b in branches
            if isinstance(error.instance, dict) and b["required"][0] in error.instance
        ]
        if present:
            return (
                Text(
                    f"Angiv kun ét af felterne {names}; her står {', '.join(present)}.",
                    f"Give only one of the fields {names}; here are {', '.join(present)}.",
                ),
                None,
            )
        return (Text(f"Angiv ét af felterne {names}.", f"Give one of the fields {names}."), None)
    schema = error.schema if isinstance(error.schema, dict) else {}
    desc = schema.get("description")
    name = f"»{title}«" if title else "nogen af de tilladte former"
    return (
        Text(
            f"{_kind_da(error.instance).capitalize()} passer ikke til {name}." + (f" {desc}" if desc else ""),
            f"{_kind_en(error.instance).capitalize()} does not fit "
            + (f"'{title}' ({_EN_TITLES.get(title, 'see the schema')})." if title else "any allowed form."),
        ),
        None,
    )


__all__ = ["DOCUMENT_TYPES", "SchemaRegistry", "document_type", "validate_source", "escape_pointer_token"]
