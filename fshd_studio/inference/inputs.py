"""Model input from preprocess's output folder, and the per-camera majority vote over exercises."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np

from fshd_studio.core.metrics import majority_vote
from fshd_studio.inference.run import ClipInput, ExerciseResult


def inputs_from_preprocessed(out: Path, exercises: Iterable[int] | None = None) -> Iterator[ClipInput]:
    """Every usable exercise × camera of a `fshd-studio preprocess` output folder (arrays read lazily)."""
    from fshd_studio.preprocess.store import load_preprocessed

    wanted = set(exercises) if exercises is not None else None
    for clip in load_preprocessed(Path(out)):
        if clip.usable and (wanted is None or clip.exercise_id in wanted):
            yield ClipInput(clip.exercise_id, clip.camera_id, np.asarray(clip.snippets()))


def unusable_from_preprocessed(out: Path) -> list[dict[str, Any]]:
    from fshd_studio.preprocess.store import load_preprocessed

    return [{"exercise": c.exercise_id, "camera": c.camera_id, "reason": c.meta.get("reason")}
            for c in load_preprocessed(Path(out)) if not c.usable]


def vote_per_camera(results: list[ExerciseResult]) -> dict[str, dict[str, Any]]:
    """FSHD / not FSHD by majority over the exercises of each camera (P(FSHD) ≥ 0.5 is a yes)."""
    out: dict[str, dict[str, Any]] = {}
    for cam in sorted({r.camera_id for r in results}):
        votes = [int(r.p_fshd >= 0.5) for r in results if r.camera_id == cam]
        out[cam] = {"exercises": len(votes), "fshd_votes": int(sum(votes)), "fshd": bool(majority_vote(votes))}
    return out
