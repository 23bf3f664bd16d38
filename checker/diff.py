"""What changed between two versions of a dossier, in the users' words.

diff_dossiers(old, new) compares every source of the two dossier folders:

- JSON sources, matched by their dossier-relative path, walked as trees: objects by key, lists of
  objects by a stable identity (the first of id, nummer, navn, part, type+tekst that every element
  has and that is unique; else by position), lists of plain values as sets that keep their order.
  Each place is named from the schema titles (checker.labels), with the well-known places phrased
  the way the secretariat and LBF speak of them: "5.1 Tryghed og trivsel › Klagesager ›
  Ellekonebakken, baseline 2015: 32 → 30", "Finansiering › Landsbyggefonden: 14.600 → 15.000 t.kr.".
- Workbooks (.xlsx), cell by cell through their cached values: the budget by row label and column
  header ("Budget › Landsbyggefonden › År 2", cell Finansiering!C11), the aktivitetsskema by activity
  (its Id column, else Aktivitet), anything else as "fil › ark!celle".
- Any other file (PDF, SVG, PNG …) by its sha256.

A change to the strategic agreement needs Landsbyggefonden's approval (DOMAIN: "A change to the
strategic agreement must be approved by LBF"), except its bookkeeping (metadata, version, historik);
a change to an annex does not.

Nothing here raises for a broken file: a JSON file that does not parse or a workbook that cannot be
read becomes one Change saying the file changed and why it cannot be compared. A folder that is not a
dossier raises CouldNotRun (checker.dossier.open_dossier).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from checker.assemble.fmt import kort_dato, kr, pct, tal, tkr
from checker.dossier import AGREEMENT_FILE, MAX_FILES, open_dossier
from checker.findings import CouldNotRun, Text
from checker.jsonsource import JsonSource, load, pointer_of
from checker.labels import SEPARATOR, Labeller, item_label

__all__ = ["Change", "diff_dossiers", "BOOKKEEPING"]

#: Top-level keys of the agreement whose changes are the version's own bookkeeping, not a change LBF approves.
BOOKKEEPING = frozenset({"metadata", "version", "historik", "$schema"})
#: Keys that identify an element of a list of objects, in order of preference.
IDENTITY_KEYS: tuple[str | tuple[str, ...], ...] = ("id", "nummer", "navn", "part", ("type", "tekst"))
SHORT = 80  # a text value is shortened to about this many characters
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER_TEXT = re.compile(r"^\d{1,8}(\.\d{1,4})*$")
_MONEY_TEXT = re.compile(r"^-?[0-9]+(\.[0-9]{1,2})?$")
_UNITS = (" t.kr.", " kr.", " %")

# ---------------------------------------------------------------------------------------------- Change


@dataclass(frozen=True)
class Change:
    """One difference between the two dossiers."""

    file: str  # dossier-relative path, "/"-separated
    kind: str  # "changed" | "added" | "removed"
    place: Text  # the place in the users' words
    old: str | None  # formatted old value (Danish); None for added
    new: str | None  # formatted new value (Danish); None for removed
    pointer: str | None  # JSON pointer (into the new file; into the old one for a removal)
    cell: str | None  # workbook cell, e.g. "Finansiering!C11"
    needs_lbf_approval: bool
    note: Text | None = None  # why a file could only be compared as a whole, and the like

    def line(self, lang: str = "da") -> str:
        """ "5.1 Tryghed og trivsel › Klagesager › Ellekonebakken, baseline 2015: 32 → 30"."""
        en = lang == "en"
        place = self.place.get(lang)
        body = ""
        if self.kind == "changed" and self.old is not None and self.new is not None:
            body = f"{_without_shared_unit(self.old, self.new)} → {self.new}"
        elif self.kind == "added":
            body = ("added" if en else "tilføjet") + (f" {self.new}" if self.new is not None else "")
        elif self.kind == "removed":
            body = ("removed" if en else "fjernet") + (f" {self.old}" if self.old is not None else "")
        note = self.note.get(lang) if self.note else ""
        if body and note:
            return f"{place}: {body} ({note})"
        if body or note:
            return f"{place}: {body or note}"
        return place


def _without_shared_unit(old: str, new: str) -> str:
    """The old value without its unit when the new one has the same: "14.600 → 15.000 t.kr."."""
    for unit in _UNITS:
        if old.endswith(unit) and new.endswith(unit) and not old.startswith("»"):
            return old[: -len(unit)]
    return old


# ---------------------------------------------------------------------------------------------- the dossiers


def diff_dossiers(old: str | os.PathLike, new: str | os.PathLike) -> list[Change]:
    """Every change from the dossier in `old` to the one in `new`: by file (the agreement first), then in
    document order. Raises CouldNotRun when either folder is not a dossier."""
    from checker.schema import SchemaRegistry

    old_root, new_root = Path(old), Path(new)
    old_dossier, new_dossier = open_dossier(old_root), open_dossier(new_root)
    old_json = {rel: path for path, rel in old_dossier.json_files}
    new_json = {rel: path for path, rel in new_dossier.json_files}
    old_other, new_other = _other_files(old_root), _other_files(new_root)

    registry = SchemaRegistry()
    loaded_old = {rel: _load(path, rel) for rel, path in old_json.items()}
    loaded_new = {rel: _load(path, rel) for rel, path in new_json.items()}
    annex_types = _annex_types(loaded_old.get(AGREEMENT_FILE)) | _annex_types(loaded_new.get(AGREEMENT_FILE))

    files = sorted(
        set(old_json) | set(new_json) | set(old_other) | set(new_other),
        key=lambda rel: (rel != AGREEMENT_FILE, rel),
    )
    changes: list[Change] = []
    for rel in files:
        if rel in old_json or rel in new_json:
            changes += _diff_json_file(rel, loaded_old.get(rel), loaded_new.get(rel), registry)
        elif rel.lower().endswith(".xlsx"):
            changes += _diff_workbook_file(rel, old_other.get(rel), new_other.get(rel), annex_types.get(rel))
        else:
            changes += _diff_binary_file(rel, old_other.get(rel), new_other.get(rel))
    return changes


def _approval(rel: str, parts: list | None) -> bool:
    if rel != AGREEMENT_FILE:
        return False
    return not (parts and parts[0] in BOOKKEEPING)


def _other_files(root: Path) -> dict[str, Path]:
    """The dossier's files that are not JSON sources: hidden folders and files skipped, a symlink
    leading out of the dossier or anything that is not a regular file never read."""
    real_root = root.resolve()
    found: dict[str, Path] = {}
    try:
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=_raise):
            here = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not (here / d).is_symlink())
            for name in sorted(filenames):
                if name.startswith(".") or name.endswith(".json"):
                    continue
                path = here / name
                try:
                    if path.is_symlink() and not path.resolve().is_relative_to(real_root):
                        continue
                    if not path.is_file():
                        continue
                except (OSError, RuntimeError):
                    continue
                found[path.relative_to(root).as_posix()] = path
                if len(found) > MAX_FILES:
                    raise CouldNotRun(
                        Text(
                            f"{root} har mere end {MAX_FILES} filer; er det den rigtige mappe?",
                            f"{root} has more than {MAX_FILES} files; is it the right folder?",
                        )
                    )
    except OSError as exc:
        raise CouldNotRun(
            Text(
                f"Kan ikke læse mappen {exc.filename}: {exc.strerror}.",
                f"Cannot read the folder {exc.filename}: {exc.strerror}.",
            )
        ) from None
    return found


def _raise(exc: OSError) -> None:
    raise exc


def _sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1024 * 1024):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def _short_hash(digest: str | None) -> str:
    return f"sha256 {digest[:12]}…" if digest else "sha256 ?"


@dataclass
class _Loaded:
    source: JsonSource | None
    problem: Text | None  # why the file could not be read


def _load(path: Path, rel: str) -> _Loaded:
    try:
        source, findings = load(path, rel)
    except CouldNotRun as exc:
        return _Loaded(None, exc.text)
    if source is None:
        first = findings[0] if findings else None
        if first is None:
            return _Loaded(None, Text("Filen kan ikke læses.", "The file cannot be read."))
        where_da = f" Linje {first.line}, kolonne {first.column}." if first.line else ""
        where_en = f" Line {first.line}, column {first.column}." if first.line else ""
        return _Loaded(None, Text(first.message.da + where_da, first.message.en + where_en))
    return _Loaded(source, None)


def _annex_types(loaded: _Loaded | None) -> dict[str, str]:
    """file -> annex type ("budget", "aktivitetsskema", …) from the agreement's Aftaledokumenter."""
    data = loaded.source.data if loaded and loaded.source else None
    out: dict[str, str] = {}
    try:
        for bilag in data["aftaledokumenter"]["bilag"]:
            for fil in bilag.get("filer", []):
                if isinstance(fil, str) and isinstance(bilag.get("type"), str):
                    out[fil] = bilag["type"]
    except (KeyError, TypeError, AttributeError):
        pass
    return out


def _file_name(rel: str, loaded: _Loaded | None) -> str:
    data = loaded.source.data if loaded and loaded.source else None
    if isinstance(data, dict) and isinstance(data.get("titel"), str) and data["titel"].strip():
        return data["titel"]
    return rel


def _file_level(rel: str, old_exists: bool, place: Text, note: Text | None = None) -> Change:
    """A whole file that is only in the old dossier (old_exists) or only in the new one; the value is
    the file's path when the place names the document by its title."""
    approval = rel == AGREEMENT_FILE
    value = rel if place.da != rel else None
    if old_exists:
        return Change(rel, "removed", place, value, None, None, None, approval, note)
    return Change(rel, "added", place, None, value, None, None, approval, note)


# ---------------------------------------------------------------------------------------------- JSON


def _diff_json_file(rel: str, old: _Loaded | None, new: _Loaded | None, registry) -> list[Change]:
    if old is None or new is None:
        only = new or old
        name = _file_name(rel, only)
        note = None
        if only is not None and only.problem is not None:
            note = Text(
                f"filen kan ikke læses: {only.problem.da}", f"the file cannot be read: {only.problem.en}"
            )
        return [_file_level(rel, old is not None, Text(name, name), note)]
    if old.source is not None and new.source is not None and old.source.text == new.source.text:
        return []
    if old.source is None or new.source is None:
        problem = new.problem or old.problem
        side_da, side_en = ("den nye", "the new") if new.source is None else ("den gamle", "the old")
        name = _file_name(rel, old if new.source is None else new)
        return [
            Change(
                rel,
                "changed",
                Text(name, name),
                None,
                None,
                None,
                None,
                rel == AGREEMENT_FILE,
                note=Text(
                    f"filen er ændret, men kan ikke sammenlignes, fordi {side_da} udgave ikke kan læses: {problem.da}",
                    f"the file changed but cannot be compared, because {side_en} version cannot be read: {problem.en}",
                ),
            )
        ]
    namer = _Namer(
        _labeller(registry, new.source.data) or _labeller(registry, old.source.data) or Labeller({}, None)
    )
    raws: list[_Raw] = []
    try:
        _walk(old.source.data, new.source.data, [], [], raws)
        return [_describe(rel, raw, old.source.data, new.source.data, namer) for raw in raws]
    except RecursionError:  # nesting no dossier file has; compare the file as a whole
        name = _file_name(rel, new)
        return [
            Change(
                rel,
                "changed",
                Text(name, name),
                None,
                None,
                None,
                None,
                rel == AGREEMENT_FILE,
                note=Text(
                    "filen er ændret, men er indlejret for dybt til at blive sammenlignet felt for felt",
                    "the file changed, but is nested too deeply to be compared field by field",
                ),
            )
        ]


def _labeller(registry, data: Any) -> Labeller | None:
    from checker.schema import DOCUMENT_TYPES

    doctype = data.get("dokumenttype") if isinstance(data, dict) else None
    if isinstance(doctype, str) and doctype in DOCUMENT_TYPES:
        return registry.labeller(doctype)
    return None


@dataclass
class _Raw:
    kind: str
    old_parts: list | None
    new_parts: list | None
    old: Any = None
    new: Any = None
    element: bool = False  # a whole list element added or removed: named by its list


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | Decimal) and isinstance(b, int | Decimal):
        return a == b
    if type(a) is not type(b):
        return False
    return a == b


def _walk(old: Any, new: Any, op: list, np: list, out: list[_Raw]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in _merged_keys(list(old), list(new)):
            if key not in new:
                out.append(_Raw("removed", op + [key], None, old[key]))
            elif key not in old:
                out.append(_Raw("added", None, np + [key], None, new[key]))
            else:
                _walk(old[key], new[key], op + [key], np + [key], out)
        return
    if isinstance(old, list) and isinstance(new, list):
        if any(isinstance(x, dict | list) for x in old + new):
            _walk_objects(old, new, op, np, out)
        else:
            _walk_scalars(old, new, op, np, out)
        return
    if not _same(old, new):
        out.append(_Raw("changed", op, np, old, new))


def _merged_keys(old: list, new: list) -> list:
    """The new keys in their order, each key only in old placed after its old predecessor."""
    keys = list(new)
    for i, key in enumerate(old):
        if key in new:
            continue
        before = next((k for k in reversed(old[:i]) if k in keys), None)
        keys.insert(keys.index(before) + 1 if before is not None else 0, key)
    return keys


def _identity(old: list, new: list):
    """A function giving each element its identity, or None when elements are matched by position."""
    items = old + new
    if not items or not all(isinstance(x, dict) for x in items):
        return None
    for key in IDENTITY_KEYS:
        names = key if isinstance(key, tuple) else (key,)

        def ident(x, names=names):
            return tuple(_hashable(x.get(n)) for n in names)

        if not all(
            all(x.get(n) is not None and _hashable(x.get(n)) is not None for n in names) for x in items
        ):
            continue
        if len({ident(x) for x in old}) == len(old) and len({ident(x) for x in new}) == len(new):
            return ident
    return None


def _hashable(value: Any) -> Any:
    return value if isinstance(value, str | int | Decimal) and not isinstance(value, bool) else None


def _walk_objects(old: list, new: list, op: list, np: list, out: list[_Raw]) -> None:
    ident = _identity(old, new)
    if ident is None:
        for i in range(max(len(old), len(new))):
            if i >= len(new):
                out.append(_Raw("removed", op + [i], None, old[i], element=True))
            elif i >= len(old):
                out.append(_Raw("added", None, np + [i], None, new[i], element=True))
            else:
                _walk(old[i], new[i], op + [i], np + [i], out)
        return
    old_at = {ident(x): i for i, x in enumerate(old)}
    new_at = {ident(x): i for i, x in enumerate(new)}
    # removed elements come where they stood: after the new position of their nearest kept predecessor
    events: list[tuple[float, int, _Raw | tuple[int, int]]] = []
    anchor = -1.0
    for i, x in enumerate(old):
        k = ident(x)
        if k in new_at:
            anchor = float(new_at[k])
        else:
            events.append((anchor + 0.5, i, _Raw("removed", op + [i], None, x, element=True)))
    for j, x in enumerate(new):
        k = ident(x)
        if k in old_at:
            events.append((float(j), 0, (old_at[k], j)))
        else:
            events.append((float(j), 0, _Raw("added", None, np + [j], None, x, element=True)))
    for _pos, _tie, event in sorted(events, key=lambda e: (e[0], e[1])):
        if isinstance(event, _Raw):
            out.append(event)
        else:
            i, j = event
            _walk(old[i], new[j], op + [i], np + [j], out)


def _walk_scalars(old: list, new: list, op: list, np: list, out: list[_Raw]) -> None:
    """A list of plain values as a set that keeps its order: what left, what came. A value that left and
    one that came at the same place, both texts, are one changed value (an edited paragraph)."""
    key = _scalar_key
    left = Counter(key(x) for x in new)
    removed: list[int] = []
    for i, x in enumerate(old):
        if left[key(x)] > 0:
            left[key(x)] -= 1
        else:
            removed.append(i)
    left = Counter(key(x) for x in old)
    added: list[int] = []
    for j, x in enumerate(new):
        if left[key(x)] > 0:
            left[key(x)] -= 1
        else:
            added.append(j)
    paired = (
        len(removed) == len(added)
        and removed == added
        and all(isinstance(old[i], str) and isinstance(new[i], str) for i in removed)
    )
    events: list[tuple[int, int, _Raw]] = []
    if paired:
        for i in removed:
            events.append((i, 0, _Raw("changed", op + [i], np + [i], old[i], new[i])))
    else:
        for i in removed:
            events.append((i, 0, _Raw("removed", op + [i], None, old[i], element=True)))
        for j in added:
            events.append((j, 1, _Raw("added", None, np + [j], None, new[j], element=True)))
    out.extend(e[2] for e in sorted(events, key=lambda e: (e[0], e[1])))


def _scalar_key(x: Any) -> tuple:
    return (type(x).__name__ if isinstance(x, bool | str) or x is None else "number", x)


# ---------------------------------------------------------------------------------------------- naming places


class _Namer:
    """The place of a path in the users' words: schema titles, list elements by their names."""

    def __init__(self, labeller: Labeller):
        self.labeller = labeller

    def walk(self, parts: list, data: Any) -> tuple[list[str], Any]:
        """The names along the path, and the schema node at its end (unresolved, or None)."""
        from checker.labels import _has, _is_map_entry

        lab = self.labeller
        node, resolver = lab.schema, lab.resolver
        names: list[str] = []
        previous: Any = None
        for token in parts:
            try:
                child, child_resolver = (
                    lab._child(node, resolver, token) if node is not None else (None, resolver)
                )
            except Exception:  # noqa: BLE001 - a reference the schema cannot resolve only costs a title
                child, child_resolver = None, resolver
            here = data[token] if _has(data, token) else None
            if isinstance(token, int):
                list_title = names[-1] if names else None
                name, replaces = _element_name(here, token, list_title)
                if isinstance(here, str) and not replaces and previous in ("tekst", "beskrivelse"):
                    name = f"{token + 1}. afsnit"  # a paragraph of verbatim text
                if replaces and names:
                    names.pop()
                names.append(name)
            elif (
                child is not None
                and isinstance(data, dict)
                and _safe_map_entry(_is_map_entry, node, resolver, lab)
            ):
                names.append(str(token))
            else:
                title = None
                if child is not None:
                    try:
                        title = lab._title(child, child_resolver)
                    except Exception:  # noqa: BLE001
                        title = None
                names.append(title or str(token))
            node, resolver, data, previous = child, child_resolver, here, token
        return names, (node, resolver)

    def kind(self, node_resolver: tuple) -> str | None:
        """ "kr", "pct" or "date" when the schema says so."""
        node, resolver = node_resolver
        if not isinstance(node, dict):
            return None
        ref = node.get("$ref")
        if isinstance(ref, str):
            if ref.endswith("/beloeb"):
                return "kr"
            if ref.endswith("/procent"):
                return "pct"
            if ref.endswith("/dato"):
                return "date"
        try:
            deref, _ = self.labeller._deref(node, resolver)
        except Exception:  # noqa: BLE001
            return None
        if isinstance(deref, dict) and deref.get("format") == "date":
            return "date"
        return None


def _safe_map_entry(is_map_entry, node, resolver, lab) -> bool:
    try:
        return is_map_entry(node, resolver, lab)
    except Exception:  # noqa: BLE001
        return False


def _element_name(item: Any, index: int, list_title: str | None) -> tuple[str, bool]:
    """(name of a list element, whether it replaces the list's title in the place)."""
    if isinstance(item, dict):
        nummer = item.get("nummer")
        if "resume" in item and isinstance(nummer, str):  # the version history
            return f"Version {nummer}", True
        label = item_label(item, index)
        if label:
            return label, True
        if isinstance(nummer, str | int) and not isinstance(nummer, bool):
            return (f"{list_title} {nummer}", True) if list_title else (f"nr. {nummer}", False)
        tekst = item.get("tekst")
        if isinstance(tekst, str) and 0 < len(tekst) <= 60:
            return tekst, True
        if isinstance(item.get("type"), str):
            return item["type"], True
    elif isinstance(item, str) and 0 < len(item) <= 60:
        return item, True
    return f"nr. {index + 1}", False


def _tidy(names: list[str]) -> list[str]:
    """Drop what reads as noise: "5. Indsatsområder" before "5.1 …", "1. Formål › Formål"."""
    out: list[str] = []
    for i, name in enumerate(names):
        m = re.match(r"^(\d+)\. ", name)
        if m and i + 1 < len(names) and re.match(rf"^{m.group(1)}\.\d", names[i + 1]):
            continue
        if out and re.sub(r"^\d+(\.\d+)*\.? ", "", out[-1]) == name:
            continue
        out.append(name)
    return out


def _describe(rel: str, raw: _Raw, old_doc: Any, new_doc: Any, namer: _Namer) -> Change:
    if raw.kind == "added":
        parts, doc = raw.new_parts, new_doc
    else:
        parts, doc = raw.old_parts, old_doc
    pointer_parts = raw.old_parts if raw.kind == "removed" else raw.new_parts
    place_parts = parts[:-1] if raw.element else parts
    names, node = namer.walk(place_parts, doc)
    unit = None if raw.element else namer.kind(node)

    place_da = place_en = None
    special = _special_place(parts, doc, raw.element, names, namer)
    if special:
        place_da, place_en, unit = special
    if place_da is None:
        place_da = place_en = SEPARATOR.join(_tidy(names)) or rel

    key = parts[-1] if parts else None
    if raw.element:
        old = _element_value(raw.old) if raw.kind != "added" else None
        new = _element_value(raw.new) if raw.kind != "removed" else None
    else:
        old = _value(raw.old, unit, key) if raw.kind != "added" else None
        new = _value(raw.new, unit, key) if raw.kind != "removed" else None
        if raw.kind == "changed" and isinstance(raw.old, str) and isinstance(raw.new, str) and old and new:
            if old.startswith("»") and new.startswith("»"):
                old, new = _windowed(raw.old, raw.new)
    return Change(
        rel,
        raw.kind,
        Text(place_da, place_en),
        old,
        new,
        pointer_of(pointer_parts or []),
        None,
        _approval(rel, parts),
    )


def _special_place(parts: list, doc: Any, element: bool, names: list[str], namer: _Namer):
    """(da, en, unit) for the places the secretariat and LBF name in their own way, or None."""
    if element:
        return None
    # Finansiering › Landsbyggefonden (t.kr., as the agreement's section 7 shows them)
    if len(parts) == 3 and parts[:2] == ["ressourcer", "finansiering"]:
        enhed = _get(doc, ["ressourcer", "finansiering", "enhed_i_aftalen"])
        if parts[2] == "enhed_i_aftalen":
            return None
        title = names[-1] if names else str(parts[2])
        return f"Finansiering › {title}", f"Financing › {title}", "kr" if enhed == "kr." else "tkr"
    # per-area / per-category / single baselines of a success criterion
    if "baseline" in parts:
        b = len(parts) - 1 - parts[::-1].index("baseline")
        if b >= 2 and parts[b - 2] == "succeskriterier" and isinstance(parts[b - 1], int):
            rest = parts[b + 1 :]
            baseline = _get(doc, parts[: b + 1])
            criterion = _get(doc, parts[:b])
            tidspunkt = baseline.get("tidspunkt") if isinstance(baseline, dict) else None
            when = f"baseline {tidspunkt}" if isinstance(tidspunkt, str) and tidspunkt else "baseline"
            enhed = criterion.get("enhed") if isinstance(criterion, dict) else None
            unit = "pct" if enhed == "procent" else None
            head, _ = namer.walk(parts[:b], doc)
            head = _tidy(head)
            if len(rest) == 2 and rest[0] in ("per_omraade", "per_kategori"):
                place = SEPARATOR.join(head + [f"{rest[1]}, {when}"])
                return place, place, unit
            if rest == ["vaerdi"]:
                place = SEPARATOR.join(head + [when])
                return place, place, unit
    return None


def _get(data: Any, parts: list) -> Any:
    for p in parts:
        if isinstance(p, int) and isinstance(data, list) and 0 <= p < len(data):
            data = data[p]
        elif isinstance(p, str) and isinstance(data, dict) and p in data:
            data = data[p]
        else:
            return None
    return data


# ---------------------------------------------------------------------------------------------- values


def _shorten(text: str, limit: int = SHORT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _quote(text: str) -> str:
    return f"»{_shorten(text)}«"


def _windowed(old: str, new: str) -> tuple[str, str]:
    """Two long texts shortened around their first difference, so the change shows."""
    old, new = " ".join(old.split()), " ".join(new.split())
    if len(old) <= SHORT and len(new) <= SHORT:
        return f"»{old}«", f"»{new}«"
    common = 0
    for a, b in zip(old, new, strict=False):
        if a != b:
            break
        common += 1
    start = max(0, common - 30)
    if start:
        start = old.rfind(" ", 0, start) + 1 if " " in old[:start] else start

    def cut(text: str) -> str:
        piece = text[start:]
        prefix = "…" if start else ""
        if len(piece) + len(prefix) > SHORT:
            piece = piece[: SHORT - len(prefix) - 1].rstrip() + "…"
        return f"»{prefix}{piece}«"

    return cut(old), cut(new)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, str) and _MONEY_TEXT.match(value):
        try:
            return Decimal(value)
        except InvalidOperation:
            return None
    return None


def _value(value: Any, unit: str | None = None, key: Any = None) -> str:
    """A value formatted the Danish way: numbers with tal (or kr., t.kr., %), dates 1.4.2017, text »…«."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if unit in ("kr", "tkr"):
        amount = _number(value)
        if amount is not None:
            return tkr(amount) if unit == "tkr" else kr(amount)
    if isinstance(value, int | Decimal | float):
        if isinstance(key, str) and key.endswith("aar") and isinstance(value, int) and 1000 <= value <= 2999:
            return str(value)  # a year
        return pct(value) if unit == "pct" else tal(value)
    if isinstance(value, datetime):
        return (
            kort_dato(value.date())
            if value.time() == datetime.min.time()
            else value.strftime("%d.%m.%Y %H:%M")
        )
    if isinstance(value, date):
        return kort_dato(value)
    if isinstance(value, str):
        if unit == "date" or _ISO_DATE.match(value):
            try:
                return kort_dato(value)
            except ValueError:
                pass
        if _NUMBER_TEXT.match(value):
            return value  # a number written as text: "2", "5.1", "2015"
        return _quote(value)
    if isinstance(value, dict):
        return _element_value(value)
    if isinstance(value, list):
        if not value:
            return "(tom liste)"
        return _shorten(", ".join(_element_value(x) if isinstance(x, dict) else _value(x) for x in value))
    return _quote(str(value))


def _element_value(item: Any) -> str:
    """A list element (or a whole object) named: its name quoted, or its fields in short."""
    if isinstance(item, dict):
        name, named = _element_name(item, 0, None)
        if named:
            return _quote(name)
        fields = [f"{k}: {_value(v)}" for k, v in item.items() if not isinstance(v, dict | list)]
        return _shorten("; ".join(fields)) if fields else "(objekt)"
    return _value(item)


# ---------------------------------------------------------------------------------------------- other files


def _diff_binary_file(rel: str, old: Path | None, new: Path | None) -> list[Change]:
    place = Text(rel, rel)
    if old is None or new is None:
        return [_file_level(rel, old is not None, place)]
    a, b = _sha256(old), _sha256(new)
    if a is not None and a == b:
        return []
    return [
        Change(
            rel,
            "changed",
            place,
            _short_hash(a),
            _short_hash(b),
            None,
            None,
            False,
            note=Text("filens indhold er ændret", "the file's content changed"),
        )
    ]


# ---------------------------------------------------------------------------------------------- workbooks


def _diff_workbook_file(rel: str, old: Path | None, new: Path | None, annex_type: str | None) -> list[Change]:
    from checker.readers import ReaderError
    from checker.readers.xlsx import open_workbook

    name = rel.rsplit("/", 1)[-1].lower()
    kind = annex_type or {"budget.xlsx": "budget", "aktivitetsskema.xlsx": "aktivitetsskema"}.get(name)
    if old is None or new is None:
        return [_file_level(rel, old is not None, Text(rel, rel))]
    a, b = _sha256(old), _sha256(new)
    if a is not None and a == b:
        return []
    books = []
    for side_da, side_en, path in (("den gamle", "the old", old), ("den nye", "the new", new)):
        try:
            books.append(open_workbook(path))
        except (ReaderError, CouldNotRun) as exc:
            message = exc.message if isinstance(exc, ReaderError) else exc.text
            return [
                Change(
                    rel,
                    "changed",
                    Text(rel, rel),
                    _short_hash(a),
                    _short_hash(b),
                    None,
                    None,
                    False,
                    note=Text(
                        f"filen er ændret, men {side_da} udgave kan ikke læses som regneark: {message.da}",
                        f"the file changed, but {side_en} version cannot be read as a workbook: {message.en}",
                    ),
                )
            ]
    return _WorkbookDiff(rel, kind, books[0], books[1]).changes()


class _WorkbookDiff:
    def __init__(self, rel: str, kind: str | None, old, new):
        self.rel, self.kind, self.old, self.new = rel, kind, old, new
        self.prefix = {
            "budget": Text("Budget", "Budget"),
            "aktivitetsskema": Text("Aktivitetsskema", "Activity schedule"),
        }.get(kind or "")
        self.out: list[Change] = []

    def change(self, kind: str, place: Text, old: str | None, new: str | None, cell: str | None) -> None:
        self.out.append(Change(self.rel, kind, place, old, new, None, cell, False))

    def generic(self, ref: str) -> Text:
        text = f"{self.rel} › {ref}"
        return Text(text, text)

    def changes(self) -> list[Change]:
        old_names = self.old.sheet_names
        new_names = self.new.sheet_names
        for name in _merged_keys(old_names, new_names):
            old_sheet = self.old.sheet(name) if name in old_names else None
            new_sheet = self.new.sheet(name) if name in new_names else None
            if old_sheet is None:
                place = self.generic(name)
                self.change("added", place, None, _quote(name), None)
                continue
            if new_sheet is None:
                self.change("removed", self.generic(name), _quote(name), None, None)
                continue
            skip: set[tuple[int, int]] = set()
            if self.kind == "aktivitetsskema":
                skip = self.activities(old_sheet, new_sheet)
            self.cells(old_sheet, new_sheet, skip)
        return self.out

    # --- cell by cell ---------------------------------------------------------------------------------

    def cells(self, old_sheet, new_sheet, skip: set[tuple[int, int]]) -> None:
        old_cells = {(c.row, c.column): c for c in old_sheet.cells()}
        new_cells = {(c.row, c.column): c for c in new_sheet.cells()}
        old_layout, new_layout = _Layout(old_sheet), _Layout(new_sheet)
        for key in sorted(old_cells.keys() | new_cells.keys()):
            if key in skip:
                continue
            a, b = old_cells.get(key), new_cells.get(key)
            av = a.value if a is not None else None
            bv = b.value if b is not None else None
            if _cell_same(av, bv):
                continue
            ref = (b or a).ref
            place = self.cell_place(new_layout if b is not None else old_layout, key, ref)
            unit = "kr" if self.kind == "budget" else None
            old_text = _value(av, unit) if av is not None else None
            new_text = _value(bv, unit) if bv is not None else None
            kind = "changed" if av is not None and bv is not None else ("added" if av is None else "removed")
            self.change(kind, place, old_text, new_text, ref)

    def cell_place(self, layout: _Layout, key: tuple[int, int], ref: str) -> Text:
        row, column = key
        if self.prefix is None:
            return self.generic(ref)
        label, header = layout.label(row, column), layout.header(row, column)
        if label is None:
            return self.generic(ref)
        parts = [label] + ([header] if header else [])
        return Text(
            SEPARATOR.join([self.prefix.da, *parts]),
            SEPARATOR.join([self.prefix.en, *parts]),
        )

    # --- the aktivitetsskema, activity by activity -------------------------------------------------------

    def activities(self, old_sheet, new_sheet) -> set[tuple[int, int]]:
        old_t, new_t = _activity_table(old_sheet), _activity_table(new_sheet)
        if old_t is None or new_t is None:
            return set()
        skip: set[tuple[int, int]] = set()
        for t in (old_t, new_t):
            for record in t["rows"]:
                skip |= {(c.row, c.column) for c in record.values()}
        old_rows, new_rows = old_t["rows"], new_t["rows"]
        key_of = _activity_key(old_rows, new_rows)
        old_at = {key_of(r, i): r for i, r in enumerate(old_rows)}
        headers = _merged_keys(list(old_t["columns"]), list(new_t["columns"]))
        assert self.prefix is not None
        seen: set = set()
        for j, record in enumerate(new_rows):
            k = key_of(record, j)
            seen.add(k)
            name = _activity_name(record)
            anchor = _anchor_cell(record)
            if k not in old_at:
                self.change("added", self.prefix, None, _quote(name), anchor)
                continue
            before = old_at[k]
            place_name = _activity_name(before)
            for header in headers:
                a, b = before.get(header), record.get(header)
                av = a.value if a is not None else None
                bv = b.value if b is not None else None
                if _cell_same(av, bv):
                    continue
                is_area = _label_key(header) == "indsatsområde"
                place = Text(
                    SEPARATOR.join([self.prefix.da, place_name, header]),
                    SEPARATOR.join([self.prefix.en, place_name, header]),
                )
                old_text = _activity_value(av, is_area) if av is not None else None
                new_text = _activity_value(bv, is_area) if bv is not None else None
                kind = (
                    "changed" if av is not None and bv is not None else ("added" if av is None else "removed")
                )
                ref = (b if b is not None else a).ref if (a or b) else None
                self.change(kind, place, old_text, new_text, ref)
        for i, record in enumerate(old_rows):
            if key_of(record, i) not in seen:
                self.change(
                    "removed", self.prefix, _quote(_activity_name(record)), None, _anchor_cell(record)
                )
        return skip


def _label_key(text: str) -> str:
    from checker.readers.xlsx import label_key

    return label_key(text)


def _cell_same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.strip() == b.strip()
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float | Decimal) and isinstance(b, int | float | Decimal):
        return Decimal(str(a)) == Decimal(str(b))
    if isinstance(a, datetime) != isinstance(b, datetime):
        return False
    return a == b


class _Layout:
    """A sheet's row labels (the first text in a row) and header rows ("Projektår | År 1 | År 2 …": at
    least two texts right of the first cell and nothing but text)."""

    def __init__(self, sheet):
        rows: dict[int, list] = {}
        for cell in sheet.cells():
            rows.setdefault(cell.row, []).append(cell)
        self.rows = rows
        self.headers: dict[int, dict[int, str]] = {}
        for row, cells in rows.items():
            rest = cells[1:]
            if len(rest) >= 2 and all(c.text for c in rest) and all(c.formula is None for c in rest):
                self.headers[row] = {c.column: c.text for c in cells}
        self.header_order = sorted(self.headers, reverse=True)

    def label(self, row: int, column: int) -> str | None:
        """The first text left of the column on the row: "Landsbyggefonden"."""
        for c in self.rows.get(row, []):
            if c.column >= column:
                return None
            if c.text:
                return c.text
        return None

    def header(self, row: int, column: int) -> str | None:
        """The column's text in the nearest header row above: "År 2"."""
        for r in self.header_order:
            if r < row:
                return self.headers[r].get(column)
        return None


def _activity_table(sheet) -> dict | None:
    from checker.readers.xlsx import MAX_ROWS

    table = sheet.table(["Aktivitet"], required=["Aktivitet"])
    if table is None:
        return None
    header_row = table.header_row
    columns: dict[str, int] = {}
    for c in sheet.cells():
        if c.row == header_row and c.text:
            columns.setdefault(c.text, c.column)
    rows: list[dict] = []
    r = header_row + 1
    while r <= MAX_ROWS:
        record = {h: sheet.cell(r, col) for h, col in columns.items()}
        if all(c.empty for c in record.values()):
            break
        rows.append(record)
        r += 1
    return {"columns": columns, "rows": rows}


def _find(record: dict, wanted: str):
    for header, cell in record.items():
        if _label_key(header) == _label_key(wanted):
            return cell
    return None


def _activity_key(old_rows: list[dict], new_rows: list[dict]):
    def by(wanted: str):
        def key(record: dict, index: int):
            cell = _find(record, wanted)
            value = cell.value if cell is not None else None
            return str(value).strip() if value is not None and str(value).strip() else None

        return key

    for wanted in ("Id", "Aktivitet"):
        key = by(wanted)
        for rows in (old_rows, new_rows):
            keys = [key(r, i) for i, r in enumerate(rows)]
            if None in keys or len(set(keys)) != len(keys):
                break
        else:
            return key
    return lambda record, index: index


def _activity_name(record: dict) -> str:
    cell = _find(record, "Aktivitet")
    if cell is not None and cell.value is not None and str(cell.value).strip():
        return str(cell.value).strip()
    cell = _find(record, "Id")
    if cell is not None and cell.value is not None:
        return str(cell.value).strip()
    first = next(iter(record.values()), None)
    return f"række {first.row}" if first is not None else "?"


def _anchor_cell(record: dict) -> str | None:
    cell = _find(record, "Aktivitet") or next(iter(record.values()), None)
    return cell.ref if cell is not None else None


def _activity_value(value: Any, is_area: bool) -> str:
    if is_area and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return f"{Decimal(str(value)).normalize():f}"  # 5.3 stays "5.3": the indsatsområde's number
    return _value(value)
