"""Write a session report into a folder: report.html (+ its PNGs in report_images/), results.csv,
results.json and, given a printer, report.pdf. Qt lives only in gui/: gui/report_pdf.py passes its
html_to_pdf as the printer (`write_report_pdf`). All or nothing: the files are made in a hidden folder inside
`out_dir` and moved into place only when every one of them is written.

    files = write_report(session, results, out_dir, pseudonymise=True, heatmaps=stills)
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from fshd_studio.core.privacy import Pseudonymiser
from fshd_studio.core.results import CLASSES, SessionResults
from fshd_studio.core.session import Session
from fshd_studio.io.atomic import atomic_write_text
from fshd_studio.io.report.charts import asymmetry_chart, chart_width_px
from fshd_studio.io.report.content import DISCLAIMER, HeatmapStill, ReportContent, report_content
from fshd_studio.io.report.html import BAR_COLOURS, PIXELS, report_html
from fshd_studio.io.report.overlay import fit_within, write_png

IMAGES = "report_images"
REPORT_SCHEMA_VERSION = 1
FILES = ("report.html", "results.csv", "results.json", "report.pdf")
PdfPrinter = Callable[..., int]     # (html, pdf_path, *, base, title, footer) -> pages


@dataclass(frozen=True)
class ReportFiles:
    folder: Path
    html: Path
    csv: Path
    json: Path
    images: tuple[Path, ...]
    pdf: Path | None = None     # when a printer was given
    pdf_pages: int = 0


def write_report(session: Session, results: SessionResults, out_dir: Path, *,
                 pseudonymise: bool | Pseudonymiser = False, heatmaps: list[HeatmapStill] | None = None,
                 printer: PdfPrinter | None = None) -> ReportFiles:
    """`pseudonymise`: True for the installation's pseudonym of the patient id (or a Pseudonymiser with more
    names to hide); names are then left out of every file written here."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    content = report_content(session, results, pseudonymise=pseudonymise, stills=heatmaps)
    tmp = Path(tempfile.mkdtemp(prefix=".report.", dir=out))
    try:
        images = _write_files(content, [c.id for c in session.cameras], tmp)
        pages = 0
        if printer is not None:
            title = f"FSHD Studio report {content.facts.patient} {content.facts.visit_date}"
            pages = printer((tmp / "report.html").read_text(encoding="utf-8"), tmp / "report.pdf", base=tmp,
                            title=title, footer=DISCLAIMER)
        for name in (IMAGES, *FILES):      # a file this report did not make (an old PDF) must not stay beside it
            if (out / name).is_dir():
                shutil.rmtree(out / name)
            elif (out / name).exists():
                (out / name).unlink()
            if (tmp / name).exists():
                os.replace(tmp / name, out / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return ReportFiles(out, out / "report.html", out / "results.csv", out / "results.json",
                       tuple(out / p.relative_to(tmp) for p in images),
                       out / "report.pdf" if printer is not None else None, pages)


def _write_files(content: ReportContent, cameras: list[str], out: Path) -> list[Path]:
    images = [write_png(out / PIXELS / f"{name}.png", np.array([[rgb]], np.uint8))
              for name, rgb in BAR_COLOURS.items()]
    asym = None
    if any(r.asymmetry is not None for r in content.rows):
        asym = f"{IMAGES}/asymmetry.png"
        images.append(write_png(out / asym, asymmetry_chart(content.rows, cameras)))
    stills: dict[tuple[int, str], str] = {}
    for s in content.stills:
        rel = f"{IMAGES}/heatmap_{s.exercise_id:02d}_{_safe(s.camera_id)}.png"
        images.append(write_png(out / rel, fit_within(s.image, 900)))
        stills[(s.exercise_id, s.camera_id)] = rel
    atomic_write_text(out / "results.csv", results_csv(content))
    atomic_write_text(out / "results.json", json.dumps(results_json(content), indent=2, ensure_ascii=False) + "\n")
    atomic_write_text(out / "report.html", report_html(content, asymmetry_png=asym, still_pngs=stills,
                                                       chart_width=chart_width_px()))
    return images


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name) or "camera"


def results_csv(c: ReportContent) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["exercise", "exercise_name", "camera", "p_fshd", "predicted_class", "predicted_class_prob",
                *[f"p_{k}" for k in CLASSES], "asymmetry_index", "weaker_side", "flags", "stale", "not_scored_reason"])
    for r in c.rows:
        a = r.asymmetry
        w.writerow([r.exercise_id, r.exercise_name, r.camera_id, _f(r.p_fshd), r.predicted_class or "",
                    _f(r.class_prob), *[_f(r.class_probs.get(k)) for k in CLASSES],
                    _f(a.asymmetry_index) if a else "", a.weaker_side if a else "", "; ".join(r.flags),
                    "yes" if r.stale else "", r.reason])
    return buf.getvalue()


def _f(x: float | None) -> str:
    return "" if x is None else f"{x:.6f}"


def results_json(c: ReportContent) -> dict:
    """The results in the results file's own format (readable by io.results_file.load_results), every text
    scrubbed of names when pseudonymised, plus a `report` block with the session as the report shows it."""
    doc = _scrubbed(c.results.to_dict(), c.scrub)
    doc["report"] = {"schema_version": REPORT_SCHEMA_VERSION, "patient": c.facts.patient,
                     "pseudonymised": c.facts.pseudonymised, "visit_date": c.facts.visit_date,
                     "cameras": [{"id": i, "label": lab, "video": v} for i, lab, v in c.facts.cameras],
                     "stale_exercises": sorted({r.exercise_id for r in c.rows if r.stale}),
                     "disclaimer": DISCLAIMER}
    return doc


def _scrubbed(obj: Any, scrub: Callable[[str], str]) -> Any:
    if isinstance(obj, str):
        return scrub(obj)
    if isinstance(obj, dict):
        return {k: _scrubbed(v, scrub) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_scrubbed(v, scrub) for v in obj]
    return obj
