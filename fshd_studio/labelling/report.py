"""The aggregate as a table people read: one row per image, plain words, exportable as CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from fshd_studio.labelling.majority import Aggregate, Status, explain

HEADER = ("image", "proposed class", "yes", "no", "absent", "decision")


@dataclass(frozen=True)
class AggregateRow:
    image_id: int
    image: str
    proposed: str  # "" when none
    yes: int
    no: int
    absent: int
    kept: bool
    decision: str  # "kept: 3 of 4 said yes (needs 3)", "not kept: a tie, ..."
    status: Status


def aggregate_rows(agg: Aggregate, names: dict[int, str]) -> list[AggregateRow]:
    rows = [AggregateRow(i, names.get(i, str(i)), o.proposed or "", o.yes, o.no, o.absent, o.status == Status.KEPT,
                         explain(o, len(agg.group), agg.absent_policy), o.status)
            for i, o in agg.outcomes.items()]
    return sorted(rows, key=lambda r: r.image)


def aggregate_csv(rows: list[AggregateRow]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    for r in rows:
        w.writerow((r.image, r.proposed, r.yes, r.no, r.absent, r.decision))
    return buf.getvalue()


def write_aggregate_csv(path: Path, rows: list[AggregateRow]) -> None:
    from fshd_studio.io.atomic import atomic_write_text

    atomic_write_text(Path(path), aggregate_csv(rows))
