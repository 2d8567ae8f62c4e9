"""A visit comparison (core/compare.py) as CSV and HTML (the window prints the HTML to PDF)."""

from __future__ import annotations

import csv
import html
import io
from pathlib import Path

from fshd_studio.core.compare import Visit, VisitComparison
from fshd_studio.core.errors import UserError
from fshd_studio.core.protocol import Protocol
from fshd_studio.core.results import CLASS_NAMES
from fshd_studio.io.atomic import atomic_write_text

DISCLAIMER = "Research use only — not a diagnosis."


def _num(x: float | None, fmt: str = "{:.2f}") -> str:
    return "" if x is None else fmt.format(x)


def comparison_csv(cmp: VisitComparison, protocol: Protocol) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    head = ["exercise", "name"]
    for v in cmp.visits:
        head += [f"{v.visit_date} p_fshd", f"{v.visit_date} class", f"{v.visit_date} asymmetry_index"]
    w.writerow(head + ["change_p_fshd", "trend"])
    for t in cmp.exercises:
        row = [t.exercise_id, protocol.by_id(t.exercise_id).name_en]
        for c in t.cells:
            row += [_num(c.p_fshd, "{:.4f}"), c.predicted_class or "", _num(c.asymmetry_index, "{:.4f}")]
        w.writerow(row + [_num(t.change, "{:+.4f}"), t.trend])
    return buf.getvalue()


def comparison_html(cmp: VisitComparison, protocol: Protocol) -> str:
    e = html.escape
    visits = "".join(f"<th colspan='3'>{e(v.visit_date)}<br><small>{e(v.session)}</small></th>" for v in cmp.visits)
    sub = "<th>P(FSHD)</th><th>class</th><th>asym.</th>" * len(cmp.visits)
    rows = []
    for t in cmp.exercises:
        cells = "".join(f"<td align='right'>{_num(c.p_fshd)}</td><td>{e(CLASS_NAMES.get(c.predicted_class or '', '—'))}"
                        f"</td><td align='right'>{_num(c.asymmetry_index)}</td>" for c in t.cells)
        ch = t.change
        colour = "#b00020" if ch is not None and ch >= 0.2 else "#1b5e20" if ch is not None and ch <= -0.2 else "#333"
        rows.append(f"<tr><td>{t.exercise_id}. {e(protocol.by_id(t.exercise_id).name_en)}</td>{cells}"
                    f"<td align='right' style='color:{colour}'><b>{_num(ch, '{:+.2f}')}</b></td>"
                    f"<td>{e(t.trend)}</td></tr>")
    verdicts = "".join(f"<li>{e(v.visit_date)} ({e(v.session)}): {e(text)} — model "
                       f"{e(v.results.provenance.model_id)}</li>" for v, text in zip(cmp.visits, cmp.verdicts()))
    warn = "".join(f"<p style='background:#fff3cd;border:2px solid #b26a00;padding:6px;font-size:14pt'>"
                   f"<b>{e(w)}</b></p>" for w in cmp.warnings)
    return f"""<html><head><meta charset="utf-8"><title>Visits of {e(cmp.patient_id)}</title></head><body>
<h1>Visits of patient {e(cmp.patient_id or '(no id)')}</h1>
<p style='color:#b00020'><b>{DISCLAIMER}</b> Scores are model outputs, not measurements of the patient.</p>
{warn}
<h2>Majority vote at each visit</h2><ul>{verdicts}</ul>
<h2>Per exercise</h2>
<table border='1' cellspacing='0' cellpadding='3'>
<tr><th rowspan='2'>Exercise</th>{visits}<th rowspan='2'>Change of P(FSHD)<br>first → last</th><th rowspan='2'>Trend</th></tr>
<tr>{sub}</tr>
{''.join(rows)}
</table>
<p><small>P(FSHD): mean over the cameras that scored the exercise. Asymmetry: the preprocessing's asymmetry index
(0 = symmetric), mean over cameras. A change of at least 0.20 is marked. {DISCLAIMER}</small></p>
</body></html>
"""


def write_comparison(cmp: VisitComparison, protocol: Protocol, out: Path) -> dict[str, Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = {"csv": out / "comparison.csv", "html": out / "comparison.html"}
    atomic_write_text(files["csv"], comparison_csv(cmp, protocol))
    atomic_write_text(files["html"], comparison_html(cmp, protocol))
    return files


def load_visits(paths: list[Path]) -> tuple[list[Visit], Protocol]:
    """The scored sessions' saved results; an unscored or stale session is refused with what to do."""
    from fshd_studio.io.project import load_project
    from fshd_studio.io.results_file import load_results, results_path

    visits = []
    for path in paths:
        session = load_project(path).session
        results = load_results(results_path(path))
        if results is None:
            raise UserError(f"{path} has not been scored (no {results_path(path).name} beside it); run "
                            f"`fshd-studio infer {path}` first")
        stale = results.stale_exercises(session)
        if stale:
            raise UserError(f"{path}: the results are stale (exercise(s) {sorted(stale)} moved since they were "
                            f"scored); run `fshd-studio infer {path}` again")
        name = path.name[: -len(".fshd.json")] if path.name.endswith(".fshd.json") else path.stem
        visits.append(Visit(name, session.patient_id, session.visit_date, results))
    return visits, session.protocol
