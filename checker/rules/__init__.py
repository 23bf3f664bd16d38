"""The rule registry. Each rule has a stable code, a severity, a message and a hint in Danish and
English, and the source of the requirement. A rule is one function in one family module that yields
Hits; the engine (checker/check.py) turns hits into findings. docs/rules.md is generated from here.

Adding a rule: write a function in the family's module, decorate it with @rule(...), add a test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from checker.findings import Severity, Text

if TYPE_CHECKING:
    from checker.context import Context

FAMILIES: dict[str, Text] = {
    "ruleset": Text("Regelsæt", "Rule set"),
    "annexes": Text("Bilag", "Annexes"),
    "finance": Text("Økonomi", "Finance"),
    "activities": Text("Aktiviteter", "Activities"),
    "criteria": Text("Indsatsområder og succeskriterier", "Intervention areas and criteria"),
    "names": Text("Områder, navne og tal", "Areas, names and figures"),
    "organisation": Text("Organisering", "Organisation"),
    "period": Text("Periode og milepæle", "Period and milestones"),
    "signatures": Text("Underskrifter og revision", "Signatures and revision"),
    "followup": Text("Opfølgningsregister", "Follow-up register"),
}


@dataclass
class Hit:
    """One place where a rule is broken, with the values its message needs."""

    file: str
    params: dict[str, Any] = field(default_factory=dict)
    pointer: str | None = None
    key: bool = False  # point at the key rather than the value
    cell: str | None = None
    page: int | None = None


@dataclass(frozen=True)
class Rule:
    code: str
    family: str
    severity: Severity
    title: Text
    message: Text  # str.format template over Hit.params
    hint: Text
    source: Text
    func: Callable[[Context], Iterable[Hit]]
    needs_agreement: bool


REGISTRY: dict[str, Rule] = {}


def rule(
    code: str,
    family: str,
    severity: Severity,
    *,
    title: tuple[str, str],
    message: tuple[str, str],
    hint: tuple[str, str],
    source: tuple[str, str],
    needs_agreement: bool = True,
):
    def register(func: Callable[[Context], Iterable[Hit]]):
        if code in REGISTRY:
            raise RuntimeError(f"rule code {code} registered twice")
        if family not in FAMILIES:
            raise RuntimeError(f"unknown rule family {family}")
        REGISTRY[code] = Rule(
            code,
            family,
            severity,
            Text(*title),
            Text(*message),
            Text(*hint),
            Text(*source),
            func,
            needs_agreement,
        )
        return func

    return register


def load_all() -> dict[str, Rule]:
    """Import every family module so its rules register; returns the registry."""
    from checker.rules import (  # noqa: F401
        activities,
        annexes,
        consistency,
        criteria,
        finance,
        followup,
        names,
        organisation,
        period,
        signatures,
    )

    return REGISTRY
