"""The on-disk format of preprocessed model input (schema 1) — read by training and inference.

    OUT/index.json                      {"schema_version", "param_version", "entries": [{exercise_id,
                                         camera_id, folder, usable, reason, cache_key}, ...]}
    OUT/<exercise_id:02d>_<camera_id>/  one folder per exercise × camera, written to a temp folder
                                        and renamed into place (never half-written)
        meta.json        schema_version, param_version, params, cache_key, exercise_id, camera_id,
                         video (path, fingerprint), segment (camera ms and frames), snippet_frames
                         (8×16 source frame indices), short, real_steps, face_ratio, detections,
                         tracked_frames, usable, reason, asymmetry (summary or null)
        snippets.npy     uint8 (8, 16, 224, 224, 3) RGB, aligned face          [only when usable]
        landmarks.npy    float32 (T, 468, 2) source pixels, NaN where no face    [T tracked frames]
        landmark_frames.npy  int64 (T,) source frame index of each landmarks row
        transforms.npy   float32 (F, 2, 3) per source frame first…last of the segment: source px →
                         aligned px (cv2.warpAffine form); invert to map a heatmap back onto the video
        asymmetry.npy    float32 (T, 2) [right, left] excursion in IOD per tracked frame [if measured]
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from fshd_studio.core.errors import UserError
from fshd_studio.io.atomic import atomic_write_json, clean_stale_temps, temp_dir
from fshd_studio.preprocess.asymmetry import Asymmetry
from fshd_studio.preprocess.params import PARAM_VERSION, SCHEMA_VERSION

INDEX = "index.json"
META = "meta.json"


@dataclass
class ClipOutput:
    """Everything preprocessing produces for one exercise in one camera."""

    exercise_id: int
    camera_id: str
    meta: dict[str, Any]
    snippets: np.ndarray | None = None
    landmarks: np.ndarray = field(default_factory=lambda: np.zeros((0, 468, 2), np.float32))
    landmark_frames: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    transforms: np.ndarray = field(default_factory=lambda: np.zeros((0, 2, 3), np.float32))
    asymmetry: Asymmetry | None = None

    @property
    def folder_name(self) -> str:
        return clip_folder(self.exercise_id, self.camera_id)

    @property
    def usable(self) -> bool:
        return bool(self.meta.get("usable"))


def clip_folder(exercise_id: int, camera_id: str) -> str:
    return f"{exercise_id:02d}_{camera_id}"


def write_clip(out: Path, clip: ClipOutput) -> Path:
    """Write one clip folder atomically: a temp folder beside it, then rename over the old one."""
    out.mkdir(parents=True, exist_ok=True)
    target = out / clip.folder_name
    clean_stale_temps(target)  # what a killed run left
    tmp = temp_dir(target)
    try:
        arrays = {"landmarks": clip.landmarks.astype(np.float32),
                  "landmark_frames": clip.landmark_frames.astype(np.int64),
                  "transforms": clip.transforms.astype(np.float32)}
        if clip.snippets is not None:
            arrays["snippets"] = clip.snippets.astype(np.uint8)
        if clip.asymmetry is not None:
            arrays["asymmetry"] = clip.asymmetry.excursion.astype(np.float32)
        for name, arr in arrays.items():
            with open(tmp / f"{name}.npy", "wb") as fh:
                np.save(fh, arr)
                fh.flush()
                os.fsync(fh.fileno())
        atomic_write_json(tmp / META, clip.meta)
        _replace_dir(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def _replace_dir(tmp: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = temp_dir(target)
        os.replace(target, old / "x")
    os.replace(tmp, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def read_meta(folder: Path) -> dict[str, Any] | None:
    """A clip folder's meta.json, or None when it is missing or damaged (the clip is then computed again)."""
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # ValueError: bad JSON or not UTF-8
        return None
    return meta if isinstance(meta, dict) else None


def write_index(out: Path, entries: list[dict[str, Any]]) -> None:
    atomic_write_json(out / INDEX, {"schema_version": SCHEMA_VERSION, "param_version": PARAM_VERSION,
                                    "entries": entries})


@dataclass(frozen=True)
class PreprocessedClip:
    """One exercise × camera read back from disk; arrays load lazily (snippets can be 19 MB)."""

    folder: Path
    meta: dict[str, Any]

    @property
    def exercise_id(self) -> int:
        return int(self.meta["exercise_id"])

    @property
    def camera_id(self) -> str:
        return str(self.meta["camera_id"])

    @property
    def usable(self) -> bool:
        return bool(self.meta["usable"])

    def array(self, name: str, mmap: bool = True) -> np.ndarray:
        """`snippets`, `landmarks`, `landmark_frames`, `transforms` or `asymmetry`."""
        path = self.folder / f"{name}.npy"
        if not path.is_file():
            raise UserError(f"{path} does not exist (exercise {self.exercise_id}, camera {self.camera_id}: "
                            f"{self.meta.get('reason') or 'not written'})")
        check_npy(path, *ARRAYS.get(name, (None, None, ())))
        try:
            return np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
        except (ValueError, EOFError, OSError) as exc:
            raise _damaged(path, str(exc)) from None

    def snippets(self) -> np.ndarray:
        return self.array("snippets")


def load_preprocessed(out: Path) -> list[PreprocessedClip]:
    """All exercise × camera entries of a preprocess output folder, in index order."""
    from fshd_studio.io.fields import Fields
    from fshd_studio.io.textfile import read_json_file

    out = Path(out)
    if not (out / INDEX).is_file():
        raise UserError(f"{out / INDEX} does not exist; run `fshd-studio preprocess` first")
    remedy = f"run `fshd-studio preprocess` again into an empty folder (or delete {out})"
    f = Fields(out / INDEX, "preprocess index", remedy)
    index = f.obj(read_json_file(out / INDEX, "preprocess index", remedy, 64 << 20), "the file")
    if f.integer(index, "schema_version", default=0) > SCHEMA_VERSION:
        raise UserError(f"{out / INDEX} was written by a newer FSHD Studio; update to read it")
    clips = []
    for i, entry in enumerate(f.items(index, "entries")):
        name = f.text(f.obj(entry, f"entries[{i}]"), "folder", f"entries[{i}]", nonempty=True, max_len=200)
        if Path(name).name != name or name in (".", ".."):
            raise f.fail(f"entries[{i}].folder", f"is {name!r}, not a folder name inside {out}")
        folder = out / name
        meta = read_meta(folder)
        if meta is None:
            raise UserError(f"{folder / META} is missing or damaged; {remedy}")
        mf = Fields(folder / META, "clip description", remedy)
        mf.integer(meta, "exercise_id", lo=0, hi=10_000)
        mf.text(meta, "camera_id", nonempty=True, max_len=64)
        mf.boolean(meta, "usable")
        clips.append(PreprocessedClip(folder, meta))
    return clips


# name -> (dtype, number of dimensions, required trailing dimensions) of each array of a clip folder
ARRAYS: dict[str, tuple[Any, int, tuple[int, ...]]] = {
    "snippets": (np.uint8, 5, (3,)),
    "landmarks": (np.float32, 3, (468, 2)),
    "landmark_frames": (np.int64, 1, ()),
    "transforms": (np.float32, 3, (2, 3)),
    "asymmetry": (np.float32, 2, (2,)),
}


def check_npy(path: Path, dtype: Any = None, ndim: int | None = None, trailing: tuple[int, ...] = ()) -> None:
    from fshd_studio.io.npyfile import NpyError, check_npy_header

    try:
        check_npy_header(path, dtype, ndim, trailing)
    except NpyError as exc:
        raise _damaged(path, str(exc)) from None


def _damaged(path: Path, why: str) -> UserError:
    return UserError(f"preprocessed file {path} is damaged: {why}; delete its folder {path.parent.name} and run "
                     "`fshd-studio preprocess` again")
