"""Time to show the main window, compared with a bare `python -c pass` (goal: ≤ 10×).

Each run is a fresh process. `python -c pass` is timed from spawn to exit; the app is timed from spawn to the
moment the window has been shown and painted (the child prints the wall-clock time then and exits at once,
so interpreter teardown is not counted for either). Variants: the empty window, and the window with a
two-camera project whose both camera frames are painted.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/window_show.py [--project P.fshd.json] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import os, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from fshd_studio.gui.app_main import make_app, wait_for_frames
app = make_app()
from fshd_studio.gui.main_window import MainWindow
w = MainWindow(restore_layout=False)
project = sys.argv[1] if len(sys.argv) > 1 else ""
w.resize(1600, 1000)

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not hasattr(self, "t"):
            self.t = time.time()
            QTimer.singleShot(0, complete)
        return False

def complete():  # what run_gui does: the window shows first, the project opens on the next turn
    if project:
        w.controller.open_project(project)
    w.ensure_workspace()
    if project and not wait_for_frames(w, 20000):
        print("frames-missing", flush=True)
    print(repr(first.t), repr(time.time()), flush=True)
    os._exit(0)

first = FirstPaint()
w.installEventFilter(first)
w.show()
app.exec()
"""


def _env(tmp: Path) -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
                FSHD_STUDIO_SETTINGS_DIR=str(tmp / "settings"), PYTHONPATH=str(REPO))


def _children_cpu_ms() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (r.ru_utime + r.ru_stime) * 1000.0


def python_pass_ms(runs: int) -> tuple[float, float]:
    """Medians of (wall, CPU) ms of `python -c pass`."""
    times, cpu = [], []
    for _ in range(runs):
        c0, t0 = _children_cpu_ms(), time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append((time.perf_counter() - t0) * 1000.0)
        cpu.append(_children_cpu_ms() - c0)
    return statistics.median(times), statistics.median(cpu)


def window_shown_ms(runs: int, project: Path | None, tmp: Path) -> tuple[float, float, float]:
    """Medians of (spawn → first paint of the window, spawn → timeline built and camera frames painted,
    CPU ms of the child up to that complete point: steadier than wall time on a busy machine)."""
    times, complete, cpu = [], [], []
    args = [sys.executable, "-c", CHILD] + ([str(project)] if project else [])
    for _ in range(runs):
        c0, t0 = _children_cpu_ms(), time.time()
        out = subprocess.run(args, capture_output=True, text=True, env=_env(tmp), cwd=REPO, timeout=120)
        cpu.append(_children_cpu_ms() - c0)
        lines = out.stdout.split()
        if out.returncode != 0 or not lines or "frames-missing" in lines:
            raise RuntimeError(f"the window did not show: {out.stdout} {out.stderr[-2000:]}")
        times.append((float(lines[-2]) - t0) * 1000.0)
        complete.append((float(lines[-1]) - t0) * 1000.0)
    return statistics.median(times), statistics.median(complete), statistics.median(cpu)


def demo_project(folder: Path) -> Path:
    from fshd_studio.demo import make_demo

    return make_demo(folder, seed=3, exercise_s=2.5, rest_s=1.0, size_scale=0.5).project


def measure(runs: int = 5, project: Path | None = None) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="fshd-window-show-") as tmp_s:
        tmp = Path(tmp_s)
        project = project or demo_project(tmp / "demo")
        window_shown_ms(1, project, tmp)  # warm the OS file cache and the video index cache
        base, base_cpu = python_pass_ms(runs)
        empty, empty_done, empty_cpu = window_shown_ms(runs, None, tmp)
        loaded, loaded_done, loaded_cpu = window_shown_ms(runs, project, tmp)
    return {"benchmark": "window_show", "runs": runs, "python_pass_ms": round(base, 1),
            "window_shown_ms": round(empty, 1), "ratio": round(empty / base, 2),
            "window_complete_ms": round(empty_done, 1), "complete_ratio": round(empty_done / base, 2),
            "with_project_shown_ms": round(loaded, 1), "with_project_ratio": round(loaded / base, 2),
            "with_project_complete_ms": round(loaded_done, 1),
            "with_project_complete_ratio": round(loaded_done / base, 2),
            "python_pass_cpu_ms": round(base_cpu, 1), "window_complete_cpu_ratio": round(empty_cpu / base_cpu, 2),
            "with_project_complete_cpu_ratio": round(loaded_cpu / base_cpu, 2),
            "goal": 10.0, "cpu_count": os.cpu_count()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--project", type=Path, default=None, help="project to open (default: a short demo)")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    if args.project is not None and not args.project.is_file():
        print(f"error: project {args.project} not found", file=sys.stderr)
        return 2
    print(json.dumps(measure(args.runs, args.project)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
