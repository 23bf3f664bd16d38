"""The `aftale` command line. Options and wiring only; the work happens in the modules it calls.

Exit codes: 0 ok, 1 findings, 2 could not run.
"""

from __future__ import annotations

import sys

import click

from checker import __version__
from checker.findings import CouldNotRun, Text

LANG = click.option(
    "--lang",
    type=click.Choice(["da", "en"]),
    default="da",
    show_default=True,
    help="Sprog for meddelelser / language of messages.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="aftale")
def main() -> None:
    """aftale: strategiske samarbejdsaftaler for Landsbyggefondens boligsociale indsatser.

    Strategic cooperation agreements for Landsbyggefonden's social-housing programmes.
    """


def _fail(exc: CouldNotRun, lang: str) -> None:
    click.echo(click.style("aftale: ", fg="red", bold=True) + exc.text.get(lang), err=True)
    sys.exit(2)


@main.command()
@click.argument("dossier", type=click.Path(file_okay=True, dir_okay=True, path_type=str))
@LANG
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Tekst til mennesker eller JSON til maskiner / text for people or JSON for machines.",
)
def validate(dossier: str, lang: str, fmt: str) -> None:
    """Validér hver JSON-kilde i DOSSIER mod sit skema.

    Validate every JSON source in DOSSIER against its schema. Exit 0: valid; 1: findings;
    2: could not run.
    """
    from checker.validate import validate_dossier

    try:
        result = validate_dossier(dossier)
    except CouldNotRun as exc:
        _fail(exc, lang)
    if fmt == "json":
        from checker.report.json import render

        click.echo(render(result, lang, "validate"))
    else:
        from checker.report.text import render

        click.echo(render(result, lang))
    sys.exit(0 if result.valid else 1)


def _write_output(text: str, output: str | None, lang: str) -> None:
    """Print, or write the whole report to a file atomically (temp file, fsync, rename)."""
    if output is None:
        click.echo(text)
        return
    import os
    import tempfile
    from pathlib import Path

    target = Path(output)
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{target.name}.", dir=target.parent if str(target.parent) else "."
        )
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(click.unstyle(text) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        _fail(
            CouldNotRun(
                Text(f"Kan ikke skrive {target}: {exc.strerror}.", f"Cannot write {target}: {exc.strerror}.")
            ),
            lang,
        )


@main.command()
@click.argument("dossier", type=click.Path(path_type=str))
@LANG
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif", "junit", "html"]),
    default="text",
    show_default=True,
    help="Rapportens form / report format.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=str),
    help="Skriv rapporten til en fil / write the report to a file.",
)
@click.option("--strict", is_flag=True, help="Advarsler tæller som fejl / warnings count as errors.")
@click.option(
    "--as-of",
    "as_of",
    metavar="ÅÅÅÅ-MM-DD",
    help="Kontroldato for ajourføring (standard: i dag, dog højst periodens slutdato) / as-of date.",
)
@click.option(
    "--regelsaet-dir",
    "ruleset_dir",
    type=click.Path(file_okay=False, exists=True, path_type=str),
    help="Mappe med flere regelsæt (JSON) / folder with additional rule sets.",
)
def check(
    dossier: str,
    lang: str,
    fmt: str,
    output: str | None,
    strict: bool,
    as_of: str | None,
    ruleset_dir: str | None,
) -> None:
    """Kontrollér DOSSIER før indsendelse til Landsbyggefonden.

    Pre-submission check: schemas, then every rule across the agreement, its annexes, workbooks and
    PDFs. Exit 0: no errors (warnings allowed unless --strict); 1: errors; 2: could not run.
    """
    from datetime import date
    from pathlib import Path

    from checker.check import check_dossier, registry
    from checker.findings import Severity

    when = None
    if as_of:
        try:
            when = date.fromisoformat(as_of)
        except ValueError:
            _fail(
                CouldNotRun(
                    Text(
                        f"--as-of »{as_of}« er ikke en dato (ÅÅÅÅ-MM-DD).",
                        f"--as-of '{as_of}' is not a date (YYYY-MM-DD).",
                    )
                ),
                lang,
            )
    try:
        result = check_dossier(dossier, as_of=when, ruleset_dir=Path(ruleset_dir) if ruleset_dir else None)
    except CouldNotRun as exc:
        _fail(exc, lang)
    if fmt == "json":
        from checker.report.json import render

        text = render(result, lang, "check")
    elif fmt == "sarif":
        from checker.report.sarif import render

        text = render(result, lang, registry())
    elif fmt == "junit":
        from checker.report.junit import render

        text = render(result, lang)
    elif fmt == "html":
        from checker.report.html import render

        text = render(result, lang)
    else:
        from checker.report.text import render

        text = render(result, lang)
    _write_output(text, output, lang)
    failed = not result.valid or (strict and result.count(Severity.WARNING) > 0)
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("dossier", type=click.Path(path_type=str))
@LANG
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=str),
    help="Outputmappe (standard: generated/<dossier>) / output folder.",
)
@click.option(
    "--draft",
    is_flag=True,
    help="Byg trods fejl; hver side stemples UDKAST / build despite errors, stamped UDKAST.",
)
@click.option("--no-pdf", "no_pdf", is_flag=True, help="Kun Word-filer, ingen PDF/A / Word files only.")
@click.option(
    "--templates",
    "templates",
    type=click.Path(file_okay=False, exists=True, path_type=str),
    help="Mappe med egne Word-skabeloner / folder with your own Word templates.",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="ÅÅÅÅ-MM-DD",
    help="Kontroldato, som for »check« / as-of date, as for 'check'.",
)
def build(
    dossier: str,
    lang: str,
    out: str | None,
    draft: bool,
    no_pdf: bool,
    templates: str | None,
    as_of: str | None,
) -> None:
    """Byg aftalen og bilagene som Word og PDF/A fra DOSSIER.

    Build the agreement and its annexes as Danish Word documents and PDF/A. The check runs first: a
    dossier with errors is refused unless --draft. Exit 0: built; 1: refused; 2: could not run.
    """
    from datetime import date
    from pathlib import Path

    from checker.assemble.build import BuildRefused
    from checker.assemble.build import build as run_build

    when = None
    if as_of:
        try:
            when = date.fromisoformat(as_of)
        except ValueError:
            _fail(
                CouldNotRun(
                    Text(
                        f"--as-of »{as_of}« er ikke en dato (ÅÅÅÅ-MM-DD).",
                        f"--as-of '{as_of}' is not a date (YYYY-MM-DD).",
                    )
                ),
                lang,
            )
    try:
        result = run_build(
            dossier,
            Path(out) if out else None,
            draft=draft,
            pdf=not no_pdf,
            templates=Path(templates) if templates else None,
            as_of=when,
        )
    except BuildRefused as exc:
        from checker.report.text import render

        click.echo(render(exc.result, lang))
        click.echo(click.style("aftale: ", fg="red", bold=True) + exc.reason.get(lang), err=True)
        sys.exit(1)
    except CouldNotRun as exc:
        _fail(exc, lang)
    head = "Built" if lang == "en" else "Byggede"
    click.echo(
        f"{head} {len(result.documents)} {'files' if lang == 'en' else 'filer'} i {result.out}/"
        if lang != "en"
        else f"{head} {len(result.documents)} files in {result.out}/"
    )
    for path in result.documents:
        click.echo(f"  {path.name}")
    click.echo("  manifest.json")
    if result.draft:
        click.echo(
            "UDKAST: the documents are stamped as a draft."
            if lang == "en"
            else "UDKAST: dokumenterne er stemplet som udkast."
        )


@main.command()
@LANG
@click.option("--markdown", is_flag=True, help="Som docs/rules.md / as docs/rules.md.")
def rules(lang: str, markdown: bool) -> None:
    """Vis alle regler med kode, alvor og kilde / list every rule with code, severity and source."""
    from checker.check import registry

    if markdown:
        from checker.report.rulesdoc import markdown as md

        click.echo(md(registry()), nl=False)
        return
    for r in registry().values():
        click.echo(f"{r.code:<38} {r.severity.value:<8} {r.title.get(lang)}")


@main.command()
@click.argument("folder", type=click.Path(path_type=str))
@LANG
@click.option(
    "--start", metavar="ÅÅÅÅ-MM-DD", help="Periodens startdato (standard: første dag i næste måned)."
)
def new(folder: str, lang: str, start: str | None) -> None:
    """Opret et nyt dossier i FOLDER med pladsholdere, der skal udfyldes.

    Create a new dossier in FOLDER with marked placeholders. Refuses to touch an existing,
    non-empty folder.
    """
    from checker.scaffold import create_dossier

    try:
        created = create_dossier(folder, start)
    except CouldNotRun as exc:
        _fail(exc, lang)
    if lang == "en":
        click.echo(f"Created the dossier {folder} with {len(created)} files:")
    else:
        click.echo(f"Oprettede dossieret {folder} med {len(created)} filer:")
    for rel in created:
        click.echo(f"  {rel}")
    click.echo(
        "Replace every 'UDFYLD' placeholder, then run: aftale validate " + folder
        if lang == "en"
        else "Erstat alle pladsholdere med »UDFYLD«, og kør derefter: aftale validate " + folder
    )


@main.command()
@LANG
@click.option(
    "--vscode",
    is_flag=True,
    help="Udskriv VS Code-indstillingen »json.schemas« / print VS Code's json.schemas setting.",
)
@click.option(
    "--write",
    "workspace",
    type=click.Path(file_okay=False, path_type=str),
    help="Skriv indstillingen i WORKSPACE/.vscode/settings.json / write it to WORKSPACE/.vscode/settings.json.",
)
def schemas(lang: str, vscode: bool, workspace: str | None) -> None:
    """Vis mappen med de installerede JSON-skemaer, eller indstillinger til VS Code.

    Print the folder holding the installed JSON Schemas; with --vscode, the editor settings that
    validate and autocomplete dossier files; with --write, save those settings in a workspace.
    """
    import json
    from pathlib import Path

    from checker.editor import json_schemas_setting, write_workspace_settings
    from checker.resources import schema_dir

    if workspace:
        try:
            target = write_workspace_settings(Path(workspace))
        except CouldNotRun as exc:
            _fail(exc, lang)
        click.echo(f"Wrote {target}" if lang == "en" else f"Skrev {target}")
    elif vscode:
        click.echo(json.dumps({"json.schemas": json_schemas_setting()}, ensure_ascii=False, indent=2))
    else:
        click.echo(str(schema_dir()))
