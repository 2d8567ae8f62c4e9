"""Evaluation of a model folder on a labelled set: per exercise and the majority vote over exercises.

Metrics (binary, FSHD positive): accuracy, sensitivity, specificity, AUC, each with a 95 % bootstrap
interval that resamples patients; the 2×2 and the 4-class confusion matrices.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np

from fshd_studio.core.errors import UserError
from fshd_studio.core.metrics import accuracy, binary_report, confusion_matrix, majority_vote
from fshd_studio.core.progress import ReportFn, no_report
from fshd_studio.model.checkpoint import load_model
from fshd_studio.model.config import CLASSES
from fshd_studio.model.dataset import ClipReader, Sample, load_split, read_labels, samples_for
from fshd_studio.model.predict import pick_device, predict
from fshd_studio.model.train import SPLIT_FILE, load_batch


def evaluate(model_dir: Path, root: Path, labels_csv: Path, reader: ClipReader, *, part: str = "test",
             exercises: list[int] | None = None, device: str = "auto", batch_size: int = 4,
             n_boot: int = 1000, seed: int = 0, report: ReportFn = no_report,
             cancel: threading.Event | None = None) -> dict[str, Any]:
    """`part`: test / val / train (the split saved beside the model by training) or all."""
    recs = read_labels(labels_csv)
    if part != "all":
        split_path = Path(model_dir) / SPLIT_FILE
        if not split_path.is_file():
            raise UserError(f"{split_path} is missing: give --part all, or a model folder written by `train`")
        keep = set(getattr(load_split(split_path), part))
        recs = [r for r in recs if r.patient in keep]
    samples = samples_for(root, recs, reader, exercises)
    if not samples:
        raise UserError(f"no samples to evaluate in {root} for part {part!r} and exercises {exercises or 'all'}")
    dev = pick_device(device)
    model, card = load_model(Path(model_dir), dev)
    p_fshd, p_class = predict(model, lambda b: load_batch(root, reader, b)[0], samples, batch_size, dev,
                              report=report, cancel=cancel)
    result = score(samples, p_fshd, p_class, n_boot=n_boot, seed=seed)
    result.update({"model_id": card.model_id, "synthetic": card.synthetic, "part": part,
                   "intended_use": card.intended_use})
    return result


def score(samples: list[Sample], p_fshd: np.ndarray, p_class: np.ndarray, *, n_boot: int = 1000,
          seed: int = 0) -> dict[str, Any]:
    truth = np.array([s.recording.fshd for s in samples])
    labels = np.array([s.recording.label for s in samples])
    patients = [s.recording.patient for s in samples]
    per_ex: dict[str, Any] = {}
    for ex in sorted({s.exercise for s in samples}):
        idx = [i for i, s in enumerate(samples) if s.exercise == ex]
        rep = binary_report(truth[idx], p_fshd[idx], n_boot=n_boot, seed=seed, groups=[patients[i] for i in idx])
        rep["class_accuracy"] = accuracy(labels[idx], p_class[idx].argmax(1))
        rep["class_confusion"] = confusion_matrix(labels[idx], p_class[idx].argmax(1), len(CLASSES)).tolist()
        per_ex[str(ex)] = rep
    return {"classes": list(CLASSES), "per_exercise": per_ex, "majority_vote": _vote(samples, p_fshd, n_boot, seed)}


def _vote(samples: list[Sample], p_fshd: np.ndarray, n_boot: int, seed: int) -> dict[str, Any]:
    """One vote per exercise of a session × camera; FSHD when at least half the exercises say so."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, s in enumerate(samples):
        groups.setdefault((s.recording.session, s.recording.camera), []).append(i)
    truth, score_, patients = [], [], []
    for idxs in groups.values():
        votes = (p_fshd[idxs] >= 0.5).astype(int)
        truth.append(samples[idxs[0]].recording.fshd)
        score_.append(float(votes.mean()) if majority_vote(votes) else min(float(votes.mean()), 0.499))
        patients.append(samples[idxs[0]].recording.patient)
    rep = binary_report(truth, score_, n_boot=n_boot, seed=seed, groups=patients)
    rep["exercises_per_recording"] = int(np.median([len(v) for v in groups.values()]))
    return rep


def table(result: dict[str, Any]) -> str:
    """A readable text table of the evaluation JSON."""
    lines = [f"model {result.get('model_id', '?')}  part {result.get('part', '?')}"
             + ("  (SYNTHETIC model: means nothing clinically)" if result.get("synthetic") else ""),
             f"{'exercise':>9} {'n':>4}  {'accuracy':<20} {'sensitivity':<20} {'specificity':<20} {'AUC':<20}"]
    rows = [(k, v) for k, v in result["per_exercise"].items()] + [("vote", result["majority_vote"])]
    for name, rep in rows:
        cells = [_cell(rep[m]) for m in ("accuracy", "sensitivity", "specificity", "auc")]
        lines.append(f"{name:>9} {rep['n']:>4}  " + " ".join(f"{c:<20}" for c in cells))
    lines.append("95 % bootstrap intervals over patients; positive = FSHD. Research use only, not diagnosis.")
    return "\n".join(lines) + "\n"


def _cell(iv: dict[str, float | None]) -> str:
    if iv["value"] is None:
        return "n/a"
    lo = "?" if iv["low"] is None else f"{iv['low']:.3f}"
    hi = "?" if iv["high"] is None else f"{iv['high']:.3f}"
    return f"{iv['value']:.3f} [{lo}, {hi}]"
