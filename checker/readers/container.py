"""Office files as containers: what is checked before a parser opens an xlsx or a docx.

An Office Open XML file (xlsx, docx) is a zip of XML parts. ``check_zip`` bounds it before any parser
unpacks a byte: the number of parts, their declared unpacked size and each part's compression ratio (zip
bombs), encrypted entries, and any XML part declaring a DOCTYPE or ENTITY (billion laughs, XXE). A
password-protected Office file, and an old binary one (.xls, .doc), is instead an OLE2 compound file:
``ole2_kind`` tells which. The readers (xlsx.py, checker.importer.source) word the messages; this module
only finds the problem, as a ``ZipProblem``.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# In an encrypted Office file the real document is the OLE2 stream "EncryptedPackage"; an old .xls has a
# "Workbook" (or "Book") stream, a .doc "WordDocument". Directory names are UTF-16-LE.
_OLE2_OLD_FORMATS = {
    name: name.encode("utf-16-le") for name in ("Workbook", "WordDocument", "PowerPoint Document")
}
_OLE2_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")

# Parts smaller than this are not judged by their ratio: a few KB of repetitive XML can pack 1:100+,
# and cannot hurt (the total still holds). Apache POI's ZipSecureFile uses the same grace.
RATIO_GRACE_BYTES = 100 * 1024
# A DOCTYPE or ENTITY declaration in any encoding an XML parser would accept.
_UNSAFE_XML = [
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
]
_UNSAFE_OVERLAP = max(len(p) for p in _UNSAFE_XML) - 1
_SCAN_CHUNK = 64 * 1024
# Parts no XML parser reads (pictures, embedded objects); an embedded SVG may well have a DOCTYPE.
BINARY_SUFFIXES = (
    ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg", ".bin", ".ico", ".webp",
)  # fmt: skip


@dataclass(frozen=True)
class ZipLimits:
    entries: int  # parts in the zip
    unpacked: int  # all parts unpacked, as declared in the zip directory
    ratio: int  # unpacked size / packed size of any one part above RATIO_GRACE_BYTES


class ZipProblem(Exception):
    """What check_zip found. kind: "entries" (count), "unpacked" (size), "ratio" (part, ratio),
    "encrypted" (part), "unsafe-xml" (part) or "corrupt" (detail: the technical reason)."""

    def __init__(
        self,
        kind: str,
        *,
        count: int = 0,
        size: int = 0,
        ratio: int = 0,
        part: str = "",
        detail: str = "",
    ):
        super().__init__(f"{kind}: {part or detail or count or size}")
        self.kind = kind
        self.count = count
        self.size = size
        self.ratio = ratio
        self.part = part
        self.detail = detail


def ole2_kind(path: Path) -> str:
    """What an OLE2 compound file holds: "encrypted" (a password-protected Office Open XML file),
    "Workbook", "WordDocument" or "PowerPoint Document" (an old binary Office file), or "other"."""
    encrypted = False
    old: str | None = None
    tail = b""
    with Path(path).open("rb") as fh:  # the caller has bounded the size; read in chunks
        while chunk := fh.read(1024 * 1024):
            buf = tail + chunk
            encrypted = encrypted or _OLE2_ENCRYPTED in buf
            old = old or next((name for name, raw in _OLE2_OLD_FORMATS.items() if raw in buf), None)
            tail = buf[-64:]
    if encrypted:
        return "encrypted"
    return old or "other"


def looks_like_text(head: bytes) -> bool:
    """The first bytes of a file read as printable UTF-8 or Windows-1252 text."""
    for encoding in ("utf-8", "cp1252"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        return all(ch.isprintable() or ch in "\r\n\t" for ch in text[:-4])  # a cut multibyte char at the end
    return False


def describe(exc: BaseException) -> str:
    """An exception as a short technical detail for a message."""
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:197] + "..."


def check_zip(path: Path, limits: ZipLimits) -> list[zipfile.ZipInfo]:
    """Entry count, declared sizes and ratios (nothing unpacked), encrypted entries, then the XML parts
    for DOCTYPE/ENTITY. Returns the entries; raises ZipProblem.

    Python's zipfile never unpacks an entry beyond the size its directory declares (and checks the
    CRC), so the declared sizes checked here bound every later read, also the parser's.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > limits.entries:
                raise ZipProblem("entries", count=len(infos))
            total = sum(i.file_size for i in infos)
            if total > limits.unpacked:
                raise ZipProblem("unpacked", size=total)
            for i in infos:
                if i.file_size > RATIO_GRACE_BYTES and i.file_size > limits.ratio * i.compress_size:
                    raise ZipProblem("ratio", part=i.filename, ratio=i.file_size // max(i.compress_size, 1))
            for i in infos:
                if i.flag_bits & 0x1:
                    raise ZipProblem("encrypted", part=i.filename)
            for i in infos:
                if i.is_dir() or i.filename.lower().endswith(BINARY_SUFFIXES):
                    continue
                with zf.open(i) as part:
                    if _has_unsafe_xml(part):
                        raise ZipProblem("unsafe-xml", part=i.filename)
            return infos
    except ZipProblem:
        raise
    except Exception as exc:  # BadZipFile, zlib.error, EOFError, NotImplementedError (compression), ...
        raise ZipProblem("corrupt", detail=describe(exc)) from None


def _has_unsafe_xml(stream) -> bool:
    tail = b""
    while chunk := stream.read(_SCAN_CHUNK):
        buf = tail + chunk
        if any(marker in buf for marker in _UNSAFE_XML):
            return True
        tail = buf[-_UNSAFE_OVERLAP:]
    return False
