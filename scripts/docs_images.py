"""Rebuild the README's pictures of the neurologist's workspace from the bundled model:

- docs/results_panel.png: the results panel on the demo with a simulated weakness (0.8, patient's left),
  scored by `fshd-studio infer`, opened in the window, exercise 14 selected;
- docs/report_first_page.png: the first page of `fshd-studio report --pseudonymise` on the same session.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/docs_images.py [--work DIR]

Needs `pdftoppm` (Debian's poppler-utils) for the PDF page. Run it after the bundled model changes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
PANEL_SIZE = (1000, 1180)   # width of the docked panel; its height is the window's


def weak_demo(work: Path) -> Path:
    from fshd_studio.cli import run as cli

    project = work / "weak" / "demo.fshd.json"
    if not project.is_file():
        if cli(["demo", str(project.parent), "--weakness", "0.8"]):
            raise SystemExit("fshd-studio demo failed")
    if cli(["infer", str(project), "--device", "cpu"]):
        raise SystemExit("fshd-studio infer failed")
    return project


def panel_picture(project: Path, out: Path) -> None:
    from PySide6.QtCore import QCoreApplication, QElapsedTimer, Qt

    from fshd_studio.gui.app_main import make_app
    from fshd_studio.gui.main_window import MainWindow

    app = make_app()
    win = MainWindow(restore_layout=False)
    win.motion.enabled = False
    win.resize(1900, PANEL_SIZE[1] + 70)
    win.show()
    if not win.open_project(project):
        raise SystemExit(f"the window did not open {project}")
    timer = QElapsedTimer()
    timer.start()
    while (win.controller.session is None or win.jobs.running()) and timer.elapsed() < 60000:
        app.processEvents()
    if win.results.state.results is None:
        raise SystemExit(f"the window opened {project} without its results")
    win.results.reveal()
    win.resizeDocks([win.results], [PANEL_SIZE[0]], Qt.Orientation.Horizontal)
    win.results.panel.select_exercise(14)
    panel = win.results.panel
    for _ in range(50):
        QCoreApplication.processEvents()
    if not panel.grab().save(str(out)):
        raise SystemExit(f"could not write {out}")
    win.close()


def report_picture(project: Path, work: Path, out: Path) -> None:
    from fshd_studio.cli import run as cli

    folder = work / "report"
    if cli(["report", str(project), "--out", str(folder), "--pseudonymise"]):
        raise SystemExit("fshd-studio report failed")
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile",
                    str(folder / "report.pdf"), str(work / "page")], check=True)
    shutil.copyfile(work / "page.png", out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", help="folder for the demo and the report (default: a temp folder, removed)")
    args = ap.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(REPO))
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="fshd-docs-"))
    try:
        project = weak_demo(work)
        panel_picture(project, DOCS / "results_panel.png")
        report_picture(project, work, DOCS / "report_first_page.png")
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print(f"wrote {DOCS / 'results_panel.png'} and {DOCS / 'report_first_page.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
