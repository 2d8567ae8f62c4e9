"""Shared by train / evaluate: the model config choice and the reader of a dataset's arrays."""

from __future__ import annotations

from pathlib import Path

from fshd_studio.core.errors import UserError


def model_config(name: str):
    """A preset name (tiny, base, videomae, ...) or a path to a config.json."""
    from fshd_studio.model.config import PRESETS, ModelConfig

    if name in PRESETS:
        return PRESETS[name]
    path = Path(name)
    if not path.is_file():
        raise UserError(f"--config {name!r} is neither a preset ({', '.join(sorted(PRESETS))}) nor a file")
    from fshd_studio.io.textfile import read_json_file

    return ModelConfig.from_dict(read_json_file(path, "model config", "give a preset or a config.json written by "
                                                "`fshd-studio train`", 16 << 20), path)


def exercises_arg(text: str) -> list[int] | None:
    if text == "all":
        return None
    try:
        ids = [int(t) for t in text.split(",")]
    except ValueError:
        raise UserError(f"--exercise {text!r}: give an exercise number (14), a list (7,14) or all") from None
    if any(not 1 <= i <= 15 for i in ids):
        raise UserError(f"--exercise {text!r}: exercises are numbered 1 to 15")
    return ids


class SessionReader:
    """Reads a dataset's session folders: preprocess output (index.json + `<ex>_<camera>/snippets.npy`, see
    fshd_studio.preprocess.store) or the plain layout `<camera>/<ex:02d>.npy` (model.dataset.NpyReader)."""

    def __init__(self) -> None:
        from fshd_studio.model.dataset import NpyReader

        self._npy = NpyReader()
        self._cache: dict[Path, dict[tuple[str, int], object]] = {}

    def _store(self, session_dir: Path) -> dict[tuple[str, int], object] | None:
        if not (session_dir / "index.json").is_file():
            return None
        if session_dir not in self._cache:
            from fshd_studio.preprocess.store import load_preprocessed

            self._cache[session_dir] = {(c.camera_id, c.exercise_id): c for c in load_preprocessed(session_dir)
                                        if c.usable}
        return self._cache[session_dir]

    def exercises(self, session_dir: Path, camera: str) -> list[int]:
        store = self._store(session_dir)
        if store is None:
            return self._npy.exercises(session_dir, camera)
        return sorted(ex for cam, ex in store if cam == camera)

    def read(self, session_dir: Path, camera: str, exercise: int):
        import numpy as np

        store = self._store(session_dir)
        if store is None:
            return self._npy.read(session_dir, camera, exercise)
        return np.asarray(store[(camera, exercise)].snippets())  # type: ignore[attr-defined]


def dataset_reader() -> SessionReader:
    return SessionReader()


def dataset_paths(data: str, labels: str | None) -> tuple[Path, Path]:
    root = Path(data)
    if not root.is_dir():
        raise UserError(f"dataset folder {root} does not exist")
    csv_path = Path(labels) if labels else root / "labels.csv"
    if not csv_path.is_file():
        raise UserError(f"label CSV {csv_path} does not exist; give --labels (columns session, patient, camera, class)")
    return root, csv_path
