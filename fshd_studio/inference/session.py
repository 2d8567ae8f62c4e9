"""Scoring a session: preprocessing where the cache lacks a clip, the model over every exercise × camera,
the votes and the severity estimate, with the provenance of every number.

    results = score_session(session, model_dir, project_path=p, report=..., cancel=..., on_score=...)

Exercises are scored one at a time (both cameras in one batch), so `on_score` hands each ExerciseScore to
the caller as soon as it exists: the window fills its table while the work goes on.
"""

from __future__ import annotations

import tempfile
import threading
import time
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import numpy as np

from fshd_studio import __version__
from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Progress, ReportFn, check_cancel, no_report
from fshd_studio.core.results import (CLASSES, AsymmetrySummary, ExerciseScore, Provenance, SessionResults,
                                      segment_fingerprint, severity_of, votes_of)
from fshd_studio.core.session import SegmentStatus, Session
from fshd_studio.io.atomic import owner_tag

NO_FACE_RATIO = 0.9   # below this share of tracked frames with a face, the clip is flagged "no_face"
ScoreFn = Callable[[ExerciseScore], None]


def score_session(session: Session, model_dir: Path, *, project_path: Path | None = None,
                  cache_dir: Path | None = None, exercises: list[int] | None = None, backend: str = "auto",
                  precision: str = "fp32", device: str = "auto", report: ReportFn = no_report,
                  cancel: threading.Event | None = None, on_score: ScoreFn | None = None) -> SessionResults:
    """Every protocol exercise × camera gets a row; those not scored say why (no segment, not an exercise
    of this model, unusable clip). `exercises` defaults to the ones the model was trained on."""
    from fshd_studio.inference.backends import open_backend
    from fshd_studio.io.results_file import cache_dir as project_cache
    from fshd_studio.model.checkpoint import read_card

    if not session.cameras:
        raise UserError("the session has no cameras; add the two camera videos before scoring")
    model_dir = Path(model_dir)
    card = read_card(model_dir)
    wanted = _wanted(session, exercises, list(card.exercises))
    report(Progress("load_model", 0, 1))
    engine = open_backend(model_dir, backend=backend, precision=precision, device=device)
    cams = [c.id for c in session.cameras]
    scores: list[ExerciseScore] = []
    timing = {"preprocess": 0.0, "model": 0.0}
    with ExitStack() as stack:
        if cache_dir is None and project_path is not None:
            cache_dir = project_cache(project_path)
        if cache_dir is None:  # removed at the end, also on error or cancel
            cache_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=f"fshd-score-{owner_tag()}-")))
        todo = [ex for ex in session.protocol.ids() if ex in wanted]
        for i, ex in enumerate(session.protocol.ids()):
            if ex not in wanted:
                rows = [_unscored(session, ex, cam, _why_not(session, ex, card)) for cam in cams]
            else:
                check_cancel(cancel)
                done = todo.index(ex)
                report(Progress("preprocess", done, len(todo)))
                rows = _score_exercise(session, ex, cams, engine, Path(cache_dir), cancel, timing)
                report(Progress("model", done + 1, len(todo)))
            for row in rows:
                scores.append(row)
                if on_score is not None:
                    on_score(row)
    prov = Provenance(card.model_id, weights_sha256(model_dir), card.synthetic, card.trained_on,
                      tuple(card.exercises), card.intended_use, engine.device, engine.name, engine.precision,
                      __version__, datetime.now(timezone.utc).isoformat(timespec="seconds"),
                      {ex: segment_fingerprint(session, ex) for ex in session.protocol.ids()},
                      round(timing["preprocess"], 3), round(timing["model"], 3), engine.note)
    return SessionResults(scores, votes_of(scores, cams), severity_of(scores), prov)


def _wanted(session: Session, asked: list[int] | None, trained: list[int]) -> set[int]:
    known = set(session.protocol.ids())
    if asked is not None:
        unknown = sorted(set(asked) - known)
        if unknown:
            raise UserError(f"exercise(s) {unknown} are not in protocol {session.protocol_file}; "
                            f"use numbers {min(known)}–{max(known)}")
    base = set(asked) if asked is not None else (set(trained) or known)
    usable = {ex for ex in base if ex in session.segments
              and session.segments[ex].status != SegmentStatus.UNUSABLE}
    return usable


def _why_not(session: Session, ex: int, card: Any) -> str:
    seg = session.segments.get(ex)
    if seg is None:
        return "no segment marked for this exercise"
    if seg.status == SegmentStatus.UNUSABLE:
        return "segment marked unusable"
    if card.exercises and ex not in card.exercises:
        return f"not scored by this model (it was trained on exercise(s) {', '.join(map(str, card.exercises))})"
    return "not asked for in this run"


def _unscored(session: Session, ex: int, cam: str, reason: str, flags: tuple[str, ...] = (),
              asym: AsymmetrySummary | None = None) -> ExerciseScore:
    return ExerciseScore(ex, cam, None, reason=reason, flags=flags, asymmetry=asym,
                         segment_fingerprint=segment_fingerprint(session, ex))


def _score_exercise(session: Session, ex: int, cams: list[str], engine: Any, cache: Path,
                    cancel: threading.Event | None, timing: dict[str, float]) -> list[ExerciseScore]:
    from fshd_studio.preprocess import preprocess_session
    from fshd_studio.preprocess.store import PreprocessedClip, read_meta

    t0 = time.perf_counter()
    pre = preprocess_session(session, cache, exercises=[ex], cancel=cancel)
    timing["preprocess"] += time.perf_counter() - t0
    rows: dict[str, ExerciseScore] = {}
    ready: list[tuple[str, PreprocessedClip, tuple[str, ...], AsymmetrySummary | None]] = []
    for cam in cams:
        summary = pre.clip(ex, cam)
        meta = read_meta(summary.folder) or {}
        flags, asym = clip_flags(meta), AsymmetrySummary.from_dict(meta.get("asymmetry"))
        if not summary.usable:
            rows[cam] = _unscored(session, ex, cam, summary.reason or "clip unusable", flags, asym)
        else:
            ready.append((cam, PreprocessedClip(summary.folder, meta), flags, asym))
    if ready:
        check_cancel(cancel)
        t0 = time.perf_counter()
        clips = np.stack([np.asarray(c.snippets()) for _cam, c, _f, _a in ready])
        p_fshd, probs = engine.forward(clips)
        timing["model"] += time.perf_counter() - t0
        for (cam, _c, flags, asym), p, cp in zip(ready, p_fshd, probs):
            rows[cam] = ExerciseScore(ex, cam, float(p), {c: float(x) for c, x in zip(CLASSES, cp)},
                                      CLASSES[int(np.argmax(cp))], flags, "", asym,
                                      segment_fingerprint(session, ex))
    return [rows[cam] for cam in cams]


def clip_flags(meta: dict[str, Any]) -> tuple[str, ...]:
    """Quality flags of a preprocessed clip (names of core.results.FLAG_TEXT)."""
    flags = [str(f) for f in meta.get("flags") or ()]
    if meta.get("short"):
        flags.append("short")
    ratio = meta.get("face_ratio")
    if ratio is not None and float(ratio) < NO_FACE_RATIO:
        flags.append("no_face")
    return tuple(dict.fromkeys(flags))


_sha_cache: dict[tuple[str, int, float], str] = {}


def weights_sha256(model_dir: Path) -> str:
    from fshd_studio.io.hashing import file_sha256
    from fshd_studio.model.checkpoint import WEIGHTS_FILE

    path = Path(model_dir) / WEIGHTS_FILE
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime)
    if key not in _sha_cache:
        _sha_cache[key] = file_sha256(path)
    return _sha_cache[key]
