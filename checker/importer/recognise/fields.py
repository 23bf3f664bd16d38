"""What the import found: a Field per fact (recognised, to review, missing) and the Recognition."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from checker.findings import Text
from checker.importer import Source

if TYPE_CHECKING:
    from checker.importer.recognise.layout import _Layout

Status = Literal["recognised", "review", "missing"]


@dataclass(frozen=True)
class Field:
    """One fact of the agreement as the import found it: its dossier name ("parter", "periode",
    "indsatsomraader/5.1/succeskriterier/1/maal"), the value as text, whether it was recognised, must be
    reviewed or is missing, where in the source it stands (Block.where()) and why, if there is a why."""

    name: str
    value: str | None
    status: Status
    where: str | None = None
    note: Text | None = None


@dataclass
class Recognition:
    """The draft dossier's JSON files (dossier-relative path -> data), the fields found, the rule set."""

    files: dict[str, dict]
    fields: list[Field]
    ruleset: str


class Notes:
    """The fields a reader collects as it goes, and what its parts (front page, organisation, areas of
    effort, sections) share; checker.importer.recognise.reader.Reader sets them."""

    source: Source
    layout: _Layout
    name: str  # the imported file's name, as every open question names it
    ruleset_id: str | None
    fields: list[Field]
    missing_info: list[dict]  # manglende_oplysninger
    _party_list_cache: list[dict]  # the parties, once read
    _aliases: list[tuple[str, dict]]  # the ways the text names each party
    _secretariat_name: str | None

    def found(self, name: str, value: object, where: str | None, note: Text | None = None) -> None:
        self.fields.append(Field(name, _show(value), "recognised", where, note))

    def review(self, name: str, value: object, where: str | None, note: Text) -> None:
        self.fields.append(Field(name, _show(value), "review", where, note))

    def missing(self, name: str, note: Text, where: str | None = None) -> None:
        self.fields.append(Field(name, None, "missing", where, note))


def _show(value: object) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)
