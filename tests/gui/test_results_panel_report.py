"""The report action: one click in the panel (or File → Export report…) writes report.pdf, report.html,
results.csv and results.json on the job runner; with pseudonymise on, the patient id is in none of them."""

from __future__ import annotations

import shutil

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from fshd_studio.gui.results import report_action
from fshd_studio.io.results_file import results_path, save_results
from tests.gui.test_results_panel import close, made_results, open_demo


def test_report_from_the_panel(qtbot, app_settings, demo_project, tmp_path, monkeypatch) -> None:
    from fshd_studio.io.project import load_project

    folder = tmp_path / "demo"
    shutil.copytree(demo_project.project.parent, folder)
    project = folder / demo_project.project.name
    session = load_project(project).session
    save_results(results_path(project), made_results(session))
    asked = []
    out = tmp_path / "report"

    def choose(win, default, warning):
        asked.append((default, warning))
        return report_action.ReportChoice(out, True)

    monkeypatch.setattr(report_action, "ask_report_choice", choose)
    w = open_demo(qtbot, project)
    assert w.actions_by_id["export_report"].isEnabled() and w.results.panel.report_button.isEnabled()
    QTest.mouseClick(w.results.panel.report_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: (out / "report.pdf").is_file() and not w.jobs.running(), timeout=60000)
    assert asked and asked[0][0] == project.with_name("demo-report") and asked[0][1] == ""
    assert {p.name for p in out.iterdir()} >= {"report.pdf", "report.html", "results.csv", "results.json"}
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF")
    lines = (out / "results.csv").read_text(encoding="utf-8").strip().splitlines()
    assert len(lines) == 1 + 30  # a header and one line per exercise × camera
    for name in ("report.html", "results.csv", "results.json"):
        assert session.patient_id not in (out / name).read_text(encoding="utf-8"), name
    # a moved segment: the dialog says the report would carry stale scores
    seg = w.controller.session.segments[3]
    from fshd_studio.core.session import Span

    w.controller.move_segment(3, Span(seg.span.start_ms + 100, seg.span.end_ms + 100))
    w.actions_by_id["export_report"].trigger()
    assert "stale" in asked[-1][1] and "3" in asked[-1][1]
    qtbot.waitUntil(lambda: not w.jobs.running(), timeout=60000)
    close(w)
