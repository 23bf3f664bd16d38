"""Nothing lost (issue 10): output folders that never destroy, one atomic writer, a lock for every change,
edits that touch only what they mean to, and no injection into workbooks, Graphviz or XML."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import stat
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from checker.files import output_folder, write_file
from checker.findings import CouldNotRun
from tests.conftest import load

AFTALE = Path(sys.executable).with_name("aftale")


def record_args(dossier: Path, name: str, *extra: str, party: str = "viborg-kommune") -> list:
    """`aftale sign DOSSIER --record` for a party, as a command line."""
    return [
        AFTALE,
        "sign",
        dossier,
        "--record",
        "--party",
        party,
        "--name",
        name,
        "--date",
        "2017-03-20",
        *extra,
    ]


# --- output folders ----------------------------------------------------------------------------------------


def test_build_never_replaces_a_folder_it_did_not_make(run, viborg, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "vigtig.txt").write_text("min egen fil", encoding="utf-8")
    code, _, err = run("build", viborg, "--out", mine, "--no-pdf")
    assert code == 2
    assert "--out " + str(mine) + ": mappen findes og er ikke en tidligere bygning fra aftale" in err
    assert [p.name for p in mine.iterdir()] == ["vigtig.txt"]
    assert (mine / "vigtig.txt").read_text(encoding="utf-8") == "min egen fil"


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (lambda d, t: d, "mappen er dossieret eller ligger inde i det"),
        (lambda d, t: d / "generated", "mappen er dossieret eller ligger inde i det"),
        (lambda d, t: d.parent, "mappen indeholder dossieret"),
        (lambda d, t: Path("/"), "mappen indeholder dossieret"),
    ],
    ids=["the-dossier", "inside-the-dossier", "its-parent", "the-root"],
)
def test_build_refuses_the_dossier_and_its_parents(run, viborg, tmp_path, where, message):
    before = sorted(p.name for p in viborg.iterdir())
    code, _, err = run("build", viborg, "--out", where(viborg, tmp_path), "--no-pdf")
    assert code == 2 and message in err and "Intet er skrevet." in err
    assert sorted(p.name for p in viborg.iterdir()) == before


def test_build_dot_inside_the_dossier_is_refused(viborg, monkeypatch):
    monkeypatch.chdir(viborg)
    with pytest.raises(CouldNotRun) as exc:
        output_folder(Path("generated") / "viborg", dossier=Path("."))
    assert "inde i det" in exc.value.text.da


def test_build_replaces_its_own_earlier_output_and_an_empty_folder(run, viborg, tmp_path):
    out = tmp_path / "ud"
    out.mkdir()
    assert run("build", viborg, "--out", out, "--no-pdf")[0] == 0
    first = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert first["kind"] == "build" and first["tool"]["name"] == "aftale"
    (out / "samarbejdsaftale.docx").write_bytes(b"old")
    assert run("build", viborg, "--out", out, "--no-pdf")[0] == 0
    assert (out / "samarbejdsaftale.docx").read_bytes() != b"old"


# --- the one writer ----------------------------------------------------------------------------------------


def test_write_file_keeps_the_mode_of_a_replaced_file_and_follows_the_umask(tmp_path):
    kept = tmp_path / "kept.json"
    kept.write_text("{}", encoding="utf-8")
    kept.chmod(0o664)
    write_file(kept, "{ }")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o664 and kept.read_text(encoding="utf-8") == "{ }"
    old = os.umask(0o027)
    try:
        write_file(tmp_path / "new.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.json", "new.txt"]


def test_write_file_never_writes_through_a_planted_symlink(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("urørt", encoding="utf-8")
    out = tmp_path / "rapport.txt"
    for name in (".rapport.txt.tmp", ".rapport.txt.", out.name):  # where a fixed temp name would have been
        (tmp_path / name).symlink_to(victim)
    write_file(out, "rapport")
    assert victim.read_text(encoding="utf-8") == "urørt"
    assert out.read_text(encoding="utf-8") == "rapport" and not out.is_symlink()


def test_a_write_that_fails_half_way_leaves_the_old_file_and_no_temporary_file(tmp_path):
    """A file size limit makes the write fail as a full disk would (EFBIG instead of ENOSPC)."""
    target = tmp_path / "rapport.txt"
    target.write_text("forrige", encoding="utf-8")
    script = (
        "import resource, sys\n"
        "from checker.files import write_file\n"
        "from checker.findings import CouldNotRun\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))\n"
        "try:\n"
        f"    write_file({str(target)!r}, 'x' * 100000)\n"
        "except CouldNotRun as exc:\n"
        "    print(exc.text.da)\n"
        "    sys.exit(2)\n"
    )
    import signal

    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: signal.signal(signal.SIGXFSZ, signal.SIG_IGN),
    )
    assert proc.returncode == 2, proc.stderr
    assert "Kan ikke skrive" in proc.stdout and "Den tidligere fil er uændret." in proc.stdout
    assert target.read_text(encoding="utf-8") == "forrige"
    assert [p.name for p in tmp_path.iterdir()] == ["rapport.txt"]
    assert resource.getrlimit(resource.RLIMIT_FSIZE)  # the limit was the child's only


def test_audit_pdf_output_does_not_touch_a_docx_beside_it(run, viborg, tmp_path):
    other = tmp_path / "rapport.docx"
    other.write_bytes(b"en anden fil")
    code, _, err = run(
        "audit", viborg, "--as-of", "2020-06-30", "--format", "pdf", "--output", tmp_path / "rapport.pdf"
    )
    assert code in (0, 1), err
    assert (tmp_path / "rapport.pdf").read_bytes().startswith(b"%PDF")
    assert other.read_bytes() == b"en anden fil"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "viborg") == ["rapport.docx", "rapport.pdf"]


# --- the lock, and edits that touch only what they mean to ---------------------------------------------------


def test_sign_record_changes_only_the_signature_block(viborg):
    path = viborg / "samarbejdsaftale.json"
    text = path.read_text(encoding="utf-8")
    planted = text.replace('"Egeparken": 26.8', '"Egeparken": 26.80000000000000000001', 1)
    assert planted != text
    path.write_text(planted, encoding="utf-8")
    path.chmod(0o664)
    proc = subprocess.run(
        record_args(viborg, "Ulla Åkjær"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    after = path.read_text(encoding="utf-8")
    assert "26.80000000000000000001" in after  # a number nobody touched keeps its spelling
    assert stat.S_IMODE(path.stat().st_mode) == 0o664
    old_lines, new_lines = planted.splitlines(), after.splitlines()
    changed = [line for line in new_lines if line not in old_lines]
    assert changed == [
        '      "part": "Viborg Kommune",',
        '      "dato": "2017-03-20",',
        '      "navn": "Ulla Åkjær",',
        '      "metode": "wet-ink"',
    ]


def test_two_records_at_once_are_both_kept(viborg):
    procs = [
        subprocess.Popen(
            record_args(viborg, name, party=party),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for party, name in (
            ("viborg-kommune", "Ulla Åkjær"),
            ("bjerringbro-andelsboligforening", "Søren Øster"),
        )
    ]
    for proc in procs:
        assert proc.wait(timeout=60) == 0, proc.stderr.read()
    blocks = {b["part"]: b.get("navn") for b in load(viborg / "samarbejdsaftale.json")["underskrifter"]}
    assert (
        blocks["Viborg Kommune"] == "Ulla Åkjær"
        and blocks["Bjerringbro Andelsboligforening"] == "Søren Øster"
    )
    assert not [p.name for p in viborg.iterdir() if p.name.endswith(".tmp")]


def test_a_held_lock_makes_a_second_writer_give_up_with_a_message(viborg):
    from checker.files import dossier_lock

    with dossier_lock(viborg):
        with pytest.raises(CouldNotRun) as exc:
            with dossier_lock(viborg, wait=0.3):
                pass
    assert "ændres af en anden kørsel af aftale" in exc.value.text.da


# --- no injection ------------------------------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://example.invalid/?"&A1,"Klik")'


def test_dossier_text_never_becomes_a_formula_in_generated_workbooks(run, viborg, tmp_path):
    import openpyxl

    data = load(viborg / "samarbejdsaftale.json")
    data["indsatsomraader"]["omraader"][0]["succeskriterier"][0]["titel"] = FORMULA
    (viborg / "samarbejdsaftale.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    assert run("followup", "template", viborg, "--out", tmp_path / "skabelon.xlsx")[0] == 0
    run("audit", viborg, "--as-of", "2020-06-30", "--format", "xlsx", "--output", tmp_path / "revision.xlsx")
    for book in ("skabelon.xlsx", "revision.xlsx"):
        with zipfile.ZipFile(tmp_path / book) as z:
            sheets = "".join(
                z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/")
            )
        assert "<f>" not in sheets, book  # no formula anywhere
        wb = openpyxl.load_workbook(tmp_path / book)
        found = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == FORMULA]
        assert found and all(c.data_type == "s" for c in found), book


def test_a_name_in_angle_brackets_is_text_to_graphviz(tmp_path):
    from checker.assemble.orgchart import dot_source, draw
    from tests.conftest import VIBORG

    aftale = load(VIBORG / "samarbejdsaftale.json")
    aftale["organisering"]["organer"][0]["navn"] = '<IMG SRC="/etc/passwd"/>'
    aftale["sekretariat"]["navn"] = "Sekretariat \\G"
    source = dot_source(aftale)
    assert '"<IMG SRC=\\"/etc/passwd\\"/>' in source and "\\\\G" in source
    png, _pdf = draw(aftale, tmp_path)
    assert png.read_bytes().startswith(b"\x89PNG")


def test_control_characters_keep_the_junit_report_well_formed(run, viborg):
    """A control character in a name is a finding (json-invalid-character); one in a file's name, which
    the report must name, is replaced, so the XML still parses."""
    data = load(viborg / "samarbejdsaftale.json")
    data["parter"][0]["navn"] = "Boligselskabet\x07 Viborg\x1b"
    (viborg / "samarbejdsaftale.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    (viborg / "kommissorier" / "ond\x07.json").write_text("{ i stykker", encoding="utf-8")
    code, out, _ = run("check", viborg, "--format", "junit")
    assert code == 1
    root = ElementTree.fromstring(out.encode("utf-8"))  # parses: the characters were replaced
    assert "\x07" not in out and "kommissorier/ond\ufffd.json" in out
    failures = {f.get("type") for f in root.iter("failure")}
    assert {"json-invalid-character", "json-syntax"} <= failures


# --- outside programs always end ---------------------------------------------------------------------------


def test_a_timeout_kills_the_program_and_everything_it_started(tmp_path):
    import time

    from checker.processes import Timeout, run_bounded

    pid_file = tmp_path / "pid"
    start = time.monotonic()
    with pytest.raises(Timeout):
        run_bounded(["sh", "-c", f"sleep 1000 & echo $! > {pid_file}; wait"], timeout=1)
    assert time.monotonic() - start < 15
    _ends(int(pid_file.read_text()))


def _ends(pid: int) -> None:
    """The process `pid` ends within 5 s (reaped by init once killed)."""
    import time

    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    raise AssertionError(f"the process {pid} is still running")


def test_libreoffice_that_times_out_is_killed_with_a_message(tmp_path, monkeypatch):
    import time

    from checker.assemble import pdf
    from checker.assemble.build import build
    from tests.conftest import VIBORG

    docx = build(VIBORG, tmp_path / "b", pdf=False).out / "samarbejdsaftale.docx"
    monkeypatch.setattr(pdf, "TIMEOUT", 0.5)
    with pytest.raises(CouldNotRun) as exc:
        pdf.convert([docx], tmp_path)
    assert "LibreOffice blev ikke færdig inden for 0.5 sekunder." == exc.value.text.da
    time.sleep(1)
    left = subprocess.run(["pgrep", "-f", f"outdir {tmp_path}"], capture_output=True, text=True)
    assert left.stdout.strip() == ""  # no soffice left running for this conversion


# --- hostile PDFs are bounded ------------------------------------------------------------------------------


def _raw_pdf(path: Path, objects: list[bytes]) -> Path:
    """A PDF written by hand: the objects numbered from 1, a cross-reference table and a trailer."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def _page_with(content: bytes, *, flate: bool) -> list[bytes]:
    import zlib

    data = zlib.compress(content, 9) if flate else content
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d %s>>\nstream\n%s\nendstream"
        % (len(data), b"/Filter /FlateDecode " if flate else b"", data),
    ]


@pytest.mark.parametrize(
    "kind",
    ["operators", "flate-bomb", "cycle"],
)
def test_a_hostile_pdf_annex_is_read_within_limits(tmp_path, monkeypatch, kind):
    import time

    from checker.readers import ReaderError
    from checker.readers import pdf as reader

    monkeypatch.setattr(reader, "MAX_PDF_SECONDS", 3)
    monkeypatch.setattr(reader, "MAX_PDF_MEMORY", 256 * 1024 * 1024)
    if kind == "operators":  # millions of drawing operators in a small file
        objects = _page_with(b"0 0 m 1 1 l S\n" * 2_000_000, flate=True)
    elif kind == "flate-bomb":  # a megabyte that unpacks to gigabytes
        objects = _page_with(b"BT /F1 12 Tf (x) Tj ET\n" + b" " * (512 * 1024**2), flate=True)
    else:  # pages that are each other's kids
        objects = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>",
        ]
    pdf = _raw_pdf(tmp_path / f"{kind}.pdf", objects)
    assert pdf.stat().st_size < 20 * 1024 * 1024
    start = time.monotonic()
    if kind == "cycle":  # pdfminer walks it without looping: no page, no hang
        assert reader.read_pdf(pdf) == []
    else:
        with pytest.raises(ReaderError) as exc:
            reader.read_pdf(pdf)
        assert exc.value.code == "pdf-too-complex"
        assert exc.value.message.da.startswith("PDF-filen kan ikke læses inden for grænserne (3 s, 256 MB): ")
    assert time.monotonic() - start < 20


def test_a_pdf_reading_no_rule_asks_for_is_stopped_with_its_child(tmp_path):
    """check begins reading each PDF annex in a child process before the rules that need it; a reading
    nobody collects (a rule raised, or none asked) is stopped, leaving no child at work."""
    import time

    from checker.processes import STOPPED
    from checker.readers import pdf as reader

    pdf = _raw_pdf(tmp_path / "slow.pdf", _page_with(b"0 0 m 1 1 l S\n" * 2_000_000, flate=True))
    reading = reader.start_reading(pdf)
    pid = reading._child._proc.pid
    time.sleep(0.3)
    os.kill(pid, 0)  # still reading
    start = time.monotonic()
    reading.stop()
    assert time.monotonic() - start < 6
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert reading._child.result() == STOPPED


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_template_that_is_no_regular_file_is_refused_at_once(run, viborg, tmp_path, kind):
    import shutil
    import time

    from checker.resources import template_dir

    templates = tmp_path / "skabeloner"
    shutil.copytree(template_dir(), templates)
    target = templates / "samarbejdsaftale.docx"
    target.unlink()
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/zero")
    start = time.monotonic()
    code, _, err = run("build", viborg, "--out", tmp_path / "ud", "--no-pdf", "--templates", templates)
    assert code == 2, err
    assert "Skabelonen samarbejdsaftale.docx er ikke en almindelig fil" in err
    assert time.monotonic() - start < 30 and not (tmp_path / "ud").exists()


# --- one reader: what JSON allows but no document can hold ---------------------------------------------------


def _check_json(run, dossier) -> dict:
    code, out, _ = run("check", dossier, "--format", "json")
    return {"code": code, **json.loads(out)}


def test_a_lone_surrogate_is_a_finding_at_its_line_and_stops_the_build(run, viborg, tmp_path):
    path = viborg / "samarbejdsaftale.json"
    text = path.read_text(encoding="utf-8")
    old = '"helhedsplan": "'
    assert text.count(old) == 1
    path.write_text(text.replace(old, old + "\\udfff"), encoding="utf-8")
    report = _check_json(run, viborg)
    found = [f for f in report["findings"] if f["code"] == "json-invalid-character"]
    assert report["code"] == 1 and len(found) == 1
    assert (
        found[0]["pointer"] == "/helhedsplan" and found[0]["line"] == text[: text.index(old)].count("\n") + 1
    )
    assert "U+DFFF" in found[0]["message"]
    code, _, err = run("build", viborg, "--out", tmp_path / "ud", "--draft", "--no-pdf")
    assert code == 1 and not (tmp_path / "ud").exists()


def test_a_number_out_of_range_is_a_finding(run, viborg):
    path = viborg / "samarbejdsaftale.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"Egeparken": 26.8', '"Egeparken": 1e400', 1), encoding="utf-8")
    report = _check_json(run, viborg)
    assert report["code"] == 1
    assert [f["code"] for f in report["findings"] if f["code"].startswith("json-")] == [
        "json-number-out-of-range"
    ]


def test_a_name_in_decomposed_unicode_is_the_same_name(run, viborg, tmp_path):
    import shutil
    import unicodedata

    composed = "Vestervång"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    mixed = tmp_path / "blandet"
    for path in viborg.rglob("*.json"):
        path.write_text(path.read_text(encoding="utf-8").replace("Vestervang", composed), encoding="utf-8")
    shutil.copytree(viborg, mixed)
    plan = mixed / "beredskabsplan.json"
    plan.write_text(plan.read_text(encoding="utf-8").replace(composed, decomposed), encoding="utf-8")
    assert decomposed in plan.read_text(encoding="utf-8")
    codes = sorted(f["code"] for f in _check_json(run, viborg)["findings"])
    assert sorted(f["code"] for f in _check_json(run, mixed)["findings"]) == codes


# --- no traceback for what a user or a hostile file can cause -------------------------------------------------

MUTATIONS = {
    "bom": lambda t: "\ufeff" + t,
    "dokumenttype-list": lambda t: t.replace(
        '"dokumenttype": "strategisk-samarbejdsaftale"', '"dokumenttype": ["x"]', 1
    ),
    "nested-500": lambda t: t.replace(
        '"helhedsplan": "', '"x": ' + "[" * 500 + "]" * 500 + ', "helhedsplan": "', 1
    ),
    "year-9999": lambda t: t.replace('"slut": "2021-03-31"', '"slut": "9999-12-31"', 1),
    "1e400": lambda t: t.replace('"Egeparken": 26.8', '"Egeparken": 1e400', 1),
}
EXPECTED = {  # what validate says of each (the BOM is accepted everywhere)
    "bom": None,
    "dokumenttype-list": "doc-type-unknown",
    "nested-500": "json-too-deep",
    "year-9999": "json-date-out-of-range",
    "1e400": "json-number-out-of-range",
}


@pytest.mark.parametrize("mutation", list(MUTATIONS))
def test_hostile_json_ends_in_a_message_in_every_command(run, viborg, tmp_path, mutation):
    from tests.conftest import VIBORG

    path = viborg / "samarbejdsaftale.json"
    before = path.read_text(encoding="utf-8")
    after = MUTATIONS[mutation](before)
    assert after != before
    path.write_text(after, encoding="utf-8")
    code, out, _ = run("validate", viborg, "--format", "json")
    codes = [f["code"] for f in json.loads(out)["findings"]]
    assert codes == ([] if EXPECTED[mutation] is None else [EXPECTED[mutation]])
    commands = [
        ("check", viborg),
        ("build", viborg, "--out", tmp_path / "ud", "--no-pdf", "--draft"),
        ("audit", viborg, "--as-of", "2020-06-30"),
        ("followup", "template", viborg, "--out", tmp_path / "f.xlsx"),
        ("diff", VIBORG, viborg),
    ]
    for args in commands:  # the runner re-raises any exception: a traceback fails the test
        code, _, err = run(*args)
        assert code in (0, 1, 2), (args, code, err)
        if EXPECTED[mutation] is None:
            assert code in (0, 1), (args, err)  # a BOM is no reason not to run


# --- killed at any moment ---------------------------------------------------------------------------------


def _kill_after(args: list, seconds: float) -> None:
    import signal
    import time

    proc = subprocess.Popen(
        [str(a) for a in args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    time.sleep(seconds)
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the command and the LibreOffice it started
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)


def _whole_build(out: Path) -> bool:
    import hashlib

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return all(
        hashlib.sha256((out / o["path"]).read_bytes()).hexdigest() == o["sha256"] for o in manifest["outputs"]
    )


def test_a_build_killed_at_any_moment_leaves_the_previous_output_whole(viborg, tmp_path):
    import random

    out = tmp_path / "ud"
    assert (
        subprocess.run([AFTALE, "build", viborg, "--out", out], capture_output=True, timeout=300).returncode
        == 0
    )
    assert _whole_build(out)
    rng = random.Random(9)
    for _ in range(4):
        _kill_after([AFTALE, "build", viborg, "--out", out], rng.uniform(0.3, 4.0))
        assert _whole_build(out)  # the earlier build, or a complete new one: never half
    again = subprocess.run(
        [AFTALE, "build", viborg, "--out", out, "--no-pdf"], capture_output=True, timeout=300
    )
    assert again.returncode == 0, again.stderr  # nothing left behind breaks the next run


def test_a_record_killed_at_any_moment_leaves_valid_json(viborg):
    import random

    path = viborg / "samarbejdsaftale.json"
    before = path.read_text(encoding="utf-8")
    rng = random.Random(3)
    for i in range(6):
        _kill_after(record_args(viborg, f"N{i}", "--replace"), rng.uniform(0.05, 0.6))
        data = json.loads(path.read_text(encoding="utf-8"))  # whole, never cut off
        block = next(b for b in data["underskrifter"] if b["part"] == "Viborg Kommune")
        assert block.get("navn") in (None, *[f"N{j}" for j in range(i + 1)])
    done = subprocess.run(
        record_args(viborg, "Til sidst", "--replace"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr  # no lock or temp file left behind stops the next run
    assert path.read_text(encoding="utf-8") != before


def test_a_template_with_loops_in_loops_is_stopped_at_the_limit(run, viborg, tmp_path, monkeypatch):
    import shutil
    import time

    from checker.assemble import render
    from checker.resources import template_dir

    templates = tmp_path / "skabeloner"
    shutil.copytree(template_dir(), templates)
    target = templates / "milepaelsplan.docx"
    with zipfile.ZipFile(target) as z:
        entries = {n: z.read(n) for n in z.namelist()}
    xml = entries["word/document.xml"].decode("utf-8")
    loops = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
    entries["word/document.xml"] = xml.replace("{{", loops + "{{", 1).encode("utf-8")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    monkeypatch.setattr(render, "RENDER_SECONDS", 3)
    start = time.monotonic()
    code, _, err = run("build", viborg, "--out", tmp_path / "ud", "--no-pdf", "--templates", templates)
    assert code == 2, err
    assert "Skabelonerne kan ikke gengives inden for grænserne (3 s, 1024 MB)" in err
    assert time.monotonic() - start < 60 and not (tmp_path / "ud").exists()


def test_package_refuses_to_write_into_the_dossier(run, viborg):
    code, _, err = run("package", viborg, "--out", viborg / "pakke.zip", "--draft")
    assert code == 2 and "ligger inde i dossieret" in err
    assert not (viborg / "pakke.zip").exists()


def test_a_tick_runs_while_the_program_runs_and_what_it_raises_stops_the_program(tmp_path):
    import time

    from checker.processes import run_bounded

    ticks = []
    proc = run_bounded(["sh", "-c", "sleep 0.3; echo done"], timeout=10, tick=lambda: ticks.append(1))
    assert proc.returncode == 0 and proc.stdout == b"done\n" and len(ticks) >= 5

    pid_file = tmp_path / "pid"

    def stop() -> None:
        if pid_file.exists() and pid_file.read_text().strip():
            raise KeyError("enough")

    start = time.monotonic()
    with pytest.raises(KeyError, match="enough"):
        run_bounded(["sh", "-c", f"sleep 1000 & echo $! > {pid_file}; wait"], timeout=60, tick=stop)
    assert time.monotonic() - start < 15
    _ends(int(pid_file.read_text()))


def test_work_started_in_a_child_is_collected_later_or_stopped():
    import time

    from checker.processes import STOPPED, start_in_child

    child = start_in_child(lambda: ("ok", os.getpid()), seconds=10, memory=256 * 2**20)
    assert child.result()[0] == "ok" and child.result()[1] != os.getpid()

    slow = start_in_child(lambda: (time.sleep(1000), ("late",))[1], seconds=2000, memory=256 * 2**20)
    pid = slow._proc.pid
    start = time.monotonic()
    slow.stop()
    assert slow.result() == STOPPED and time.monotonic() - start < 6
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_libreoffice_hands_over_each_pdf_complete_while_it_converts_the_next(tmp_path):
    import pikepdf

    from checker.assemble import pdf
    from checker.assemble.build import build
    from tests.conftest import VIBORG

    built = build(VIBORG, tmp_path / "b", pdf=False).out
    # the agreement last: it takes LibreOffice longest to load, so the first hand-over comes well before
    files = [built / n for n in ("milepaelsplan.docx", "beredskabsplan.docx", "samarbejdsaftale.docx")]
    out = tmp_path / "pdf"
    out.mkdir()
    last = out / "samarbejdsaftale.pdf"
    seen = []

    def on_pdf(i: int, path: Path) -> None:
        with pikepdf.open(path) as doc:  # complete: it parses
            pages = len(doc.pages)
        seen.append((i, path.name, pages, last.exists(), hashlib.sha256(path.read_bytes()).hexdigest()))

    pdfs = pdf.convert(files, out, on_pdf=on_pdf)
    assert [(i, name) for i, name, *_rest in seen] == [
        (0, "milepaelsplan.pdf"),
        (1, "beredskabsplan.pdf"),
        (2, "samarbejdsaftale.pdf"),
    ]
    assert all(pages > 0 for _i, _n, pages, _l, _h in seen)
    # the first was handed over while LibreOffice had not yet begun the agreement's PDF
    assert seen[0][3] is False
    # and none was written again after it was handed over
    assert [h for *_x, h in seen] == [hashlib.sha256(p.read_bytes()).hexdigest() for p in pdfs]


def test_an_error_while_handing_over_stops_libreoffice(tmp_path):
    import time

    from checker.assemble import pdf
    from checker.assemble.build import build
    from tests.conftest import VIBORG

    built = build(VIBORG, tmp_path / "b", pdf=False).out
    files = sorted(built.glob("*.docx"))
    out = tmp_path / "pdf"
    out.mkdir()

    def refuse(i: int, path: Path) -> None:
        raise ValueError(f"no {path.name}")

    with pytest.raises(ValueError, match=f"no {files[0].stem}.pdf"):
        pdf.convert(files, out, on_pdf=refuse)
    time.sleep(1)
    left = subprocess.run(["pgrep", "-f", f"outdir {out}"], capture_output=True, text=True)
    assert left.stdout.strip() == ""
    assert not (out / f"{files[-1].stem}.pdf").exists()  # stopped before the last document


def test_profile_folders_left_by_killed_runs_are_swept_by_the_next(tmp_path):
    """A build killed while LibreOffice ran cannot remove LibreOffice's profile folder; the next run
    removes those of processes that have ended, once they are old, and nothing else."""
    import tempfile
    import time

    from checker.files import STALE_AFTER
    from checker.libreoffice import new_profile, remove_profile

    base = Path(tempfile.gettempdir())
    old = time.time() - STALE_AFTER - 60
    dead = base / "aftale-lo-999999999-test"  # no such process
    alive = base / f"aftale-lo-{os.getpid()}-test"
    recent = base / "aftale-lo-999999998-test"
    for folder in (dead, alive, recent):
        (folder / "user").mkdir(parents=True, exist_ok=True)
    os.utime(dead, (old, old))
    os.utime(alive, (old, old))
    try:
        made = new_profile()
        assert made.name.startswith(f"aftale-lo-{os.getpid()}-") and made.is_dir()
        assert not dead.exists() and alive.is_dir() and recent.is_dir()
    finally:
        for folder in (dead, alive, recent, made):
            remove_profile(folder)
