"""Analysis → Score many sessions and Compare visits, as a neurologist with a folder of follow-up visits."""

from __future__ import annotations


import pytest

from fshd_studio.io.results_file import results_path
from tests.gui.window_fixtures import open_window
from tests.fixtures_demo import copy_demo


@pytest.mark.slow
def test_queue_scores_a_folder_shows_each_state_and_compares_two_visits(qtbot, app_settings, demo_project,
                                                                       demo_project_weak, tmp_path) -> None:
    from fshd_studio.gui.visits.compare_dialog import show_comparison
    from fshd_studio.gui.visits.queue_dialog import show_queue

    root = tmp_path / "patient"
    first = copy_demo(demo_project, root / "2025", "2025-11-02")
    second = copy_demo(demo_project_weak, root / "2026", "2026-11-24")
    broken = root / "broken" / "x.fshd.json"
    broken.parent.mkdir(parents=True)
    broken.write_text("{")
    w = open_window(qtbot, None)
    dlg = show_queue(w)
    assert dlg.add([root]) == 3 and dlg.table.rowCount() == 3
    assert [dlg.table.item(r, 3).text() for r in range(3)] == ["waiting"] * 3
    dlg.run()
    assert not dlg.buttons["run"].isEnabled() and dlg.buttons["cancel"].isEnabled()
    qtbot.waitUntil(lambda: dlg.job is None, timeout=240000)
    states = {dlg.projects[r]: dlg.table.item(r, 3).text() for r in range(3)}
    assert states[first] == states[second] == "scored" and states[broken].startswith("failed: ")
    assert results_path(first).is_file() and results_path(second).is_file()
    assert "x.fshd.json" in dlg.table.item(dlg.projects.index(broken), 3).text()
    cmp_dlg = show_comparison(w, [second, first])
    assert cmp_dlg is not None and cmp_dlg.table.rowCount() == 15
    assert cmp_dlg.table.horizontalHeaderItem(1).text().startswith("2025-11-02")
    row14 = next(r for r in range(15) if cmp_dlg.table.item(r, 0).text().startswith("14 "))
    assert float(cmp_dlg.table.item(row14, 3).text()) > 0.2  # the weakness shows as a rise of P(FSHD)
    out = cmp_dlg.export(tmp_path / "cmp")
    assert out is not None and (out / "comparison.csv").is_file() and (out / "comparison.pdf").is_file()
    cmp_dlg.grab().save(str(tmp_path / "compare.png"))
    cmp_dlg.close()
    dlg.close()
    w.close()
