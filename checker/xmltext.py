"""Text that XML 1.0 can hold. Control characters (other than tab and line breaks), lone surrogates
("\\udfff" is legal JSON) and the non-characters U+FFFE/U+FFFF make an XML document malformed: a JUnit
report a CI server cannot read, a Word document cut off where the character stood. They are replaced by
U+FFFD (the replacement character), so the text stays visibly damaged rather than silently lost."""

from __future__ import annotations

import re

_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    return _FORBIDDEN.sub("\ufffd", text)


def finalize(value):
    """Jinja's finalize hook: every printed string made XML-safe; other values as they are."""
    return xml_safe(value) if isinstance(value, str) else value
