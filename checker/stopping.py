"""A stop asked for by Ctrl-C or SIGTERM (checker.cli installs the handler). The handler raises
SystemExit(2) at once, so every clean-up runs; but a library can swallow it (an exception raised while
an extension module initialises surfaces as an ImportError that the library catches, and it carries on
without the module). So the request is also remembered: checkpoint() raises it again at the main steps
of long commands. A command that nonetheless finished its work whole (past its last checkpoint) ends
with its own exit code: its output is complete."""

from __future__ import annotations

_requested = False


def request() -> None:
    global _requested
    _requested = True


def checkpoint() -> None:
    """SystemExit(2) if a stop was asked for; call it between the steps of a long command."""
    if _requested:
        raise SystemExit(2)
