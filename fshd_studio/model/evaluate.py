"""Evaluation of a model folder on a labelled set: per exercise and the majority vote over exercises.

Metrics (binary, FSHD positive): accuracy, sensitivity, specificity, AUC, each with a 95 % bootstrap
interval that resamples patients; the 2×2 and the 4-class confusion matrices. `study` gathers what study 000
reports (accuracy on exercise 14, the majority vote over the 15 exercises and its sensitivity and
specificity), so the two can be set side by side; a model trained on the study's per-video split says that
its test patients may also be in its training set.
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
from fshd_studio.model.dataset import ClipReader, Sample, Split, load_split, read_labels, samples_for
from fshd_studio.model.predict import pick_device, predict
from fshd_studio.model.train import SPLIT_FILE, load_batch


def evaluate(model_dir: Path, root: Path, labels_csv: Path, reader: ClipReader, *, part: str = "test",
             exercises: list[int] | None = None, device: str = "auto", batch_size: int = 4,
             n_boot: int = 1000, seed: int = 0, report: ReportFn = no_report,
             cancel: threading.Event | None = None) -> dict[str, Any]:
    """`part`: test / val / train (the split saved beside the model by training) or all."""
    recs = read_labels(labels_csv)
    split: Split | None = None
    if part != "all":
        split_path = Path(model_dir) / SPLIT_FILE
        if not split_path.is_file():
            raise UserError(f"{split_path} is missing: give --part all, or a model folder written by `train`")
        split = load_split(split_path)
        recs = [r for r in recs if _part(split, r) == part]
    samples = samples_for(root, recs, reader, exercises)
    if not samples:
        raise UserError(f"no samples to evaluate in {root} for part {part!r} and exercises {exercises or 'all'}")
    dev = pick_device(device)
    model, card = load_model(Path(model_dir), dev)
    p_fshd, p_class = predict(model, lambda b: load_batch(root, reader, b)[0], samples, batch_size, dev,
                              report=report, cancel=cancel)
    result = score(samples, p_fshd, p_class, n_boot=n_boot, seed=seed)
    result.update({"model_id": card.model_id, "synthetic": card.synthetic, "part": part,
                   "split": {"unit": split.unit if split else None, "leakage": split.leakage if split else None},
                   "intended_use": card.intended_use})
    return result


def _part(split: Split, rec) -> str | None:
    try:
        return split.part_of(rec)
    except KeyError:   # a recording the split has not seen (added to the CSV after training)
        return None


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
    vote = _vote(samples, p_fshd, n_boot, seed)
    return {"classes": list(CLASSES), "per_exercise": per_ex, "majority_vote": vote,
            "study": study_figures(per_ex, vote)}


STUDY_EXERCISE = "14"
STUDY_REFERENCE = {"exercise_14_accuracy": 0.791, "vote_accuracy": 0.72, "sensitivity": 0.632,
                   "specificity": 0.792}   # study 000: text and table 2; its confusion matrix's sens./spec.


def study_figures(per_ex: dict[str, Any], vote: dict[str, Any]) -> dict[str, Any]:
    """What the study reports, with this evaluation's 95 % intervals (None where it has no exercise 14)."""
    ex14 = per_ex.get(STUDY_EXERCISE)
    return {"exercise_14_accuracy": ex14["accuracy"] if ex14 else None,
            "vote_accuracy": vote["accuracy"], "vote_sensitivity": vote["sensitivity"],
            "vote_specificity": vote["specificity"], "vote_exercises": vote["exercises_per_recording"],
            "study_reference": STUDY_REFERENCE}


def _vote(samples: list[Sample], p_fshd: np.ndarray, n_boot: int, seed: int) -> dict[str, Any]:
    """One vote per exercise of a session × camera; core.metrics.majority_vote decides (a tie is FSHD).
    The recording's score is its share of FSHD votes, held under 0.5 when the vote says not FSHD, so that the
    report's threshold (≥ 0.5) gives exactly the vote's decision and the AUC ranks by the share."""
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
    sizes = [len(v) for v in groups.values()]
    rep["exercises_per_recording"] = int(np.median(sizes))
    rep["exercises_range"] = [int(min(sizes)), int(max(sizes))]
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
    study = result.get("study")
    if study:
        ex14 = study["exercise_14_accuracy"]
        ref = study["study_reference"]
        lines.append(f"as the study reports it: exercise 14 accuracy {_cell(ex14) if ex14 else 'n/a (not evaluated)'}"
                     f" (study {ref['exercise_14_accuracy']:.1%}); vote over {study['vote_exercises']} exercises "
                     f"(study: 15) accuracy {_cell(study['vote_accuracy'])} (study {ref['vote_accuracy']:.0%}), "
                     f"sensitivity {_cell(study['vote_sensitivity'])}, specificity {_cell(study['vote_specificity'])}")
    leak = (result.get("split") or {}).get("leakage")
    if leak:
        lines.append(f"WARNING: {leak}.")
    lines.append("95 % bootstrap intervals over patients; positive = FSHD. Research use only, not diagnosis.")
    return "\n".join(lines) + "\n"


def _cell(iv: dict[str, float | None]) -> str:
    if iv["value"] is None:
        return "n/a"
    lo = "?" if iv["low"] is None else f"{iv['low']:.3f}"
    hi = "?" if iv["high"] is None else f"{iv['high']:.3f}"
    return f"{iv['value']:.3f} [{lo}, {hi}]"
