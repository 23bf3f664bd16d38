"""The finding codes that are not rules of the registry: what `aftale validate` reports about a file
before any rule runs (json-*, doc-*, schema-*, path-outside-dossier, not-a-file) and the check's own
notice that the rules were skipped. Each has a title and a description in both languages, so that every
report (SARIF's rule descriptors above all) can explain every code it uses. docs/dossier.md lists them.
"""

from __future__ import annotations

from checker.findings import Text

# code -> (title, description)
CODES: dict[str, tuple[Text, Text]] = {
    "json-syntax": (
        Text("Filen er gyldig JSON", "The file is valid JSON"),
        Text(
            "Filen kan ikke læses som JSON; fejlen står på den angivne linje og kolonne.",
            "The file cannot be read as JSON; the error is at the line and column given.",
        ),
    ),
    "json-encoding": (
        Text("Filen er UTF-8", "The file is UTF-8"),
        Text(
            "Filen er ikke gemt som UTF-8; positionen er den første byte, der ikke kan læses.",
            "The file is not saved as UTF-8; the position is the first byte that cannot be read.",
        ),
    ),
    "json-duplicate-key": (
        Text("Hver nøgle står én gang", "Each key appears once"),
        Text(
            "En nøgle står to gange i samme objekt; JSON ville i stilhed kun beholde den sidste værdi.",
            "A key appears twice in one object; JSON would silently keep only the last value.",
        ),
    ),
    "json-too-large": (
        Text("Filen er under 5 MB", "The file is under 5 MB"),
        Text("Filen er over 5 MB og læses ikke.", "The file is over 5 MB and is not read."),
    ),
    "json-too-deep": (
        Text("Filen er ikke for dybt indlejret", "The file is not nested too deeply"),
        Text(
            "Filen er indlejret dybere end 64 niveauer og læses ikke.",
            "The file nests deeper than 64 levels and is not read.",
        ),
    ),
    "json-invalid-character": (
        Text("Teksterne kan stå i et dokument", "The texts can stand in a document"),
        Text(
            "En tekst indeholder et kontroltegn, en halv surrogat eller U+FFFE/U+FFFF, som intet dokument kan rumme.",
            "A text holds a control character, half a surrogate pair or U+FFFE/U+FFFF, which no document can hold.",
        ),
    ),
    "json-number-out-of-range": (
        Text("Tallene er inden for rimelighedens grænser", "The numbers are within reason"),
        Text(
            "Et tal har mere end 15 cifre før kommaet eller 30 efter (fx 1e400).",
            "A number has more than 15 digits before the decimal point or 30 after (such as 1e400).",
        ),
    ),
    "json-date-out-of-range": (
        Text("Datoerne ligger i årene 1900–2199", "The dates lie in the years 1900–2199"),
        Text("En dato ligger uden for årene 1900–2199.", "A date lies outside the years 1900–2199."),
    ),
    "doc-not-object": (
        Text("Filen er et JSON-objekt", "The file is a JSON object"),
        Text(
            "Filen indeholder noget andet end et JSON-objekt { … }.",
            "The file holds something other than a JSON object { … }.",
        ),
    ),
    "doc-type-missing": (
        Text("Filen angiver sin dokumenttype", "The file names its document type"),
        Text("Filen har ingen »dokumenttype«.", "The file has no 'dokumenttype'."),
    ),
    "doc-type-unknown": (
        Text("Dokumenttypen kendes", "The document type is known"),
        Text(
            "Filens »dokumenttype« er ikke en af dem, aftale kender.",
            "The file's 'dokumenttype' is not one aftale knows.",
        ),
    ),
    "doc-agreement-type": (
        Text("samarbejdsaftale.json er samarbejdsaftalen", "samarbejdsaftale.json is the agreement"),
        Text(
            "samarbejdsaftale.json har ikke dokumenttypen »strategisk-samarbejdsaftale«.",
            "samarbejdsaftale.json does not have the document type 'strategisk-samarbejdsaftale'.",
        ),
    ),
    "path-outside-dossier": (
        Text("Ingen sti fører ud af dossieret", "No path leads out of the dossier"),
        Text(
            "En genvej (symlink) fører ud af dossieret; den følges ikke.",
            "A symbolic link leads out of the dossier; it is not followed.",
        ),
    ),
    "not-a-file": (
        Text("Hver .json er en almindelig fil", "Each .json is a regular file"),
        Text(
            "En FIFO, en enhed eller lignende hedder .json; den læses ikke.",
            "A FIFO, a device or the like is named .json; it is not read.",
        ),
    ),
    "rules-skipped": (
        Text("Reglerne er kørt", "The rules have run"),
        Text(
            "Reglerne på tværs af dossieret er ikke kørt, fordi samarbejdsaftalen har skemafejl.",
            "The rules across the dossier did not run because the agreement has schema errors.",
        ),
    ),
}


def describe(code: str) -> tuple[Text, Text] | None:
    """(title, description) of a code that is not a rule, or None if the code is unknown."""
    if code in CODES:
        return CODES[code]
    if code.startswith("schema-"):
        keyword = code.removeprefix("schema-")
        return (
            Text(f"Filen følger sit skema ({keyword})", f"The file follows its schema ({keyword})"),
            Text(
                f"En værdi bryder skemaets regel »{keyword}« (JSON Schema); meddelelsen siger hvilken og hvor.",
                f"A value breaks the schema's rule '{keyword}' (JSON Schema); the message says which and where.",
            ),
        )
    return None
