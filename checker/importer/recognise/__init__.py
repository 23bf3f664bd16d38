"""The blocks of an imported agreement read against Landsbyggefonden's template.

Every strategisk samarbejdsaftale shares the template's front page (»Områdernes navne:«, »Aftalens
parter:«, »Samarbejdsaftalen:«, »Underskrifter:«, »Aftaledokumenter«), its numbered sections (»1. Formål
med den boligsociale indsats« … »11. Revision af samarbejdsaftalen«, »5.1 Tryghed og trivsel«) and its
tables (succeskriterier with datakilde, finansiering). ``recognise`` finds them by their wording and
numbering, never by Word heading styles (a PDF made from plain text has none; a style or boldness only
helps), reads tables as row Blocks or as plain lines, and builds on the files »aftale new« writes
(checker.scaffold._files): what is recognised is filled in word for word with its source text, what is
not stays a visible »UDFYLD« placeholder.

Every value it fills in, guesses or misses is a ``Field`` naming its place in the source, so the report
can list what was recognised, what to review and what is missing. Nothing is invented: a target the
wording only suggests is written in its most literal reading with an open question (status »aaben«)
that says it came from the import; a figure the source does not give is a placeholder.
"""

from __future__ import annotations

from checker.importer import Source
from checker.importer.recognise.fields import Field, Recognition, Status

__all__ = ["Field", "Recognition", "Status", "recognise"]


def recognise(source: Source, ruleset_id: str | None = None) -> Recognition:
    """The dossier's JSON files read from an imported agreement, with the fields found (recognised, to
    review, missing) and the rule set chosen (``ruleset_id`` or from the period and the names of the
    indsatsområder). Raises CouldNotRun for a rule set id that is not known."""
    from checker.importer.recognise.reader import Reader

    return Reader(source, ruleset_id).read()
