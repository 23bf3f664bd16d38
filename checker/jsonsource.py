"""Read one JSON source file: exact numbers (Decimal), duplicate keys caught, positions for any pointer.

Syntax errors become findings with the line and column of the error; nothing here raises for a
user's mistake except CouldNotRun for a file the operating system will not let us read.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from checker.findings import CouldNotRun, Finding, Severity, Text
from checker.memo import Memo, digest

MAX_JSON_BYTES = 5 * 1024 * 1024  # a dossier source is a few hundred KB at most


class _Duplicates:
    """Collects objects that had a key twice (json keeps only the last value, silently)."""

    def __init__(self) -> None:
        self.by_object: dict[int, list[str]] = {}

    def hook(self, pairs: list[tuple[str, Any]]) -> dict:
        obj: dict[str, Any] = {}
        dups: list[str] = []
        for key, value in pairs:
            if key in obj and key not in dups:
                dups.append(key)
            obj[key] = value
        if dups:
            self.by_object[id(obj)] = dups
        return obj


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_POSITIONS = Memo(16)  # content digest -> json_source_map's positions (never changed once made)


@dataclass
class JsonSource:
    path: Path
    rel: str  # relative to the dossier, "/"-separated
    text: str
    data: Any
    _positions: dict | None = field(default=None, repr=False)

    def position(self, pointer: str, *, key: bool = False) -> tuple[int | None, int | None]:
        """1-based (line, column) of the value (or, with key=True, the key) at a JSON pointer."""
        if self._positions is None:
            known = digest(self.text)
            self._positions = _POSITIONS.get(known)
            if self._positions is None:
                from json_source_map import calculate  # only needed when something is reported

                self._positions = _POSITIONS.put(known, calculate(self.text))
        entry = self._positions.get(pointer)
        while entry is None and pointer:
            pointer = pointer.rsplit("/", 1)[0]  # fall back to the nearest enclosing value
            entry = self._positions.get(pointer)
        if entry is None:
            return None, None
        loc = entry.key_start if key and entry.key_start is not None else entry.value_start
        return loc.line + 1, loc.column + 1


def escape_pointer_token(token: Any) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer_of(parts: Any) -> str:
    return "".join("/" + escape_pointer_token(p) for p in parts)


_SYNTAX_DA = {
    "Expecting value": "Her forventedes en værdi (tekst i anførselstegn, tal, true/false, null, [ ] eller { })",
    "Expecting property name enclosed in double quotes": (
        "Her forventedes et feltnavn i dobbelte anførselstegn (måske et komma for meget før } )"
    ),
    "Expecting ',' delimiter": "Her mangler et komma mellem to elementer",
    "Expecting ':' delimiter": "Her mangler et kolon efter feltnavnet",
    "Extra data": "Der står mere efter JSON-dokumentets afslutning",
    "Unterminated string starting at": "En tekst er ikke afsluttet med anførselstegn",
    "Invalid control character at": "En tekst indeholder et kontroltegn (fx et linjeskift) – skriv \\n i stedet",
    "Invalid \\escape": "Ugyldig escape-sekvens med \\ i en tekst",
    "Invalid \\uXXXX escape": "Ugyldig \\u-escape i en tekst",
}


def _syntax_text(msg: str) -> Text:
    for en, da in _SYNTAX_DA.items():
        if msg.startswith(en):
            return Text(f"Ugyldig JSON: {da}.", f"Invalid JSON: {msg}.")
    return Text(f"Ugyldig JSON: {msg}.", f"Invalid JSON: {msg}.")


def _line_col_of_offset(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    col = offset - (before.rfind(b"\n") + 1) + 1
    return line, col


def load(path: Path, rel: str) -> tuple[JsonSource | None, list[Finding]]:
    """Read and parse a JSON file. Returns the source, or None and the findings that explain why not."""

    def finding(code: str, message: Text, line: int | None = None, col: int | None = None, hint=None):
        return Finding(code, Severity.ERROR, message, rel, "" if line else None, line, col, hint=hint)

    try:
        size = path.stat().st_size
        if size > MAX_JSON_BYTES:
            return None, [
                finding(
                    "json-too-large",
                    Text(
                        f"Filen er på {size:,} byte; en JSON-kilde må højst fylde {MAX_JSON_BYTES:,} byte.".replace(
                            ",", "."
                        ),
                        f"The file is {size:,} bytes; a JSON source may be at most {MAX_JSON_BYTES:,} bytes.",
                    ),
                    hint=Text(
                        "Et dossiers JSON-filer fylder normalt under 1 MB. Er det den rigtige fil?",
                        "A dossier's JSON files are normally under 1 MB. Is this the right file?",
                    ),
                )
            ]
        with path.open("rb") as fh:
            raw = fh.read(MAX_JSON_BYTES + 1)
    except OSError as exc:
        raise CouldNotRun(
            Text(
                f"Kan ikke læse {path}: {exc.strerror or exc}.",
                f"Cannot read {path}: {exc.strerror or exc}.",
            )
        ) from None

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _line_col_of_offset(raw, exc.start)
        return None, [
            finding(
                "json-encoding",
                Text(
                    f"Filen er ikke gemt som UTF-8 (ugyldig byte 0x{raw[exc.start]:02x}).",
                    f"The file is not saved as UTF-8 (invalid byte 0x{raw[exc.start]:02x}).",
                ),
                line,
                col,
                hint=Text(
                    "Gem filen med tegnsættet UTF-8 i din editor.",
                    "Save the file with UTF-8 encoding in your editor.",
                ),
            )
        ]

    dups = _Duplicates()
    try:
        data = json.loads(
            text, parse_float=Decimal, parse_constant=_reject_constant, object_pairs_hook=dups.hook
        )
    except json.JSONDecodeError as exc:
        return None, [finding("json-syntax", _syntax_text(exc.msg), exc.lineno, exc.colno)]
    except ValueError as exc:  # NaN / Infinity
        return None, [finding("json-syntax", Text(f"Ugyldig JSON: {exc}.", f"Invalid JSON: {exc}."), 1, 1)]
    except RecursionError:
        return None, [
            finding(
                "json-too-deep",
                Text(
                    "JSON-strukturen er indlejret for dybt til at blive læst.",
                    "The JSON structure is nested too deeply to be read.",
                ),
                1,
                1,
            )
        ]

    if _depth(data) > MAX_DEPTH:
        return None, [
            finding(
                "json-too-deep",
                Text(
                    f"JSON-strukturen er indlejret mere end {MAX_DEPTH} niveauer; en dossierfil har under 15.",
                    f"The JSON structure is nested more than {MAX_DEPTH} levels; a dossier file has fewer than 15.",
                ),
                1,
                1,
            )
        ]
    problems: list[tuple[str, str, Text]] = []
    parsed, data = data, _clean(data, "", problems)
    source = JsonSource(path, rel, text, data)
    findings: list[Finding] = []
    for code, pointer, message in problems[:MAX_VALUE_FINDINGS]:
        line, col = source.position(pointer)
        findings.append(Finding(code, Severity.ERROR, message, rel, pointer, line, col))
    if findings:
        # a value no document, date or sum can hold: the file is reported, and nothing computes with it
        return None, findings
    if dups.by_object:
        for pointer, obj in _walk_objects(parsed, ""):
            for key in dups.by_object.get(id(obj), []):
                ptr = f"{pointer}/{escape_pointer_token(key)}"
                line, col = source.position(ptr, key=True)
                findings.append(
                    Finding(
                        "json-duplicate-key",
                        Severity.ERROR,
                        Text(
                            f"Feltet »{key}« står mere end én gang i samme objekt; kun den sidste værdi bruges.",
                            f"The field '{key}' appears more than once in the same object; only the last value is used.",
                        ),
                        rel,
                        ptr,
                        line,
                        col,
                        hint=Text("Slet eller omdøb det ene felt.", "Delete or rename one of them."),
                    )
                )
    return source, findings


MAX_VALUE_FINDINGS = 50
MAX_DEPTH = 64
_DATE = re.compile(r"^(\d{4})-\d{2}-\d{2}$")


def _depth(node: Any) -> int:
    """How deeply lists and objects nest (without recursion, so any depth the parser accepted is safe)."""
    deepest, todo = 0, [(node, 1)]
    while todo:
        value, level = todo.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:
                todo.extend((v, level + 1) for v in (value.values() if isinstance(value, dict) else value))
    return deepest


def read_json(path: Path, rel: str | None = None) -> Any:
    """A dossier JSON file through the loader (size, encoding with or without BOM, exact numbers, NFC,
    depth), for commands that need one file's data: CouldNotRun naming the file and the problem when it
    cannot be read."""
    source, findings = load(Path(path), rel or Path(path).name)
    if source is None:
        first = findings[0]
        where = f":{first.line}" if first.line else ""
        raise CouldNotRun(
            Text(
                f"{path}{where}: {first.message.da} Kør »aftale validate«.",
                f"{path}{where}: {first.message.en} Run 'aftale validate'.",
            )
        )
    return source.data


def load_strict(path: Path, rel: str, problem: Text) -> JsonSource:
    """A JSON file through the loader, for a command that must not go on with any error in it (duplicate
    keys included): CouldNotRun naming the file, the line and the loader's message, then `problem`."""
    source, findings = load(Path(path), rel)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if source is None or errors:
        first = (errors or findings)[0]
        where = f":{first.line}" if first.line else ""
        raise CouldNotRun(
            Text(
                f"{path}{where}: {first.message.da} {problem.da}".strip(),
                f"{path}{where}: {first.message.en} {problem.en}".strip(),
            )
        )
    return source


MAX_NUMBER = Decimal(10) ** 15  # a quadrillion kroner; anything larger is a typo or an attack
_BAD_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(node: Any, pointer: str, problems: list) -> Any:
    """The value with every text (keys included) in Unicode NFC, so that "Vestervång" typed with a
    combining ring and with a composed å is one name; texts with characters no document can hold (control
    characters, lone surrogates, non-characters) and numbers out of range are added to `problems`."""
    if isinstance(node, str):
        bad = _BAD_CHARACTER.search(node)
        if bad:
            problems.append(
                (
                    "json-invalid-character",
                    pointer,
                    Text(
                        f"Teksten indeholder tegnet U+{ord(bad.group()):04X}, som ikke kan stå i et dokument "
                        "(et kontroltegn eller en halv surrogat-escape som \\udfff).",
                        f"The text holds the character U+{ord(bad.group()):04X}, which no document can hold "
                        "(a control character or half a surrogate escape such as \\udfff).",
                    ),
                )
            )
        date = _DATE.match(node)
        if date and not 1900 <= int(date.group(1)) <= 2199:
            problems.append(
                (
                    "json-date-out-of-range",
                    pointer,
                    Text(
                        f"Datoen {node} ligger uden for årene 1900–2199.",
                        f"The date {node} lies outside the years 1900–2199.",
                    ),
                )
            )
        return unicodedata.normalize("NFC", node)
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            out[unicodedata.normalize("NFC", key)] = _clean(
                value, f"{pointer}/{escape_pointer_token(key)}", problems
            )
        return out
    if isinstance(node, list):
        return [_clean(value, f"{pointer}/{i}", problems) for i, value in enumerate(node)]
    if isinstance(node, (int, Decimal)) and not isinstance(node, bool):
        if not (abs(node) < MAX_NUMBER) or (isinstance(node, Decimal) and node.as_tuple().exponent < -30):
            problems.append(
                (
                    "json-number-out-of-range",
                    pointer,
                    Text(
                        "Tallet er uden for det tilladte område (højst 15 cifre før kommaet og 30 efter).",
                        "The number is out of range (at most 15 digits before the decimal point and 30 after).",
                    ),
                )
            )
    return node


def _walk_objects(node: Any, pointer: str):
    if isinstance(node, dict):
        yield pointer, node
        for key, value in node.items():
            yield from _walk_objects(value, f"{pointer}/{escape_pointer_token(key)}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk_objects(value, f"{pointer}/{i}")
