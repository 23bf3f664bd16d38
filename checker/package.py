"""aftale package / aftale verify PACKAGE: the submission package for Landsbyggefonden, and the check
LBF or the auditor runs on it.

The package is a zip with fixed timestamps, order and permissions: the same inputs give the same
bytes. It holds the built (and signed) documents, the dossier's sources and annexes, the check
report, an ændringsoversigt for a revision, and manifest.json with the sha256 of every file; with
--key/--cert the secretariat seals manifest.json (manifest.json.p7s, a detached CMS signature).

What `verify PACKAGE` trusts, and what it does not: the manifest is only as good as its seal, so an
unsealed package is reported as such. Who must sign which document, and which sources the parties
signed, is read from the signing requirement inside each signed PDF (covered by the parties'
signatures), never from the manifest.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from checker import __version__
from checker.findings import CouldNotRun, Result, Severity, Text
from checker.jsonsource import read_json

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
MAX_PACKAGE_BYTES = 500 * 1024 * 1024
MAX_ENTRIES = 5000
MAX_UNPACKED = 1024 * 1024 * 1024
MAX_MANIFEST_BYTES = 10 * 1024 * 1024
MAX_RATIO = 200


class PackageRefused(Exception):
    def __init__(self, reason: Text, result: Result | None = None, details: list[Text] | None = None):
        super().__init__(reason.en)
        self.reason = reason
        self.result = result
        self.details = details or []


@dataclass
class Problem:
    code: str
    text: Text


@dataclass
class PackageVerification:
    path: Path
    files: int = 0
    problems: list[Problem] = field(default_factory=list)
    signatures: list[tuple[str, object]] = field(default_factory=list)  # (pdf in package, PdfVerification)
    check: Result | None = None
    manifest: dict = field(default_factory=dict)
    seal: object | None = None  # checker.sign.seal.SealInfo when the package is sealed
    notes: list[Text] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def signed_documents(sources: Path) -> list[tuple[str, str, dict]]:
    """(pdf name in the build, source path, JSON) of every document the parties sign: the agreement and
    each delaftale, as the sources in `sources` (a dossier folder, or a package's kilder/) say."""
    from checker.assemble.build import output_name

    delaftaler = sources / "delaftaler"
    candidates = [sources / "samarbejdsaftale.json"]
    if delaftaler.is_dir():
        candidates += sorted(delaftaler.glob("*.json"))
    out = []
    for path in candidates:
        try:
            data = read_json(path)
        except CouldNotRun:
            continue
        kind = data.get("dokumenttype") if isinstance(data, dict) else None
        if kind in ("strategisk-samarbejdsaftale", "delaftale"):
            rel = path.relative_to(sources).as_posix()
            out.append((f"{output_name(rel, kind)}.pdf", rel, data))
    return out


def document_problems(
    label: str,
    report,
    rel: str,
    data: dict,
    aftale: dict,
    sources: dict[str, str],
    documents: dict[str, str] | None = None,
    checked: set[tuple[str, str]] | None = None,
) -> list[Problem]:
    """What is wrong with one signed document (a PdfVerification) against the sources it should have
    been built from: its requirement missing or naming other parties than `data`'s signature blocks, a
    source the parties signed that differs from `sources` ({path: sha256}), and its signatures."""
    from checker.sign.requirement import make_requirement

    problems: list[Problem] = []
    checked = checked if checked is not None else set()
    req = report.requirement
    if req is None:
        problems.append(
            Problem(
                "package-requirement-missing",
                Text(
                    f"{label} bærer intet underskriftskrav: den er ikke bygget af aftale, eller kravet er fjernet. "
                    "Hvem der skal underskrive, og hvilke kilder parterne underskrev, kan ikke afgøres.",
                    f"{label} carries no signing requirement: it was not built by aftale, or the requirement was "
                    "removed. Who must sign, and which sources the parties signed, cannot be told.",
                ),
            )
        )
    else:
        expected = make_requirement(
            "", rel, data, aftale.get("parter", []), dossier="", version=None, draft=False, sources=[]
        )["parter"]
        if req["parter"] != expected:
            problems.append(
                Problem(
                    "package-requirement-mismatch",
                    Text(
                        f"{label}: parterne i PDF'ens underskriftskrav svarer ikke til underskriftsblokkene i {rel}.",
                        f"{label}: the parties in the PDF's signing requirement do not match the signature blocks in {rel}.",
                    ),
                )
            )
        signed = {s["path"]: s["sha256"] for s in req["kilder"]}
        for path in sorted(signed):
            if path not in sources:
                problems.append(
                    Problem(
                        "package-source-not-signed",
                        Text(
                            f"kilder/{path} mangler, men {label} er bygget af den.",
                            f"kilder/{path} is missing, but {label} was built from it.",
                        ),
                    )
                )
            elif sources[path] != signed[path]:
                problems.append(
                    Problem(
                        "package-source-not-signed",
                        Text(
                            f"kilder/{path} er ikke den fil, {label} er bygget af (sha256 afviger fra underskriftskravet).",
                            f"kilder/{path} is not the file {label} was built from (its sha256 differs from the signing requirement).",
                        ),
                    )
                )
        for entry in req.get("dokumenter", []) if documents is not None else []:
            path, digest = entry["path"], entry["sha256"]
            if (path, digest) in checked:
                continue  # every signed document of a build lists the same others: say it once
            checked.add((path, digest))
            if path not in documents:
                problems.append(
                    Problem(
                        "package-document-not-signed",
                        Text(
                            f"dokumenter/{path} mangler, men {label} er bygget sammen med den (underskriftskravet).",
                            f"dokumenter/{path} is missing, but {label} was built together with it (signing requirement).",
                        ),
                    )
                )
            elif documents[path] != digest:
                problems.append(
                    Problem(
                        "package-document-not-signed",
                        Text(
                            f"dokumenter/{path} er ikke det dokument, {label} blev bygget sammen med "
                            "(sha256 afviger fra underskriftskravet).",
                            f"dokumenter/{path} is not the document {label} was built together with "
                            "(its sha256 differs from the signing requirement).",
                        ),
                    )
                )
    if not report.ok:
        da, en = [], []
        if report.missing:
            who = ", ".join(report.party_of(f) or f for f in report.missing)
            da.append(f"mangler underskrift fra {who}")
            en.append(f"missing signature from {who}")
        for s in report.signatures:
            untrusted = report.trust_given and s.kind == "signature" and not s.trusted
            if not s.holds or untrusted:
                da.append(f"{s.field}: " + " ".join(t.da for t in s.problems))
                en.append(f"{s.field}: " + " ".join(t.en for t in s.problems))
        da += [t.da for t in report.problems]
        en += [t.en for t in report.problems]
        problems.append(
            Problem(
                "package-signature",
                Text(
                    f"{label}: underskrifterne holder ikke: " + " | ".join(da),
                    f"{label}: the signatures do not hold: " + " | ".join(en),
                ),
            )
        )
    return problems


def create_package(
    dossier: str | os.PathLike,
    out: Path,
    *,
    build_dir: Path | None = None,
    previous: Path | None = None,
    draft: bool = False,
    trust: list[Path] = (),
    as_of=None,
    key: Path | None = None,
    cert: Path | None = None,
) -> dict:
    from checker.check import check_dossier
    from checker.dossier import open_dossier
    from checker.report.json import as_dict

    root = open_dossier(dossier).root
    if Path(out).resolve().is_relative_to(root.resolve()):
        raise CouldNotRun(
            Text(
                f"--out {out} ligger inde i dossieret; pakken ville blive en af dossierets egne filer. Intet er skrevet.",
                f"--out {out} is inside the dossier; the package would become one of the dossier's own files. "
                "Nothing was written.",
            )
        )
    build_dir = build_dir or Path("generated") / root.resolve().name
    result = check_dossier(root, as_of=as_of)
    if not result.valid and not draft:
        raise PackageRefused(
            Text(
                "Kontrollen fandt fejl; pakken laves ikke (brug --draft til et udkast).",
                "The check found errors; no package is made (use --draft for a draft).",
            ),
            result,
        )
    build_manifest_path = build_dir / "manifest.json"
    if not build_manifest_path.is_file():
        raise CouldNotRun(
            Text(
                f"{build_dir} har ingen bygning (manifest.json); kør først »aftale build {dossier}«.",
                f"{build_dir} has no build (manifest.json); run 'aftale build {dossier}' first.",
            )
        )
    build_manifest = json.loads(build_manifest_path.read_text(encoding="utf-8"))
    current = {f.path: f.sha256 for f in result.files}
    built_from = {s["path"]: s["sha256"] for s in build_manifest.get("sources", [])}
    if built_from != current:
        changed = sorted(set(built_from.items()) ^ set(current.items()))
        names = ", ".join(sorted({p for p, _ in changed})[:5])
        raise PackageRefused(
            Text(
                f"Dokumenterne i {build_dir} er bygget af andre kilder end dossierets nuværende ({names}); kør »aftale build« igen.",
                f"The documents in {build_dir} were built from other sources than the dossier's current ones ({names}); run 'aftale build' again.",
            )
        )
    if build_manifest.get("udkast") and not draft:
        raise PackageRefused(
            Text(
                "Dokumenterne er bygget som udkast; byg dem uden --draft.",
                "The documents were built as a draft; build them without --draft.",
            )
        )

    entries: dict[str, bytes] = {}
    for path in sorted(build_dir.iterdir()):
        if path.is_file() and path.name != "manifest.json" and not path.name.startswith("."):
            entries[f"dokumenter/{path.name}"] = path.read_bytes()
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if (
            path.is_file()
            and not any(part.startswith(".") for part in rel.parts)
            and path.resolve().is_relative_to(root.resolve())
        ):
            entries[f"kilder/{rel.as_posix()}"] = path.read_bytes()

    from checker.sign.verify import verify_pdf

    aftale = read_json(root / "samarbejdsaftale.json")
    current_sources = {f.path: f.sha256 for f in result.files}
    built = {
        path.name: _sha256(path.read_bytes())
        for path in sorted(build_dir.iterdir())
        if path.is_file() and path.name != "manifest.json" and not path.name.startswith(".")
    }
    checked: set[tuple[str, str]] = set()
    signatures: list[dict] = []
    unsigned: list[Text] = []  # excused in a draft
    mismatched: list[Text] = []  # never excused
    for name, rel, data in signed_documents(root):
        if not (build_dir / name).is_file():
            mismatched.append(Text(f"{name} mangler i {build_dir}.", f"{name} is missing from {build_dir}."))
            continue
        report = verify_pdf(build_dir / name, list(trust))
        signatures.append(
            {
                "fil": f"dokumenter/{name}",
                "underskrifter": [_sig_summary(s) for s in report.signatures],
                "registreret": [p["part"] for p in report.recorded],
            }
        )
        for problem in document_problems(name, report, rel, data, aftale, current_sources, built, checked):
            (unsigned if problem.code == "package-signature" else mismatched).append(problem.text)
    if mismatched:
        raise PackageRefused(
            Text(
                "Dokumenterne passer ikke til dossierets kilder; kør »aftale build« igen. Pakken laves ikke.",
                "The documents do not match the dossier's sources; run 'aftale build' again. No package is made.",
            ),
            details=mismatched,
        )
    if unsigned and not draft:
        raise PackageRefused(
            Text(
                "Krævede underskrifter mangler eller holder ikke; pakken laves ikke (brug --draft til et udkast).",
                "Required signatures are missing or do not hold; no package is made (use --draft for a draft).",
            ),
            details=unsigned,
        )

    if previous is not None:
        entries.update(_changes_documents(Path(previous), root))

    report = as_dict(result, "da", "check")
    report["dossier"] = root.resolve().name
    entries["kontrolrapport.json"] = (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    manifest = {
        "tool": {"name": "aftale", "version": __version__},
        "dossier": root.resolve().name,
        "regelsaet": aftale["regelsaet"],
        "version": aftale["version"],
        "historik": aftale.get("historik", []),
        "udkast": draft,
        "kontrol": {
            "valid": result.valid,
            "errors": result.count(Severity.ERROR),
            "warnings": result.count(Severity.WARNING),
        },
        "underskrifter": signatures,
        "files": [
            {"path": name, "sha256": _sha256(data), "bytes": len(data)}
            for name, data in sorted(entries.items())
        ],
    }
    entries["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if key is not None and cert is not None:
        from checker.sign.seal import SEAL_NAME, refuse_sealer, seal, sealer_allowed

        signature, _name, organisation = seal(entries["manifest.json"], Path(key), Path(cert))
        if not sealer_allowed(organisation, aftale):
            raise refuse_sealer(organisation)
        entries[SEAL_NAME] = signature
    _write_zip(out, entries)
    return manifest


def _sig_summary(s) -> dict:
    return {
        "felt": s.field,
        "underskriver": s.signer,
        "organisation": s.organisation,
        "tidspunkt": s.time.isoformat() if s.time else None,
        "gyldig": bool(s.intact and s.valid),
    }


def _changes_documents(previous: Path, root: Path) -> dict[str, bytes]:
    """The ændringsoversigt (Word and PDF/A) made deterministic, so the package stays byte-identical."""
    from checker.assemble.pdf import convert
    from checker.diff import diff_dossiers
    from checker.report.changes import write_aendringsoversigt

    changes = diff_dossiers(previous, root)
    old = read_json(previous / "samarbejdsaftale.json")
    new = read_json(root / "samarbejdsaftale.json")
    with tempfile.TemporaryDirectory(prefix="aftale-changes-") as tmp:
        docx = write_aendringsoversigt(changes, old, new, Path(tmp) / "aendringsoversigt.docx")
        (pdf,) = convert([docx], Path(tmp))
        return {
            "aendringsoversigt.docx": normalise_docx(docx.read_bytes()),
            "aendringsoversigt.pdf": normalise_pdf(pdf.read_bytes()),
        }


def normalise_docx(data: bytes) -> bytes:
    """The same Word document with fixed zip timestamps and entry order."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: (i.filename != "[Content_Types].xml", i.filename)):
            fixed = zipfile.ZipInfo(info.filename, ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def normalise_pdf(data: bytes) -> bytes:
    """The same PDF with its dates and document id fixed (LibreOffice stamps the time of conversion)."""
    import pikepdf

    fixed_date = "D:20000101000000Z"
    with pikepdf.open(io.BytesIO(data)) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            for key in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate"):
                if key in meta:
                    meta[key] = "2000-01-01T00:00:00Z"
            for key in ("xmpMM:DocumentID", "xmpMM:InstanceID"):
                if key in meta:
                    meta[key] = "uuid:00000000-0000-0000-0000-000000000000"
        for intent in pdf.Root.get("/OutputIntents", []):
            profile = intent.get("/DestOutputProfile")
            if profile is not None:
                profile.write(_normalise_icc(profile.read_bytes()))
        if "/CreationDate" in pdf.docinfo:
            pdf.docinfo["/CreationDate"] = fixed_date
        if "/ModDate" in pdf.docinfo:
            pdf.docinfo["/ModDate"] = fixed_date
        # the document id: LibreOffice's is random. Save once with a zero id, then use the hash of
        # that (otherwise fixed) output as the id.
        if "/DocChecksum" in pdf.trailer:  # LibreOffice's own, nonstandard checksum of a random id
            del pdf.trailer["/DocChecksum"]
        zero = pikepdf.String(bytes(16))
        pdf.trailer.ID = pikepdf.Array([zero, zero])
        probe = io.BytesIO()
        pdf.save(probe, static_id=True)
        ident = pikepdf.String(hashlib.sha256(probe.getvalue()).digest()[:16])
        pdf.trailer.ID = pikepdf.Array([ident, ident])
        out = io.BytesIO()
        pdf.save(out, static_id=True)
        return out.getvalue()


def _normalise_icc(icc: bytes) -> bytes:
    """An ICC profile with its creation date fixed (header bytes 24-35) and its profile id cleared
    (bytes 84-99; all zeros means "not computed" in the ICC specification)."""
    if len(icc) < 128:
        return icc
    date = (2000).to_bytes(2, "big") + (1).to_bytes(2, "big") + (1).to_bytes(2, "big") + bytes(6)
    return icc[:24] + date + icc[36:84] + bytes(16) + icc[100:]


def _write_zip(out: Path, entries: dict[str, bytes]) -> None:
    from checker.files import write_file

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name in sorted(entries, key=lambda n: (n not in ("manifest.json", "manifest.json.p7s"), n)):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            z.writestr(info, entries[name], compresslevel=9)
    write_file(out, buffer.getvalue())


# --- verify PACKAGE ----------------------------------------------------------------------------------------


def _safe_name(name: str) -> bool:
    """A plain relative name, written one way only: no absolute path, drive, backslash, control
    character, empty, "." or ".." component (so "dokumenter/./x.pdf" cannot stand for "dokumenter/x.pdf")."""
    if not name or name.startswith("/") or "\\" in name or any(ord(c) < 32 or ord(c) == 127 for c in name):
        return False
    parts = (name[:-1] if name.endswith("/") else name).split("/")
    return all(part not in ("", ".", "..") for part in parts) and ":" not in parts[0]


def _spelling(name: str) -> str:
    """The name as a file system that ignores case or Unicode normalisation would store it."""
    import unicodedata

    return unicodedata.normalize("NFC", name).casefold()


def _layout_problems(path: Path, z: zipfile.ZipFile) -> list[str]:
    """Bytes in the zip that its central directory does not account for: data before the first entry,
    between entries (a hidden entry that streaming readers see), after the last one, or a comment. A zip
    from `aftale package` has none."""
    import struct

    found = []
    if z.comment:
        found.append("comment")
    expected = 0
    with path.open("rb") as fh:
        for info in sorted(z.infolist(), key=lambda i: i.header_offset):
            if info.header_offset != expected:
                found.append(f"offset {expected}")
            fh.seek(info.header_offset)
            header = fh.read(30)
            if len(header) < 30 or header[:4] != b"PK\x03\x04":
                found.append(f"header {info.filename}")
                return found
            name_len, extra_len = struct.unpack("<HH", header[26:30])
            end = info.header_offset + 30 + name_len + extra_len + info.compress_size
            if info.flag_bits & 0x08:  # a data descriptor follows the data
                fh.seek(end)
                descriptor = fh.read(4)
                end += (4 if descriptor == b"PK\x07\x08" else 0) + (20 if info.file_size > 0xFFFFFFFF else 12)
            expected = end
    if expected != z.start_dir:
        found.append(f"offset {expected}")
    return found


def _read_manifest(raw: bytes) -> tuple[dict | None, str | None]:
    """The manifest if it has the shape `aftale package` writes, else (None, what is wrong)."""
    if len(raw) > MAX_MANIFEST_BYTES:
        return None, f"over {MAX_MANIFEST_BYTES // 2**20} MB"
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return None, str(exc) or type(exc).__name__
    if not isinstance(manifest, dict):
        return None, "not a JSON object"
    files = manifest.get("files")
    if not isinstance(files, list):
        return None, "'files' is not a list"
    seen = set()
    for i, entry in enumerate(files):
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("path"), str)
            and isinstance(entry.get("sha256"), str)
            and re.fullmatch(r"[0-9a-f]{64}", entry["sha256"])
            and isinstance(entry.get("bytes", 0), int)
        ):
            return None, f"files[{i}] is not {{path, sha256, bytes}}"
        if entry["path"] in seen:
            return None, f"files[{i}]: {entry['path']} listed twice"
        seen.add(entry["path"])
    if not isinstance(manifest.get("udkast", False), bool):
        return None, "'udkast' is not true or false"
    return manifest, None


def _problem(v: PackageVerification, code: str, da: str, en: str) -> None:
    v.problems.append(Problem(code, Text(da, en)))


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CouldNotRun(
            Text(f"Kan ikke læse {path}: {exc.strerror}.", f"Cannot read {path}: {exc.strerror}.")
        ) from None
    if size > MAX_PACKAGE_BYTES:
        raise CouldNotRun(
            Text(
                f"{path} er {size // 2**20} MB; en pakke må højst fylde {MAX_PACKAGE_BYTES // 2**20} MB. Den læses ikke.",
                f"{path} is {size // 2**20} MB; a package may be at most {MAX_PACKAGE_BYTES // 2**20} MB. It is not read.",
            )
        )
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise CouldNotRun(
            Text(
                f"{path} kan ikke læses som en zip-fil (en pakke fra »aftale package«); den er beskadiget eller afkortet ({exc}).",
                f"{path} cannot be read as a zip file (a package from 'aftale package'); it is damaged or truncated ({exc}).",
            )
        ) from None


def _unpack(z: zipfile.ZipFile, v: PackageVerification, target: Path) -> dict[str, str]:
    """Check every entry's name and size, unpack the safe ones into `target` while hashing them;
    {name: sha256} of what was unpacked."""
    infos = z.infolist()
    if len(infos) > MAX_ENTRIES or sum(i.file_size for i in infos) > MAX_UNPACKED:
        raise CouldNotRun(
            Text(
                f"{v.path} pakker ud til mere end tilladt ({MAX_ENTRIES} filer, {MAX_UNPACKED // 2**20} MB; zip-bombe?).",
                f"{v.path} unpacks to more than allowed ({MAX_ENTRIES} files, {MAX_UNPACKED // 2**20} MB; zip bomb?).",
            )
        )
    from collections import Counter

    hidden = _layout_problems(v.path, z)
    if hidden:
        _problem(
            v,
            "package-hidden-data",
            "Pakken indeholder data, som zip-fortegnelsen ikke viser ("
            + ", ".join(hidden[:3])
            + "): et program, "
            "der læser zip-filen fra begyndelsen, kan se andre filer end dem, der er kontrolleret.",
            "The package holds data its zip directory does not show ("
            + ", ".join(hidden[:3])
            + "): a program "
            "that reads the zip from the start may see other files than the ones checked.",
        )
    names = [i.filename for i in infos if not i.is_dir()]
    spellings = Counter(_spelling(n) for n in names)
    for name in sorted({n for n in names if spellings[_spelling(n)] > 1}):
        _problem(
            v,
            "package-duplicate-name",
            f"»{name}« står flere gange i pakken (evt. stavet med andre store/små bogstaver eller tegn); hvilken "
            "der gælder, kan ikke afgøres.",
            f"'{name}' occurs more than once in the package (perhaps spelt with other case or characters); which "
            "one counts cannot be told.",
        )
    for info in infos:
        if info.is_dir() and info.file_size:
            _problem(
                v,
                "package-hidden-data",
                f"Mappen »{info.filename}« i pakken indeholder data.",
                f"The folder '{info.filename}' in the package holds data.",
            )
    files = set(names)
    for name in sorted(files):
        parents = [str(parent) for parent in PurePosixPath(name).parents if str(parent) != "."]
        clash = next((p for p in parents if p in files), None)
        if clash:
            _problem(
                v,
                "package-name-clash",
                f"»{clash}« er både en fil og en mappe (for »{name}«) i pakken.",
                f"'{clash}' is both a file and a folder (for '{name}') in the package.",
            )
    hashes: dict[str, str] = {}
    for info in infos:
        name = info.filename
        if not _safe_name(name):
            _problem(
                v,
                "package-unsafe-name",
                f"Filnavnet »{name}« i pakken peger uden for pakken eller er skrevet tvetydigt; det udpakkes ikke.",
                f"The file name '{name}' in the package points outside it or is ambiguous; it is not unpacked.",
            )
            continue
        if info.is_dir() or spellings[_spelling(name)] > 1 or name in hashes:
            continue
        if (
            info.file_size > 1 << 20
            and info.compress_size
            and info.file_size / info.compress_size > MAX_RATIO
        ):
            raise CouldNotRun(
                Text(
                    f"»{name}« i pakken er mistænkeligt komprimeret (zip-bombe?).",
                    f"'{name}' in the package is suspiciously compressed (zip bomb?).",
                )
            )
        out = target / name
        if any(str(p) in files for p in PurePosixPath(name).parents if str(p) != "."):
            continue  # a file/folder clash, reported above
        digest = hashlib.sha256()
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            with z.open(info) as src, open(out, "wb") as dst:
                for block in iter(lambda: src.read(1 << 20), b""):
                    digest.update(block)
                    dst.write(block)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
            out.unlink(missing_ok=True)
            _problem(
                v,
                "package-corrupt-entry",
                f"»{name}« i pakken kan ikke pakkes ud; den er beskadiget ({exc}).",
                f"'{name}' in the package cannot be unpacked; it is damaged ({exc}).",
            )
            continue
        hashes[name] = digest.hexdigest()
    return hashes


def verify_package(
    path: Path, trust: list[Path] = (), as_of=None, allow_unsealed: bool = False
) -> PackageVerification:
    """Everything LBF or the auditor can check in a package; see the module docstring. Problems make
    the verdict "does not hold"; notes are said, not counted."""
    from checker.check import check_dossier
    from checker.sign.seal import SEAL_NAME, check_seal, sealer_allowed
    from checker.sign.verify import _load_trust, verify_pdf

    path = Path(path)
    v = PackageVerification(path)
    roots = _load_trust(trust)
    with _open_zip(path) as z, tempfile.TemporaryDirectory(prefix="aftale-verify-") as tmp:
        tmp_path = Path(tmp)
        hashes = _unpack(z, v, tmp_path)
        if "manifest.json" not in hashes:
            _problem(
                v,
                "package-no-manifest",
                "Pakken har ingen manifest.json.",
                "The package has no manifest.json.",
            )
            return v
        manifest_bytes = (tmp_path / "manifest.json").read_bytes()
        manifest, error = _read_manifest(manifest_bytes)
        if manifest is None:
            _problem(
                v,
                "package-bad-manifest",
                f"Pakkens manifest.json kan ikke læses: {error}.",
                f"The package's manifest.json cannot be read: {error}.",
            )
            return v
        v.manifest = manifest

        # the seal: is the manifest the secretariat's?
        if SEAL_NAME in hashes:
            v.seal = check_seal(manifest_bytes, (tmp_path / SEAL_NAME).read_bytes(), roots, bool(trust))
            if not v.seal.holds:
                _problem(
                    v,
                    "package-seal-invalid",
                    *_texts(v.seal.problems, "Forseglingen holder ikke", "The seal does not hold"),
                )
            elif trust and not v.seal.trusted:
                _problem(
                    v,
                    "package-seal-untrusted",
                    *_texts(v.seal.problems, "Forseglingen er ikke betroet", "The seal is not trusted"),
                )
        elif not allow_unsealed:
            _problem(
                v,
                "package-unsealed",
                "Pakken er ikke forseglet: manifest.json kan være skrevet om af hvem som helst. Kun filer, som "
                "parternes underskrifter dækker, er kontrolleret (--allow-unsealed godtager en uforseglet pakke).",
                "The package is not sealed: anyone may have rewritten manifest.json. Only files covered by the "
                "parties' signatures were checked (--allow-unsealed accepts an unsealed package).",
            )
        else:
            v.notes.append(
                Text(
                    "Pakken er ikke forseglet (godtaget med --allow-unsealed): filer, som ingen underskrift dækker, "
                    "er kun kontrolleret mod manifestet.",
                    "The package is not sealed (accepted with --allow-unsealed): files no signature covers were "
                    "only checked against the manifest.",
                )
            )

        if not trust:
            _problem(
                v,
                "package-no-trust",
                "Ingen --trust: underskrifterne og forseglingen er ikke kontrolleret mod et betroet certifikat, så "
                "hvem der har underskrevet og indsendt, er ikke bekræftet.",
                "No --trust: the signatures and the seal were not checked against a trusted certificate, so who "
                "signed and submitted is not confirmed.",
            )

        # every file against the manifest
        listed = {f["path"]: f["sha256"] for f in manifest["files"]}
        contents = {n: h for n, h in hashes.items() if n not in ("manifest.json", SEAL_NAME)}
        v.files = len(contents)
        for name, digest in sorted(contents.items()):
            if name not in listed:
                _problem(
                    v,
                    "package-extra-file",
                    f"{name} står ikke i manifestet (tilføjet efter pakningen?).",
                    f"{name} is not in the manifest (added after packaging?).",
                )
            elif digest != listed[name]:
                _problem(
                    v,
                    "package-hash-mismatch",
                    f"{name} er ændret: sha256 passer ikke med manifestet.",
                    f"{name} has changed: its sha256 does not match the manifest.",
                )
        for name in sorted(set(listed) - set(contents)):
            _problem(
                v,
                "package-missing-file",
                f"{name} står i manifestet, men mangler i pakken.",
                f"{name} is in the manifest but missing from the package.",
            )

        sources = tmp_path / "kilder"
        if not (sources / "samarbejdsaftale.json").is_file():
            _problem(
                v,
                "package-no-sources",
                "Pakken har ingen kilder/samarbejdsaftale.json.",
                "The package has no kilder/samarbejdsaftale.json.",
            )
            return v
        try:
            aftale = read_json(sources / "samarbejdsaftale.json")
        except CouldNotRun:
            aftale = None
        if not isinstance(aftale, dict):
            aftale = {}

        if v.seal is not None and v.seal.holds and not sealer_allowed(v.seal.organisation, aftale):
            _problem(
                v,
                "package-seal-party",
                f"Pakken er forseglet af »{v.seal.organisation}«, som hverken er sekretariatet eller den organisation, "
                "det er placeret under.",
                f"The package is sealed by '{v.seal.organisation}', which is neither the secretariat nor the "
                "organisation it is placed under.",
            )

        # the signed documents: which ones, and who must sign, come from the sources and the PDFs
        packaged = {n[len("kilder/") :]: h for n, h in contents.items() if n.startswith("kilder/")}
        documents = {n[len("dokumenter/") :]: h for n, h in contents.items() if n.startswith("dokumenter/")}
        checked: set[tuple[str, str]] = set()
        draft = bool(manifest.get("udkast"))
        for name, rel, data in signed_documents(sources):
            entry = f"dokumenter/{name}"
            pdf = tmp_path / entry
            if not pdf.is_file():
                _problem(
                    v,
                    "package-document-missing",
                    f"{entry} mangler: {rel} skal underskrives.",
                    f"{entry} is missing: {rel} must be signed.",
                )
                continue
            try:
                report = verify_pdf(pdf, list(trust))
            except CouldNotRun as exc:
                _problem(v, "package-pdf-unreadable", f"{entry}: {exc.text.da}", f"{entry}: {exc.text.en}")
                continue
            report.path = Path(entry)
            v.signatures.append((entry, report))
            if report.requirement is not None and report.requirement.get("udkast"):
                draft = True
            v.problems.extend(
                document_problems(entry, report, rel, data, aftale, packaged, documents, checked)
            )
        _unbuilt_files(v, documents, packaged)
        if draft:
            _problem(
                v,
                "package-draft",
                "UDKAST – ikke en indsendelse: pakken eller dens dokumenter er lavet som udkast.",
                "DRAFT – not a submission: the package or its documents were made as a draft.",
            )

        v.check = check_dossier(sources, as_of=as_of)
        if not v.check.valid:
            codes = ", ".join(sorted({f.code for f in v.check.findings if f.severity is Severity.ERROR}))
            _problem(
                v,
                "package-check-failed",
                f"Kontrollen af pakkens kilder finder {v.check.count(Severity.ERROR)} fejl: {codes}.",
                f"The check of the package's sources finds {v.check.count(Severity.ERROR)} error(s): {codes}.",
            )
    return v


def _unbuilt_files(v: PackageVerification, documents: dict[str, str], sources: dict[str, str]) -> None:
    """Documents no signed document was built together with (a problem: dokumenter/ is what the build
    made), and sources none was built from (a note: a dossier may hold files the check does not read)."""
    requirements = [r.requirement for _name, r in v.signatures if r.requirement is not None]
    if not requirements:
        return  # nothing signed says what the build made; reported for each document already
    built = {d["path"] for r in requirements for d in r.get("dokumenter", [])}
    built |= {Path(name).name for name, _r in v.signatures}
    if any(r.get("dokumenter") for r in requirements):
        for name in sorted(set(documents) - built):
            _problem(
                v,
                "package-document-not-signed",
                f"dokumenter/{name} er ikke bygget sammen med de underskrevne dokumenter; ingen part har underskrevet den.",
                f"dokumenter/{name} was not built together with the signed documents; no party has signed it.",
            )
    read = {s["path"] for r in requirements for s in r["kilder"]}
    unread = sorted(set(sources) - read)
    if unread:
        shown = ", ".join(f"kilder/{n}" for n in unread[:5]) + (" …" if len(unread) > 5 else "")
        v.notes.append(
            Text(
                f"{len(unread)} fil(er) i kilder/ er ikke blandt de kilder, dokumenterne er bygget af; kun manifestet "
                f"og forseglingen dækker dem: {shown}",
                f"{len(unread)} file(s) in kilder/ are not among the sources the documents were built from; only "
                f"the manifest and the seal cover them: {shown}",
            )
        )


def _texts(problems: list[Text], da: str, en: str) -> tuple[str, str]:
    return (
        f"{da}: " + " ".join(t.da for t in problems),
        f"{en}: " + " ".join(t.en for t in problems),
    )
