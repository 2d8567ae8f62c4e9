"""Metrics against hand-computed values; bootstrap intervals; majority vote."""

import numpy as np
import pytest

from fshd_studio.core import metrics as M


def test_binary_metrics_match_a_hand_computed_confusion_matrix():
    # truth: 5 FSHD, 5 not. predicted: TP=3, FN=2, TN=4, FP=1
    t = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    p = [1, 1, 1, 0, 0, 0, 0, 0, 0, 1]
    c = M.binary_counts(t, p)
    assert (c.tp, c.fn, c.tn, c.fp) == (3, 2, 4, 1)
    assert M.accuracy(t, p) == pytest.approx(7 / 10)
    assert M.sensitivity(t, p) == pytest.approx(3 / 5)
    assert M.specificity(t, p) == pytest.approx(4 / 5)
    assert M.confusion_matrix(t, p, 2).tolist() == [[4, 1], [2, 3]]


def test_auc_by_pair_counting():
    t = [1, 1, 0, 0, 1]
    s = [0.9, 0.4, 0.5, 0.1, 0.5]
    # pairs (pos, neg): (0.9,.5)1 (0.9,.1)1 (0.4,.5)0 (0.4,.1)1 (0.5,.5)0.5 (0.5,.1)1 -> 4.5/6
    assert M.roc_auc(t, s) == pytest.approx(4.5 / 6)
    assert M.roc_auc([1, 1], [0.2, 0.3]) != M.roc_auc([1, 1], [0.2, 0.3])  # undefined -> nan


def test_four_class_confusion_counts():
    m = M.confusion_matrix([0, 1, 2, 3, 3], [0, 2, 2, 3, 0], 4)
    assert m.sum() == 5 and m[1, 2] == 1 and m[3, 0] == 1 and np.trace(m) == 3


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bootstrap_interval_contains_the_point_estimate(seed):
    rng = np.random.default_rng(seed)
    t = rng.integers(0, 2, 60)
    s = np.clip(t * 0.3 + rng.uniform(0, 0.7, 60), 0, 1)
    for name, fn in M.BINARY_METRICS.items():
        iv = M.bootstrap(t, s, fn, n=300, seed=seed)
        assert iv.low <= iv.value <= iv.high, name
        assert iv.high - iv.low > 0, name


def test_bootstrap_by_group_resamples_whole_groups():
    t = np.array([1, 1, 0, 0])
    s = np.array([0.9, 0.9, 0.1, 0.1])
    iv = M.bootstrap(t, s, M.BINARY_METRICS["accuracy"], n=200, groups=["a", "a", "b", "b"])
    assert iv.value == iv.low == iv.high == 1.0


def test_majority_vote():
    assert M.majority_vote([1] * 8 + [0] * 7) == 1
    assert M.majority_vote([1] * 7 + [0] * 8) == 0
    assert M.majority_vote([]) == 0


@pytest.mark.parametrize("votes", [[1, 0], [0, 1], [1] * 7 + [0] * 7, [0, 0, 1, 1]])
def test_a_tied_vote_says_fshd_as_in_the_study(votes):
    assert M.majority_vote(votes) == 1


def _samples(per_recording: dict[str, tuple[int, list[float]]]):
    from fshd_studio.model.dataset import Recording, Sample

    samples, scores = [], []
    for name, (label, ps) in per_recording.items():
        rec = Recording(name, f"patient-{name}", "front", label)
        samples += [Sample(rec, ex) for ex in range(1, len(ps) + 1)]
        scores += ps
    return samples, np.array(scores)


def test_the_evaluation_vote_counts_a_tie_as_fshd():
    from fshd_studio.model.evaluate import score

    # FSHD recording tied 1:1, control recording 0:2, FSHD recording tied 2:2
    samples, p = _samples({"a": (1, [0.9, 0.2]), "b": (3, [0.1, 0.3]), "c": (0, [0.8, 0.7, 0.1, 0.4])})
    res = score(samples, p, np.tile([0.25] * 4, (len(p), 1)), n_boot=20)
    vote = res["majority_vote"]
    assert vote["confusion"] == [[1, 0], [0, 2]]          # both ties counted FSHD: both FSHD recordings found
    assert vote["sensitivity"]["value"] == 1.0 and vote["specificity"]["value"] == 1.0
    assert vote["exercises_range"] == [2, 4]


def test_the_study_figures_are_exercise_14_and_the_vote_with_intervals():
    from fshd_studio.model.evaluate import score, table

    rng = np.random.default_rng(0)
    recs = {f"r{i}": (i % 4, list(rng.uniform(0, 1, 15))) for i in range(12)}
    samples, p = _samples(recs)
    res = score(samples, p, np.tile([0.25] * 4, (len(p), 1)), n_boot=50)
    study = res["study"]
    assert study["exercise_14_accuracy"] == res["per_exercise"]["14"]["accuracy"]
    assert study["vote_exercises"] == 15
    for key in ("vote_accuracy", "vote_sensitivity", "vote_specificity"):
        iv = study[key]
        assert iv["low"] <= iv["value"] <= iv["high"], key
    assert study["vote_sensitivity"] == res["majority_vote"]["sensitivity"]
    text = table({**res, "model_id": "m", "part": "test"})
    assert "exercise 14 accuracy" in text and "vote over 15 exercises" in text
