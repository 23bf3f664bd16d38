"""openpyxl without numpy.

openpyxl asks, once, whether numpy is installed (openpyxl/compat/numbers.py: ``try: import numpy``) so
that numpy's number types count as numbers in cells. numpy is installed here (matplotlib draws the
audit's charts with it), so every command that reads a workbook paid ~0.1 s to import numpy, and used
none of it: the cells aftale writes hold Python numbers, and numpy's float64 is a float anyway.

This finder answers openpyxl's question with "no" while that one module runs, and only if numpy is not
already imported; the answer is taken back at once, so a later ``import numpy`` (matplotlib) works as
always. The installed library is not changed. Installed by checker/__init__.py.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys

ASKS = "openpyxl.compat.numbers"


class _Loader(importlib.abc.Loader):
    def __init__(self, inner):
        self.inner = inner

    def create_module(self, spec):
        return self.inner.create_module(spec)

    def exec_module(self, module) -> None:
        blocked = "numpy" not in sys.modules
        if blocked:
            sys.modules["numpy"] = None  # `import numpy` raises ImportError
        try:
            self.inner.exec_module(module)
        finally:
            if blocked and sys.modules.get("numpy", 0) is None:
                del sys.modules["numpy"]


class OpenpyxlWithoutNumpy(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != ASKS or "numpy" in sys.modules:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _Loader(spec.loader)
        return spec


def install() -> None:
    if not any(isinstance(f, OpenpyxlWithoutNumpy) for f in sys.meta_path):
        sys.meta_path.insert(0, OpenpyxlWithoutNumpy())
