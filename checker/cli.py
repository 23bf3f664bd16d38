"""The `aftale` command line. Options and wiring only; the work happens in the modules it calls.

Exit codes: 0 ok, 1 findings, 2 could not run.
"""

from __future__ import annotations

import gc
import os
import sys

import click

from checker import __version__, stopping
from checker.findings import CouldNotRun, Text

LANG = click.option(
    "--lang",
    type=click.Choice(["da", "en"]),
    default="da",
    show_default=True,
    help="Sprog for meddelelser / language of messages.",
)


def _use_rulesets(ctx, _param, value: str | None) -> None:
    """--regelsaet-dir for the command being run, and only for it (a program calling several commands in
    one process does not carry one command's folder into the next)."""
    from checker import rulesets

    rulesets.use_dir(value)
    ctx.call_on_close(lambda: rulesets.use_dir(None))


RULESETS = click.option(
    "--regelsaet-dir",
    type=click.Path(file_okay=False, exists=True, path_type=str),
    expose_value=False,
    is_eager=True,
    callback=_use_rulesets,
    help="Mappe med flere regelsæt (JSON); også miljøvariablen AFTALE_REGELSAET_DIR / folder with more rule sets.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="aftale")
def main() -> None:
    """aftale: strategiske samarbejdsaftaler for Landsbyggefondens boligsociale indsatser.

    Strategic cooperation agreements for Landsbyggefonden's social-housing programmes.
    """


def run() -> None:
    """The `aftale` program (console script and `python -m checker`); tests call `main` directly.

    A command imports some 600 modules (pyHanko, cryptography, fontTools …) and keeps them until it
    ends. With Python's default thresholds the cyclic garbage collector walks those objects again and
    again while they are imported, and once more at exit: about 0.1 s of `aftale sign` and `aftale
    verify` (benchmarks/sign.py). A higher first threshold lets it run far less often, still bounding
    the memory cycles can hold; at exit, everything still alive is frozen so the final collections skip
    it."""
    gc.set_threshold(50_000, 20, 100)
    # Ctrl-C and a polite kill (SIGTERM, as from a service manager or `kill`) stop the command the same
    # way: every clean-up runs (staging folders removed, temporary files deleted, LibreOffice ended),
    # the command says it was stopped, and the exit code is 2 (it could not run), never click's 1
    import signal

    me = os.getpid()

    def _stopped(_signum, _frame):
        if os.getpid() != me:  # a child forked a moment ago, not yet past its own set-up: the parent
            os._exit(2)  # (which Ctrl-C reaches too) stops it and cleans up; it just ends, silently
        stopping.request()  # checker.stopping: raised again at the next step if a library swallows it
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C does not cut the clean-up short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            sys.stderr.write("aftale: afbrudt / stopped\n")
        except OSError:
            pass
        raise SystemExit(2)

    signal.signal(signal.SIGTERM, _stopped)
    signal.signal(signal.SIGINT, _stopped)
    try:
        main()
    except OSError as exc:
        # the terminal or file the output goes to is full or gone (stdout on a full device, a closed pipe)
        import errno

        if exc.errno not in (errno.ENOSPC, errno.EPIPE, errno.EIO, errno.EDQUOT):
            raise
        try:
            sys.stderr.write(
                f"aftale: kan ikke skrive resultatet: {exc.strerror} / cannot write the output: {exc.strerror}\n"
            )
        except OSError:
            pass
        sys.exit(2)
    finally:
        gc.freeze()


def _fail(exc: CouldNotRun, lang: str) -> None:
    click.echo(click.style("aftale: ", fg="red", bold=True) + exc.text.get(lang), err=True)
    sys.exit(2)


JOBS = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Med flere dossierer: antal processer / with several dossiers: the number of processes.",
)


def _portfolio(arguments: tuple[str, ...], fmt: str, lang: str):
    """The dossiers to check as a portfolio, or None when the one argument is a single dossier (or not
    a folder at all: the single-dossier command then says what is wrong, as always)."""
    from pathlib import Path

    from checker import portfolio

    if len(arguments) == 1 and (portfolio.is_dossier(Path(arguments[0])) or not Path(arguments[0]).is_dir()):
        return None
    try:
        found = portfolio.dossiers(list(arguments))
    except CouldNotRun as exc:
        if len(arguments) == 1:  # one folder that holds no dossier: the one-dossier command says why
            return None
        _fail(exc, lang)
    if fmt not in ("text", "json", "html"):
        _fail(
            CouldNotRun(
                Text(
                    f"--format {fmt} gælder ét dossier; for flere brug text, json eller html.",
                    f"--format {fmt} is for one dossier; for several use text, json or html.",
                )
            ),
            lang,
        )
    return found


def _run_portfolio(
    paths, work, command: str, fmt: str, output, strict: bool, jobs: int, lang: str, today=None
) -> None:
    """Check every dossier of the portfolio (a progress bar on a terminal), print or write the report and
    exit: 2 if any could not be checked, 1 if any has errors (or warnings with --strict), else 0."""
    from checker import portfolio
    from checker.report import portfolio as report

    entries = []
    label = "Kontrollerer" if lang != "en" else "Checking"
    show = sys.stderr.isatty()
    with click.progressbar(
        portfolio.run(paths, work, jobs=jobs, today=today),
        length=len(paths),
        label=label,
        file=sys.stderr,
        hidden=not show,
    ) as bar:
        for entry in bar:
            entries.append(entry)
    if fmt == "json":
        text = report.render_json(entries, lang, command)
    elif fmt == "html":
        text = report.render_html(entries, lang)
    else:
        text = report.render_text(entries, lang)
    _write_output(text, output, lang)
    sys.exit(portfolio.exit_code(entries, strict=strict))


@main.command()
@click.argument(
    "dossiers",
    nargs=-1,
    required=True,
    metavar="DOSSIER...",
    type=click.Path(file_okay=True, dir_okay=True, path_type=str),
)
@LANG
@RULESETS
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "html"]),
    default="text",
    show_default=True,
    help="Tekst til mennesker eller JSON til maskiner / text for people or JSON for machines.",
)
@JOBS
def validate(dossiers: tuple[str, ...], lang: str, fmt: str, jobs: int) -> None:
    """Validér hver JSON-kilde i DOSSIER mod sit skema.

    Validate every JSON source in DOSSIER against its schema. Exit 0: valid; 1: findings;
    2: could not run. Several dossiers, or a folder holding them, in one run as `check` does.
    """
    from checker.validate import validate_dossier

    portfolio = _portfolio(dossiers, fmt, lang)
    if portfolio is not None:
        _run_portfolio(portfolio, validate_dossier, "validate", fmt, None, False, jobs, lang)
    if fmt == "html":
        _fail(
            CouldNotRun(
                Text(
                    "--format html gælder flere dossierer; brug text eller json.",
                    "--format html is for several dossiers; use text or json.",
                )
            ),
            lang,
        )
    dossier = dossiers[0]
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


def _as_of(value: str | None, lang: str):
    """The --as-of date, or None; a malformed date ends the command with exit 2 and a clear message."""
    from datetime import date

    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(
            CouldNotRun(
                Text(
                    f"--as-of »{value}« er ikke en dato (ÅÅÅÅ-MM-DD).",
                    f"--as-of '{value}' is not a date (YYYY-MM-DD).",
                )
            ),
            lang,
        )


def _write_output(text: str, output: str | None, lang: str) -> None:
    """Print, or write the whole report to a file atomically (checker.files.write_file)."""
    if output is None:
        click.echo(text)
        return
    from checker.files import write_file

    try:
        write_file(output, click.unstyle(text) + "\n")
    except CouldNotRun as exc:
        _fail(exc, lang)


@main.command()
@click.argument("dossiers", nargs=-1, required=True, metavar="DOSSIER...", type=click.Path(path_type=str))
@LANG
@RULESETS
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
@JOBS
def check(
    dossiers: tuple[str, ...],
    lang: str,
    fmt: str,
    output: str | None,
    strict: bool,
    as_of: str | None,
    jobs: int,
) -> None:
    """Kontrollér DOSSIER før indsendelse til Landsbyggefonden.

    Pre-submission check: schemas, then every rule across the agreement, its annexes, workbooks and
    PDFs. Exit 0: no errors (warnings allowed unless --strict); 1: errors; 2: could not run.

    Several dossiers, or a folder holding them, are checked in one run with a summary table (or a
    portfolio report with --format json|html); exit 2 if any could not be checked, 1 if any has errors.
    """

    from checker.check import check_dossier, registry
    from checker.findings import Severity

    when = _as_of(as_of, lang)
    portfolio = _portfolio(dossiers, fmt, lang)
    if portfolio is not None:
        _run_portfolio(
            portfolio,
            lambda path: check_dossier(path, as_of=when),
            "check",
            fmt,
            output,
            strict,
            jobs,
            lang,
            when,
        )
    dossier = dossiers[0]
    try:
        result = check_dossier(dossier, as_of=when)
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
@RULESETS
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
    from pathlib import Path

    from checker.assemble.build import BuildRefused
    from checker.assemble.build import build as run_build

    when = _as_of(as_of, lang)
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


@main.command("dev-cert")
@click.option("--name", required=True, help="Underskriverens navn / the signer's name.")
@click.option("--organisation", required=True, help="Partens navn / the party's name.")
@click.option(
    "--cvr",
    metavar="CVR",
    help="Partens CVR-nummer (8 cifre) i certifikatet / the party's CVR number in the certificate.",
)
@click.option(
    "--out", "out", type=click.Path(file_okay=False, path_type=str), default="dev-certs", show_default=True
)
@LANG
@RULESETS
def dev_cert(name: str, organisation: str, cvr: str | None, out: str, lang: str) -> None:
    """Lav en TEST-nøgle og et TEST-certifikat (ikke til rigtig brug).

    Make a test key and certificate from a development CA, clearly marked as not for real use, so
    anyone can try the signing workflow. Trust the CA with `aftale verify --trust OUT/dev-ca.cert.pem`.
    With --cvr the certificate carries the organisation identifier NTRDK-<CVR> (as Danish
    organisation certificates do), which binds it to the party with that CVR number in the dossier.
    """
    from pathlib import Path

    from checker.sign.devcert import make_dev_cert

    try:
        made = make_dev_cert(Path(out), name, organisation, cvr=cvr)
    except CouldNotRun as exc:
        _fail(exc, lang)
    click.echo(f"{'key' if lang == 'en' else 'nøgle'}:        {made.key}")
    click.echo(f"{'certificate' if lang == 'en' else 'certifikat'}:  {made.cert}")
    click.echo(f"{'test CA' if lang == 'en' else 'test-CA'}:     {made.ca_cert}")
    click.echo(
        click.style(
            "TEST CERTIFICATE – NOT FOR REAL USE."
            if lang == "en"
            else "TESTCERTIFIKAT – IKKE TIL RIGTIG BRUG.",
            fg="yellow",
            bold=True,
        )
    )


@main.command()
@click.argument("target", type=click.Path(path_type=str))
@click.option("--party", required=True, help="Parten: navn eller kortnavn (viborg-kommune) / the party.")
@click.option(
    "--key", type=click.Path(dir_okay=False, path_type=str), help="Privat nøgle (PEM) / private key."
)
@click.option(
    "--cert", type=click.Path(dir_okay=False, path_type=str), help="Certifikat (PEM) / certificate."
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=str),
    help="Skriv den underskrevne PDF hertil / write the signed PDF here.",
)
@click.option(
    "--record",
    is_flag=True,
    help="Registrér en underskrift givet andetsteds / record a signature given elsewhere.",
)
@click.option("--name", help="Med --record: underskriverens navn.")
@click.option("--date", "when", metavar="ÅÅÅÅ-MM-DD", help="Med --record: datoen.")
@click.option(
    "--method",
    type=click.Choice(["wet-ink", "e-signature"]),
    default="wet-ink",
    show_default=True,
    help="Med --record.",
)
@click.option("--title", help="Med --record: underskriverens titel.")
@click.option(
    "--document",
    default="samarbejdsaftale.json",
    show_default=True,
    help="Med --record: dokumentet i dossieret.",
)
@click.option("--replace", is_flag=True, help="Med --record: erstat en registreret underskrift.")
@click.option(
    "--tsa",
    metavar="URL",
    help="Tidsstempeltjeneste (RFC 3161) for PAdES B-T / time stamp authority URL.",
)
@LANG
@RULESETS
def sign(
    target, party, key, cert, out, record, name, when, method, title, document, replace, tsa, lang
) -> None:
    """Underskriv en PDF (PAdES) eller registrér en underskrift i dossieret.

    \b
    aftale sign PDF --party ID --key KEY --cert CERT [--tsa URL]
        signs the party's signature field with a PAdES signature and a visible stamp,
        by incremental update (earlier signatures stay valid). The certificate must
        identify the party (its organisation, or the party's CVR number); --tsa adds an
        RFC 3161 time stamp (PAdES B-T).
    aftale sign DOSSIER --record --party ID --name NAME --date DATE [--method wet-ink|e-signature]
        records a signature given on paper or through a signing service; the Word and PDF
        signature pages then show Dato and Navn.
    """
    from datetime import date
    from pathlib import Path

    if record:
        from checker.record import record_signature

        if not name or not when:
            _fail(
                CouldNotRun(Text("--record kræver --name og --date.", "--record needs --name and --date.")),
                lang,
            )
        try:
            day = date.fromisoformat(when)
        except ValueError:
            _fail(
                CouldNotRun(
                    Text(
                        f"--date »{when}« er ikke en dato (ÅÅÅÅ-MM-DD).",
                        f"--date '{when}' is not a date (YYYY-MM-DD).",
                    )
                ),
                lang,
            )
        try:
            path, party_name = record_signature(
                target, party, name, day, method=method, title=title, document=document, replace=replace
            )
        except CouldNotRun as exc:
            _fail(exc, lang)
        click.echo(
            f"Recorded {party_name}'s signature ({name}, {day.isoformat()}, {method}) in {path}. Run 'aftale build' to update the documents."
            if lang == "en"
            else f"Registrerede {party_name}s underskrift ({name}, {day.isoformat()}, {method}) i {path}. Kør »aftale build« for at opdatere dokumenterne."
        )
        return
    if not key or not cert:
        _fail(
            CouldNotRun(
                Text(
                    "Underskrift kræver --key og --cert (eller --record).",
                    "Signing needs --key and --cert (or --record).",
                )
            ),
            lang,
        )
    from checker.sign import field_name
    from checker.sign.signer import sign_pdf

    pdf = Path(target)
    try:
        # a party's name and its short name give the same field: field_name slugs either
        wanted = party if party.startswith("underskrift-") else field_name(party)
        info = sign_pdf(pdf, wanted, Path(key), Path(cert), out=Path(out) if out else None, tsa=tsa)
    except CouldNotRun as exc:
        _fail(exc, lang)
    stamp = info["timestamp"].strftime("%Y-%m-%d %H:%M:%S %Z") if info["timestamp"] else None
    click.echo(
        f"Signed {info['field']} in {out or pdf} as {info['signer']}, {info['organisation']}."
        + (f" Time stamp: {stamp}." if stamp else "")
        if lang == "en"
        else f"Underskrev {info['field']} i {out or pdf} som {info['signer']}, {info['organisation']}."
        + (f" Tidsstempel: {stamp}." if stamp else "")
    )


@main.command()
@click.argument("target", type=click.Path(exists=False, path_type=str))
@click.option(
    "--trust",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=str),
    help="Betroet certifikat (PEM), kan gentages / trusted certificate.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--as-of",
    "as_of",
    metavar="ÅÅÅÅ-MM-DD",
    help="Kontroldato for pakkens kontrol / as-of date for the package's check.",
)
@click.option(
    "--allow-unsealed",
    is_flag=True,
    help="Godtag en pakke uden forsegling / accept a package without a seal.",
)
@LANG
@RULESETS
def verify(
    target: str, trust: tuple[str, ...], fmt: str, as_of: str | None, allow_unsealed: bool, lang: str
) -> None:
    """Verificér underskrifterne i en PDF, eller en hel pakke fra »aftale package«.

    For a PDF: who must sign (from the signing requirement the build wrote into it), every signature
    (signer, organisation, CVR, field and party, time and time stamp, valid, trusted, coverage, every
    change after it) and who has not signed. For a package (.zip): its seal, every file against the
    manifest, every signed document and its sources against what the parties signed, and the check
    re-run on the packaged sources. An unsealed package fails unless --allow-unsealed; a draft always
    fails. Exit 0: all holds; 1: something does not; 2: could not run.
    """
    import json
    from pathlib import Path

    from checker.report import signatures as out

    path = Path(target)
    if not path.is_file():
        _fail(CouldNotRun(Text(f"{path} findes ikke.", f"{path} does not exist.")), lang)
    trusted = [Path(t) for t in trust]
    when = _as_of(as_of, lang)
    try:
        if path.suffix.lower() == ".zip":
            from checker.package import verify_package

            v = verify_package(path, trusted, as_of=when, allow_unsealed=allow_unsealed)
            click.echo(
                json.dumps(out.package_dict(v, lang), ensure_ascii=False, indent=2)
                if fmt == "json"
                else out.render_package(v, lang)
            )
            sys.exit(0 if v.ok else 1)
        from checker.sign.verify import verify_pdf

        report = verify_pdf(path, trusted)
    except CouldNotRun as exc:
        _fail(exc, lang)
    click.echo(
        json.dumps(out.pdf_dict(report, lang), ensure_ascii=False, indent=2)
        if fmt == "json"
        else out.render_pdf(report, lang)
    )
    sys.exit(0 if report.ok else 1)


@main.command()
@click.argument("old", type=click.Path(path_type=str))
@click.argument("new", type=click.Path(path_type=str))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "docx", "pdf"]), default="text", show_default=True
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=str),
    help="Fil til rapporten (kræves for docx og pdf).",
)
@LANG
@RULESETS
def diff(old: str, new: str, fmt: str, output: str | None, lang: str) -> None:
    """Vis alle ændringer mellem to versioner af et dossier (OLD → NEW).

    In the users' words, including the workbooks; changes that need LBF's approval (anything in the
    strategic agreement) are marked. docx/pdf writes the ændringsoversigt for LBF. Exit 0: no
    changes; 1: changes; 2: could not run.
    """
    import json
    from pathlib import Path

    from checker.diff import diff_dossiers
    from checker.report.changes import as_json, render_text, write_changes_document

    try:
        changes = diff_dossiers(Path(old), Path(new))
        if fmt in ("docx", "pdf"):
            if not output:
                raise CouldNotRun(
                    Text("--format docx/pdf kræver --output FIL.", "--format docx/pdf needs --output FILE.")
                )
            write_changes_document(changes, Path(old), Path(new), Path(output), pdf=fmt == "pdf")
            click.echo(f"Wrote {output}" if lang == "en" else f"Skrev {output}")
        elif fmt == "json":
            _write_output(json.dumps(as_json(changes, old, new), ensure_ascii=False, indent=2), output, lang)
        else:
            _write_output(render_text(changes, lang), output, lang)
    except CouldNotRun as exc:
        _fail(exc, lang)
    sys.exit(1 if changes else 0)


@main.command()
@click.argument("dossier", type=click.Path(path_type=str))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=str),
    help="Pakkens zip-fil / the package's zip file.",
)
@click.option(
    "--build",
    "build_dir",
    type=click.Path(file_okay=False, path_type=str),
    help="Bygningen (standard: generated/<dossier>).",
)
@click.option(
    "--previous",
    type=click.Path(file_okay=False, exists=True, path_type=str),
    help="Forrige version af dossieret: lav ændringsoversigten.",
)
@click.option("--draft", is_flag=True, help="Pak trods fejl eller manglende underskrifter / package anyway.")
@click.option(
    "--trust", multiple=True, type=click.Path(dir_okay=False, path_type=str), help="Betroet certifikat (PEM)."
)
@click.option("--as-of", "as_of", metavar="ÅÅÅÅ-MM-DD")
@click.option(
    "--key",
    type=click.Path(dir_okay=False, path_type=str),
    help="Sekretariatets nøgle: forsegl manifestet / the secretariat's key: seal the manifest.",
)
@click.option(
    "--cert",
    type=click.Path(dir_okay=False, path_type=str),
    help="Sekretariatets certifikat / its certificate.",
)
@LANG
@RULESETS
def package(dossier, out, build_dir, previous, draft, trust, as_of, key, cert, lang) -> None:
    """Lav indsendelsespakken til Landsbyggefonden.

    Signed PDFs, Word files, annexes and sources, the check report, an ændringsoversigt with
    --previous, and manifest.json with the sha256 of every file. Refuses when the check fails or a
    required signature is missing (unless --draft). The same inputs give a byte-identical zip.
    With --key and --cert the secretariat seals manifest.json (manifest.json.p7s); LBF's
    `aftale verify PACKAGE` fails an unsealed package unless --allow-unsealed.
    """
    from pathlib import Path

    from checker.package import PackageRefused, create_package

    if bool(key) != bool(cert):
        _fail(
            CouldNotRun(
                Text("Forsegling kræver både --key og --cert.", "Sealing needs both --key and --cert.")
            ),
            lang,
        )
    try:
        manifest = create_package(
            dossier,
            Path(out),
            build_dir=Path(build_dir) if build_dir else None,
            previous=Path(previous) if previous else None,
            draft=draft,
            trust=[Path(t) for t in trust],
            as_of=_as_of(as_of, lang),
            key=Path(key) if key else None,
            cert=Path(cert) if cert else None,
        )
    except PackageRefused as exc:
        if exc.result is not None:
            from checker.report.text import render

            click.echo(render(exc.result, lang))
        for detail in exc.details:
            click.echo("  " + detail.get(lang))
        click.echo(click.style("aftale: ", fg="red", bold=True) + exc.reason.get(lang), err=True)
        sys.exit(1)
    except CouldNotRun as exc:
        _fail(exc, lang)
    n = len(manifest["files"]) + 1 + bool(key)
    sealed = _t_sealed(lang) if key else ""
    click.echo((f"Wrote {out} with {n} files." if lang == "en" else f"Skrev {out} med {n} filer.") + sealed)


def _t_sealed(lang: str) -> str:
    return " Sealed (manifest.json.p7s)." if lang == "en" else " Forseglet (manifest.json.p7s)."


@main.group()
def followup() -> None:
    """Opfølgning på de lokale succeskriterier: Excel ud og ind / follow-up in Excel."""


@followup.command("template")
@click.argument("dossier", type=click.Path(path_type=str))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=str),
    help="Arbejdsbogen (.xlsx) / the workbook.",
)
@LANG
@RULESETS
def followup_template(dossier: str, out: str, lang: str) -> None:
    """Skriv en arbejdsbog med én række pr. kriterium × område × kontrolpunkt.

    Baseline and target filled in; input cells for value, date, source and evidence, with data
    validation; everything else locked.
    """
    from pathlib import Path

    from checker.followup.excel import write_template

    try:
        rows = write_template(Path(dossier), Path(out))
    except CouldNotRun as exc:
        _fail(exc, lang)
    click.echo(f"Wrote {out} with {rows} rows." if lang == "en" else f"Skrev {out} med {rows} rækker.")


@followup.command("import")
@click.argument("dossier", type=click.Path(path_type=str))
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--replace", is_flag=True, help="Erstat registrerede værdier, der afviger / replace differing values."
)
@LANG
@RULESETS
def followup_import(dossier: str, workbook: str, replace: bool, lang: str) -> None:
    """Læs en udfyldt arbejdsbog ind i opfølgningsregistret (opfoelgning.json).

    Every value is checked (type, range, criterion, area, date inside the period) and reported with
    its exact cell; nothing is written if anything is wrong, and nothing registered is overwritten
    without --replace. Exit 0: imported; 1: problems, nothing written; 2: could not run.
    """
    from pathlib import Path

    from checker.followup.excel import import_workbook

    try:
        result = import_workbook(Path(dossier), Path(workbook), replace=replace)
    except CouldNotRun as exc:
        _fail(exc, lang)
    for issue in result.issues:
        colour = "red" if issue.severity == "error" else "yellow"
        click.echo(
            f"  {click.style(issue.cell, bold=True)}  {click.style(issue.severity, fg=colour)}  {issue.message.get(lang)}"
        )
    if result.written:
        click.echo(
            f"Imported: {result.added} new, {result.replaced} replaced, {result.unchanged} unchanged."
            if lang == "en"
            else f"Indlæst: {result.added} nye, {result.replaced} erstattet, {result.unchanged} uændrede."
        )
    else:
        click.echo("Nothing was written." if lang == "en" else "Intet blev skrevet.")
    sys.exit(0 if result.written else 1)


@main.command()
@click.argument("dossiers", nargs=-1, required=True, metavar="DOSSIER...", type=click.Path(path_type=str))
@click.option(
    "--as-of",
    "as_of",
    metavar="ÅÅÅÅ-MM-DD",
    help="Opgørelsesdato (standard: i dag, højst periodens slutdato).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "xlsx", "docx", "pdf", "html"]),
    default="text",
    show_default=True,
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=str),
    help="Fil (kræves for xlsx, docx, pdf og html).",
)
@LANG
@RULESETS
@JOBS
def audit(
    dossiers: tuple[str, ...], as_of: str | None, fmt: str, output: str | None, lang: str, jobs: int
) -> None:
    """Revisorens opgørelse af opfølgningen på de lokale mål.

    For every criterion, area and checkpoint: baseline, target, measured value, status (opfyldt /
    ikke opfyldt / mangler data / ikke forfalden) and whether its evidence is present and unchanged;
    for every project year whether the promised evaluations and the report to LBF took place.
    Exit 1 when follow-up documentation is missing for something that has passed. Several dossiers,
    or a folder of them, with --format json: one report holding each dossier's.
    """
    import json
    from pathlib import Path

    from checker.followup.audit import audit as run_audit
    from checker.report import audit as report

    when = _as_of(as_of, lang)
    portfolio = _portfolio(dossiers, "json" if fmt == "json" else "text", lang)
    if portfolio is not None:
        if fmt != "json":
            _fail(
                CouldNotRun(
                    Text(
                        "Flere dossierer revideres med --format json.",
                        "Several dossiers are audited with --format json.",
                    )
                ),
                lang,
            )
        _audit_portfolio(portfolio, when, output, jobs, lang)
    dossier = dossiers[0]
    try:
        from checker.dossier import open_dossier

        open_dossier(dossier)
        result = run_audit(Path(dossier), when)
        if fmt in ("xlsx", "docx", "pdf", "html") and not output:
            raise CouldNotRun(
                Text(f"--format {fmt} kræver --output FIL.", f"--format {fmt} needs --output FILE.")
            )
        if fmt == "text":
            _write_output(report.render_text(result, lang), output, lang)
        elif fmt == "json":
            _write_output(json.dumps(report.as_dict(result), ensure_ascii=False, indent=2), output, lang)
        elif fmt == "xlsx":
            report.write_xlsx(result, Path(output))
        elif fmt == "html":
            report.write_html(result, Path(output), helhedsplan=_helhedsplan(dossier))
        else:
            import tempfile

            from checker.files import write_file

            # made in a folder of its own: only the file asked for is written (never an X.docx beside X.pdf)
            with tempfile.TemporaryDirectory(prefix="aftale-audit-") as tmp:
                made = report.write_report(
                    result,
                    Path(tmp) / "revisionsrapport.docx",
                    pdf=fmt == "pdf",
                    helhedsplan=_helhedsplan(dossier),
                )
                write_file(output, made[-1].read_bytes())
        if fmt not in ("text", "json"):
            click.echo(f"Wrote {output}" if lang == "en" else f"Skrev {output}")
    except CouldNotRun as exc:
        _fail(exc, lang)
    sys.exit(1 if result.documentation_missing else 0)


def _audit_portfolio(paths, when, output, jobs: int, lang: str) -> None:
    """`audit --format json` of several dossiers: {"portfolio": true, "dossiers": [...]}, each with its
    audit or why it could not be made. Exit 2 if any could not, 1 if any lacks documentation, else 0."""
    import json

    from checker import __version__, portfolio
    from checker.followup.audit import audit as run_audit
    from checker.report import audit as report

    entries = list(portfolio.run(paths, lambda path: run_audit(path, when), jobs=jobs))
    body = {
        "tool": {"name": "aftale", "version": __version__},
        "command": "audit",
        "portfolio": True,
        "dossiers": [
            {
                "dossier": str(e.path),
                "plan": e.plan,
                "audit": report.as_dict(e.result) if e.result else None,
                "could_not_run": e.failure.get(lang) if e.failure else None,
            }
            for e in entries
        ],
    }
    _write_output(json.dumps(body, ensure_ascii=False, indent=2), output, lang)
    if any(e.failure for e in entries):
        sys.exit(2)
    sys.exit(1 if any(e.result.documentation_missing for e in entries) else 0)


def _helhedsplan(dossier: str) -> str | None:
    import json
    from pathlib import Path

    try:
        return json.loads((Path(dossier) / "samarbejdsaftale.json").read_text(encoding="utf-8"))[
            "helhedsplan"
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return None


@main.command()
@LANG
@RULESETS
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
@RULESETS
@click.option(
    "--start", metavar="ÅÅÅÅ-MM-DD", help="Periodens startdato (standard: første dag i næste måned)."
)
@click.option(
    "--slut", "end", metavar="ÅÅÅÅ-MM-DD", help="Periodens slutdato (standard: regelsættets længde)."
)
@click.option(
    "--regelsaet",
    "ruleset_id",
    default="lbf-2019-2026",
    show_default=True,
    help="Regelsættet aftalen skrives efter / the rule set.",
)
@click.option("--omraade", "areas", multiple=True, metavar="NAVN", help="Et boligområde (gentag) / an area.")
@click.option(
    "--part",
    "parties",
    multiple=True,
    metavar="TYPE:NAVN[:CVR]",
    help="En part eller aktør, fx kommune:Slagelse Kommune (gentag); politi underskriver ikke / a party.",
)
@click.option(
    "--indsatsomraade",
    "chosen",
    multiple=True,
    metavar="NUMMER",
    help="Et valgt indsatsområde (gentag; standard: alle i regelsættet) / a chosen area.",
)
def new(
    folder: str,
    lang: str,
    start: str | None,
    end: str | None,
    ruleset_id: str,
    areas: tuple[str, ...],
    parties: tuple[str, ...],
    chosen: tuple[str, ...],
) -> None:
    """Opret et nyt dossier i FOLDER med pladsholdere, der skal udfyldes.

    Create a new dossier in FOLDER: the agreement, a delaftale per chosen indsatsområde, the
    kommissorium, milepælsplan, beredskabsplan, and the budget and aktivitetsskema workbooks with
    calculated formulas (LibreOffice). Every value to supply is a visible UDFYLD placeholder.
    Refuses to touch an existing, non-empty folder.
    """
    from checker.scaffold import create_dossier

    try:
        created = create_dossier(
            folder,
            start,
            end=end,
            ruleset_id=ruleset_id,
            areas=list(areas),
            parties=list(parties),
            chosen=list(chosen),
        )
    except CouldNotRun as exc:
        _fail(exc, lang)
    if lang == "en":
        click.echo(f"Created the dossier {folder} with {len(created)} files:")
    else:
        click.echo(f"Oprettede dossieret {folder} med {len(created)} filer:")
    for rel in created:
        click.echo(f"  {rel}")
    click.echo(
        "Replace every 'UDFYLD' placeholder; 'aftale check " + folder + "' lists those left."
        if lang == "en"
        else "Erstat alle pladsholdere med »UDFYLD«; »aftale check " + folder + "« viser dem, der er tilbage."
    )


@main.command("import")
@click.argument("file", type=click.Path(path_type=str))
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=str),
    help="Mappen, det nye dossier skrives i; må ikke findes eller skal være tom / the new dossier's folder.",
)
@click.option(
    "--regelsaet",
    "ruleset_id",
    help="Regelsættet (standard: afgjort af perioden og indsatsområderne) / the rule set.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Tekst til mennesker eller JSON til maskiner / text for people or JSON for machines.",
)
@LANG
@RULESETS
def import_(file: str, out: str, ruleset_id: str | None, fmt: str, lang: str) -> None:
    """Importér en eksisterende aftale (PDF eller Word) som et udkast til et dossier i OUT.

    Read FILE (a PDF with text, or a Word .docx; told apart by content), recognise what Landsbyggefonden's
    template fixes, write a complete dossier (as 'aftale new' would) with what was recognised filled in
    and the rest as UDFYLD placeholders, check it, and report the fields recognised, the fields to review
    with their place in FILE, and the check's summary. Exit 0: written (a draft may have findings);
    2: could not run (nothing written).
    """
    from pathlib import Path

    from checker.check import check_dossier
    from checker.importer.recognise import recognise
    from checker.importer.report import REPORTERS, ImportReport
    from checker.importer.source import read_source
    from checker.scaffold import check_target, write_dossier

    target = Path(out)
    try:
        check_target(target, "import")
        source = read_source(Path(file))
        recognition = recognise(source, ruleset_id=ruleset_id)
        written = write_dossier(target, recognition.files)
        result = check_dossier(target)
    except CouldNotRun as exc:
        _fail(exc, lang)
    report = ImportReport(source, out, written, list(recognition.fields), result)
    click.echo(REPORTERS[fmt](report, lang))


@main.command()
@click.argument("dossier", type=click.Path(path_type=str))
@click.option("--dry-run", is_flag=True, help="Vis ændringerne uden at skrive / show the changes only.")
@LANG
def migrate(dossier: str, dry_run: bool, lang: str) -> None:
    """Opgradér DOSSIER til den nuværende skemaversion.

    Upgrade DOSSIER to the current schema version, losslessly, listing every change. Each file is
    replaced atomically, the agreement (which carries the version) last. Exit 0: upgraded or already
    current; 2: could not run.
    """
    from pathlib import Path

    from checker.migrate import migrate as run_migration
    from checker.model import SCHEMA_VERSION

    try:
        m = run_migration(Path(dossier), dry_run=dry_run)
    except CouldNotRun as exc:
        _fail(exc, lang)
    if not m.changes:
        click.echo(
            f"{dossier} is already in schema version {SCHEMA_VERSION}; nothing changed."
            if lang == "en"
            else f"{dossier} er allerede i skemaversion {SCHEMA_VERSION}; intet er ændret."
        )
        return
    for rel, change in m.changes:
        click.echo(f"  {rel}: {change.get(lang)}")
    files = len(m.texts)
    if dry_run:
        click.echo(
            f"Would upgrade {dossier} from schema version {m.version} to {SCHEMA_VERSION} ({files} files); nothing written."
            if lang == "en"
            else f"Ville opgradere {dossier} fra skemaversion {m.version} til {SCHEMA_VERSION} ({files} filer); intet er skrevet."
        )
    else:
        click.echo(
            f"Upgraded {dossier} from schema version {m.version} to {SCHEMA_VERSION}: {files} files changed. Run: aftale check {dossier}"
            if lang == "en"
            else f"Opgraderede {dossier} fra skemaversion {m.version} til {SCHEMA_VERSION}: {files} filer ændret. Kør: aftale check {dossier}"
        )


@main.command()
@LANG
@RULESETS
@click.option(
    "--vscode",
    is_flag=True,
    help="Udskriv VS Code-indstillingen »json.schemas« / print VS Code's json.schemas setting.",
)
@click.option(
    "--write",
    "workspace",
    type=click.Path(file_okay=False, exists=True, path_type=str),
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


@main.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...", type=click.Path(path_type=str))
@LANG
def recalc(files: tuple[str, ...], lang: str) -> None:
    """Genberegn arbejdsbøgernes formler med LibreOffice, og gem dem.

    Recalculate the formulas of each workbook (.xlsx) with LibreOffice and save it, so that the values
    aftale reads are there. One LibreOffice run for all files; a file is replaced only when every
    formula has its value. Exit 0: recalculated; 2: could not run (every file unchanged).
    """
    from pathlib import Path

    from checker.workbooks import recalculate

    try:
        recalculate([Path(f) for f in files])
    except CouldNotRun as exc:
        _fail(exc, lang)
    for f in dict.fromkeys(files):
        click.echo(f"Recalculated {f}" if lang == "en" else f"Genberegnede {f}")


@main.command()
@click.argument("folder", required=False, default="agreements", type=click.Path(path_type=str))
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Adressen der lyttes på / the address to listen on.",
)
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="0 vælger en ledig port."
)
@click.option(
    "--token",
    help="Adgangsnøgle (mindst 16 tegn); ellers dannes en / access token; one is made if not given.",
)
@click.option(
    "--no-browser", "no_browser", is_flag=True, help="Åbn ikke browseren / do not open the browser."
)
@LANG
@RULESETS
def serve(folder: str, host: str, port: int, token: str | None, no_browser: bool, lang: str) -> None:
    """Arbejdsbordet i browseren: dossiererne i FOLDER som formularer.

    The workbench in the browser: the dossiers in FOLDER (default agreements/) as forms, checked as
    they are saved, built, signed, revised and followed up. Listens on 127.0.0.1 unless --host; prints
    the address with its access token and opens it. Exit 0 when stopped; 2: could not start.
    """
    from checker.web.server import serve as run_server

    try:
        run_server(folder, host, port, token, not no_browser, lang)
    except CouldNotRun as exc:
        _fail(exc, lang)
