"""Read-only lanes for the other ELAN tiers, below the exercise tier: one bar item per tier, names on the axis."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg

from fshd_studio.gui.timeline.segment_region import elide
from fshd_studio.gui.timeline.style import TIER_BLOCK

MAX_LABELS_PER_TIER = 150  # more annotation texts than this would clutter the lane and slow the view


@dataclass(frozen=True)
class TierBlocks:
    """One tier as arrays: start and end in ms, and the annotation values."""

    name: str
    start_ms: np.ndarray
    end_ms: np.ndarray
    values: tuple[str, ...]


def _triple(a: Any) -> tuple[float, float, str]:
    if isinstance(a, (tuple, list)):
        return float(a[0]), float(a[1]), str(a[2]) if len(a) > 2 else ""
    return float(a.start_ms), float(a.end_ms), str(getattr(a, "value", ""))


def tier_blocks(tier: Any) -> TierBlocks:
    """Accepts `fshd_studio.io.elan` tiers: `.name` and `.annotations` of (start_ms, end_ms, value)."""
    rows = [_triple(a) for a in getattr(tier, "annotations", ())]
    rows = [r for r in rows if r[1] > r[0]]
    return TierBlocks(str(tier.name), np.array([r[0] for r in rows], float), np.array([r[1] for r in rows], float),
                      tuple(r[2] for r in rows))


class TierLanes:
    """Draws tiers in lanes y ∈ [k, k+1) for k = len(tiers)-1 … 0 (first tier just under the exercise lane)."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        self.tiers: list[TierBlocks] = []
        self._items: list[pg.GraphicsObject] = []
        self._labels: list[tuple[pg.TextItem, float, str]] = []  # item, width in s, full text

    def set_tiers(self, tiers: Iterable[Any]) -> None:
        for item in self._items:
            self.plot.removeItem(item)
        self._items.clear()
        self._labels.clear()
        self.tiers = [tier_blocks(t) for t in tiers]
        n = len(self.tiers)
        for k, tier in enumerate(self.tiers):
            y0 = n - 1 - k + 0.1
            if tier.start_ms.size:
                bars = pg.BarGraphItem(x0=tier.start_ms / 1000.0, x1=tier.end_ms / 1000.0, y0=y0, height=0.8,
                                       brush=TIER_BLOCK, pen=TIER_BLOCK.darker(140))
                self.plot.addItem(bars)
                self._items.append(bars)
            if len(tier.values) <= MAX_LABELS_PER_TIER:
                for start, end, value in zip(tier.start_ms, tier.end_ms, tier.values):
                    if value:
                        text = pg.TextItem(value, anchor=(0, 0.5), color=(240, 240, 240))
                        text.setPos(start / 1000.0, y0 + 0.4)
                        self.plot.addItem(text)
                        self._items.append(text)
                        self._labels.append((text, (end - start) / 1000.0, value))

    def fit_labels(self, px_per_s: float) -> None:
        """Elide every annotation text to its block's width on screen."""
        for item, width_s, value in self._labels:
            text = elide(value, item.textItem.font(), width_s * px_per_s - 6)
            if text != item.toPlainText():
                item.setText(text)

    def lane_names(self) -> Sequence[str]:
        return [t.name for t in self.tiers]
