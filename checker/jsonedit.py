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
