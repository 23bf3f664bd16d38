"""aftale package / aftale verify PACKAGE: the submission package for Landsbyggefonden, and the check
LBF or the auditor runs on it.

The package is a zip with fixed timestamps, order and permissions: the same inputs give the same
bytes. It holds the built (and signed) documents, the dossier's sources and annexes, the check
report, an ændringsoversigt for a revision, and manifest.json with the sha256 of every file.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from checker import __version__
from checker.findings import CouldNotRun, Result, Severity, Text

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
MAX_PACKAGE_BYTES = 500 * 1024 * 1024
MAX_ENTRIES = 5000
MAX_UNPACKED = 2 * 1024 * 1024 * 1024
MAX_RATIO = 200
SIGNED_KINDS = ("samarbejdsaftale.pdf", "delaftale-")


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

    @property
    def ok(self) -> bool:
        return not self.problems


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _required_fields(aftale_or_delaftale: dict) -> list[str]:
    """Signature fields that must be signed: every party whose signature is not recorded as given elsewhere."""
    from checker.sign import field_name

    return [field_name(b["part"]) for b in aftale_or_delaftale.get("underskrifter", []) if "navn" not in b]


def _signed_documents(build_dir: Path, root: Path) -> list[tuple[str, list[str]]]:
    """(pdf name in the build, required fields) for the agreement and each delaftale."""
    out = [
        (
            "samarbejdsaftale.pdf",
            _required_fields(json.loads((root / "samarbejdsaftale.json").read_text(encoding="utf-8"))),
        )
    ]
    for path in sorted((root / "delaftaler").glob("*.json")) if (root / "delaftaler").is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if data.get("dokumenttype") == "delaftale":
            out.append((f"delaftale-{path.stem}.pdf", _required_fields(data)))
    return [(name, fields) for name, fields in out if (build_dir / name).is_file()]


def create_package(
    dossier: str | os.PathLike,
    out: Path,
    *,
    build_dir: Path | None = None,
    previous: Path | None = None,
    draft: bool = False,
    trust: list[Path] = (),
    as_of=None,
) -> dict:
    from checker.check import check_dossier
    from checker.dossier import open_dossier
    from checker.report.json import as_dict

    root = open_dossier(dossier).root
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

    signatures, missing_details = [], []
    from checker.sign.verify import verify_pdf

    for name, required in _signed_documents(build_dir, root):
        report = verify_pdf(build_dir / name, list(trust), required)
        signatures.append(
            {
                "fil": f"dokumenter/{name}",
                "kraevede_felter": required,
                "underskrifter": [_sig_summary(s) for s in report.signatures],
            }
        )
        if not report.ok:
            missing = ", ".join(report.missing)
            bad = [s.field for s in report.signatures if not (s.intact and s.valid) or s.modified_after]
            missing_details.append(
                Text(
                    f"{name}: "
                    + "; ".join(
                        x
                        for x in (
                            f"mangler underskrift i {missing}" if missing else "",
                            f"ugyldig underskrift i {', '.join(bad)}" if bad else "",
                        )
                        if x
                    ),
                    f"{name}: "
                    + "; ".join(
                        x
                        for x in (
                            f"missing signature in {missing}" if missing else "",
                            f"invalid signature in {', '.join(bad)}" if bad else "",
                        )
                        if x
                    ),
                )
            )
    if missing_details and not draft:
        raise PackageRefused(
            Text(
                "Krævede underskrifter mangler eller er ugyldige; pakken laves ikke (brug --draft til et udkast).",
                "Required signatures are missing or invalid; no package is made (use --draft for a draft).",
            ),
            details=missing_details,
        )

    if previous is not None:
        entries.update(_changes_documents(Path(previous), root))

    report = as_dict(result, "da", "check")
    report["dossier"] = root.resolve().name
    entries["kontrolrapport.json"] = (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    aftale = json.loads((root / "samarbejdsaftale.json").read_text(encoding="utf-8"))
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
    old = json.loads((previous / "samarbejdsaftale.json").read_text(encoding="utf-8"))
    new = json.loads((root / "samarbejdsaftale.json").read_text(encoding="utf-8"))
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
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    except OSError as exc:
        raise CouldNotRun(
            Text(f"Kan ikke skrive {out}: {exc.strerror}.", f"Cannot write {out}: {exc.strerror}.")
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
                for name in sorted(entries, key=lambda n: (n != "manifest.json", n)):
                    info = zipfile.ZipInfo(name, ZIP_TIME)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o644 << 16
                    info.create_system = 3
                    z.writestr(info, entries[name], compresslevel=9)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- verify PACKAGE ----------------------------------------------------------------------------------------


def _safe_name(name: str) -> bool:
    p = PurePosixPath(name)
    return (
        bool(name)
        and not name.startswith("/")
        and "\\" not in name
        and ".." not in p.parts
        and ":" not in p.parts[0]
    )


def verify_package(path: Path, trust: list[Path] = (), as_of=None) -> PackageVerification:
    from checker.check import check_dossier
    from checker.sign.verify import verify_pdf

    v = PackageVerification(Path(path))
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CouldNotRun(
            Text(f"Kan ikke læse {path}: {exc.strerror}.", f"Cannot read {path}: {exc.strerror}.")
        ) from None
    if size > MAX_PACKAGE_BYTES:
        raise CouldNotRun(
            Text(
                f"{path} er over {MAX_PACKAGE_BYTES // 2**20} MB.",
                f"{path} is over {MAX_PACKAGE_BYTES // 2**20} MB.",
            )
        )
    if not zipfile.is_zipfile(path):
        raise CouldNotRun(
            Text(
                f"{path} er ikke en zip-fil (en pakke fra »aftale package«).",
                f"{path} is not a zip file (a package from 'aftale package').",
            )
        )
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        if len(infos) > MAX_ENTRIES or sum(i.file_size for i in infos) > MAX_UNPACKED:
            raise CouldNotRun(
                Text(
                    f"{path} pakker ud til mere end tilladt (zip-bombe?).",
                    f"{path} unpacks to more than allowed (zip bomb?).",
                )
            )
        for info in infos:
            if not _safe_name(info.filename):
                v.problems.append(
                    Problem(
                        "package-unsafe-name",
                        Text(
                            f"Filnavnet »{info.filename}« i pakken peger uden for pakken og udpakkes ikke.",
                            f"The file name '{info.filename}' in the package points outside it and is not unpacked.",
                        ),
                    )
                )
            elif (
                info.file_size > 1 << 20
                and info.compress_size
                and info.file_size / info.compress_size > MAX_RATIO
            ):
                raise CouldNotRun(
                    Text(
                        f"»{info.filename}« i pakken er mistænkeligt komprimeret (zip-bombe?).",
                        f"'{info.filename}' in the package is suspiciously compressed (zip bomb?).",
                    )
                )
        names = [i.filename for i in infos if _safe_name(i.filename) and not i.is_dir()]
        if "manifest.json" not in names:
            v.problems.append(
                Problem(
                    "package-no-manifest",
                    Text("Pakken har ingen manifest.json.", "The package has no manifest.json."),
                )
            )
            return v
        try:
            v.manifest = json.loads(z.read("manifest.json"))
            listed = {f["path"]: f["sha256"] for f in v.manifest["files"]}
        except (ValueError, KeyError, TypeError):
            v.problems.append(
                Problem(
                    "package-bad-manifest",
                    Text(
                        "Pakkens manifest.json kan ikke læses.", "The package's manifest.json cannot be read."
                    ),
                )
            )
            return v
        contents = {n: z.read(n) for n in names if n != "manifest.json"}
    v.files = len(contents)
    for name, data in sorted(contents.items()):
        if name not in listed:
            v.problems.append(
                Problem(
                    "package-extra-file",
                    Text(
                        f"{name} står ikke i manifestet (tilføjet efter pakningen?).",
                        f"{name} is not in the manifest (added after packaging?).",
                    ),
                )
            )
        elif _sha256(data) != listed[name]:
            v.problems.append(
                Problem(
                    "package-hash-mismatch",
                    Text(
                        f"{name} er ændret: sha256 passer ikke med manifestet.",
                        f"{name} has changed: its sha256 does not match the manifest.",
                    ),
                )
            )
    for name in sorted(set(listed) - set(contents)):
        v.problems.append(
            Problem(
                "package-missing-file",
                Text(
                    f"{name} står i manifestet, men mangler i pakken.",
                    f"{name} is in the manifest but missing from the package.",
                ),
            )
        )

    with tempfile.TemporaryDirectory(prefix="aftale-verify-") as tmp:
        tmp_path = Path(tmp)
        for name, data in contents.items():
            target = tmp_path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for entry in v.manifest.get("underskrifter", []):
            pdf = tmp_path / entry["fil"]
            if not pdf.is_file():
                continue
            try:
                report = verify_pdf(pdf, list(trust), entry.get("kraevede_felter", []))
            except CouldNotRun as exc:
                v.problems.append(
                    Problem(
                        "package-pdf-unreadable",
                        Text(f"{entry['fil']}: {exc.text.da}", f"{entry['fil']}: {exc.text.en}"),
                    )
                )
                continue
            v.signatures.append((entry["fil"], report))
            if not report.ok:
                v.problems.append(
                    Problem(
                        "package-signature",
                        Text(
                            f"{entry['fil']}: underskrifterne holder ikke (se listen).",
                            f"{entry['fil']}: the signatures do not hold (see the list).",
                        ),
                    )
                )
        sources = tmp_path / "kilder"
        if (sources / "samarbejdsaftale.json").is_file():
            v.check = check_dossier(sources, as_of=as_of)
            if not v.check.valid and not v.manifest.get("udkast"):
                codes = ", ".join(sorted({f.code for f in v.check.findings if f.severity is Severity.ERROR}))
                v.problems.append(
                    Problem(
                        "package-check-failed",
                        Text(
                            f"Kontrollen af pakkens kilder finder fejl: {codes}.",
                            f"The check of the package's sources finds errors: {codes}.",
                        ),
                    )
                )
        else:
            v.problems.append(
                Problem(
                    "package-no-sources",
                    Text(
                        "Pakken har ingen kilder/samarbejdsaftale.json.",
                        "The package has no kilder/samarbejdsaftale.json.",
                    ),
                )
            )
    return v
