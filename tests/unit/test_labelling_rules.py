"""The absolute-majority rule, agreement statistics and the export split, on hand-made vote sets."""

import numpy as np
import pytest

from fshd_studio.labelling.agreement import fleiss_kappa, fleiss_kappa_per_category
from fshd_studio.labelling.export import split_every_fifth
from fshd_studio.labelling.ferplus import CrowdTable, absolute_majority
from fshd_studio.labelling.majority import Absent, Status, aggregate, decide
from fshd_studio.labelling.store import Round, Vote


@pytest.mark.parametrize("yes, no, group, absent, expected", [
    (3, 0, 4, Absent.NO, Status.KEPT),       # 3 of 4
    (2, 2, 4, Absent.NO, Status.TIE),        # even group, exact half
    (2, 0, 4, Absent.NO, Status.TIE),        # two absent count as no: 2 of 4
    (2, 0, 4, Absent.IGNORE, Status.KEPT),   # absent ignored: 2 of 2
    (2, 1, 3, Absent.NO, Status.KEPT),       # odd group
    (1, 2, 3, Absent.NO, Status.REJECTED),
    (1, 1, 5, Absent.IGNORE, Status.TIE),
    (2, 0, 5, Absent.NO, Status.REJECTED),   # 2 of 5 is no majority
    (0, 0, 4, Absent.NO, Status.PENDING),
])
def test_absolute_majority(yes, no, group, absent, expected):
    assert decide(yes, no, group, absent) == expected


def _votes(round_, rows):
    return [Vote(i, who, round_, value, proposed) for i, who, value, proposed in rows]


def test_aggregate_end_to_end_on_a_small_group():
    group = ["ana", "ben", "cy", "dee"]
    sort = _votes(Round.SORT, [
        (1, "ana", "happy", None), (1, "ben", "happy", None), (1, "cy", "neutral", None), (1, "dee", "happy", None),
        (2, "ana", "angry", None), (2, "ben", "surprised", None),          # tie at the top: no proposal
        (3, "ana", "unusable", None), (3, "ben", "unusable", None),
        (4, "ana", "neutral", None),
    ])
    check = _votes(Round.CHECK, [
        (1, "ana", "yes", "happy"), (1, "ben", "yes", "happy"), (1, "cy", "no", "happy"), (1, "dee", "yes", "happy"),
        (4, "ana", "yes", "neutral"), (4, "ben", "yes", "neutral"),        # 2 yes, 2 absent
        (4, "cy", "no", "angry"),                                           # a vote on another class: not counted
    ])
    strict = aggregate([1, 2, 3, 4, 5], sort, check, group, Absent.NO)
    assert strict.outcomes[1].status == Status.KEPT and strict.outcomes[1].yes == 3
    assert strict.outcomes[2].status == Status.NO_PROPOSAL
    assert strict.outcomes[3].status == Status.UNUSABLE
    assert strict.outcomes[4].status == Status.TIE and strict.outcomes[4].absent == 2
    assert strict.outcomes[5].status == Status.UNSORTED  # no sort vote at all: not listed for review
    assert sorted(o.image_id for o in strict.to_review()) == [2, 4]
    assert strict.kept() == {1: "happy"}
    lenient = aggregate([1, 2, 3, 4, 5], sort, check, group, Absent.IGNORE)
    assert lenient.kept() == {1: "happy", 4: "neutral"}
    assert strict.labeller_agreement == {"ana": 1.0, "ben": 1.0, "cy": 0.0, "dee": 1.0}


def test_fleiss_kappa_by_hand():
    # Two items, two raters, two categories: perfect agreement on different categories gives kappa 1
    assert fleiss_kappa(np.array([[2, 0], [0, 2]])) == pytest.approx(1.0)
    # Fleiss (1971) worked example, first 3 rows of table 1 style, computed by hand:
    t = np.array([[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6]])
    n, m = t.shape[0], 14
    p = t.sum(0) / (n * m)
    pi = ((t ** 2).sum(1) - m) / (m * (m - 1))
    expected = (pi.mean() - (p ** 2).sum()) / (1 - (p ** 2).sum())
    assert fleiss_kappa(t) == pytest.approx(expected, abs=1e-12)
    per = fleiss_kappa_per_category(t)
    assert np.isnan(per[0]) and per[4] > per[1]


def test_fleiss_kappa_equals_statsmodels_on_random_tables():
    from statsmodels.stats import inter_rater as sm
    rng = np.random.default_rng(0)
    for _ in range(5):
        t = rng.multinomial(7, rng.dirichlet(np.ones(4)), size=50)
        assert fleiss_kappa(t) == pytest.approx(sm.fleiss_kappa(t, method="fleiss"), abs=1e-12)


def test_every_fifth_image_of_a_class_goes_to_validation():
    paths = [f"img{i:03d}.jpg" for i in range(23)][::-1]  # order given does not matter
    train, val = split_every_fifth(paths)
    assert val == ["img004.jpg", "img009.jpg", "img014.jpg", "img019.jpg"]
    assert len(train) == 19 and not set(train) & set(val)


def test_crowd_majority_counts_every_column():
    cols = ["neutral", "happiness", "surprise", "sadness", "anger", "disgust", "fear", "contempt", "unknown", "NF"]
    counts = np.array([
        [6, 4, 0, 0, 0, 0, 0, 0, 0, 0],   # neutral 6/10: kept
        [5, 5, 0, 0, 0, 0, 0, 0, 0, 0],   # 5/10 is not more than half
        [0, 0, 0, 0, 0, 0, 0, 0, 10, 0],  # unknown wins: nothing kept
        [0, 0, 0, 7, 0, 0, 0, 0, 3, 0],   # sadness: kept, outside the four
        [0, 0, 0, 0, 5, 0, 0, 0, 0, 4],   # anger 5/9 (a row with 9 votes): kept
    ])
    res = absolute_majority(CrowdTable([f"i{k}" for k in range(5)], ["Training"] * 5, cols, counts))
    assert res.label.tolist() == [0, -1, -1, 3, 4]
    assert res.kept_study == {"happy": 0, "angry": 1, "surprised": 0, "neutral": 1}
    assert res.kept_any == 3 and res.no_majority == 1 and res.majority_not_a_label == 1
