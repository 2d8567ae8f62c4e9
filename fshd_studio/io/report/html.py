"""The session report as HTML that both a browser and Qt's text engine (the PDF) render: tables, inline
bars made of table cells, PNG images referenced by relative path, no scripts and no web fonts."""

from __future__ import annotations

import html
import math

from fshd_studio.core.results import CLASS_NAMES
from fshd_studio.io.report.content import (DISCLAIMER, SYNTHETIC_BANNER, ExerciseRow, ReportContent, severity_rows,
                                           verdict_text, vote_label)

e = html.escape
RED = "#b03a2e"
PIXELS = "report_images"    # red.png, blue.png, grey.png: one pixel each, written by writer.py
BAR_COLOURS = {"red": (176, 58, 46), "blue": (52, 101, 159), "grey": (225, 225, 225)}

STYLE = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 9.5pt; color: #222; }
h1 { font-size: 17pt; margin-bottom: 2px; }
h2 { font-size: 12.5pt; margin-top: 14px; margin-bottom: 4px; color: #1f3b5a; }
td, th { padding: 2px 5px; }
th { background-color: #eef1f5; text-align: left; }
.small { font-size: 8pt; color: #555; }
.warn { color: #8a1c12; font-weight: bold; }
"""


def _num(x: float | None, fmt: str = "{:.2f}") -> str:
    return "—" if x is None or not math.isfinite(x) else fmt.format(x)


def bar(frac: float | None, colour: str = "red", width: int = 110) -> str:
    """A horizontal bar: two stretched one-pixel images (the coloured part and the grey rest), which both a
    browser and Qt's HTML subset draw at the given size (Qt ignores CSS widths on inline elements)."""
    if frac is None or not math.isfinite(frac):
        return ""
    filled = int(round(width * min(1.0, max(0.0, frac))))
    parts = []
    if filled > 0:
        parts.append(f"<img src='{PIXELS}/{colour}.png' width='{filled}' height='9'>")
    if filled < width:
        parts.append(f"<img src='{PIXELS}/grey.png' width='{width - filled}' height='9'>")
    return "".join(parts)


def _banner(c: ReportContent) -> str:
    parts = []
    if c.synthetic:
        parts.append(f"<table width='100%' cellpadding='10' bgcolor='{RED}'><tr><td align='center'>"
                     f"<span style='color:#ffffff; font-size:21pt; font-weight:bold'>{e(SYNTHETIC_BANNER)}</span>"
                     "<br><span style='color:#ffffff; font-size:10pt'>This report was made with a model trained on "
                     "synthetic animations. It is a demonstration of the software only.</span></td></tr></table>")
    parts.append(f"<p style='font-size:13pt' class='warn'>{e(DISCLAIMER)} "
                 f"<span style='font-size:9.5pt; font-weight:normal'>{e(c.results.provenance.intended_use)}</span></p>")
    return "\n".join(parts)


def _facts(c: ReportContent) -> str:
    f, pv = c.facts, c.results.provenance
    who = f"{e(f.patient)}" + (" <span class='small'>(pseudonymised: names left out)</span>" if f.pseudonymised else "")
    cams = "<br>".join(f"{e(cid)}{' — ' + e(label) if label else ''}: {e(video)}" for cid, label, video in f.cameras)
    rows = [("Patient", who), ("Visit", e(f.visit_date)), ("Protocol", e(f.protocol)), ("Cameras", cams),
            ("Scored", f"{e(pv.created_at)} on {e(pv.device)} ({e(pv.backend)}, {e(pv.precision)}), "
                       f"FSHD Studio {e(pv.app_version)}")]
    if f.notes:
        rows.append(("Notes", e(f.notes)))
    return _kv_table(rows)


def _kv_table(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th width='150'>{e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<table cellspacing='0' cellpadding='3' border='1' style='border-color:#cccccc'>{body}</table>"


def _model(c: ReportContent) -> str:
    pv = c.results.provenance
    trained = ", ".join(str(x) for x in pv.model_exercises) or "not stated"
    scored = ", ".join(str(x) for x in c.scored_exercises) or "none"
    rows = [("Model", f"{e(pv.model_id)}" + (" <span class='warn'>(synthetic)</span>" if pv.synthetic else "")),
            ("Trained on", e(pv.trained_on)), ("Exercises it was trained on", e(trained)),
            ("Exercises scored here", e(scored)), ("Intended use", e(pv.intended_use)),
            ("Weights (SHA-256)", f"<span class='small'>{e(pv.weights_sha256[:16])}…</span>")]
    return "<h2>Model</h2>" + _kv_table(rows)


def _votes(c: ReportContent) -> str:
    head = "<tr><th>Votes</th><th>FSHD</th><th>not FSHD</th><th>exercises</th><th>majority vote</th></tr>"
    body = "".join(f"<tr><td>{e(vote_label(v))}</td><td align='right'>{v.fshd_votes}</td>"
                   f"<td align='right'>{v.against_votes}</td><td align='right'>{v.exercises}</td>"
                   f"<td><b>{e(verdict_text(v))}</b></td></tr>" for v in c.votes)
    rule = c.votes[0].rule if c.votes else ""
    scored = sum(1 for r in c.rows if r.p_fshd is not None)
    coverage = (f"<p><b>{scored} of {len(c.rows)}</b> exercise × camera clips were scored"
                + ("." if scored == len(c.rows) else "; the others are not votes (see the table for why).") + "</p>")
    return (f"<h2>Majority vote over the exercises</h2>{coverage}<table cellspacing='0' border='1' "
            f"style='border-color:#cccccc'>{head}{body}</table><p class='small'>Rule: {e(rule)}.</p>")


def _severity(c: ReportContent) -> str:
    sev = c.severity
    rows = "".join(f"<tr><td width='150'>{e(name)}</td><td>{bar(p, 'blue', 220)}</td>"
                   f"<td align='right'>{p:.0%}</td></tr>" for name, p in severity_rows(sev))
    most = sev.predicted_class
    summary = (f"Most likely: <b>{e(CLASS_NAMES.get(most, most))}</b> ({sev.clips} clips)." if most
               else "No clip was scored, so there is no severity estimate.")
    return (f"<h2>Severity estimate</h2><table cellspacing='0' cellpadding='2'>{rows}</table>"
            f"<p>{summary} <span class='small'>Method: {e(sev.method)}.</span></p>")


def _exercise_cells(r: ExerciseRow) -> str:
    if r.p_fshd is None:
        return (f"<td>—</td><td></td><td colspan='2' class='small'>{e(r.reason or 'not scored')}</td>")
    colour = "red" if r.p_fshd >= 0.5 else "blue"
    return (f"<td align='right'>{_num(r.p_fshd)}</td><td>{bar(r.p_fshd, colour, 60)}</td>"
            f"<td>{e(r.class_name)}</td><td align='right'>{_num(r.class_prob, '{:.0%}')}</td>")


def _asym_text(r: ExerciseRow) -> str:
    a = r.asymmetry
    if a is None or not math.isfinite(a.asymmetry_index):
        return "—"
    side = f" · weaker: patient's {a.weaker_side}" if a.weaker_side else ""
    return f"{a.asymmetry_index:.2f}{e(side)}"


def _exercise_table(c: ReportContent) -> str:
    widths = (("#", 5), ("Exercise", 17), ("Cam", 7), ("P(FSHD)", 11), ("", 8), ("Most likely class", 14),
              ("prob.", 7), ("Asymmetry", 16), ("Flags", 15))
    head = "<thead><tr>" + "".join(f"<th width='{w}%'>{e(t)}</th>" for t, w in widths) + "</tr></thead>"
    body = []
    for r in c.rows:
        flags = "; ".join(r.flags)
        style = " style='background-color:#fff4d6'" if r.stale else ""
        body.append(f"<tr{style}><td>{r.exercise_id}</td><td>{e(r.exercise_name)}</td><td>{e(r.camera_id)}</td>"
                    f"{_exercise_cells(r)}<td>{_asym_text(r)}</td><td class='small'>{e(flags)}</td></tr>")
    return ("<h2 style='page-break-before: always'>Exercises</h2><table width='100%' cellspacing='0' "
            "cellpadding='2' border='1' style='border-color:#cccccc'>"
            f"{head}{''.join(body)}</table><p class='small'>P(FSHD) ≥ 0.5 counts as a vote for FSHD. Asymmetry: "
            "|right − left| / (right + left) of the exercise's movement, from the face landmarks (0 symmetric, "
            "1 one side only); sides are the patient's (the patient's left is the image's right in a front camera "
            "that is not mirrored). Rows marked yellow were scored before their segment moved: score again.</p>")


def _stills(c: ReportContent, images: dict[tuple[int, str], str]) -> str:
    if not c.stills:
        return ""
    cells = []
    for s in c.stills:
        src = images.get((s.exercise_id, s.camera_id))
        if src:
            cells.append(f"<td align='center' valign='top'><img src='{e(src)}' width='300'><br><span class='small'>"
                         f"exercise {s.exercise_id}, camera {e(s.camera_id)}, frame {s.frame_index}</span></td>")
    rows = "".join("<tr>" + "".join(cells[i:i + 2]) + "</tr>" for i in range(0, len(cells), 2))
    faces = " The stills show the patient's face: this report is not anonymous." if c.facts.pseudonymised else ""
    return ("<h2 style='page-break-before: always'>Attention heatmaps</h2><p class='small'>Where the model's "
            "encoder looked (attention rollout over all layers, mapped back onto the camera frame). It shows where "
            f"the model drew its input from, not a cause of disease. Colour from dark red (some attention) to yellow "
            f"(the most in that frame); where the frame shows through, little.{e(faces)}</p>"
            f"<table cellspacing='4'>{rows}</table>")


def report_html(c: ReportContent, *, asymmetry_png: str | None, still_pngs: dict[tuple[int, str], str],
                chart_width: int = 640) -> str:
    asym = (f"<h2>Asymmetry</h2><img src='{e(asymmetry_png)}' width='{chart_width}'>" if asymmetry_png else "")
    body = "\n".join([_banner(c), "<h1>FSHD Studio — session report</h1>", _facts(c), _votes(c), _severity(c),
                      _model(c), _exercise_table(c), asym, _stills(c, still_pngs),
                      f"<p class='warn'>{e(DISCLAIMER)}</p>"])
    return (f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>FSHD Studio report — "
            f"{e(c.facts.patient)} {e(c.facts.visit_date)}</title><style>{STYLE}</style></head>\n<body>\n{body}\n"
            "</body></html>\n")
