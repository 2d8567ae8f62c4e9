"""Binary and 4-class evaluation metrics, bootstrap intervals and the majority vote (pure numpy).

Convention: positive = FSHD. Scores are P(FSHD); a prediction is positive when the score is ≥ 0.5.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Callable, Sequence

import numpy as np


@dataclass(frozen=True)
class BinaryCounts:
    tp: int
    fp: int
    tn: int
    fn: int


def binary_counts(y_true: Sequence[int], y_pred: Sequence[int]) -> BinaryCounts:
    t = np.asarray(y_true, dtype=bool)
    p = np.asarray(y_pred, dtype=bool)
    return BinaryCounts(int(np.sum(t & p)), int(np.sum(~t & p)), int(np.sum(~t & ~p)), int(np.sum(t & ~p)))


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den else float("nan")


def accuracy(y_true: Sequence[int], y_pred: Sequence[int]) -> float:
    t, p = np.asarray(y_true), np.asarray(y_pred)
    return _ratio(float(np.sum(t == p)), float(t.size))


def sensitivity(y_true: Sequence[int], y_pred: Sequence[int]) -> float:
    c = binary_counts(y_true, y_pred)
    return _ratio(c.tp, c.tp + c.fn)


def specificity(y_true: Sequence[int], y_pred: Sequence[int]) -> float:
    c = binary_counts(y_true, y_pred)
    return _ratio(c.tn, c.tn + c.fp)


def roc_auc(y_true: Sequence[int], scores: Sequence[float]) -> float:
    """Area under the ROC curve = P(score of a random positive > that of a random negative), ties count ½."""
    t = np.asarray(y_true, dtype=bool)
    s = np.asarray(scores, dtype=float)
    pos, neg = s[t], s[~t]
    if pos.size == 0 or neg.size == 0:
        return float("nan")
    ranks = _average_ranks(np.concatenate([pos, neg]))
    return float((ranks[: pos.size].sum() - pos.size * (pos.size + 1) / 2) / (pos.size * neg.size))


def _average_ranks(x: np.ndarray) -> np.ndarray:
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(x.size, dtype=float)
    sorted_x = x[order]
    i = 0
    while i < x.size:
        j = i
        while j + 1 < x.size and sorted_x[j + 1] == sorted_x[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return ranks


def confusion_matrix(y_true: Sequence[int], y_pred: Sequence[int], n_classes: int) -> np.ndarray:
    """Rows: true class, columns: predicted class."""
    m = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(m, (np.asarray(y_true, dtype=int), np.asarray(y_pred, dtype=int)), 1)
    return m


def majority_vote(votes: Sequence[int]) -> int:
    """Binary majority over exercises (FSHD when more than half say FSHD; a tie says FSHD when ≥ half)."""
    v = np.asarray(votes, dtype=int)
    return int(v.sum() * 2 >= v.size) if v.size else 0


@dataclass(frozen=True)
class Interval:
    value: float
    low: float
    high: float

    def to_dict(self) -> dict[str, float]:
        return {k: (None if np.isnan(x) else round(float(x), 6)) for k, x in asdict(self).items()}


MetricFn = Callable[[np.ndarray, np.ndarray, np.ndarray], float]
BINARY_METRICS: dict[str, MetricFn] = {
    "accuracy": lambda t, p, s: accuracy(t, p),
    "sensitivity": lambda t, p, s: sensitivity(t, p),
    "specificity": lambda t, p, s: specificity(t, p),
    "auc": lambda t, p, s: roc_auc(t, s),
}


def bootstrap(y_true: Sequence[int], scores: Sequence[float], metric: MetricFn, *, n: int = 1000,
              seed: int = 0, alpha: float = 0.05, threshold: float = 0.5,
              groups: Sequence[object] | None = None) -> Interval:
    """Percentile bootstrap of one binary metric; resamples groups (e.g. patients) when given.

    The point estimate is the metric on the data as given; samples where the metric is undefined are skipped.
    """
    t = np.asarray(y_true, dtype=int)
    s = np.asarray(scores, dtype=float)
    p = (s >= threshold).astype(int)
    value = metric(t, p, s)
    rng = np.random.default_rng(seed)
    units = _units(t.size, groups)
    stats = []
    for _ in range(n):
        pick = np.concatenate([units[i] for i in rng.integers(0, len(units), len(units))])
        v = metric(t[pick], p[pick], s[pick])
        if not np.isnan(v):
            stats.append(v)
    if not stats:
        return Interval(value, float("nan"), float("nan"))
    low, high = np.quantile(stats, [alpha / 2, 1 - alpha / 2])
    return Interval(value, float(low), float(high))


def _units(size: int, groups: Sequence[object] | None) -> list[np.ndarray]:
    if groups is None:
        return [np.array([i]) for i in range(size)]
    g = np.asarray(groups, dtype=object)
    return [np.flatnonzero(g == u) for u in dict.fromkeys(g.tolist())]


def binary_report(y_true: Sequence[int], scores: Sequence[float], *, n_boot: int = 1000, seed: int = 0,
                  groups: Sequence[object] | None = None) -> dict[str, object]:
    """Accuracy, sensitivity, specificity, AUC with 95 % bootstrap intervals, and the 2×2 confusion matrix."""
    t = np.asarray(y_true, dtype=int)
    s = np.asarray(scores, dtype=float)
    out: dict[str, object] = {"n": int(t.size)}
    for name, fn in BINARY_METRICS.items():
        out[name] = bootstrap(t, s, fn, n=n_boot, seed=seed, groups=groups).to_dict()
    out["confusion"] = confusion_matrix(t, (s >= 0.5).astype(int), 2).tolist()
    return out
