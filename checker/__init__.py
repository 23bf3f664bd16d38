"""aftale: strategic cooperation agreements for Landsbyggefonden's social-housing programmes."""

__version__ = "0.1.0"

from checker import _imports  # noqa: E402 - after the version, which the build reads

_imports.install()
