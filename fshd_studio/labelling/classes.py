"""The study's four emotion classes and the keys that vote for them."""

from __future__ import annotations

CLASSES: tuple[str, ...] = ("happy", "angry", "surprised", "neutral")
UNUSABLE = "unusable"


def class_index(name: str) -> int:
    return CLASSES.index(name)
