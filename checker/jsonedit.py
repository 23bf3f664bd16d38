"""Edit one value in a JSON source file and leave every other byte as it was.

Re-serialising a whole file would change what nobody touched: number spellings (21.80000000000000000001
becomes 21.8), key order, indentation, a final newline. `replace_value` finds the value at a JSON pointer
by its position in the text (json_source_map) and replaces only those characters, written in the file's
own indentation.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any


def _indent_unit(text: str) -> int:
    """The file's indentation step (the smallest indentation of any line), 2 if it has none."""
    widths = [len(m.group(1)) for m in re.finditer(r"\n( +)\S", text)]
    return min(widths) if widths else 2


def _default(value: Any):
    if isinstance(value, Decimal):
        return float(value) if value == value.to_integral_value() else str(value)
    raise TypeError(type(value).__name__)


def replace_value(text: str, pointer: str, value: Any) -> str:
    """`text` with the JSON value at `pointer` replaced by `value`; everything else byte for byte."""
    from json_source_map import calculate

    entry = calculate(text)[pointer]
    start, end = entry.value_start.position, entry.value_end.position
    line_start = text.rfind("\n", 0, start) + 1
    indent = re.match(r"[ \t]*", text[line_start:]).group(0)
    dumped = json.dumps(value, ensure_ascii=False, indent=_indent_unit(text), default=_default)
    dumped = dumped.replace("\n", "\n" + indent)
    edited = text[:start] + dumped + text[end:]
    expected = _with(json.loads(text, parse_float=Decimal), pointer, value)
    if json.loads(edited, parse_float=Decimal) != expected:  # a safety net: never write something else
        raise ValueError(f"editing {pointer} would change more than that value")
    return edited


def _with(data: Any, pointer: str, value: Any) -> Any:
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    target = data
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part]
    last = parts[-1]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return data


# --------------------------------------------------------------------------- a whole document edited


def same(a: Any, b: Any) -> bool:
    """Equal as JSON values: 75 and 75.0 are the same number, True is not 1, and a Decimal spelling
    ("21.80000000000000000001") equals the float a browser sends back for it when the float is the
    nearest one."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float | Decimal) and isinstance(b, int | float | Decimal):
        return float(a) == float(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def changed_pointers(old: Any, new: Any, pointer: str = "") -> list[str]:
    """The smallest set of JSON pointers whose values differ between `old` and `new`: a value, or the
    object or list around it when keys were added or removed or a list changed its length."""
    if same(old, new):
        return []
    if isinstance(old, dict) and isinstance(new, dict) and old.keys() == new.keys():
        return [p for k in old for p in changed_pointers(old[k], new[k], f"{pointer}/{_escape(k)}")]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [
            p
            for i, (x, y) in enumerate(zip(old, new, strict=True))
            for p in changed_pointers(x, y, f"{pointer}/{i}")
        ]
    return [pointer]


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _get(data: Any, pointer: str) -> Any:
    for part in [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]:
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


def rewrite_document(text: str, new: Any) -> tuple[str, list[str]]:
    """`text` (a JSON document) changed to hold `new`, touching only the values that differ: every
    other byte (number spellings, key order, indentation, a final newline) stays as it was. Returns the
    new text and the pointers it changed. Raises ValueError if the result would not read back as `new`."""
    from json_source_map import calculate

    old = json.loads(text)
    pointers = changed_pointers(old, new)
    if pointers == [""]:  # the document's own keys changed: the whole document is written anew
        edited = json.dumps(new, ensure_ascii=False, indent=_indent_unit(text)) + (
            "\n" if text.endswith("\n") else ""
        )
    else:
        edited = text
        spans = calculate(text)
        # from the end of the file backwards, so that earlier positions stay valid
        for pointer in sorted(pointers, key=lambda p: spans[p].value_start.position, reverse=True):
            entry = spans[pointer]
            start, end = entry.value_start.position, entry.value_end.position
            line_start = edited.rfind("\n", 0, start) + 1
            indent = re.match(r"[ \t]*", edited[line_start:]).group(0)
            dumped = json.dumps(_get(new, pointer), ensure_ascii=False, indent=_indent_unit(text))
            edited = edited[:start] + dumped.replace("\n", "\n" + indent) + edited[end:]
    if not same(json.loads(edited), new):  # a safety net: never write something else
        raise ValueError("the edited document does not read back as the value given")
    return edited, pointers
