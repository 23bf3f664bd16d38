"""Writing files and output folders so that nothing is lost.

- `write_file`: the one way the tool writes a file. A temporary file is created exclusively (random
  name, O_EXCL, so a symlink planted in its place is never followed) in the target's folder, written,
  fsynced, renamed over the target, and the folder fsynced. A replaced file keeps its mode; a new one
  follows the umask. A failure (a full disk, a read-only folder) leaves the previous file as it was and
  no temporary file behind.
- `output_folder`: where a command may put a folder of outputs. It is created fresh, or replaces only
  an earlier output of the same kind (recognised by its manifest). The dossier, anything inside it, any
  of its parents, the current folder and its parents, and any other non-empty folder are refused.
- `dossier_lock`: an exclusive lock on a dossier for commands that read, modify and write its files.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import tempfile
import time
from collections.abc import Collection, Iterator
from pathlib import Path

from checker.findings import CouldNotRun, Text

LOCK_NAME = ".aftale.lock"
LOCK_WAIT = 30.0  # seconds a second writer waits for the first before giving up


def _umask_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _reason(exc: OSError) -> Text:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return Text("disken er fuld", "the disk is full")
    if exc.errno == errno.EFBIG:
        return Text("filen bliver for stor", "the file would be too large")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return Text("ingen skriveadgang", "no permission to write")
    return Text(exc.strerror or str(exc), exc.strerror or str(exc))


def write_file(target: str | os.PathLike, data: bytes | str) -> Path:
    """Write `data` (text as UTF-8) to `target` atomically; see the module docstring. Returns the path."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        mode = (
            target.stat().st_mode & 0o7777 if target.is_file() and not target.is_symlink() else _umask_mode()
        )
    except OSError:
        mode = _umask_mode()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        why = _reason(exc)
        raise CouldNotRun(
            Text(f"Kan ikke skrive i {folder}: {why.da}.", f"Cannot write in {folder}: {why.en}.")
        ) from None
    try:
        _fill(fd, data)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        why = _reason(exc)
        raise CouldNotRun(
            Text(
                f"Kan ikke skrive {target}: {why.da}. Den tidligere fil er uændret.",
                f"Cannot write {target}: {why.en}. The previous file is unchanged.",
            )
        ) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_folder(folder)
    return target


def create_file(target: str | os.PathLike, data: bytes, mode: int) -> Path:
    """Create a file that must not exist yet (a private key, say), with `mode` from the first byte on;
    CouldNotRun if it exists. A failed write removes the half-written file."""
    target = Path(target)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    except FileExistsError:
        raise CouldNotRun(
            Text(
                f"{target} findes allerede og overskrives ikke.",
                f"{target} already exists and is not overwritten.",
            )
        ) from None
    except OSError as exc:
        why = _reason(exc)
        raise CouldNotRun(
            Text(f"Kan ikke oprette {target}: {why.da}.", f"Cannot create {target}: {why.en}.")
        ) from None
    try:
        _fill(fd, data)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(target)
        why = _reason(exc)
        raise CouldNotRun(
            Text(f"Kan ikke skrive {target}: {why.da}.", f"Cannot write {target}: {why.en}.")
        ) from None
    fsync_folder(target.parent if str(target.parent) else Path("."))
    return target


def _fill(fd: int, data: bytes) -> None:
    """Write everything to the open file, flush it to disk and close it."""
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (best effort: not every file system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def workbook_bytes(wb, formulas: Collection[tuple[str, str]] = ()) -> bytes:
    """An openpyxl workbook as the bytes of an .xlsx file, with every cell a value, never a formula: the
    tool's workbooks hold text from the dossier, and "=HYPERLINK(…)" or "=cmd|' /C calc'!A0" typed there
    must stay text in Excel (openpyxl makes any string starting with "=" a formula). The only formulas
    kept are the tool's own, named in `formulas` as (sheet title, cell) pairs such as ("Finansiering", "F11")."""
    import io

    keep = set(formulas)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and (ws.title, cell.coordinate) not in keep:
                    cell.data_type = "s"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- output folders


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def is_own_output(folder: Path, kind: str) -> bool:
    """Does `folder` hold an earlier output of this kind (its manifest says so)?"""
    manifest = folder / "manifest.json"
    try:
        if not manifest.is_file() or manifest.is_symlink() or manifest.stat().st_size > 10 << 20:
            return False
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return False
    return (
        isinstance(data, dict)
        and isinstance(data.get("tool"), dict)
        and data["tool"].get("name") == "aftale"
        and data.get("kind", "build") == kind
        and isinstance(data.get("outputs"), list)
    )


def output_folder(out: Path, *, dossier: Path, kind: str = "build") -> Path:
    """Check that `out` may receive a folder of outputs (see the module docstring); CouldNotRun if not."""
    out = Path(out)
    resolved = out.resolve()
    root = dossier.resolve()
    here = Path.cwd().resolve()

    def refuse(da: str, en: str) -> CouldNotRun:
        return CouldNotRun(
            Text(f"--out {out}: {da} Intet er skrevet.", f"--out {out}: {en} Nothing was written.")
        )

    if _within(resolved, root):
        raise refuse(
            "mappen er dossieret eller ligger inde i det; byg til en mappe uden for dossieret.",
            "the folder is the dossier or inside it; build into a folder outside the dossier.",
        )
    if _within(root, resolved):
        raise refuse(
            "mappen indeholder dossieret; den ville blive erstattet.",
            "the folder contains the dossier; it would be replaced.",
        )
    if _within(here, resolved):
        raise refuse(
            "mappen er den aktuelle mappe eller en af dens overmapper; den ville blive erstattet.",
            "the folder is the current folder or one of its parents; it would be replaced.",
        )
    if out.is_symlink():
        raise refuse("er et symbolsk link; angiv mappen selv.", "is a symbolic link; give the folder itself.")
    if out.exists():
        if not out.is_dir():
            raise refuse("findes og er ikke en mappe.", "exists and is not a folder.")
        try:
            empty = not any(out.iterdir())
        except OSError as exc:
            raise refuse(f"kan ikke læses ({exc.strerror}).", f"cannot be read ({exc.strerror}).") from None
        if not empty and not is_own_output(out, kind):
            raise refuse(
                "mappen findes og er ikke en tidligere bygning fra aftale (den har ingen aftale-manifest.json); "
                "den erstattes ikke. Vælg en ny eller tom mappe.",
                "the folder exists and is not an earlier build by aftale (it has no aftale manifest.json); it is "
                "not replaced. Choose a new or empty folder.",
            )
    return out


# --------------------------------------------------------------------------- the dossier lock


@contextlib.contextmanager
def dossier_lock(root: Path, wait: float = LOCK_WAIT) -> Iterator[None]:
    """Hold an exclusive lock on the dossier (a lock file, .aftale.lock, in it) while changing it. A second
    writer waits up to `wait` seconds, then gives up with a clear message. The lock goes with the process,
    so a killed writer never leaves the dossier locked."""
    import fcntl

    path = Path(root) / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, _umask_mode())
    except OSError as exc:
        why = _reason(exc)
        raise CouldNotRun(
            Text(
                f"Dossieret {root} kan ikke låses til ændring: {why.da}.",
                f"The dossier {root} cannot be locked for changing: {why.en}.",
            )
        ) from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise CouldNotRun(
                        Text(
                            f"Dossieret {root} ændres af en anden kørsel af aftale; prøv igen, når den er færdig.",
                            f"The dossier {root} is being changed by another run of aftale; try again when it has "
                            "finished.",
                        )
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- folders of killed runs

STALE_AFTER = 600  # seconds: a working folder of a process that has ended, this old, is abandoned


def private_folder(prefix: str, parent: Path | None = None) -> Path:
    """A new working folder `<prefix><pid>-XXXX` in `parent` (the temporary folder by default), named
    after this process, so that a later run can tell one a killed run left behind (abandoned). Those
    in the same place are removed first. CouldNotRun naming the folder when it cannot be made."""
    import shutil

    parent = Path(parent or tempfile.gettempdir())
    for old in abandoned(parent, prefix):
        shutil.rmtree(old, ignore_errors=True)
    try:
        return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))
    except OSError as exc:
        raise CouldNotRun(
            Text(
                f"Kan ikke oprette en arbejdsmappe i {parent}: {_reason(exc).da}",
                f"Cannot create a working folder in {parent}: {_reason(exc).en}",
            )
        ) from None


def cannot_write(where: Path, exc: OSError) -> CouldNotRun:
    """The message for an OSError while writing in the folder `where` (a full disk said as such)."""
    why = _reason(exc)
    return CouldNotRun(Text(f"Kan ikke skrive i {where}: {why.da}.", f"Cannot write in {where}: {why.en}."))


def abandoned(parent: Path, prefix: str) -> Iterator[Path]:
    """The folders `<prefix><pid>-*` in `parent` whose process has ended, untouched for STALE_AFTER
    seconds: left behind by runs that were killed before they could remove them."""
    try:
        entries = list(parent.glob(f"{prefix}*-*"))
    except OSError:
        return
    for entry in entries:
        pid = entry.name[len(prefix) :].split("-", 1)[0]
        try:
            if not pid.isdigit() or Path(f"/proc/{pid}").exists() or not Path("/proc/self").exists():
                continue
            if (
                entry.is_dir()
                and not entry.is_symlink()
                and time.time() - entry.stat().st_mtime > STALE_AFTER
            ):
                yield entry
        except OSError:
            continue
