"""The summary CSV of a batch run: one line per session, failed ones with their reason (atomic write)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fshd_studio.core.batch import BatchRow
from fshd_studio.io.atomic import atomic_write_text

COLUMNS = ("session", "project", "status", "reason", "patient_id", "visit_date", "model_id", "synthetic_model",
           "camera_votes", "combined_fshd_votes", "combined_against_votes", "combined_vote", "severity")


def _verdict(fshd: bool | None) -> str:
    return "" if fshd is None else ("FSHD" if fshd else "not FSHD")


def summary_lines(rows: list[BatchRow]) -> list[dict[str, str]]:
    out = []
    for r in rows:
        cams = "; ".join(f"{cam}: {a} for / {b} against" for cam, (a, b) in sorted(r.camera_votes.items()))
        out.append({"session": r.session, "project": str(r.project), "status": r.status, "reason": r.reason,
                    "patient_id": r.patient_id, "visit_date": r.visit_date, "model_id": r.model_id,
                    "synthetic_model": "yes" if r.synthetic else ("" if r.status == "failed" else "no"),
                    "camera_votes": cams,
                    "combined_fshd_votes": "" if r.status == "failed" else str(r.combined[0]),
                    "combined_against_votes": "" if r.status == "failed" else str(r.combined[1]),
                    "combined_vote": _verdict(r.combined_fshd), "severity": r.severity or ""})
    return out


def write_summary(path: Path, rows: list[BatchRow]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(summary_lines(rows))
    atomic_write_text(Path(path), buf.getvalue())
