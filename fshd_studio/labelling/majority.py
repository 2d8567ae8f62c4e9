"""The study's rule: an image keeps its label only with an absolute majority of "yes" in the group re-check."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from enum import Enum

import numpy as np

from fshd_studio.labelling.agreement import fleiss_kappa, fleiss_kappa_per_category, full_rater_rows
from fshd_studio.labelling.classes import CLASSES, UNUSABLE
from fshd_studio.labelling.store import Round, Vote


class Absent(str, Enum):
    """How a group member who did not vote on an image counts."""

    NO = "no"  # strict: the majority is of the whole group (the study's show of hands: 4 people, all voting)
    IGNORE = "ignore"  # the majority is of the votes cast


class Status(str, Enum):
    KEPT = "kept"
    REJECTED = "rejected"
    TIE = "tie"  # exactly half yes: no absolute majority, listed for review
    PENDING = "pending"  # proposed, no re-check vote yet
    UNUSABLE = "unusable"
    NO_PROPOSAL = "no_proposal"  # the first sort is a tie: listed for review
    UNSORTED = "unsorted"  # nobody has sorted it yet: not a disagreement, not listed for review


@dataclass(frozen=True)
class Outcome:
    image_id: int
    proposed: str | None
    yes: int
    no: int
    absent: int
    status: Status


@dataclass(frozen=True)
class Aggregate:
    outcomes: dict[int, Outcome]
    group: tuple[str, ...]
    absent_policy: Absent
    kappa_sort: float | None  # Fleiss' kappa of the first sort (classes + unusable)
    kappa_sort_per_class: dict[str, float]
    kappa_check: float | None  # Fleiss' kappa of the yes/no re-check
    labeller_agreement: dict[str, float]  # share of each labeller's re-check votes that agree with the outcome

    def kept(self) -> dict[int, str]:
        return {i: o.proposed for i, o in self.outcomes.items() if o.status == Status.KEPT and o.proposed}

    def to_review(self) -> list[Outcome]:
        return [o for o in self.outcomes.values() if o.status in (Status.TIE, Status.REJECTED, Status.NO_PROPOSAL)]


def decide(yes: int, no: int, group_size: int, absent: Absent) -> Status:
    """Absolute majority: more than half of the group (absent = no) or of the votes cast (absent ignored)."""
    total = group_size if absent == Absent.NO else yes + no
    if yes + no == 0:
        return Status.PENDING
    if 2 * yes > total:
        return Status.KEPT
    if 2 * yes == total:
        return Status.TIE
    return Status.REJECTED


def proposals(sort_votes: list[Vote]) -> dict[int, str | None]:
    """The proposed class of each image: the plurality of the first sort (None on a tie at the top)."""
    by_image: dict[int, Counter[str]] = defaultdict(Counter)
    for v in sort_votes:
        by_image[v.image_id][v.value] += 1
    out: dict[int, str | None] = {}
    for image_id, counts in by_image.items():
        top = counts.most_common()
        out[image_id] = top[0][0] if len(top) == 1 or top[0][1] > top[1][1] else None
    return out


def aggregate(image_ids: list[int], sort_votes: list[Vote], check_votes: list[Vote], group: list[str],
              absent: Absent = Absent.NO) -> Aggregate:
    """`group`: the members who count (a retired member's votes count no more, so yes + no never exceed it)."""
    members = set(group)
    sort_votes = [v for v in sort_votes if v.labeller in members]
    check_votes = [v for v in check_votes if v.labeller in members]
    proposed = proposals(sort_votes)
    checks: dict[int, dict[str, str]] = defaultdict(dict)
    for v in check_votes:
        if v.proposed == proposed.get(v.image_id):
            checks[v.image_id][v.labeller] = v.value
    outcomes = {}
    for image_id in image_ids:
        p = proposed.get(image_id)
        votes = checks.get(image_id, {})
        yes = sum(1 for x in votes.values() if x == "yes")
        no = sum(1 for x in votes.values() if x == "no")
        if p is None:
            status = Status.NO_PROPOSAL if image_id in proposed else Status.UNSORTED
        elif p == UNUSABLE:
            status = Status.UNUSABLE
        else:
            status = decide(yes, no, len(group), absent)
        outcomes[image_id] = Outcome(image_id, p, yes, no, max(0, len(group) - yes - no), status)
    k_sort, k_sort_class = _sort_kappa(sort_votes)
    return Aggregate(outcomes, tuple(group), absent, k_sort, k_sort_class, _check_kappa(checks),
                     _labeller_agreement(checks, outcomes))


def _sort_kappa(sort_votes: list[Vote]) -> tuple[float | None, dict[str, float]]:
    cats = (*CLASSES, UNUSABLE)
    rows: dict[int, np.ndarray] = defaultdict(lambda: np.zeros(len(cats)))
    for v in sort_votes:
        rows[v.image_id][cats.index(v.value)] += 1
    table = full_rater_rows(np.array(list(rows.values()))) if rows else np.zeros((0, len(cats)))
    if table.shape[0] < 2 or table.sum(1).max() < 2:
        return None, {}
    per = fleiss_kappa_per_category(table)
    return fleiss_kappa(table), {c: float(k) for c, k in zip(cats, per) if not np.isnan(k)}


def _check_kappa(checks: dict[int, dict[str, str]]) -> float | None:
    table = np.array([[sum(v == "yes" for v in d.values()), sum(v == "no" for v in d.values())]
                      for d in checks.values()]) if checks else np.zeros((0, 2))
    table = full_rater_rows(table)
    if table.shape[0] < 2 or table.sum(1).max() < 2 or (table.sum(0) == 0).any():
        return None
    return fleiss_kappa(table)


def _labeller_agreement(checks: dict[int, dict[str, str]], outcomes: dict[int, Outcome]) -> dict[str, float]:
    agree: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for image_id, votes in checks.items():
        status = outcomes[image_id].status if image_id in outcomes else None
        if status not in (Status.KEPT, Status.REJECTED):
            continue
        for labeller, value in votes.items():
            total[labeller] += 1
            agree[labeller] += (value == "yes") == (status == Status.KEPT)
    return {name: agree[name] / total[name] for name in sorted(total)}


def sort_votes_of(store_votes: list[Vote]) -> list[Vote]:
    return [v for v in store_votes if v.round == Round.SORT]


def needed_yes(group_size: int, yes: int, no: int, absent: Absent) -> int:
    """How many "yes" make an absolute majority: more than half of the group (absent = no) or of the votes cast."""
    total = group_size if absent == Absent.NO else yes + no
    return total // 2 + 1


def explain(o: Outcome, group_size: int, absent: Absent) -> str:
    """The decision on one image in plain words."""
    need = needed_yes(group_size, o.yes, o.no, absent)
    of = f"{o.yes} of {group_size if absent == Absent.NO else o.yes + o.no}"
    if o.status == Status.KEPT:
        return f"kept: {of} said yes (needs {need})"
    if o.status == Status.REJECTED:
        return f"not kept: only {of} said yes (needs {need})"
    if o.status == Status.TIE:
        return f"not kept: a tie, {of} said yes (needs {need}) — discuss and vote again"
    if o.status == Status.PENDING:
        return "waiting: nobody has re-checked the proposed class yet"
    if o.status == Status.UNUSABLE:
        return "not kept: the first sort found it unusable"
    if o.status == Status.NO_PROPOSAL:
        return "not kept: the first sort is split between classes — sort it again"
    return "waiting: nobody has sorted it yet"
