"""The window's one job runner: non-modal, progress throttled to the GUI thread, partial results, Cancel from
the status bar, errors as one message, every job cancelled when the window closes."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QTimer

from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Progress, check_cancel
from fshd_studio.gui.job_bar import JobBar, format_seconds
from fshd_studio.gui.jobs import JobRunner


def test_progress_partials_and_result_arrive_on_the_gui_thread(qtbot) -> None:
    runner = JobRunner()
    gui = threading.get_ident()
    got: dict[str, list] = {"partial": [], "progress": [], "threads": []}

    def work(report, cancel):
        for i in range(5):
            report(Progress("step", i + 1, 5))
            job.partial(i)
        return "ok"

    def on_partial(x):
        got["partial"].append(x)
        got["threads"].append(threading.get_ident())

    job = runner.start("work", work, on_partial=on_partial, on_progress=got["progress"].append)
    with qtbot.waitSignal(job.finished, timeout=5000) as sig:
        pass
    assert sig.args == ["ok"]
    qtbot.waitUntil(lambda: not runner.running())
    assert got["partial"] == [0, 1, 2, 3, 4] and set(got["threads"]) == {gui}
    assert got["progress"][-1] == Progress("step", 5, 5)  # the last one is never throttled away


def test_the_bar_shows_stage_and_cancel_stops_the_work_while_the_loop_runs(qtbot) -> None:
    runner = JobRunner()
    bar = JobBar(runner)
    qtbot.addWidget(bar)
    started, stopped = threading.Event(), threading.Event()
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(10)

    def work(report, cancel):
        started.set()
        for i in range(1000):
            report(Progress("motion", i, 1000))
            time.sleep(0.005)
            try:
                check_cancel(cancel)
            except Exception:
                stopped.set()
                raise

    cancelled = []
    runner.start("Finding exercises", work, on_cancelled=lambda: cancelled.append(True))
    qtbot.waitUntil(lambda: bar.isVisibleTo(bar.parentWidget() or bar) and "motion" in bar.label.text(),
                    timeout=5000)
    qtbot.waitUntil(lambda: bar.bar.value() > 0)
    assert bar.bar.maximum() == 1000 and "Finding exercises" in bar.label.text()
    bar.cancel_button.click()
    qtbot.waitUntil(lambda: cancelled == [True], timeout=5000)
    timer.stop()
    assert stopped.is_set() and len(ticks) >= 5  # the event loop kept running meanwhile
    assert not runner.running() and bar.isHidden()


def test_errors_become_one_message_and_shutdown_cancels(qtbot) -> None:
    runner = JobRunner()
    errors: list[str] = []

    def bad(report, cancel):
        raise UserError("video x.mp4 cannot be read; relocate it")

    runner.start("bad", bad, on_error=errors.append)
    qtbot.waitUntil(lambda: errors == ["video x.mp4 cannot be read; relocate it"], timeout=5000)
    crash: list[str] = []
    runner.start("crash", lambda r, c: 1 / 0, on_error=crash.append)
    qtbot.waitUntil(lambda: len(crash) == 1, timeout=5000)
    assert crash[0].startswith("ZeroDivisionError")
    seen = threading.Event()

    def forever(report, cancel):
        while not cancel.is_set():
            time.sleep(0.01)
        seen.set()
        check_cancel(cancel)

    runner.start("forever", forever)
    assert runner.shutdown(5000) and seen.is_set()


def test_time_left_is_plain_words() -> None:
    assert format_seconds(None) == "" and format_seconds(42) == "42 s left" and format_seconds(125) == "2 min 05 s left"


def test_a_running_job_never_widens_the_window(qtbot, app_settings) -> None:
    from tests.gui.window_fixtures import open_window

    w = open_window(qtbot, None)
    w.resize(1200, 800)
    qtbot.wait(50)
    width = w.width()
    release = threading.Event()

    def work(report, cancel):
        report(Progress("a very long stage name " * 6, 1, 3))
        release.wait(5)

    w.jobs.start("Scoring the session of a patient with a long project name " * 3, work)
    qtbot.waitUntil(lambda: w.job_bar.isVisible() and bool(w.job_bar.label.text()), timeout=3000)
    qtbot.wait(100)
    assert w.width() == width and w.job_bar.label.toolTip().startswith("Scoring the session")
    release.set()
    qtbot.waitUntil(lambda: not w.jobs.running(), timeout=5000)
    w.close()
