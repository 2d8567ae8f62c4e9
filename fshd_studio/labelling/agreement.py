"""Agreement between labellers: Fleiss' kappa, overall and per class (pure numpy).

The overall formula is the one of Fleiss (1971) as statsmodels computes it (`fleiss_kappa`, method "fleiss"):
with a varying number of votes per item it takes the largest as the number of raters.
"""

from __future__ import annotations

import numpy as np


def fleiss_kappa(table: np.ndarray) -> float:
    """table: (items, categories) counts of votes."""
    t = np.asarray(table, dtype=np.float64)
    n_total = t.sum()
    n_rat = t.sum(1).max()
    p_cat = t.sum(0) / n_total
    p_item = ((t * t).sum(1) - n_rat) / (n_rat * (n_rat - 1.0))
    p_mean = p_item.mean()
    p_exp = (p_cat * p_cat).sum()
    return float((p_mean - p_exp) / (1.0 - p_exp))


def fleiss_kappa_per_category(table: np.ndarray) -> np.ndarray:
    """Category-specific kappa (Fleiss 1971): 1 - sum x(m-x) / (N m (m-1) p q); NaN for an unused category."""
    t = np.asarray(table, dtype=np.float64)
    n_items = t.shape[0]
    m = t.sum(1).max()
    p = t.sum(0) / t.sum()
    disagreement = (t * (m - t)).sum(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        k = 1.0 - disagreement / (n_items * m * (m - 1.0) * p * (1.0 - p))
    return np.where((p > 0) & (p < 1), k, np.nan)


def full_rater_rows(table: np.ndarray) -> np.ndarray:
    """Fleiss' kappa assumes every item got the same number of votes: keep the items with the most common
    number of votes (the larger on a tie, at least 2). Not the maximum: one image rated by one extra person
    would otherwise leave a single item and no kappa at all."""
    t = np.asarray(table)
    if t.size == 0:
        return t
    n = t.sum(1).astype(np.int64)
    counts = np.bincount(n)
    counts[:2] = 0
    if not counts.any():
        return t[:0]
    common = len(counts) - 1 - int(np.argmax(counts[::-1]))
    return t[n == common]
