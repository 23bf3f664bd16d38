"""The signing workflow as the README walks it: dev-cert, four signatures, verify, a recorded
signature, a revision with diff, package (byte-identical), verify PACKAGE, and the tamper tests."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.conftest import VIBORG, dump, load

SECRETARIAT = "Boligselskabernes Fællessekretariat"
PARTIES = {
    "boligselskabet-viborg": ("Birthe Ærø", "Boligselskabet Viborg"),
    "boligselskabet-sct-joergen-viborg": ("Jørgen Ågård", "Boligselskabet Sct. Jørgen Viborg"),
    "bjerringbro-andelsboligforening": ("Søren Øster", "Bjerringbro Andelsboligforening"),
    "viborg-kommune": ("Ulla Åkjær", "Viborg Kommune"),
}


@pytest.fixture(scope="module")
def signed(tmp_path_factory):
    """A copy of Viborg, built, with every party's signature in the agreement and each delaftale."""
    from click.testing import CliRunner

    from checker.cli import main

    base = tmp_path_factory.mktemp("pakke")
    dossier = base / "viborg"
    shutil.copytree(VIBORG, dossier)
    build = base / "byg"
    certs = base / "certs"
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    assert run("build", dossier, "--out", build)[0] == 0
    for name, org in PARTIES.values():
        code, out, _ = run("dev-cert", "--name", name, "--organisation", org, "--out", certs)
        assert code == 0 and "IKKE TIL RIGTIG BRUG" in out
    keys = {
        slug: (next(certs.glob(f"*{slug_of(name)}.key.pem")), next(certs.glob(f"*{slug_of(name)}.cert.pem")))
        for slug, (name, _o) in PARTIES.items()
    }
    for pdf in [build / "samarbejdsaftale.pdf", *sorted(build.glob("delaftale-*.pdf"))]:
        for slug in PARTIES:
            key, cert = keys[slug]
            code, out, err = run("sign", pdf, "--party", slug, "--key", key, "--cert", cert)
            assert code == 0, err
    # the secretariat, which seals the package
    assert run("dev-cert", "--name", "Sara Sekretær", "--organisation", SECRETARIAT, "--out", certs)[0] == 0
    return {
        "dossier": dossier,
        "build": build,
        "certs": certs,
        "ca": certs / "dev-ca.cert.pem",
        "seal": ("--key", certs / "sara-sekretaer.key.pem", "--cert", certs / "sara-sekretaer.cert.pem"),
        "run": run,
        "base": base,
    }


def slug_of(name: str) -> str:
    from checker.sign import party_slug

    return party_slug(name)


def test_four_parties_sign_one_after_another_and_all_four_stay_valid(signed):
    code, out, _ = signed["run"](
        "verify", signed["build"] / "samarbejdsaftale.pdf", "--trust", signed["ca"], "--format", "json"
    )
    report = json.loads(out)
    assert code == 0 and report["ok"] is True and report["missing"] == []
    assert sorted(s["field"] for s in report["signatures"]) == sorted(
        f"underskrift-{slug}" for slug in PARTIES
    )
    assert all(
        s["intact"] and s["valid"] and s["trusted"] and not s["modified_after"] for s in report["signatures"]
    )
    assert {s["signer"] for s in report["signatures"]} == {name for name, _o in PARTIES.values()}
    assert {s["organisation"] for s in report["signatures"]} == {org for _n, org in PARTIES.values()}


def test_verify_text_lists_signers_in_danish(signed):
    code, out, _ = signed["run"]("verify", signed["build"] / "samarbejdsaftale.pdf", "--trust", signed["ca"])
    assert code == 0
    assert "Ulla Åkjær, Viborg Kommune" in out and "gyldig, betroet" in out
    assert out.strip().endswith("4 underskrift(er), alle holder.")


def test_verify_reports_a_missing_signature_and_exits_1(signed, tmp_path):
    from checker.assemble.build import build

    out = build(signed["dossier"], tmp_path / "ny").out
    key = next(signed["certs"].glob("*ulla-aakjaer.key.pem"))
    cert = next(signed["certs"].glob("*ulla-aakjaer.cert.pem"))
    assert (
        signed["run"](
            "sign", out / "samarbejdsaftale.pdf", "--party", "Viborg Kommune", "--key", key, "--cert", cert
        )[0]
        == 0
    )
    code, text, _ = signed["run"](
        "verify", out / "samarbejdsaftale.pdf", "--trust", signed["ca"], "--lang", "en"
    )
    assert code == 1
    assert "underskrift-bjerringbro-andelsboligforening (Bjerringbro Andelsboligforening): not signed" in text
    assert text.strip().endswith("The signatures do not hold.")


def test_signing_an_unknown_party_names_the_fields(signed, tmp_path):
    pdf = tmp_path / "a.pdf"
    shutil.copy(signed["build"] / "samarbejdsaftale.pdf", pdf)
    key = next(signed["certs"].glob("*ulla-aakjaer.key.pem"))
    cert = next(signed["certs"].glob("*ulla-aakjaer.cert.pem"))
    code, _, err = signed["run"]("sign", pdf, "--party", "Aarhus Kommune", "--key", key, "--cert", cert)
    assert code == 2 and "underskrift-aarhus-kommune" in err and "Traceback" not in err


def test_record_a_wet_ink_signature_shows_on_the_signature_page_and_needs_no_field(run, viborg, tmp_path):
    code, out, _ = run(
        "sign",
        viborg,
        "--record",
        "--party",
        "bjerringbro-andelsboligforening",
        "--name",
        "Søren Øster",
        "--date",
        "2017-03-20",
        "--title",
        "Formand",
    )
    assert code == 0 and "Registrerede Bjerringbro Andelsboligforenings underskrift" in out
    block = load(viborg / "samarbejdsaftale.json")["underskrifter"][2]
    assert block == {
        "part": "Bjerringbro Andelsboligforening",
        "dato": "2017-03-20",
        "navn": "Søren Øster",
        "metode": "wet-ink",
        "titel": "Formand",
    }
    assert run("validate", viborg)[0] == 0
    code, _, err = run(
        "sign",
        viborg,
        "--record",
        "--party",
        "Bjerringbro Andelsboligforening",
        "--name",
        "X",
        "--date",
        "2017-03-21",
    )
    assert code == 2 and "allerede en registreret underskrift" in err
    from checker.assemble.build import build
    from checker.sign.fields import signature_fields
    from tests.test_build import docx_text, squash

    result = build(viborg, tmp_path / "ud")
    assert "Søren Øster" in squash(docx_text(result.out / "samarbejdsaftale.docx")) and "20.3.2017" in squash(
        docx_text(result.out / "samarbejdsaftale.docx")
    )
    assert "underskrift-bjerringbro-andelsboligforening" not in signature_fields(
        result.out / "samarbejdsaftale.pdf"
    )
    assert len(signature_fields(result.out / "samarbejdsaftale.pdf")) == 3
    code, out, _ = run("verify", result.out / "samarbejdsaftale.pdf")
    assert code == 1  # the three others have not signed yet
    assert (
        "• Bjerringbro Andelsboligforening: underskrevet andetsteds (registreret: Søren Øster, 2017-03-20, "
        "wet-ink) – kan ikke verificeres her" in out
    )
    assert "underskrift-bjerringbro-andelsboligforening" not in out


def test_record_an_unknown_party_suggests_the_right_one(run, viborg):
    code, _, err = run(
        "sign",
        viborg,
        "--record",
        "--party",
        "Boligselskabet Sct. Jørgen",
        "--name",
        "X",
        "--date",
        "2017-03-20",
    )
    assert code == 2 and "Mente du »Boligselskabet Sct. Jørgen Viborg«?" in err


# --- the package -------------------------------------------------------------------------------------------


def _package_args(signed, out: Path) -> tuple:
    """`aftale package` of the signed build, trusting the test CA, unsealed."""
    return ("package", signed["dossier"], "--out", out, "--build", signed["build"], "--trust", signed["ca"])


@pytest.fixture(scope="module")
def package(signed):
    """The package as the secretariat makes it: signed documents, sealed manifest."""
    out = signed["base"] / "pakke.zip"
    code, text, err = signed["run"](*_package_args(signed, out), *signed["seal"])
    assert code == 0, text + err
    assert text.strip().endswith("Forseglet (manifest.json.p7s).")
    return out


def test_package_holds_documents_sources_report_and_manifest(package):
    names = zipfile.ZipFile(package).namelist()
    assert names[:2] == ["manifest.json", "manifest.json.p7s"]
    for expected in (
        "dokumenter/samarbejdsaftale.pdf",
        "dokumenter/samarbejdsaftale.docx",
        "dokumenter/organisationsdiagram.png",
        "kilder/samarbejdsaftale.json",
        "kilder/budget.xlsx",
        "kilder/delaftaler/5.1-tryghed-og-trivsel.json",
        "kontrolrapport.json",
    ):
        assert expected in names
    manifest = json.loads(zipfile.ZipFile(package).read("manifest.json"))
    assert (
        manifest["regelsaet"] == "lbf-2015-2018"
        and manifest["historik"][0]["nummer"] == "1"
        and manifest["udkast"] is False
    )
    assert {f["path"] for f in manifest["files"]} == set(names) - {"manifest.json", "manifest.json.p7s"}
    agreement = next(s for s in manifest["underskrifter"] if s["fil"] == "dokumenter/samarbejdsaftale.pdf")
    assert len(agreement["underskrifter"]) == 4 and all(s["gyldig"] for s in agreement["underskrifter"])


def test_the_same_inputs_give_a_byte_identical_package(signed, package):
    """Unsealed, the same inputs give the same bytes; sealed, everything but the seal (which holds the
    signing time) is the same."""
    runs = []
    for name in ("a.zip", "b.zip"):
        out = signed["base"] / name
        assert signed["run"](*_package_args(signed, out))[0] == 0
        runs.append(out.read_bytes())
    assert runs[0] == runs[1]
    with zipfile.ZipFile(package) as sealed, zipfile.ZipFile(signed["base"] / "a.zip") as plain:
        assert plain.namelist() == [n for n in sealed.namelist() if n != "manifest.json.p7s"]
        assert all(plain.read(n) == sealed.read(n) for n in plain.namelist())


def test_verify_package_passes_for_the_untouched_package(signed, package):
    code, out, _ = signed["run"]("verify", package, "--trust", signed["ca"])
    assert code == 0, out
    assert "✓ forseglet af Sara Sekretær, Boligselskabernes Fællessekretariat" in out
    assert out.strip().endswith("Pakken er intakt: alle filer, underskrifter og kontrollen holder.")


def test_an_unsealed_package_fails_unless_allowed(signed):
    unsealed = signed["base"] / "a.zip"
    if not unsealed.exists():
        assert signed["run"](*_package_args(signed, unsealed))[0] == 0
    code, report = _verify(signed, unsealed, "en")
    assert code == 1 and report["sealed"] is False
    assert [p["code"] for p in report["problems"]] == ["package-unsealed"]
    assert report["problems"][0]["message"].startswith("The package is not sealed: anyone may have rewritten")
    code, report = _verify(signed, unsealed, "en", "--allow-unsealed")
    assert code == 0 and report["problems"] == [] and report["notes"]


def test_package_refuses_missing_signatures_unless_draft(signed, tmp_path):
    from checker.assemble.build import build

    unsigned = build(signed["dossier"], tmp_path / "usigneret").out
    code, out, err = signed["run"](
        "package", signed["dossier"], "--out", tmp_path / "p.zip", "--build", unsigned
    )
    assert code == 1 and "Krævede underskrifter mangler" in err
    assert (
        "samarbejdsaftale.pdf: underskrifterne holder ikke: mangler underskrift fra Boligselskabet Viborg, "
        "Boligselskabet Sct. Jørgen Viborg, Bjerringbro Andelsboligforening, Viborg Kommune" in out
    )
    assert not (tmp_path / "p.zip").exists()
    assert (
        signed["run"](
            "package", signed["dossier"], "--out", tmp_path / "p.zip", "--build", unsigned, "--draft"
        )[0]
        == 0
    )
    assert json.loads(zipfile.ZipFile(tmp_path / "p.zip").read("manifest.json"))["udkast"] is True


def test_package_refuses_documents_built_from_other_sources(signed, tmp_path):
    dossier = tmp_path / "d"
    shutil.copytree(signed["dossier"], dossier)
    data = load(dossier / "milepaelsplan.json")
    data["titel"] = data["titel"] + " (rettet)"
    dump(dossier / "milepaelsplan.json", data)
    code, _, err = signed["run"]("package", dossier, "--out", tmp_path / "p.zip", "--build", signed["build"])
    assert code == 1 and "milepaelsplan.json" in err and "kør »aftale build« igen" in err


# --- tamper tests ------------------------------------------------------------------------------------------


def _rezip(src: Path, dst: Path, change) -> None:
    with zipfile.ZipFile(src) as z:
        entries = {n: z.read(n) for n in z.namelist()}
    change(entries)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)


def _verify(signed, path: Path, lang: str = "da", *more: str) -> tuple[int, dict]:
    code, out, _ = signed["run"](
        "verify", path, "--trust", signed["ca"], "--format", "json", "--lang", lang, *more
    )
    return code, json.loads(out)


def _codes(report: dict) -> list[str]:
    return [p["code"] for p in report["problems"]]


def test_one_byte_changed_in_a_signed_pdf_fails_and_names_it(signed, package, tmp_path):
    def change(entries):
        data = bytearray(entries["dokumenter/samarbejdsaftale.pdf"])
        data[len(data) // 3] ^= 0x01
        entries["dokumenter/samarbejdsaftale.pdf"] = bytes(data)

    _rezip(package, tmp_path / "t.zip", change)
    code, report = _verify(signed, tmp_path / "t.zip")
    assert code == 1
    assert (
        "package-hash-mismatch",
        "dokumenter/samarbejdsaftale.pdf er ændret: sha256 passer ikke med manifestet.",
    ) in {(p["code"], p["message"]) for p in report["problems"]}
    agreement = next(s for s in report["signatures"] if s["file"] == "dokumenter/samarbejdsaftale.pdf")
    assert agreement["ok"] is False


def test_a_removed_signature_fails_even_with_a_consistent_manifest(signed, package, tmp_path):
    """The last signature cut off the PDF (its previous revision), and the manifest's hash updated to
    match: only the signature check can tell, and it does."""
    import hashlib

    def change(entries):
        pdf = entries["dokumenter/samarbejdsaftale.pdf"]
        previous_end = pdf.rstrip().rfind(b"%%EOF", 0, len(pdf.rstrip()) - 5) + len(b"%%EOF")
        cut = pdf[:previous_end] + b"\n"
        entries["dokumenter/samarbejdsaftale.pdf"] = cut
        manifest = json.loads(entries["manifest.json"])
        for f in manifest["files"]:
            if f["path"] == "dokumenter/samarbejdsaftale.pdf":
                f["sha256"], f["bytes"] = hashlib.sha256(cut).hexdigest(), len(cut)
        entries["manifest.json"] = json.dumps(manifest).encode()

    _rezip(package, tmp_path / "t.zip", change)
    code, report = _verify(signed, tmp_path / "t.zip")
    assert code == 1
    assert _codes(report) == ["package-seal-invalid", "package-signature"]
    agreement = next(s for s in report["signatures"] if s["file"] == "dokumenter/samarbejdsaftale.pdf")
    assert len(agreement["missing"]) == 1 and len(agreement["signatures"]) == 3


def test_a_swapped_file_fails_and_names_it(signed, package, tmp_path):
    def change(entries):
        entries["kilder/budget.xlsx"] = entries["kilder/aktivitetsskema.xlsx"]

    _rezip(package, tmp_path / "t.zip", change)
    code, report = _verify(signed, tmp_path / "t.zip", "en")
    assert code == 1
    codes = {(p["code"], p["message"]) for p in report["problems"]}
    assert (
        "package-hash-mismatch",
        "kilder/budget.xlsx has changed: its sha256 does not match the manifest.",
    ) in codes


def test_an_added_file_fails_and_names_it(signed, package, tmp_path):
    _rezip(package, tmp_path / "t.zip", lambda e: e.__setitem__("dokumenter/bilag-x.pdf", b"%PDF-1.4 fake"))
    code, report = _verify(signed, tmp_path / "t.zip")
    assert code == 1
    assert [(p["code"], p["message"]) for p in report["problems"]] == [
        ("package-extra-file", "dokumenter/bilag-x.pdf står ikke i manifestet (tilføjet efter pakningen?)."),
        (
            "package-document-not-signed",
            "dokumenter/bilag-x.pdf er ikke bygget sammen med de underskrevne dokumenter; ingen part har "
            "underskrevet den.",
        ),
    ]


def test_an_edited_manifest_fails_and_names_the_file(signed, package, tmp_path):
    def change(entries):
        manifest = json.loads(entries["manifest.json"])
        target = next(f for f in manifest["files"] if f["path"] == "kilder/samarbejdsaftale.json")
        target["sha256"] = "0" * 64
        entries["manifest.json"] = json.dumps(manifest).encode()

    _rezip(package, tmp_path / "t.zip", change)
    code, report = _verify(signed, tmp_path / "t.zip", "en")
    assert code == 1
    assert [(p["code"], p["message"]) for p in report["problems"]] == [
        (
            "package-seal-invalid",
            "The seal does not hold: manifest.json was changed after sealing (its sha256 does not match the seal).",
        ),
        (
            "package-hash-mismatch",
            "kilder/samarbejdsaftale.json has changed: its sha256 does not match the manifest.",
        ),
    ]


def test_a_changed_source_fails_the_re_run_check(signed, package, tmp_path):
    """Sources edited and the manifest rehashed to match: the check re-run on the packaged sources catches it."""
    import hashlib

    def change(entries):
        aftale = json.loads(entries["kilder/samarbejdsaftale.json"])
        aftale["ressourcer"]["finansiering"]["samlet"] = 1
        data = json.dumps(aftale, ensure_ascii=False).encode()
        entries["kilder/samarbejdsaftale.json"] = data
        manifest = json.loads(entries["manifest.json"])
        next(f for f in manifest["files"] if f["path"] == "kilder/samarbejdsaftale.json")["sha256"] = (
            hashlib.sha256(data).hexdigest()
        )
        entries["manifest.json"] = json.dumps(manifest).encode()

    _rezip(package, tmp_path / "t.zip", change)
    code, report = _verify(signed, tmp_path / "t.zip", "en")
    assert code == 1
    assert _codes(report) == ["package-seal-invalid"] + ["package-source-not-signed"] * 4 + [
        "package-check-failed"
    ]
    assert "finance-total" in report["problems"][-1]["message"]


def test_a_hostile_package_is_refused_cleanly(signed, tmp_path):
    evil = tmp_path / "ond.zip"
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("../../etc/cron.d/x", b"boom")
        z.writestr("manifest.json", b'{"files": []}')
    code, report = _verify(signed, evil)
    assert code == 1
    assert "package-unsafe-name" in [p["code"] for p in report["problems"]]
    assert not (tmp_path.parent.parent / "etc").exists()
    not_zip = tmp_path / "x.zip"
    not_zip.write_text("hej", encoding="utf-8")
    code, _, err = signed["run"]("verify", not_zip)
    assert code == 2 and "kan ikke læses som en zip-fil" in err and "beskadiget eller afkortet" in err


# --- a revision --------------------------------------------------------------------------------------------


def test_a_revision_diff_and_package_with_the_aendringsoversigt(signed, run, tmp_path):
    new = tmp_path / "viborg-v2"
    shutil.copytree(signed["dossier"], new)
    data = load(new / "samarbejdsaftale.json")
    data["indsatsomraader"]["omraader"][0]["succeskriterier"][0]["baseline"]["per_omraade"][
        "Ellekonebakken"
    ] = 30
    data["version"] = {
        "nummer": "2",
        "dato": "2019-06-01",
        "beskrivelse": "Rettet baseline.",
        "aendrer": "1",
        "lbf_status": "indsendt",
    }
    data["historik"].append(
        {
            "nummer": "2",
            "dato": "2019-06-01",
            "resume": "Rettet baseline for Ellekonebakken.",
            "aendrer": "1",
            "lbf_status": "indsendt",
        }
    )
    dump(new / "samarbejdsaftale.json", data)
    code, out, _ = run("diff", signed["dossier"], new)
    assert code == 1
    assert "5.1 Tryghed og trivsel › Klagesager › Ellekonebakken, baseline 2015: 32 → 30" in out
    assert "kræver LBF's godkendelse" in out
    build = tmp_path / "byg2"
    assert run("build", new, "--out", build)[0] == 0
    code, text, err = run(
        "package",
        new,
        "--out",
        tmp_path / "rev.zip",
        "--build",
        build,
        "--previous",
        signed["dossier"],
        "--draft",
    )
    assert code == 0, text + err
    names = zipfile.ZipFile(tmp_path / "rev.zip").namelist()
    assert "aendringsoversigt.pdf" in names and "aendringsoversigt.docx" in names
    manifest = json.loads(zipfile.ZipFile(tmp_path / "rev.zip").read("manifest.json"))
    assert [h["nummer"] for h in manifest["historik"]] == ["1", "2"] and manifest["version"][
        "lbf_status"
    ] == "indsendt"
    again = tmp_path / "rev2.zip"
    assert (
        run("package", new, "--out", again, "--build", build, "--previous", signed["dossier"], "--draft")[0]
        == 0
    )
    assert again.read_bytes() == (tmp_path / "rev.zip").read_bytes()


# --- forged packages (issue 9): a manifest rewritten consistently, with plain zipfile ----------------------


def _rehash(entries: dict, *, drop_seal: bool = True) -> None:
    """Make manifest.json agree with the entries again, as a forger would, and drop the seal they cannot
    remake."""
    import hashlib

    manifest = json.loads(entries["manifest.json"])
    manifest["files"] = [
        {"path": n, "sha256": hashlib.sha256(d).hexdigest(), "bytes": len(d)}
        for n, d in sorted(entries.items())
        if n not in ("manifest.json", "manifest.json.p7s")
    ]
    entries["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    if drop_seal:
        entries.pop("manifest.json.p7s", None)


def test_an_unsigned_agreement_with_an_emptied_signature_list_fails(signed, package, tmp_path):
    from checker.assemble.build import build

    unsigned = build(signed["dossier"], tmp_path / "usigneret").out / "samarbejdsaftale.pdf"

    def change(entries):
        entries["dokumenter/samarbejdsaftale.pdf"] = unsigned.read_bytes()
        manifest = json.loads(entries["manifest.json"])
        manifest["underskrifter"] = []
        entries["manifest.json"] = json.dumps(manifest).encode()
        _rehash(entries)

    _rezip(package, tmp_path / "t.zip", change)
    for extra in ((), ("--allow-unsealed",)):
        code, report = _verify(signed, tmp_path / "t.zip", "da", *extra)
        assert code == 1
        codes = _codes(report)
        assert codes[: 0 if extra else 1] == ([] if extra else ["package-unsealed"])
        assert codes[-1] == "package-signature"
        # the unsigned copy comes from another build: its annexes are not the packaged ones either
        assert set(codes[1 - bool(extra) : -1]) == {"package-document-not-signed"}
        assert report["problems"][-1]["message"] == (
            "dokumenter/samarbejdsaftale.pdf: underskrifterne holder ikke: mangler underskrift fra Boligselskabet "
            "Viborg, Boligselskabet Sct. Jørgen Viborg, Bjerringbro Andelsboligforening, Viborg Kommune"
        )


def test_a_pdf_without_a_requirement_in_the_package_fails(signed, package, tmp_path):
    import io

    import pikepdf

    def change(entries):
        with pikepdf.open(io.BytesIO(entries["dokumenter/samarbejdsaftale.pdf"])) as doc:
            del doc.Root["/AcroForm"]
            del doc.Root["/AFTL_Underskriftskrav"]
            for page in doc.pages:
                if "/Annots" in page.obj:
                    del page.obj["/Annots"]
            out = io.BytesIO()
            doc.save(out)
        entries["dokumenter/samarbejdsaftale.pdf"] = out.getvalue()
        _rehash(entries)

    _rezip(package, tmp_path / "t.zip", change)
    code, report = _verify(signed, tmp_path / "t.zip", "en", "--allow-unsealed")
    assert code == 1
    assert _codes(report) == ["package-requirement-missing", "package-signature"]
    assert report["problems"][0]["message"].startswith(
        "dokumenter/samarbejdsaftale.pdf carries no signing requirement: it was not built by aftale"
    )


def test_a_source_changed_together_with_its_hash_fails(signed, package, tmp_path):
    """A harmless-looking edit the check cannot object to: only what the parties signed can tell."""

    def change(entries):
        aftale = json.loads(entries["kilder/samarbejdsaftale.json"])
        aftale["formaal"]["formaal"]["punkter"].append("at ophæve aftalen")
        entries["kilder/samarbejdsaftale.json"] = json.dumps(aftale, ensure_ascii=False).encode()
        _rehash(entries)

    _rezip(package, tmp_path / "t.zip", change)
    code, report = _verify(signed, tmp_path / "t.zip", "en", "--allow-unsealed")
    assert code == 1
    assert _codes(report) == ["package-source-not-signed"] * 4  # the agreement and three delaftaler
    assert report["problems"][0]["message"] == (
        "kilder/samarbejdsaftale.json is not the file dokumenter/samarbejdsaftale.pdf was built from "
        "(its sha256 differs from the signing requirement)."
    )
    assert report["check"]["valid"] is True


def test_check_errors_in_a_package_marked_as_a_draft_fail(signed, package, tmp_path):
    def change(entries):
        aftale = json.loads(entries["kilder/samarbejdsaftale.json"])
        aftale["ressourcer"]["finansiering"]["samlet"] = 1
        aftale["ressourcer"]["finansiering"]["landsbyggefonden"] = 2
        entries["kilder/samarbejdsaftale.json"] = json.dumps(aftale, ensure_ascii=False).encode()
        manifest = json.loads(entries["manifest.json"])
        manifest["udkast"] = True
        entries["manifest.json"] = json.dumps(manifest).encode()
        _rehash(entries)

    _rezip(package, tmp_path / "t.zip", change)
    code, out, _ = signed["run"]("verify", tmp_path / "t.zip", "--trust", signed["ca"], "--allow-unsealed")
    assert code == 1
    assert "[package-draft] UDKAST – ikke en indsendelse" in out
    errors = re.search(r"\[package-check-failed\] Kontrollen af pakkens kilder finder (\d+) fejl", out)
    assert errors and int(errors.group(1)) >= 2
    assert "Pakken er intakt" not in out


def test_a_package_resealed_by_a_stranger_fails(signed, package, tmp_path):
    """The forger rewrites the manifest and seals it with a certificate of their own (pyHanko directly)."""
    import asyncio

    from pyhanko.sign import signers

    from checker.sign.devcert import make_dev_cert

    stranger = make_dev_cert(tmp_path / "fremmed", "Fremmed Person", "Fremmed ApS")

    def change(entries):
        entries["kilder/budget.xlsx"] = entries["kilder/aktivitetsskema.xlsx"]
        _rehash(entries)
        signer = signers.SimpleSigner.load(str(stranger.key), str(stranger.cert))
        cms = asyncio.run(signer.async_sign_general_data(entries["manifest.json"], "sha256", detached=True))
        entries["manifest.json.p7s"] = cms.dump()

    _rezip(package, tmp_path / "t.zip", change)
    code, report = _verify(signed, tmp_path / "t.zip", "en")
    assert code == 1 and report["sealed"] is True
    codes = _codes(report)
    assert codes[:2] == ["package-seal-untrusted", "package-seal-party"]
    assert "package-source-not-signed" in codes
    assert report["seal"]["organisation"] == "Fremmed ApS" and report["seal"]["valid"] is True


def test_package_refuses_a_seal_by_someone_not_the_secretariat(signed, tmp_path):
    # the organisation the secretariat is placed under may seal; another party may not
    key = next(signed["certs"].glob("*birthe-aeroe.key.pem"))
    cert = next(signed["certs"].glob("*birthe-aeroe.cert.pem"))
    args = _package_args(signed, tmp_path / "ok.zip")
    assert signed["run"](*args, "--key", key, "--cert", cert)[0] == 0
    ulla = (
        next(signed["certs"].glob("*ulla-aakjaer.key.pem")),
        next(signed["certs"].glob("*ulla-aakjaer.cert.pem")),
    )
    code, _, err = signed["run"](
        *_package_args(signed, tmp_path / "k.zip"), "--key", ulla[0], "--cert", ulla[1]
    )
    assert code == 2 and "Forseglingscertifikatet er udstedt til »Viborg Kommune«" in err
    from checker.sign.devcert import make_dev_cert

    other = make_dev_cert(tmp_path / "c", "Fremmed Person", "Fremmed ApS")
    code, _, err = signed["run"](
        *_package_args(signed, tmp_path / "nej.zip"), "--key", other.key, "--cert", other.cert
    )
    assert code == 2 and "Forseglingscertifikatet er udstedt til »Fremmed ApS«" in err
    assert not (tmp_path / "nej.zip").exists()
    code, _, err = signed["run"](
        "package", signed["dossier"], "--build", signed["build"], "--key", key, "--out", tmp_path / "x.zip"
    )
    assert code == 2 and "Forsegling kræver både --key og --cert." in err


# --- hostile zips ------------------------------------------------------------------------------------------


def _raw_zip(path: Path, entries: list[tuple[str, bytes]]) -> Path:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate names made on purpose
        with zipfile.ZipFile(path, "w") as z:
            for name, data in entries:
                z.writestr(name, data)
    return path


def test_hostile_zips_end_in_findings_or_a_clear_refusal(signed, package, tmp_path):
    manifest = zipfile.ZipFile(package).read("manifest.json")
    cases = {
        "duplicate": [("manifest.json", manifest), ("kilder/a.json", b"{}"), ("kilder/a.json", b"[]")],
        "clash": [("manifest.json", manifest), ("kilder", b"x"), ("kilder/a.json", b"{}")],
        "absolute": [("manifest.json", manifest), ("/etc/passwd", b"x"), ("a/../../b", b"x")],
        "types": [("manifest.json", b'{"files": [{"path": 1, "sha256": "x"}]}')],
        "not-object": [("manifest.json", b"[1, 2]")],
    }
    expected = {
        "duplicate": "package-duplicate-name",
        "clash": "package-name-clash",
        "absolute": "package-unsafe-name",
        "types": "package-bad-manifest",
        "not-object": "package-bad-manifest",
    }
    for name, entries in cases.items():
        code, out, err = signed["run"](
            "verify", _raw_zip(tmp_path / f"{name}.zip", entries), "--format", "json"
        )
        assert code == 1, (name, err)
        assert expected[name] in [p["code"] for p in json.loads(out)["problems"]], name
        assert "Traceback" not in out + err
    assert not (tmp_path.parent / "b").exists()

    truncated = tmp_path / "afkortet.zip"
    truncated.write_bytes(package.read_bytes()[: package.stat().st_size // 2])
    code, _, err = signed["run"]("verify", truncated)
    assert code == 2 and "beskadiget eller afkortet" in err

    huge = tmp_path / "stor.zip"
    with huge.open("wb") as fh:
        fh.truncate(3 * 1024**3)  # 3 GB on paper: refused by its size, never read
    code, _, err = signed["run"]("verify", huge)
    assert code == 2 and "en pakke må højst fylde 500 MB. Den læses ikke." in err


def test_openssl_verifies_the_seal_and_catches_an_edited_manifest(signed, package, tmp_path):
    """The seal is a plain detached CMS signature: OpenSSL, a tool we did not write, agrees with verify."""
    with zipfile.ZipFile(package) as z:
        (tmp_path / "manifest.json").write_bytes(z.read("manifest.json"))
        (tmp_path / "manifest.json.p7s").write_bytes(z.read("manifest.json.p7s"))

    def openssl():
        return subprocess.run(
            [
                "openssl",
                "cms",
                "-verify",
                "-binary",
                "-inform",
                "DER",
                "-in",
                "manifest.json.p7s",
                "-content",
                "manifest.json",
                "-CAfile",
                signed["ca"],
                "-purpose",
                "any",
                "-out",
                "/dev/null",
            ],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=60,
        )

    good = openssl()
    assert good.returncode == 0 and "Verification successful" in good.stderr
    (tmp_path / "manifest.json").write_bytes(
        (tmp_path / "manifest.json").read_bytes().replace(b'"udkast": false', b'"udkast": true')
    )
    bad = openssl()
    assert bad.returncode != 0 and "Verification failure" in bad.stderr


# --- forged packages found by attacking verify -------------------------------------------------------------


def test_an_annex_swapped_and_resealed_by_the_secretariat_fails(signed, package, tmp_path):
    """Even the secretariat's own valid seal does not make an annex the parties signed beside the
    agreement into another one: the signing requirement lists every document of the build."""
    import asyncio

    from pyhanko.sign import signers

    certs = signed["certs"]
    sealer = signers.SimpleSigner.load(
        str(certs / "sara-sekretaer.key.pem"), str(certs / "sara-sekretaer.cert.pem")
    )

    def change(entries):
        entries["dokumenter/beredskabsplan.pdf"] = entries["dokumenter/milepaelsplan.pdf"]
        _rehash(entries)
        cms = asyncio.run(sealer.async_sign_general_data(entries["manifest.json"], "sha256", detached=True))
        entries["manifest.json.p7s"] = cms.dump()

    _rezip(package, tmp_path / "t.zip", change)
    code, report = _verify(signed, tmp_path / "t.zip", "en")
    assert code == 1 and report["seal"]["valid"] is True
    assert _codes(report) == ["package-document-not-signed"]
    assert report["problems"][0]["message"] == (
        "dokumenter/beredskabsplan.pdf is not the document dokumenter/samarbejdsaftale.pdf was built together "
        "with (its sha256 differs from the signing requirement)."
    )


def test_a_hidden_zip_entry_outside_the_directory_fails(signed, package, tmp_path):
    """A local entry a streaming reader sees, inserted before the central directory but not listed in it."""
    import io
    import struct

    data = package.read_bytes()
    with zipfile.ZipFile(package) as z:
        start = z.start_dir
    extra = io.BytesIO()
    with zipfile.ZipFile(extra, "w") as z:
        z.writestr("dokumenter/samarbejdsaftale.pdf", b"%PDF-1.7 usigneret")
    with zipfile.ZipFile(extra) as z:
        local = extra.getvalue()[: z.start_dir]
    eocd = data.rindex(b"PK\x05\x06")
    forged = bytearray(data[:start] + local + data[start:])
    at = eocd + len(local) + 16
    forged[at : at + 4] = struct.pack("<I", start + len(local))
    (tmp_path / "t.zip").write_bytes(bytes(forged))
    with zipfile.ZipFile(tmp_path / "t.zip") as z:
        assert z.namelist() == zipfile.ZipFile(package).namelist()  # the directory does not show it
    code, report = _verify(signed, tmp_path / "t.zip", "en")
    assert code == 1
    assert _codes(report) == ["package-hidden-data"]

    prepended = tmp_path / "foran.zip"
    prepended.write_bytes(b"%PDF-1.7\n" + data)
    code, report = _verify(signed, prepended, "en")
    assert code == 1 and _codes(report) == ["package-hidden-data"]


def test_one_file_under_two_spellings_fails(signed, package, tmp_path):
    from checker.assemble.build import build

    unsigned = build(signed["dossier"], tmp_path / "usigneret").out / "samarbejdsaftale.pdf"

    def change(entries):
        signed_pdf = entries.pop("dokumenter/samarbejdsaftale.pdf")
        entries["dokumenter/samarbejdsaftale.pdf"] = unsigned.read_bytes()
        entries["dokumenter/./samarbejdsaftale.pdf"] = signed_pdf
        entries["DOKUMENTER/samarbejdsaftale.pdf"] = signed_pdf
        _rehash(entries)

    _rezip(package, tmp_path / "t.zip", change)
    code, report = _verify(signed, tmp_path / "t.zip", "en", "--allow-unsealed")
    assert code == 1
    codes = _codes(report)
    assert "package-unsafe-name" in codes and "package-duplicate-name" in codes
    assert "Pakken er intakt" not in json.dumps(report)


def test_a_package_verified_without_trust_is_not_intact(signed, package):
    code, out, _ = signed["run"]("verify", package)
    assert code == 1
    assert "[package-no-trust] Ingen --trust: underskrifterne og forseglingen er ikke kontrolleret" in out
    assert "Pakken er intakt" not in out


def test_deeply_nested_json_in_a_package_is_a_finding_not_a_traceback(signed, package, tmp_path):
    deep = b"[" * 100_000 + b"]" * 100_000

    def change(entries):
        entries["kilder/delaftaler/9.9-x.json"] = deep
        entries["kilder/samarbejdsaftale.json"] = deep
        _rehash(entries)

    _rezip(package, tmp_path / "t.zip", change)
    code, out, err = signed["run"]("verify", tmp_path / "t.zip", "--trust", signed["ca"])
    assert code == 1 and "Traceback" not in out + err
    assert "[package-unsealed]" in out


def test_a_document_added_and_resealed_by_the_secretariat_fails(signed, package, tmp_path):
    import asyncio

    from pyhanko.sign import signers

    certs = signed["certs"]
    sealer = signers.SimpleSigner.load(
        str(certs / "sara-sekretaer.key.pem"), str(certs / "sara-sekretaer.cert.pem")
    )

    def change(entries):
        entries["dokumenter/tillaeg-underskrevet.pdf"] = entries["dokumenter/milepaelsplan.pdf"]
        entries["kilder/tillaeg.txt"] = "Tillæg: tilskud til sekretariatet.".encode()
        _rehash(entries)
        cms = asyncio.run(sealer.async_sign_general_data(entries["manifest.json"], "sha256", detached=True))
        entries["manifest.json.p7s"] = cms.dump()

    _rezip(package, tmp_path / "t.zip", change)
    code, report = _verify(signed, tmp_path / "t.zip", "en")
    assert code == 1
    assert [(p["code"], p["message"]) for p in report["problems"]] == [
        (
            "package-document-not-signed",
            "dokumenter/tillaeg-underskrevet.pdf was not built together with the signed documents; no party has "
            "signed it.",
        )
    ]
    # the added source is only said (the seal alone covers it): one file more than in the real package

    def unread(report):
        return next(int(n.split()[0]) for n in report["notes"] if "file(s) in kilder/" in n)

    assert unread(report) == unread(_verify(signed, package, "en")[1]) + 1
