"""Is a folder on a network share? SQLite's WAL needs shared memory on one machine and does not work over a
network file system (https://sqlite.org/wal.html, "WAL does not work over a network filesystem"): there the
vote file uses the rollback journal instead, which network file locking supports (slower, still one vote per
transaction, still durable)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

NETWORK_FS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "9p", "fuse.sshfs", "fuse.rclone",
              "davfs", "fuse.davfs2", "glusterfs", "ceph", "lustre", "gpfs"}


def on_network_share(folder: Path) -> bool:
    folder = Path(folder).absolute()
    if sys.platform == "win32":
        return _windows_remote(folder)
    return _mount_type(folder, _read_mounts()) in NETWORK_FS


def _read_mounts() -> list[tuple[str, str]]:
    """(mount point, file-system type) from /proc/mounts; empty where there is none (macOS: treated as local)."""
    try:
        lines = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return []
    out = []
    for line in lines:
        parts = line.split()
        if len(parts) >= 3:
            out.append((parts[1].replace("\\040", " "), parts[2]))
    return out


def _mount_type(folder: Path, mounts: list[tuple[str, str]]) -> str:
    """The file-system type of the deepest mount point holding `folder`."""
    best, kind = -1, ""
    text = folder.as_posix()
    for point, fs in mounts:
        inside = text == point or text.startswith(point.rstrip("/") + "/")
        if inside and len(point) > best:
            best, kind = len(point), fs
    return kind


def _windows_remote(folder: Path) -> bool:
    text = str(folder)
    if text.startswith("\\\\"):
        return True  # UNC path: \\server\share
    import ctypes

    drive = os.path.splitdrive(text)[0] + "\\"
    return ctypes.windll.kernel32.GetDriveTypeW(drive) == 4  # type: ignore[attr-defined]  # DRIVE_REMOTE
