"""Digital signing of the built agreement: PAdES signatures in visible signature fields, one per party.

The pieces, each in its own module so that pyHanko is only imported when signing is actually used:

- ``devcert``: a development CA and test certificates for trying the workflow (never for real use);
- ``fields``: find the parties' signature blocks on the agreement's "Underskrifter" page and add empty
  signature fields there, before anyone signs, so later signatures never invalidate earlier ones;
- ``signer``: sign one field by incremental update (PAdES, visible stamp with an embedded font);
- ``verify``: report every signature in a PDF – ours or a signing service's – and what is missing.

This module itself must stay free of pyHanko imports.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from pathlib import Path

from checker.findings import CouldNotRun, Text

FIELD_PREFIX = "underskrift-"

_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


def party_slug(name: str) -> str:
    """A name as a slug: "Boligselskabet Sct. Jørgen Viborg" -> "boligselskabet-sct-joergen-viborg"."""
    text = name.translate(_DANISH)
    # other accented letters lose their accent (é -> e, ü -> u); what is left outside a-z0-9 separates
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def field_name(party: str) -> str:
    """The signature field of a party: "underskrift-" + party_slug(party)."""
    return FIELD_PREFIX + party_slug(party)


def quiet_libraries() -> None:
    """pyHanko and fontTools log expected conditions (an untrusted chain, a font table not subset) as
    warnings with tracebacks; without a handler of their own, Python would print them on stderr. The
    results carry the same information, so give those loggers a handler that drops them (an application
    that configures logging still receives them)."""
    for name in ("pyhanko", "pyhanko_certvalidator", "fontTools"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())


MAX_PDF_BYTES = 200 * 1024 * 1024  # an agreement is a few MB; a larger file is refused before reading


def read_pdf_bytes(pdf: Path) -> bytes:
    """The file's bytes, or CouldNotRun if it cannot be read, is too large or is plainly not a PDF."""
    pdf = Path(pdf)
    try:
        size = pdf.stat().st_size if pdf.is_file() else 0
        if size > MAX_PDF_BYTES:
            raise CouldNotRun(
                Text(
                    f"{pdf} fylder {size // 2**20} MB; en PDF må højst fylde {MAX_PDF_BYTES // 2**20} MB. Den læses ikke.",
                    f"{pdf} is {size // 2**20} MB; a PDF may be at most {MAX_PDF_BYTES // 2**20} MB. It is not read.",
                )
            )
        data = pdf.read_bytes()
    except FileNotFoundError:
        raise CouldNotRun(Text(f"Filen {pdf} findes ikke.", f"The file {pdf} does not exist.")) from None
    except IsADirectoryError:
        raise CouldNotRun(
            Text(f"{pdf} er en mappe, ikke en PDF.", f"{pdf} is a folder, not a PDF.")
        ) from None
    except OSError as exc:
        raise CouldNotRun(
            Text(f"Kan ikke læse {pdf}: {exc.strerror}.", f"Cannot read {pdf}: {exc.strerror}.")
        ) from None
    if b"%PDF-" not in data[:1024]:
        raise CouldNotRun(Text(f"{pdf} er ikke en PDF-fil.", f"{pdf} is not a PDF file."))
    return data


__all__ = [
    "FIELD_PREFIX",
    "MAX_PDF_BYTES",
    "field_name",
    "party_slug",
    "quiet_libraries",
    "read_pdf_bytes",
]
