"""Start the GUI: QApplication, stylesheet, main window, optional project / demo, optional screenshot."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from fshd_studio.core.errors import UserError
from fshd_studio.gui.settings import APPLICATION, ORGANIZATION

SCREENSHOT_SIZE = (1600, 1000)
FRAME_WAIT_MS = 15000


def make_app() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("FSHD Studio")
    app.setStyle("Fusion")
    from fshd_studio.gui.settings import AppSettings
    from fshd_studio.gui.theme import apply_theme

    apply_theme(AppSettings().preferences().theme)  # light or dark, from Edit → Preferences
    return app  # type: ignore[return-value]


def wait_for_frames(window, timeout_ms: int = FRAME_WAIT_MS) -> bool:
    """Block (in an event loop, bounded) until every camera with a readable video has painted a frame."""
    views = getattr(window.media, "views", {})
    pending = {cid for cid, v in views.items()
               if window.controller.timebase(cid) is not None
               and (v.shown_index is None or v.shown_index != v.wanted_index)}
    if not pending:
        return True
    loop = QEventLoop()

    def painted(camera_id: str, index: int) -> None:
        if index == views[camera_id].wanted_index:
            pending.discard(camera_id)
        if not pending:
            loop.quit()

    connected = list(pending)
    for cid in connected:
        views[cid].frame_painted.connect(painted)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    for cid in connected:
        views[cid].frame_painted.disconnect(painted)
    return not pending


def render_screenshot(window, out: Path) -> bool:
    window.resize(*SCREENSHOT_SIZE)
    window.show()
    window.ensure_workspace()
    window.statusBar().clearMessage()
    ok = wait_for_frames(window)
    QApplication.sendPostedEvents()
    image = window.grab()
    out.parent.mkdir(parents=True, exist_ok=True)
    from fshd_studio.io.atomic import atomic_path

    with atomic_path(out, suffix=".png") as tmp:
        if not image.save(str(tmp), "PNG"):
            raise UserError(f"could not write the screenshot {out}")
    return ok


def run_gui(project: Path | None, demo: bool = False, screenshot: Path | None = None) -> int:
    app = make_app()
    from fshd_studio.gui.main_window import MainWindow

    window = MainWindow(restore_layout=screenshot is None)
    if screenshot is not None:
        window.prompts = HeadlessPrompts(window)
        window.motion.enabled = False  # a screenshot does not wait for the motion lane's face tracking
    if screenshot is None:
        # show the window at once, then load: the user sees the app while the videos are indexed
        window.show()
        if demo and project is None:
            QTimer.singleShot(0, window.open_demo)
        elif project is not None:
            window.statusBar().showMessage(f"Opening {Path(project).name}…")
            QTimer.singleShot(0, lambda: window.open_project(Path(project)))
        else:
            QTimer.singleShot(0, window.offer_untitled_recovery)
        return int(app.exec())
    if demo and project is None:  # a screenshot: no user to wait for, generate in place
        from fshd_studio.core.progress import no_report
        from fshd_studio.gui.demo_session import demo_dir, make_demo_project

        try:
            project = make_demo_project(demo_dir(), no_report, None)
        except UserError as exc:
            return _fail(window, screenshot, str(exc))
    if project is not None:
        try:
            window.controller.open_project(Path(project))
        except UserError as exc:
            return _fail(window, screenshot, str(exc))
    if screenshot is not None:
        ok = render_screenshot(window, Path(screenshot))
        if not ok:
            print("warning: not every camera showed a frame before the screenshot", file=sys.stderr)
        window.autosaver.timer.stop()
        window.media.shutdown()  # no close(): a screenshot never asks, saves or deletes anything
        return 0
    return 0


def _fail(window, screenshot: Path | None, message: str) -> int:
    if screenshot is not None:
        print(f"error: {message}", file=sys.stderr)
        window.media.shutdown()
        return 2
    window.prompts.error("FSHD Studio", message)
    window.show()
    return int(QApplication.instance().exec())


class HeadlessPrompts:
    """--screenshot mode asks nothing: no recovery, no relocation, never a modal dialog."""

    def __init__(self, _parent: object) -> None:
        pass

    def __getattr__(self, name: str):
        from fshd_studio.gui.dialogs import SaveChoice

        answers = {"save_changes": SaveChoice.DISCARD, "recover": False}
        return lambda *a, **k: answers.get(name)
