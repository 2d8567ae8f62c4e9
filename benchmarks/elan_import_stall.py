"""The window's longest event-loop stall while it imports a large ELAN file (the 2.4 MB pympi sample, 8778
annotations): parsed on the window's job runner (as the window does) vs parsed on the GUI thread (as it did).
What still runs on the GUI thread is applying the import: the undo step and the timeline's lanes of the file's
other tiers (five of ~2000 annotations each here).

A 5 ms QTimer records the gaps between its ticks from the moment the import starts until its undo step is on
the stack; a gap far above 5 ms is a freeze the user feels. Prints the longest gap of each way, their ratio and
the import's duration, measured in one run, alternating the two ways.

Usage: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/elan_import_stall.py [FILE.eaf] [RUNS]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

EXTERNAL = Path(os.environ.get("FSHD_EXTERNAL_DATA", Path(__file__).resolve().parents[2] / "shared" / "data" /
                                "external"))


class Answers:
    """The window's questions answered as a user would: this tier, yes replace."""

    def __init__(self, tier: str) -> None:
        self.tier = tier

    def pick_tier(self, *_a, **_k) -> str:
        return self.tier

    def confirm_import(self, *_a) -> bool:
        return True

    def error(self, title: str, message: str) -> None:
        raise SystemExit(f"{title}: {message}")


def measure(app, w, run) -> tuple[float, float]:
    """(longest gap ms, import seconds) of one import started by `run()`."""
    from PySide6.QtCore import QElapsedTimer, Qt, QTimer

    c = w.controller
    target = c.undo_stack.index() + 1  # (after an undo, a push replaces the undone step: count stays)
    gaps: list[float] = []
    clock = QElapsedTimer()
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(5)
    timer.timeout.connect(lambda: (gaps.append(clock.nsecsElapsed() / 1e6), clock.restart()))
    clock.start()
    timer.start()
    t0 = time.perf_counter()
    QTimer.singleShot(0, run)
    while c.undo_stack.index() < target:
        app.processEvents()  # a benchmark's own loop, never the app's
        time.sleep(0.001)
    seconds = time.perf_counter() - t0
    timer.stop()
    c.undo_stack.undo()
    return max(gaps, default=0.0), seconds


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else EXTERNAL / "elan" / "pympi_sample_3.0.eaf"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    from fshd_studio.demo import make_demo
    from fshd_studio.gui.app_main import make_app
    from fshd_studio.gui.elan_actions import continue_import, start_import
    from fshd_studio.gui.main_window import MainWindow
    from fshd_studio.io.elan_import import parse_for_import
    from fshd_studio.io.project import load_project

    tmp = tempfile.TemporaryDirectory(prefix="fshd-bench-")
    project = make_demo(Path(tmp.name), seed=3, exercise_s=2.5, rest_s=1.0, size_scale=0.5).project
    app = make_app()
    w = MainWindow(restore_layout=False)
    w.show()
    w.controller.set_session(load_project(project).session, project)
    w.prompts = Answers("words-timesub")
    worker, gui = [], []
    for _ in range(runs):
        worker.append(measure(app, w, lambda: start_import(w, path)))
        session = w.controller.session
        gui.append(measure(app, w, lambda: continue_import(w, parse_for_import(path, session.protocol), None)))
    w.controller.set_session(None, None)  # nothing to save: the window closes without a question
    w.close()
    best_w, best_g = min(g for g, _ in worker), min(g for g, _ in gui)
    print(f"{path.name} ({path.stat().st_size / 1e6:.1f} MB), {runs} runs each")
    print(f"parse on the job runner: longest stall {best_w:.0f} ms (median {statistics.median(g for g, _ in worker):.0f}),"
          f" import {statistics.median(s for _, s in worker):.2f} s")
    print(f"parse on the GUI thread: longest stall {best_g:.0f} ms (median {statistics.median(g for g, _ in gui):.0f}),"
          f" import {statistics.median(s for _, s in gui):.2f} s")
    med_w, med_g = statistics.median(g for g, _ in worker), statistics.median(g for g, _ in gui)
    print(f"stall ratio job runner / GUI thread: median {med_w / med_g:.2f}, best {best_w / best_g:.2f}")


if __name__ == "__main__":
    main()
