"""Where compiled OpenVINO models live: the user's cache, one folder per weights × OpenVINO version × precision.

    <user cache>/fshd-studio/openvino/<weights sha256>-<openvino version>-<precision>/
        compiled.blob    the compiled CPU model (OpenVINO's export format), loaded in well under a second
        meta.json        what it was made from: model id, weights hash, versions, device, precision, date

The user cache is $FSHD_STUDIO_CACHE when set, else the platform's (Linux: $XDG_CACHE_HOME or ~/.cache,
macOS: ~/Library/Caches, Windows: %LOCALAPPDATA%). A folder appears whole or not at all (built under a
temporary name, then renamed), so a crash mid-conversion leaves nothing that looks finished. Nothing about a
patient is stored here: only the model.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO, Callable

from fshd_studio.core.user_dirs import user_cache_dir

BLOB_FILE = "compiled.blob"
META_FILE = "meta.json"
META_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class CompiledMeta:
    model_id: str
    weights_sha256: str
    openvino: str
    precision: str          # fp32, bf16 or int8: what the compiled model computes in
    device: str             # the CPU it was compiled for (a cache copied to another machine is not reused)
    created: str
    schema_version: int = META_SCHEMA_VERSION


def compiled_dir(weights_sha256: str, openvino_version: str, precision: str) -> Path:
    version = "".join(c if c.isalnum() or c in ".-_" else "_" for c in openvino_version)
    return user_cache_dir() / "openvino" / f"{weights_sha256}-{version}-{precision}"


def read_meta(folder: Path) -> CompiledMeta | None:
    """The folder's record, or None when it is missing, unreadable or of another schema."""
    try:
        data = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        meta = CompiledMeta(**data)
    except (OSError, ValueError, TypeError):
        return None
    if meta.schema_version != META_SCHEMA_VERSION or not (folder / BLOB_FILE).is_file():
        return None
    return meta


def publish(folder: Path, write_blob: Callable[[BinaryIO], None], meta: CompiledMeta) -> None:
    """Write the blob (by `write_blob(stream)`) + meta under a temporary name beside `folder`, then rename it
    into place.

    When another process published the same folder meanwhile, theirs is kept (same inputs, same result)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        with open(tmp / BLOB_FILE, "wb") as fh:
            write_blob(fh)
        (tmp / META_FILE).write_text(json.dumps(asdict(meta), indent=2) + "\n", encoding="utf-8")
        for f in (tmp / BLOB_FILE, tmp / META_FILE):
            with open(f, "rb") as fh:
                os.fsync(fh.fileno())
        try:
            os.replace(tmp, folder)
        except OSError:          # a non-empty folder of the same name exists: someone else finished first
            if read_meta(folder) is None:
                shutil.rmtree(folder, ignore_errors=True)
                os.replace(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def discard(folder: Path) -> None:
    """Remove a compiled folder that could not be loaded, so that the next run converts again."""
    shutil.rmtree(folder, ignore_errors=True)
