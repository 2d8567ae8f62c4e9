"""Error analysis of the classifier on validation images: mistakes by (true, predicted), accuracy per tag."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Prediction:
    image: str
    true: str
    predicted: str
    tags: frozenset[str] = frozenset()


def mistakes(preds: list[Prediction]) -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = {}
    for p in preds:
        if p.true != p.predicted:
            out.setdefault((p.true, p.predicted), []).append(p.image)
    return out


def accuracy_by_tag(preds: list[Prediction]) -> dict[str, tuple[float, int]]:
    """Per tag (and "(untagged)"): accuracy and number of images — e.g. glasses vs no glasses."""
    groups: dict[str, list[bool]] = {}
    for p in preds:
        for tag in p.tags or {"(untagged)"}:
            groups.setdefault(tag, []).append(p.true == p.predicted)
    return {tag: (sum(v) / len(v), len(v)) for tag, v in sorted(groups.items())}
