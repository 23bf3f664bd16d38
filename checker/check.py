"""aftale check: validate every source against its schema, then apply every rule in the registry."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from checker import stopping
from checker.context import Context
from checker.dossier import AGREEMENT_FILE
from checker.findings import Finding, Result, Severity, Text
from checker.rules import REGISTRY, Hit, Rule, load_all
from checker.schema import SchemaRegistry
from checker.validate import run_validation


def default_as_of(period_end: date | None, today: date | None = None) -> date:
    """Today, or the period's last day once the period is over (nothing can be brought up to date after)."""
    today = today or date.today()
    return min(today, period_end) if period_end else today


def check_dossier(
    folder: str | os.PathLike,
    *,
    as_of: date | None = None,
    ruleset_dir: Path | None = None,
) -> Result:
    return apply_rules(validated(folder), as_of=as_of, ruleset_dir=ruleset_dir)


class Validated:
    """The first half of a check: every source read and checked against its schema (`result`), before
    the rules. aftale build renders from this while the rules run (apply_rules adds their findings)."""

    def __init__(self, folder: Path, registry: SchemaRegistry) -> None:
        self.folder = folder
        self.registry = registry
        self.result, self.sources, self.doctypes = run_validation(folder, registry)


def validated(folder: str | os.PathLike) -> Validated:
    return Validated(Path(folder), SchemaRegistry())


def apply_rules(
    checked: Validated,
    *,
    as_of: date | None = None,
    ruleset_dir: Path | None = None,
) -> Result:
    """The second half of a check: every rule across the dossier, added to the validation's result
    (which is returned, complete)."""
    from checker import rulesets

    registry, result, sources = checked.registry, checked.result, checked.sources
    invalid = {f.file for f in result.findings if f.severity is Severity.ERROR}
    ctx = Context(checked.folder, sources, checked.doctypes, invalid, None, as_of or date.today())
    agreement = ctx.agreement
    if agreement is None:
        if AGREEMENT_FILE in sources:
            result.add(
                Finding(
                    "rules-skipped",
                    Severity.INFO,
                    Text(
                        "Reglerne på tværs af dossieret er ikke kørt, fordi samarbejdsaftalen har skemafejl. Ret dem først.",
                        "The rules across the dossier did not run because the agreement has schema errors. Fix those first.",
                    ),
                    AGREEMENT_FILE,
                )
            )
        return result
    ctx.ruleset_dir = ruleset_dir
    ctx.ruleset = rulesets.load(agreement["regelsaet"], ruleset_dir)
    if as_of is None:
        ctx.as_of = default_as_of(date.fromisoformat(agreement["periode"]["slut"]))
    ctx.start_reading_pdfs()  # in child processes, beside the rules before the ones that read them
    try:
        _add_annex_files(ctx, result)
        labellers: dict[str, object] = {}
        for rule in load_all().values():
            stopping.checkpoint()
            for hit in rule.func(ctx):
                result.add(_finding(rule, hit, ctx, registry, labellers))
    finally:
        ctx.close()
    return result


def _add_annex_files(ctx: Context, result: Result) -> None:
    """The workbooks, PDFs and images the agreement lists are checked too: list them with their hashes."""
    import hashlib

    from checker.findings import FileResult

    known = {f.path for f in result.files}
    for bilag in ctx.agreement["aftaledokumenter"]["bilag"]:
        for rel in bilag["filer"]:
            path = ctx.path(rel)
            if rel in known or not ctx.inside(rel) or not path.is_file():
                continue
            known.add(rel)
            digest = hashlib.sha256()
            with path.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
            result.files.append(FileResult(rel, dokumenttype=bilag["type"], sha256=digest.hexdigest()))


def _finding(rule: Rule, hit: Hit, ctx: Context, registry: SchemaRegistry, labellers: dict) -> Finding:
    line = column = None
    label = None
    source = ctx.sources.get(hit.file)
    if source is not None and hit.pointer is not None:
        line, column = source.position(hit.pointer, key=hit.key)
        doctype = ctx.doctypes.get(hit.file)
        if doctype:
            if doctype not in labellers:
                labellers[doctype] = registry.labeller(doctype)
            parts = [
                int(p) if p.isdigit() else p.replace("~1", "/").replace("~0", "~")
                for p in hit.pointer.split("/")[1:]
            ]
            text = labellers[doctype].label(parts, source.data) if parts else ""
            label = Text(text, text) if text else None
    # a parameter may itself be a Text (a "did you mean" in each language)
    da = {k: v.da if isinstance(v, Text) else v for k, v in hit.params.items()}
    en = {k: v.en if isinstance(v, Text) else v for k, v in hit.params.items()}
    return Finding(
        rule.code,
        rule.severity,
        Text(rule.message.da.format(**da), rule.message.en.format(**en)),
        hit.file,
        hit.pointer,
        line,
        column,
        label=label,
        hint=Text(rule.hint.da.format(**da), rule.hint.en.format(**en)),
        cell=hit.cell,
        page=hit.page,
    )


def registry() -> dict[str, Rule]:
    return load_all()


__all__ = ["check_dossier", "default_as_of", "registry", "REGISTRY"]
