"""Results that depend only on a file's content, kept for the next time the same content is read.

A command reads each file once and exits, so this saves it nothing; `aftale serve` checks the same
dossier again after every save, where only the saved file has changed. Keys are the content's SHA-256 (with
whatever else the result depends on), never a file name or time, so a changed file is never answered
from memory. Values must not be changed by whoever gets them (frozen findings, lists copied on the way out).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any


def digest(content: bytes | str) -> str:
    return hashlib.sha256(
        content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    ).hexdigest()


class Memo:
    """A small least-recently-used map, safe to share between threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Any, value: Any) -> Any:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value
