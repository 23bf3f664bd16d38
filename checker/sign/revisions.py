"""What each revision of a PDF changed after the first signature, in words a reader understands.

pyHanko's difference analysis (used by ``verify``) decides whether later revisions only add signatures,
fill in form fields or add validation data (DSS, document time stamps). It deliberately lets the
document information dictionary and the XMP metadata change freely, so a revision that renames the
signed agreement "AFTALEN ER OPHÆVET" passes it unnoticed. This module closes that gap: it compares,
revision by revision, the information dictionary, the XMP properties and the signing requirement, and
reports every change except the few a signing tool makes by itself (modification date, producer,
metadata date, instance id).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from checker.findings import Text

# set by pyHanko, Acrobat and other signing tools on every signature; nothing a reader sees as content
ALLOWED_INFO = {"/ModDate", "/Producer"}
_XMP = "http://ns.adobe.com/xap/1.0/"
_PDF = "http://ns.adobe.com/pdf/1.3/"
_MM = "http://ns.adobe.com/xap/1.0/mm/"
_DC = "http://purl.org/dc/elements/1.1/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
ALLOWED_XMP = {
    f"{{{_XMP}}}ModifyDate",
    f"{{{_XMP}}}MetadataDate",
    f"{{{_PDF}}}Producer",
    f"{{{_MM}}}InstanceID",
}
MAX_XMP = 4 << 20
A4 = (595.0, 842.0)
LARGE_WIDGET = 0.25  # a signature's visible box covering more than this share of its page hides content
_LABELS = {
    "/Title": ("titel (/Info)", "title (/Info)"),
    "/Subject": ("emne (/Info)", "subject (/Info)"),
    "/Author": ("forfatter (/Info)", "author (/Info)"),
    "/Keywords": ("nøgleord (/Info)", "keywords (/Info)"),
    f"{{{_DC}}}title": ("titel (XMP dc:title)", "title (XMP dc:title)"),
    f"{{{_DC}}}description": ("beskrivelse (XMP dc:description)", "description (XMP dc:description)"),
    f"{{{_DC}}}creator": ("forfatter (XMP dc:creator)", "author (XMP dc:creator)"),
    f"{{{_PDF}}}Keywords": ("nøgleord (XMP pdf:Keywords)", "keywords (XMP pdf:Keywords)"),
}
_UNREADABLE = "\x00unreadable"


@dataclass
class Snapshot:
    info: dict[str, str]
    xmp: dict[str, str]
    requirement: bytes | None
    fields: dict[str, tuple[bool, float]] = field(
        default_factory=dict
    )  # signature field: (signed, page share)


def _label(key: str) -> tuple[str, str]:
    if key in _LABELS:
        return _LABELS[key]
    if key.startswith("{"):
        ns, local = key[1:].split("}", 1)
        return f"XMP {local} ({ns})", f"XMP {local} ({ns})"
    return f"{key} (/Info)", f"{key} (/Info)"


def _short(value: str | None) -> str:
    if value is None:
        return "–"
    value = " ".join(value.split())
    return value if len(value) <= 80 else value[:77] + "…"


def _flat(element) -> str:
    children = list(element)
    if not children:
        return (element.text or "").strip()
    parts = []
    for child in children:
        lang = child.get("{http://www.w3.org/XML/1998/namespace}lang")
        text = _flat(child)
        parts.append(f"{lang}: {text}" if lang and lang != "x-default" else text)
    return "; ".join(p for p in parts if p)


def xmp_properties(data: bytes) -> dict[str, str]:
    """XMP properties as {"{namespace}name": text}, the same whether written as attributes or elements."""
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    if len(data) > MAX_XMP:
        return {_UNREADABLE: "too large"}
    try:
        tree = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as exc:
        return {_UNREADABLE: str(exc)}
    found: dict[str, list[str]] = {}
    for desc in tree.iter(f"{{{_RDF}}}Description"):
        for key, value in desc.attrib.items():
            if key != f"{{{_RDF}}}about":
                found.setdefault(key, []).append(value.strip())
        for child in desc:
            found.setdefault(child.tag, []).append(_flat(child))
    # a property given twice (a second rdf:Description) is both values: a reader may show either
    return {key: " | ".join(values) for key, values in found.items()}


def _resolve(resolver, container, key):
    """container[key] resolved in this revision: pyHanko's historical trailer view resolves indirect
    references against the latest revision, so references are followed through the resolver here."""
    from pyhanko.pdf_utils import generic

    value = container.raw_get(key)
    if isinstance(value, generic.IndirectObject):
        return resolver.get_object(value.reference)
    return value


def snapshot(resolver) -> Snapshot:
    """The information dictionary, XMP properties and requirement of one revision (a pyHanko
    HistoricalResolver)."""
    from pyhanko.pdf_utils.misc import PdfError

    from checker.sign.requirement import CATALOG_KEY

    trailer = resolver.trailer_view
    root = _resolve(resolver, trailer, "/Root")
    info: dict[str, str] = {}
    try:
        if "/Info" in trailer:
            info = {str(k): str(v) for k, v in _resolve(resolver, trailer, "/Info").items()}
    except (PdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        info = {_UNREADABLE: "info"}
    xmp: dict[str, str] = {}
    try:
        if "/Metadata" in root:
            xmp = xmp_properties(_resolve(resolver, root, "/Metadata").data)
    except (PdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        xmp = {_UNREADABLE: "metadata"}
    requirement: bytes | None = None
    try:
        if CATALOG_KEY in root:
            requirement = bytes(_resolve(resolver, root, CATALOG_KEY).data)
    except (PdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        requirement = b"\x00unreadable"
    return Snapshot(info, xmp, requirement, _fields(resolver))


def _area(rect) -> float:
    try:
        x1, y1, x2, y2 = (float(v) for v in rect)
    except (TypeError, ValueError):
        return 0.0
    return abs(x2 - x1) * abs(y2 - y1)


def _fields(resolver) -> dict[str, tuple[bool, float]]:
    """Every signature field of a revision: name -> (signed, the largest share of its page a widget covers)."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign.fields import enumerate_sig_fields

    out: dict[str, tuple[bool, float]] = {}
    try:
        for name, value, ref in enumerate_sig_fields(resolver):
            field_dict = resolver.get_object(ref.reference) if hasattr(ref, "reference") else ref
            widgets = [field_dict] + [k.get_object() for k in field_dict.get("/Kids", ()) or ()]
            share = 0.0
            for widget in widgets:
                if "/Rect" not in widget:
                    continue
                page_w, page_h = A4
                try:
                    box = widget["/P"].get_object()["/MediaBox"] if "/P" in widget else None
                    if box is not None:
                        page_w, page_h = (
                            abs(float(box[2]) - float(box[0])),
                            abs(float(box[3]) - float(box[1])),
                        )
                except (PdfError, KeyError, TypeError, ValueError, IndexError):
                    pass
                share = max(share, _area(widget["/Rect"]) / max(page_w * page_h, 1.0))
            out[str(name)] = (value is not None, share)
    except (PdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        out["\x00unreadable"] = (False, 0.0)
    return out


def changes_between(before: Snapshot, after: Snapshot) -> list[Text]:
    """Every change from one revision to the next that is more than what signing itself changes."""
    out: list[Text] = []
    for old, new, allowed in ((before.info, after.info, ALLOWED_INFO), (before.xmp, after.xmp, ALLOWED_XMP)):
        for key in sorted(set(old) | set(new)):
            if key in allowed or old.get(key) == new.get(key):
                continue
            if key == _UNREADABLE:
                out.append(
                    Text(
                        "dokumentets metadata kan ikke længere læses",
                        "the document's metadata can no longer be read",
                    )
                )
                continue
            da, en = _label(key)
            a, b = _short(old.get(key)), _short(new.get(key))
            if key not in old:
                out.append(Text(f"{da} tilføjet: »{b}«", f"{en} added: '{b}'"))
            elif key not in new:
                out.append(Text(f"{da} fjernet (var »{a}«)", f"{en} removed (was '{a}')"))
            else:
                out.append(Text(f"{da} ændret fra »{a}« til »{b}«", f"{en} changed from '{a}' to '{b}'"))
    for name in sorted(set(after.fields) - set(before.fields)):
        share = after.fields[name][1]
        if share > LARGE_WIDGET:
            pct = round(share * 100)
            out.append(
                Text(
                    f"et nyt underskriftsfelt »{name}« dækker {pct} % af siden",
                    f"a new signature field '{name}' covers {pct} % of its page",
                )
            )
    for name in sorted(set(before.fields) - set(after.fields)):
        out.append(
            Text(f"underskriftsfeltet »{name}« er fjernet", f"the signature field '{name}' was removed")
        )
    if before.requirement != after.requirement:
        if after.requirement is None:
            out.append(Text("underskriftskravet er fjernet", "the signing requirement was removed"))
        elif before.requirement is None:
            out.append(Text("et underskriftskrav er tilføjet", "a signing requirement was added"))
        else:
            out.append(Text("underskriftskravet er ændret", "the signing requirement was changed"))
    return out


def changes_per_revision(reader, first: int) -> dict[int, list[Text]]:
    """{revision: changes} for every revision after `first` (0-based, as pyHanko counts) that changed
    more than signing does. A signature field added after `first` that is still empty at the end is a
    change too: an empty field's appearance can cover the signed page."""
    from pyhanko.pdf_utils.misc import PdfError

    total = reader.xrefs.total_revisions
    found: dict[int, list[Text]] = {}
    try:
        start = previous = snapshot(reader.get_historical_resolver(first))
        added: dict[str, int] = {}
        for revision in range(first + 1, total):
            current = snapshot(reader.get_historical_resolver(revision))
            changes = changes_between(previous, current)
            if changes:
                found[revision] = changes
            for name in set(current.fields) - set(previous.fields):
                added.setdefault(name, revision)
            previous = current
        for name, revision in sorted(added.items(), key=lambda item: item[1]):
            if name in previous.fields and not previous.fields[name][0] and name not in start.fields:
                found.setdefault(revision, []).append(
                    Text(
                        f"et nyt, tomt underskriftsfelt »{name}« er tilføjet efter underskriften",
                        f"a new, empty signature field '{name}' was added after signing",
                    )
                )
    except (PdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        found[total - 1] = [
            Text(
                f"revisionerne kan ikke sammenlignes ({type(exc).__name__})",
                f"the revisions cannot be compared ({type(exc).__name__})",
            )
        ]
    return found
