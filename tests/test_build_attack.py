"""Attacks on `aftale build` (LibreOffice started ahead, rendering in a child, signature fields while
LibreOffice converts) and on the PDF annex reading of `aftale check`: killed and interrupted runs,
hostile annexes, a broken LibreOffice, a full temporary folder.

The kill tests run the CLI as a subprocess in a session of its own (its process group is then its pid)
and clean up, by pid, whatever they find left; they never look at processes of other runs."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import pytest

from tests.conftest import VIBORG, dump, load, poll

AFTALE = str(Path(sys.executable).parent / "aftale")
SETTLE = 8.0  # seconds a run's processes get to end after it was killed


# --------------------------------------------------------------------------------------------- helpers


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except OSError:
        return None


def _all_pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def _left_by(pid: int) -> list[tuple[int, str]]:
    """Live processes of the run `pid`: in its process group, or using its LibreOffice profile."""
    marker = f"aftale-lo-{pid}-"
    found = []
    for other in _all_pids():
        if other == pid or _zombie(other):
            continue
        line = _cmdline(other)
        if line and (marker in line or _pgid(other) == pid):
            found.append((other, line[:160]))
    return found


def _wait_until_gone(pid: int, seconds: float = SETTLE) -> list[tuple[int, str]]:
    deadline = time.monotonic() + seconds
    left = _left_by(pid)
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = _left_by(pid)
    return left


def _kill_and_find_nothing_left(proc: subprocess.Popen) -> None:
    """SIGKILL the run; within SETTLE seconds nothing of it (its group, its LibreOffice) is left."""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    left = _wait_until_gone(proc.pid)
    assert left == [], f"still running {SETTLE} s after the run was killed: {left}"


def _clean_up(pid: int) -> None:
    for other, _line in _left_by(pid):
        try:
            os.kill(other, signal.SIGKILL)
        except OSError:
            pass


def _spawn(tmp_path: Path, *args: str, env: dict | None = None) -> tuple[subprocess.Popen, Path, Path]:
    out, err = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    proc = subprocess.Popen(
        [AFTALE, *args],
        stdout=out.open("wb"),
        stderr=err.open("wb"),
        start_new_session=True,  # its process group is its pid: a Ctrl-C is sent to the group
        env=env,
        cwd=tmp_path,
    )
    return proc, out, err


def _forked_child(pid: int):
    """A child of the aftale process that is a fork of it (the rendering or a PDF reading)."""
    mine = _cmdline(pid)
    return next((c for c in _children(pid) if mine and _cmdline(c) == mine), None)


def _converting(pid: int):
    """The `soffice --convert-to` a build runs with its profile."""
    marker = f"aftale-lo-{pid}-"
    return next((p for p in _all_pids() if "--convert-to" in (line := _cmdline(p)) and marker in line), None)


def _slow_pdf(path: Path) -> None:
    """A one-page PDF whose page draws a million pieces of text: pdfminer needs many seconds for it."""
    ops = b"BT /F1 1 Tf " + b"1 0 0 1 10 10 Tm (x) Tj\n" * 1_000_000 + b"ET"
    stream = zlib.compress(ops, 9)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    path.write_bytes(_pdf(objs))


def _pdf(objs: list[bytes]) -> bytes:
    out = b"%PDF-1.7\n"
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


# ------------------------------------------- problems an attack pass found, fixed (each test its demand)


def test_a_build_killed_while_the_word_files_render_leaves_no_libreoffice_and_no_child(viborg, tmp_path):
    """SIGKILL while the rendering child works: nothing of the build outlives it. (The forked child once
    inherited the watchdog's input pipe and, orphaned, blocked for ever sending its result, so the
    watchdog never saw the pipe close and LibreOffice ran on for ever.)"""
    proc, _out, _err = _spawn(tmp_path, "build", str(viborg), "--out", str(tmp_path / "ud"))
    try:
        child = poll(lambda: _forked_child(proc.pid))
        assert child, "the build never forked its rendering child"
        _kill_and_find_nothing_left(proc)
    finally:
        _clean_up(proc.pid)


def test_a_build_killed_while_libreoffice_converts_leaves_no_soffice_and_no_profile(viborg, tmp_path):
    """SIGKILL while `soffice --convert-to` runs: that soffice (in a session of its own) is ended by the
    watchdog too, and the profile folder is removed after it, not re-created."""
    proc, _out, _err = _spawn(tmp_path, "build", str(viborg), "--out", str(tmp_path / "ud"))
    try:
        assert poll(lambda: _converting(proc.pid)), "the build never started the conversion"
        _kill_and_find_nothing_left(proc)
        time.sleep(0.5)
        profiles = list(Path(tempfile.gettempdir()).glob(f"aftale-lo-{proc.pid}-*"))
        assert profiles == [], f"profile folder left behind: {profiles}"
    finally:
        _clean_up(proc.pid)


def test_the_staging_folder_of_a_killed_build_is_removed_by_a_later_build(viborg, tmp_path, run):
    """A SIGKILLed build cannot remove its hidden staging folder (.ud.build-<pid>-*, megabytes of
    half-made output) beside --out; a later build removes it once it is old and its process gone."""
    proc, _out, _err = _spawn(tmp_path, "build", str(viborg), "--out", str(tmp_path / "ud"))
    try:
        assert poll(lambda: _converting(proc.pid)), "the build never started the conversion"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        _wait_until_gone(proc.pid)
    finally:
        _clean_up(proc.pid)
    staged = list(tmp_path.glob(".ud.build-*"))
    assert staged, "the killed build left no staging folder (nothing to test)"
    an_hour_ago = time.time() - 3600
    for folder in staged:
        for path in [folder, *folder.rglob("*")]:
            os.utime(path, (an_hour_ago, an_hour_ago))
    code, _stdout, stderr = run("build", viborg, "--out", tmp_path / "ud", "--no-pdf")
    assert code == 0, stderr
    assert list(tmp_path.glob(".ud.build-*")) == []


def test_ctrl_c_during_a_build_exits_2_without_a_traceback_and_leaves_nothing(viborg, tmp_path):
    """Ctrl-C (SIGINT to the foreground process group) stops a build as SIGTERM does: exit code 2 (it
    could not run; never 1, which means the check found errors), no traceback, nothing left."""
    proc, _out, err = _spawn(tmp_path, "build", str(viborg), "--out", str(tmp_path / "ud"))
    try:
        assert poll(lambda: _forked_child(proc.pid)), "the build never forked its rendering child"
        os.killpg(proc.pid, signal.SIGINT)
        code = proc.wait(30)
        stderr = err.read_text(errors="replace")
        assert "Traceback" not in stderr
        assert code == 2, f"exit code {code}: {stderr[-300:]}"
        assert _wait_until_gone(proc.pid) == []
        assert not (tmp_path / "ud").exists() and list(tmp_path.glob(".ud*")) == []
    finally:
        _clean_up(proc.pid)


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    """Two dossiers; the second's PDF annex takes pdfminer many seconds."""
    folder = tmp_path / "dossierer"
    for name in ("a", "b"):
        shutil.copytree(VIBORG, folder / name)
    _slow_pdf(folder / "b" / "centrale-maalinger.pdf")
    return folder


def test_ctrl_c_during_a_check_of_many_dossiers_prints_no_traceback(portfolio, tmp_path):
    """`aftale check FOLDER --jobs 2` interrupted: the workers leave Ctrl-C to the parent (no
    KeyboardInterrupt traceback from each), which stops with exit code 2."""
    proc, _out, err = _spawn(tmp_path, "check", str(portfolio), "--jobs", "2")
    try:
        assert poll(lambda: len(_children(proc.pid)) >= 2), "no worker processes started"
        time.sleep(1.5)
        os.killpg(proc.pid, signal.SIGINT)
        code = proc.wait(40)
        stderr = err.read_text(errors="replace")
        assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr[-600:]
        assert code == 2, f"exit code {code}"
        assert _wait_until_gone(proc.pid) == []
    finally:
        _clean_up(proc.pid)


def test_a_killed_check_of_many_dossiers_leaves_no_worker_processes(portfolio, tmp_path):
    """SIGKILL of `aftale check FOLDER --jobs 2`: the pool's workers die with it (they once waited for
    work for ever, holding the caller's output pipes open)."""
    proc, _out, _err = _spawn(tmp_path, "check", str(portfolio), "--jobs", "2")
    try:
        assert poll(lambda: len(_children(proc.pid)) >= 2), "no worker processes started"
        time.sleep(1.0)
        _kill_and_find_nothing_left(proc)
    finally:
        _clean_up(proc.pid)


def test_a_full_temporary_folder_is_named_as_such_not_as_the_output(viborg, tmp_path):
    """TMPDIR on a full file system: the build stops naming the temporary folder and saying the disk is
    full (not blaming the output, as cli.run's catch-all for a full stdout once did)."""
    small = tmp_path / "small"
    small.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(small)], capture_output=True
    )
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (the set-up and CI run as root)")
    assert mounted.returncode == 0, mounted.stderr
    try:
        env = {**os.environ, "TMPDIR": str(small)}
        proc, _out, err = _spawn(tmp_path, "build", str(viborg), "--out", str(tmp_path / "ud"), env=env)
        code = proc.wait(60)
        stderr = err.read_text(errors="replace")
        assert code == 2 and "Traceback" not in stderr
        assert "cannot write the output" not in stderr, stderr
        # whichever fills the small folder first, the build's working files or LibreOffice's profile
        # (started beside them), the message names the folder in it and says it is full
        ours = f"Kan ikke skrive i {small}/aftale-build-{proc.pid}-" in stderr and stderr.rstrip().endswith(
            ": disken er fuld."
        )
        libreoffice = "insufficient free disk space" in stderr and f"{small}/aftale-lo-{proc.pid}-" in stderr
        assert ours or libreoffice, stderr
        assert not (tmp_path / "ud").exists()
    finally:
        subprocess.run(["umount", "-l", str(small)], capture_output=True)


# ---------------------------------------------------------------------------- attacks that are held


def _own_children() -> list[int]:
    return [c for c in _children(os.getpid()) if not _zombie(c)]


@pytest.mark.parametrize(
    "content, says",
    [
        (b"hello, this is not a pdf\n" * 100, "ikke en PDF"),
        ((VIBORG / "centrale-maalinger.pdf").read_bytes()[:900], "beskadiget eller ufuldstændig"),
    ],
    ids=["not-a-pdf", "truncated"],
)
def test_a_hostile_pdf_annex_is_a_finding_and_leaves_no_child(run, viborg, content, says):
    (viborg / "centrale-maalinger.pdf").write_bytes(content)
    start = time.monotonic()
    code, stdout, stderr = run("check", viborg)
    assert code == 1 and "annex-unreadable" in stdout and says in stdout, stdout + stderr
    assert time.monotonic() - start < 30
    assert poll(lambda: not _own_children(), seconds=5)


def test_a_page_tree_that_contains_itself_does_not_hang_the_check(run, viborg):
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ]
    (viborg / "centrale-maalinger.pdf").write_bytes(_pdf(objs))
    start = time.monotonic()
    code, _stdout, stderr = run("check", viborg)
    assert code in (0, 1) and "Traceback" not in stderr
    assert time.monotonic() - start < 30
    assert poll(lambda: not _own_children(), seconds=5)


def test_a_refused_build_with_a_broken_template_says_the_check_found_errors(run, viborg, tmp_path):
    templates = tmp_path / "skabeloner"
    shutil.copytree(Path(__file__).resolve().parent.parent / "templates", templates)
    import zipfile

    target = templates / "delaftale.docx"
    with zipfile.ZipFile(target) as zin:
        items = [(i, zin.read(i.filename)) for i in zin.infolist()]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            if info.filename == "word/document.xml":
                data = data.replace(
                    b"<w:body>",
                    b"<w:body><w:p><w:r><w:t>{{ dokument.findes_ikke.heller_ikke }}</w:t></w:r></w:p>",
                    1,
                )
            zout.writestr(info, data)
    code, _stdout, stderr = run("build", viborg, "--out", tmp_path / "ud", "--templates", templates)
    assert code == 2 and "findes_ikke" in stderr
    data = load(viborg / "samarbejdsaftale.json")
    data["ressourcer"]["finansiering"]["samlet"] = 1
    dump(viborg / "samarbejdsaftale.json", data)
    code, _stdout, stderr = run("build", viborg, "--out", tmp_path / "ud", "--templates", templates)
    assert code == 1 and "Kontrollen fandt fejl" in stderr
    assert not (tmp_path / "ud").exists() and list(tmp_path.glob(".ud*")) == []


def test_libreoffice_killed_from_outside_ends_the_build_with_exit_2_and_keeps_the_old_output(
    viborg, tmp_path
):
    """Every soffice.bin of this build (the one started ahead and the converting one) killed again and
    again once the conversion runs: a message, exit 2, the previous output untouched."""
    out = tmp_path / "ud"
    out.mkdir()
    proc, _o, err = _spawn(tmp_path, "build", str(viborg), "--out", str(out))
    try:
        assert poll(lambda: _converting(proc.pid)), "the build never started the conversion"
        marker = f"aftale-lo-{proc.pid}-"
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            for other in _all_pids():
                line = _cmdline(other)
                if "soffice.bin" in line and marker in line:
                    try:
                        os.kill(other, signal.SIGKILL)
                    except OSError:
                        pass
            time.sleep(0.03)
        stderr = err.read_text(errors="replace")
        assert proc.returncode == 2 and "LibreOffice" in stderr and "Traceback" not in stderr
        assert list(out.iterdir()) == [] and list(tmp_path.glob(".ud.*")) == []
        assert _wait_until_gone(proc.pid) == []
    finally:
        _clean_up(proc.pid)
