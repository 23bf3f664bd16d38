"""aftale build: check, render every document from its template, draw the organisationsdiagram,
convert to PDF/A in one LibreOffice run, and write everything atomically with a manifest.

The outputs are made in a staging folder beside the target and moved into place only when complete:
an interrupted build leaves the previous complete output (or, in the instant between two renames,
none), never a half-written file.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from checker import __version__, stopping
from checker.files import cannot_write, output_folder, private_folder
from checker.findings import CouldNotRun, Result, Severity, Text
from checker.jsonsource import read_json
from checker.resources import template_dir
from checker.sign.requirement import make_requirement

TEMPLATES = {
    "strategisk-samarbejdsaftale": "samarbejdsaftale.docx",
    "delaftale": "delaftale.docx",
    "kommissorium": "kommissorium.docx",
    "milepaelsplan": "milepaelsplan.docx",
    "beredskabsplan": "beredskabsplan.docx",
}
SIGNED = ("strategisk-samarbejdsaftale", "delaftale")  # the parties sign these; the others are annexes
ORDER = ["strategisk-samarbejdsaftale", "delaftale", "kommissorium", "milepaelsplan", "beredskabsplan"]
# Every Word file says it is Danish (the PDF's /Lang) and has its own title (the PDF's title); its dates
# are the build's document time (document_time), never "now", so the same sources give the same
# documents; see docs/pdfa.md.
FIXED_PROPERTIES = {"language": "da-DK", "revision": 1, "last_printed": None}
# one word each: LibreOffice splits keywords at spaces when it writes the PDF's
KEYWORDS = ["boligsocial", "Landsbyggefonden"]
DOCTYPE_WORDS = {
    "strategisk-samarbejdsaftale": "samarbejdsaftale",
    "delaftale": "delaftale",
    "kommissorium": "kommissorium",
    "milepaelsplan": "milepælsplan",
    "beredskabsplan": "beredskabsplan",
}


def document_time(aftale: dict) -> datetime | None:
    """The date a build's documents carry as created and modified (Word) and as creation date (the
    organisationsdiagram's PDF): SOURCE_DATE_EPOCH when set (the reproducible-builds convention, seconds
    since 1970 UTC); otherwise the date of the agreement's version (``version.dato``, or the date its
    entry in ``historik`` gives); otherwise none, and the documents claim no date. Never the time of the
    build, so that two builds of the same sources give the same documents."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC)
        except (ValueError, OverflowError, OSError):
            raise CouldNotRun(
                Text(
                    f"SOURCE_DATE_EPOCH skal være et helt antal sekunder siden 1970, ikke »{epoch}«.",
                    f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not '{epoch}'.",
                )
            ) from None
    version = aftale.get("version") or {}
    dated = version.get("dato") or next(
        (
            entry.get("dato")
            for entry in reversed(aftale.get("historik") or [])
            if entry.get("nummer") == version.get("nummer") and entry.get("dato")
        ),
        None,
    )
    if not dated:
        return None
    return datetime.combine(date.fromisoformat(str(dated)), datetime.min.time(), UTC)


def document_properties(
    title: str, doctype: str, *, draft: bool, example: bool, when: datetime | None
) -> dict[str, Any]:
    """The core properties of one built Word file (checker.assemble.render.set_properties): its title,
    keywords that say what it is ("udkast" for a draft, "eksempel" for invented example data; never the
    template's "skabelon"), category "Udkast" for a draft, and the build's document time (none when
    document_time has none)."""
    keywords = [*KEYWORDS, DOCTYPE_WORDS.get(doctype, doctype)]
    if draft:
        keywords.append("udkast")
    if example:
        keywords.append("eksempel")
    return {
        **FIXED_PROPERTIES,
        "title": title,
        "keywords": "; ".join(keywords),
        "category": "Udkast" if draft else "",
        "created": when,
        "modified": when,
    }


class BuildRefused(Exception):
    """The dossier has errors; the result says which."""

    def __init__(self, result: Result, reason: Text):
        super().__init__(reason.en)
        self.result = result
        self.reason = reason


@dataclass
class BuildResult:
    out: Path
    check: Result
    draft: bool
    documents: list[Path] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)


def output_name(rel: str, doctype: str) -> str:
    """delaftaler/5.1-tryghed-og-trivsel.json -> delaftale-5.1-tryghed-og-trivsel"""
    stem = Path(rel).stem
    if doctype == "strategisk-samarbejdsaftale":
        return "samarbejdsaftale"
    if doctype in ("delaftale", "kommissorium") and not stem.startswith(doctype):
        return f"{doctype}-{stem}"
    return stem


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _documents(check: Result, root: Path) -> list[tuple[str, str, dict]]:
    """(rel, doctype, data) of every schema-valid document, agreement first."""
    invalid = {
        f.file
        for f in check.findings
        if f.severity is Severity.ERROR and f.code.startswith(("schema-", "json-", "doc-"))
    }
    docs = []
    for entry in check.files:
        if entry.dokumenttype in TEMPLATES and entry.path not in invalid:
            data = read_json(root / entry.path, entry.path)
            docs.append((entry.path, entry.dokumenttype, data))
    docs.sort(key=lambda d: (ORDER.index(d[1]), d[0]))
    return docs


def build(
    dossier: str | os.PathLike,
    out: Path | None = None,
    *,
    draft: bool = False,
    pdf: bool = True,
    templates: Path | None = None,
    as_of=None,
    progress: Callable[[Text], None] | None = None,
) -> BuildResult:
    """`progress`, if given, is told each step as it begins (`aftale serve` shows them).

    One check per build, in two halves: the sources are read and checked against their schemas, then
    the Word files are rendered in a child process while the rules run here. LibreOffice starts at
    once, so that its start-up runs beside all this; it is given the Word files, and anything is
    written beside `out`, only when the whole check has allowed the build (a refused build stops it)."""
    from checker.assemble import orgchart, view
    from checker.assemble.pdf import convert, start_office
    from checker.assemble.render import start_rendering
    from checker.check import apply_rules, validated

    step = progress or (lambda _text: None)
    root = Path(dossier)
    # LibreOffice's start-up (1–1.5 s) runs beside the check and the rendering; a refused build stops it
    office = start_office() if pdf else None
    work: Path | None = None
    rendering = None
    staging: Path | None = None
    try:
        step(Text("Kontrollerer dossieret", "Checking the dossier"))
        checked = validated(root)
        if _structural(checked.result):
            _allowed(apply_rules(checked, as_of=as_of), draft)  # refused, with the rules' findings too
        templates = templates or template_dir()
        docs = _documents(checked.result, root)
        aftale = next(data for rel, t, data in docs if t == "strategisk-samarbejdsaftale")
        # the templates see a presentation copy; `aftale` and `docs` stay as checked, signed and hashed
        shown = view.agreement(aftale)
        bodies = {o["id"]: o for o in shown["organisering"]["organer"]}
        when = document_time(aftale)
        work = private_folder("aftale-build-")
        step(Text("Tegner organisationsdiagrammet", "Drawing the organisation chart"))
        png = orgchart.picture(aftale)  # Graphviz's PDF is drawn later, while LibreOffice works
        picture = work / "organisationsdiagram.png"
        try:
            picture.write_bytes(png)
        except OSError as exc:
            raise cannot_write(work, exc) from None
        diagram_text = orgchart.describe(aftale)
        names: list[tuple[str, str, str]] = []
        jobs: list[dict[str, Any]] = []
        for rel, doctype, data in docs:
            context: dict[str, Any] = {
                "aftale": shown,
                "udkast": draft,
                "eksempel": view.is_example(aftale, data),
            }
            images = descriptions = None
            if doctype == "strategisk-samarbejdsaftale":
                images = {"organisationsdiagram": picture}
                descriptions = {picture.name: diagram_text}
            else:
                context["dokument"] = view.document(data, doctype, aftale)
            if doctype == "kommissorium":
                organ = bodies.get(data["organ"])
                if organ is None:  # reported by the check; a draft still gets a document
                    organ = {"id": data["organ"], "navn": data["organ"]}
                context["organ"] = organ
            properties = document_properties(
                data.get("titel") or aftale["titel"],
                doctype,
                draft=draft,
                example=context["eksempel"],
                when=when,
            )
            jobs.append(
                {
                    "template": templates / TEMPLATES[doctype],
                    "context": context,
                    "images": images,
                    "descriptions": descriptions,
                    "properties": properties,
                }
            )
            names.append((rel, doctype, f"{output_name(rel, doctype)}.docx"))
        # the templates may be the user's own (--templates): rendered in a bounded child process, which
        # works while the rules run here
        step(Text(f"Skriver {len(jobs)} Word-dokumenter", f"Writing {len(jobs)} Word documents"))
        rendering = start_rendering(jobs)
        check = apply_rules(checked, as_of=as_of)
        stopping.checkpoint()
        _allowed(check, draft)
        sources = _sources(root, check)
        out = output_folder(Path(out) if out else Path("generated") / root.resolve().name, dossier=root)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CouldNotRun(
                Text(f"Kan ikke oprette {out}: {exc.strerror}.", f"Cannot create {out}: {exc.strerror}.")
            ) from None
        staging = private_folder(f".{out.name}.build-", out.parent)
        diagram_png, diagram_pdf = staging / picture.name, staging / "organisationsdiagram.pdf"
        diagram_png.write_bytes(png)
        rendered = [(rel, doctype, staging / name) for rel, doctype, name in names]
        for (_rel, _doctype, target), data in zip(rendered, rendering.result(), strict=True):
            target.write_bytes(data)
        outputs = [diagram_png, diagram_pdf] + [t for _r, _d, t in rendered]

        def write_diagram_pdf() -> None:
            diagram_pdf.write_bytes(orgchart.pdfa(aftale, orgchart.drawing(aftale), when=when))

        if pdf:

            def meanwhile() -> None:
                write_diagram_pdf()
                _load_signing()

            signed = [doctype in SIGNED for _rel, doctype, _t in rendered]
            pdfs = [staging / f"{t.stem}.pdf" for _r, _d, t in rendered]
            signed_pdfs = {p for p, s in zip(pdfs, signed, strict=True) if s}
            outputs += pdfs
            order = sorted(range(len(rendered)), key=lambda i: signed[i])  # the unsigned ones first
            others: list[dict] | None = None

            def add_fields(k: int, pdf_path: Path) -> None:
                """The signing requirement and empty signature fields of a signed document, as soon as
                LibreOffice has converted it. It converts the documents nobody signs first, so these are
                all complete by then, and their hashes go into every requirement: the parties'
                signatures then cover the annexes LBF receives beside what they sign."""
                nonlocal others
                i = order[k]
                if not signed[i]:
                    return
                if others is None:
                    diagram.result()  # the diagram's PDF is one of them; the signing libraries are loaded
                    step(Text("Tilføjer underskriftsfelter", "Adding signature fields"))
                    others = [
                        {"path": o.name, "sha256": _sha256(o)}
                        for o in sorted(outputs)
                        if o not in signed_pdfs
                    ]
                rel, _doctype, _t = rendered[i]
                data = docs[i][2]
                requirement = make_requirement(
                    pdf_path.stem,
                    rel,
                    data,
                    aftale.get("parter", []),
                    dossier=root.resolve().name,
                    version=(aftale.get("version") or {}).get("nummer"),
                    draft=draft,
                    sources=sources,
                    documents=others,
                )
                _add_signature_fields(pdf_path, data, requirement)

            # while LibreOffice converts the Word files: the diagram's PDF and its PDF/A step (about 0.15 s)
            # and loading the signing libraries the signature fields need next (pyHanko, about 0.4 s);
            # then the signature fields of each signed document while LibreOffice converts the next
            stopping.checkpoint()
            step(Text("Laver PDF/A med LibreOffice", "Making PDF/A with LibreOffice"))
            diagram = Beside(meanwhile)
            convert([rendered[i][2] for i in order], staging, on_pdf=add_fields, office=office)
            diagram.result()
        else:
            write_diagram_pdf()
        step(Text("Skriver manifestet", "Writing the manifest"))
        manifest = _manifest(
            root, check, draft, templates, [t for _r, t, _p in rendered], outputs, docs, aftale, sources
        )
        (staging / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        for path in staging.iterdir():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
        stopping.checkpoint()
        _swap_into_place(staging, out)
    except OSError as exc:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS):
            raise
        # writing the outputs or the working files: a full disk said as such, nothing left behind
        raise cannot_write(out.parent if staging is not None else (work or root), exc) from None
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        if rendering is not None:
            rendering.stop()
        if office is not None:
            office.close()
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    return BuildResult(out, check, draft, [out / p.name for p in outputs], manifest)


class Beside:
    """work() in a thread of its own, begun now; result() waits for it and raises what it raised. The
    thread is a daemon and is not waited for when the build ends another way (Ctrl-C): a thread held
    up by an import that the interrupt left locked cannot then keep the program from ending."""

    def __init__(self, work: Callable[[], None]) -> None:
        import threading

        self._error: BaseException | None = None
        self._done = threading.Event()

        def body() -> None:
            try:
                work()
            except BaseException as exc:  # handed to result()
                self._error = exc
            finally:
                self._done.set()

        threading.Thread(target=body, name="aftale-beside", daemon=True).start()

    def result(self) -> None:
        self._done.wait()
        if self._error is not None:
            raise self._error


def _structural(check: Result) -> bool:
    """Errors that leave nothing to build, not even a draft: a source that is not valid JSON or does not
    follow its schema, or rules that could not run."""
    return any(
        f.severity is Severity.ERROR and f.code.startswith(("schema-", "json-", "doc-", "rules-"))
        for f in check.findings
    ) or any(f.code == "rules-skipped" for f in check.findings)


def _allowed(check: Result, draft: bool) -> None:
    """BuildRefused unless the complete check allows this build (a draft is built despite rule errors)."""
    if _structural(check):
        raise BuildRefused(
            check,
            Text(
                "Dossierets filer er ikke gyldige efter skemaerne; det kan ikke bygges, heller ikke som udkast.",
                "The dossier's files do not follow their schemas; it cannot be built, not even as a draft.",
            ),
        )
    if not check.valid and not draft:
        raise BuildRefused(
            check,
            Text(
                "Kontrollen fandt fejl; dokumenterne bygges ikke. Ret fejlene, eller byg et udkast med --draft.",
                "The check found errors; the documents are not built. Fix them, or build a draft with --draft.",
            ),
        )


def _load_signing() -> None:
    """Import what _add_signature_fields uses, so that it is loaded while LibreOffice works (a fork of
    soffice meanwhile is safe: the interpreter holds its import lock across fork)."""
    import pdfplumber  # noqa: F401 - locate_blocks reads the signature pages with it
    import pyhanko.pdf_utils.incremental_writer  # noqa: F401
    import pyhanko.sign.fields  # noqa: F401

    import checker.sign.fields  # noqa: F401


def _add_signature_fields(pdf_path: Path, data: dict, requirement: dict) -> None:
    """One empty signature field per party that has not signed elsewhere, on its block of the signature
    page, and the signing requirement, created before anyone signs so that a later signature never
    invalidates an earlier one and every signature covers who had to sign."""
    from checker.sign import field_name
    from checker.sign.fields import add_signature_fields, locate_blocks

    blocks = [b for b in data.get("underskrifter", []) if "navn" not in b]
    if not blocks:
        add_signature_fields(pdf_path, [], requirement)
        return
    labels = {b.get("betegnelse", b["part"]): b["part"] for b in blocks}
    found = locate_blocks(pdf_path, list(labels))
    missing = [label for label in labels if label not in found]
    if missing:
        raise CouldNotRun(
            Text(
                f"Underskriftsblokkene for {', '.join(missing)} findes ikke i {pdf_path.name}; skabelonen skal vise partens navn på underskriftssiden.",
                f"The signature blocks of {', '.join(missing)} are not in {pdf_path.name}; the template must print the party's name on the signature page.",
            )
        )
    add_signature_fields(
        pdf_path,
        [(field_name(labels[label]), page, box) for label, (page, box) in found.items()],
        requirement,
        parties={field_name(party): party for party in labels.values()},
    )


def _sources(root: Path, check: Result) -> list[dict]:
    """[{"path", "sha256"}] of every source the check read, sorted by path."""
    return [
        {"path": entry.path, "sha256": entry.sha256 or _sha256(root / entry.path)}
        for entry in sorted(check.files, key=lambda f: f.path)
    ]


def _manifest(root, check, draft, templates, doctypes, outputs, docs, aftale, sources) -> dict:
    used = sorted({TEMPLATES[t] for t in doctypes})
    return {
        "tool": {"name": "aftale", "version": __version__},
        "kind": "build",
        "dossier": root.resolve().name,
        "regelsaet": aftale["regelsaet"],
        "version": aftale["version"],
        "udkast": draft,
        "check": {
            "valid": check.valid,
            "errors": check.count(Severity.ERROR),
            "warnings": check.count(Severity.WARNING),
            "infos": check.count(Severity.INFO),
            "findings": sorted({f.code for f in check.findings}),
        },
        "sources": sources,
        "templates": [{"name": name, "sha256": _sha256(templates / name)} for name in used],
        "outputs": [
            {"path": p.name, "sha256": _sha256(p), "bytes": p.stat().st_size}
            for p in sorted(outputs, key=lambda p: p.name)
        ],
        "documents": [{"source": rel, "dokumenttype": t} for rel, t, _d in docs],
    }


def _swap_into_place(staging: Path, out: Path) -> None:
    """Move the finished staging folder to `out`, replacing an earlier build there (output_folder has
    checked that `out` is new, empty or an earlier build)."""
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.rename(out, old)
        os.rename(staging, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(staging, out)
