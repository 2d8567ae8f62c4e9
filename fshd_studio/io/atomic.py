"""Every file the app writes goes through here: temp file in the same folder, flush, fsync, rename.

Temp files and folders are named `.<target name>.<pid>@<host>.<random>...`, so that the leftovers of a writer
that was killed (power cut, SIGKILL) can be told from the work of one still running: `clean_stale_temps`
removes those whose process is gone (on this machine) or that are more than a day old (any machine).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

STALE_AFTER_S = 86_400.0  # a temp file of another machine (shared folder) is left alone for a day
_OWNER = re.compile(r"^(\d+)@([A-Za-z0-9-]*)[.-]")


def _read_umask() -> int:
    """Once, at import: os.umask can only be read by setting it, which races with other threads' files."""
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


_UMASK = _read_umask()


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "", socket.gethostname().split(".")[0])[:24]


def owner_tag() -> str:
    """`<pid>@<host>`: put in a temp name, it lets a later start tell a killed writer's leftover (`owner_gone`)."""
    return f"{os.getpid()}@{_host()}"


def temp_prefix(name: str) -> str:
    """The prefix of this process's temp files beside a target called `name`."""
    return f".{name}.{owner_tag()}."


def temp_dir(target: Path) -> Path:
    """A new hidden temp folder beside `target` (a folder written whole and renamed into place), with the
    permissions a plain mkdir would give (mkdtemp makes 0700 folders: colleagues could not read them)."""
    folder = Path(tempfile.mkdtemp(prefix=temp_prefix(target.name), dir=target.parent))
    _normal_permissions(folder, 0o777)
    return folder


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def owner_gone(rest: str) -> bool | None:
    """For a name part `<pid>@<host>.…`: True when that process of this machine has ended, False when it runs
    (or is this one), None when the name has no owner of this machine (then only its age can tell)."""
    m = _OWNER.match(rest)
    if m is None or m.group(2) != _host():
        return None
    pid = int(m.group(1))
    return pid != os.getpid() and not _alive(pid)


def _is_stale(entry: Path, rest: str, now: float) -> bool:
    try:
        age = now - entry.lstat().st_mtime
    except OSError:
        return False
    gone = owner_gone(rest)
    return gone if gone is not None else age > STALE_AFTER_S


def clean_stale_temps(target: Path) -> list[Path]:
    """Remove the temp files/folders that killed writers left beside `target`; returns what was removed."""
    target = Path(target)
    prefix = f".{target.name}."
    removed = []
    now = time.time()
    try:
        entries = [e for e in target.parent.iterdir() if e.name.startswith(prefix)]
    except OSError:
        return removed
    for entry in entries:
        rest = entry.name[len(prefix):]
        if not (_OWNER.match(rest) or rest.endswith(".tmp") or rest.startswith("old.")):
            continue
        if not _is_stale(entry, rest, now):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


@contextmanager
def atomic_path(target: Path, suffix: str = "") -> Iterator[Path]:
    """Yield a temp path beside `target`; on success it replaces `target`, on error it is removed.

    For writers that want a file name (video encoders, sqlite, torch, safetensors).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temps(target)  # what a killed writer of the same file left
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(target.name), suffix=suffix or target.suffix + ".tmp",
                               dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        _normal_permissions(tmp_path)  # after the writer: some (safetensors) replace the file with a new 0600 one
        with open(tmp_path, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp_path, target)
        _fsync_dir(target.parent)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def atomic_write_bytes(target: Path, data: bytes) -> None:
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()


def atomic_write_text(target: Path, text: str) -> None:
    atomic_write_bytes(target, text.encode("utf-8"))


def atomic_write_json(target: Path, obj: Any) -> None:
    atomic_write_text(target, json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def _normal_permissions(path: Path, mode: int = 0o666) -> None:
    """mkstemp makes 0600 files; give the file the permissions a plain open() would (shared folders)."""
    try:
        os.chmod(path, mode & ~_UMASK)
    except OSError:
        pass


def _fsync_dir(folder: Path) -> None:
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
