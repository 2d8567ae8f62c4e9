"""File actions of the main window (a mixin): open, save, save as, recent files, drag and drop, ELAN import
and export, relocating a missing video, crash recovery and the unsaved-changes question.

"Ask" goes through `self.prompts` (dialogs.Prompts), "do" through the controller and the io layer.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent

from fshd_studio.core.errors import UserError
from fshd_studio.gui import controller as ctl  # module attribute: tests stand in a slow indexer
from fshd_studio.gui.autosave import discard_sidecar, pending_recovery, sidecar_for
from fshd_studio.gui import window_session
from fshd_studio.gui.dialogs import SaveChoice

if TYPE_CHECKING:
    from fshd_studio.gui.main_window import MainWindow

OPEN_JOB = "Opening the project"
VIDEO_SUFFIXES = {".mp4", ".mov", ".avi", ".mkv", ".m4v", ".mpg", ".mpeg", ".webm"}


def linked_lanes(session) -> tuple | None:  # noqa: ANN001 - a Session
    """The linked .eaf's other tiers (for the timeline), or None when there is no link or it cannot be read
    (the window then says why when it draws the lanes)."""
    if session.linked_eaf is None or not session.linked_eaf.is_file():
        return None
    from fshd_studio.gui.elan_actions import lane_tiers, read_doc

    try:
        return tuple(lane_tiers(read_doc(session.linked_eaf), session.exercise_tier))
    except Exception:  # noqa: BLE001 - optional lanes; _show_linked_tiers reports it
        return None


def classify_drop(paths: list[Path]) -> tuple[list[Path], list[Path], list[Path]]:
    """(projects, eaf files, videos) among dropped paths; anything else is ignored."""
    projects = [p for p in paths if p.name.endswith(".fshd.json") or p.name.endswith(".fshd.json.autosave")]
    eafs = [p for p in paths if p.suffix.lower() == ".eaf"]
    videos = [p for p in paths if p.suffix.lower() in VIDEO_SUFFIXES]
    return projects, eafs, videos


class FileActions:
    """Mixed into MainWindow; relies on its controller, settings, prompts, autosaver, timeline, statusBar."""

    # ---- unsaved changes ----------------------------------------------------------------------------
    def maybe_keep_changes(self: MainWindow, what: str) -> bool:
        """True when it is fine to drop the current session (saved, discarded, or nothing to lose)."""
        c = self.controller
        if c.session is None or not c.is_dirty():
            return True
        name = c.project_path.name if c.project_path else "This session"
        choice = self.prompts.save_changes(name)
        if choice == SaveChoice.SAVE:
            return self.save()
        if choice == SaveChoice.DISCARD:
            self.autosaver.remove_sidecar()
            return True
        return False

    # ---- open ---------------------------------------------------------------------------------------
    def open_dialog(self: MainWindow) -> None:
        if not self.maybe_keep_changes("Open"):
            return
        path = self.prompts.open_project(self.preferences.project_dir or self.settings.last_dir())
        if path is not None:
            self.open_project(path, asked=True)

    def open_project(self: MainWindow, path: Path, asked: bool = False) -> bool:
        """Start opening `path`: the project file is read at once (a bad one is refused here, False), then a job
        indexes its videos (progress and Cancel in the status bar, the window stays usable) and the session
        appears when it is done (`project_opened`)."""
        from fshd_studio.io.project import load_project

        if not asked and not self.maybe_keep_changes("Open"):
            return False
        path = Path(path).absolute()
        if path.name.endswith(".autosave"):
            path = path.with_name(path.name.removesuffix(".autosave"))
        sidecar = pending_recovery(path)
        recover = sidecar is not None and self.prompts.recover(path.name, sidecar)
        if sidecar is not None and not recover:
            discard_sidecar(path)
        try:
            loaded = load_project(sidecar if recover else path)
        except UserError as exc:
            self.prompts.error("Cannot open project", str(exc))
            return False
        for job in self.jobs.running(OPEN_JOB):  # the newest request wins
            job.cancel()
        self.statusBar().showMessage(f"Opening {path.name}…", 4000)
        def read(_report, cancel):  # the videos' timestamps and the linked .eaf's lanes, off the GUI thread
            return ctl.load_timebases(loaded.session, cancel), linked_lanes(loaded.session)

        self.jobs.start(OPEN_JOB, read,
                        on_done=lambda got: self._opened(loaded, path, recover, sidecar, *got),
                        on_error=lambda text: self.prompts.error("Cannot open project", text),
                        on_cancelled=lambda: self.statusBar().showMessage(f"Opening {path.name} cancelled", 4000))
        return True

    def _opened(self: MainWindow, loaded, path: Path, recovered: bool, source: Path | None, timebases,
                lanes) -> None:
        dirty = recovered or loaded.migrated_from is not None
        self.controller.set_session(loaded.session, path, dirty=dirty, timebases=timebases, elan_lanes=lanes)
        self._remember(path)
        if recovered:
            self.autosaver.autosave_now()  # keep the recovered work safe until it is saved
            self.statusBar().showMessage(f"Recovered unsaved work from {source.name}; save to keep it", 8000)
        else:
            self.statusBar().showMessage(f"Opened {path.name}", 4000)
        self.project_opened.emit(path)
        for camera_id in loaded.missing_videos:
            self.relocate_camera(camera_id)

    def offer_untitled_recovery(self: MainWindow) -> bool:
        """At start without a project: recover an untitled session left by a crash, if the user wants."""
        from fshd_studio.io.project import load_project

        sidecar = pending_recovery(None)
        if sidecar is None:
            return False
        if not self.prompts.recover("an untitled session", sidecar):
            discard_sidecar(None)
            return False
        try:
            loaded = load_project(sidecar)
        except UserError as exc:
            self.prompts.error("Cannot recover", str(exc))
            return False
        self.controller.set_session(loaded.session, None, dirty=True)
        self.statusBar().showMessage("Recovered an untitled session; save it to keep it", 8000)
        return True

    def open_demo(self: MainWindow, folder: Path | None = None) -> None:
        """Open the demo session, generating it first (once) as a job with progress and Cancel."""
        from fshd_studio.gui.demo_session import demo_dir, make_demo_project

        if not self.maybe_keep_changes("Open demo"):
            return
        folder = folder or demo_dir()
        self.jobs.start("Preparing the demo session", lambda report, cancel: make_demo_project(folder, report, cancel),
                        on_done=lambda path: self.open_project(path, asked=True),
                        on_error=lambda text: self.prompts.error("Demo session", text),
                        on_cancelled=lambda: self.statusBar().showMessage("Demo generation cancelled", 4000))

    # ---- save ---------------------------------------------------------------------------------------
    def save(self: MainWindow) -> bool:
        c = self.controller
        if c.session is None:
            return False
        if c.project_path is None:
            return self.save_as()
        try:
            path = c.save()
        except (UserError, OSError) as exc:
            self.prompts.error("Cannot save", f"{exc}\nYour changes are still in the autosave file.")
            return False
        self.autosaver.remove_sidecar()
        self._remember(path)
        self.statusBar().showMessage(f"Saved {path.name}", 4000)
        return True

    def save_as(self: MainWindow) -> bool:
        c = self.controller
        if c.session is None:
            return False
        folder = self.preferences.project_dir or self.settings.last_dir()  # Edit → Preferences, else the last one
        suggestion = str(c.project_path or Path(folder) / f"{c.session.patient_id or 'session'}"
                         ".fshd.json")
        target = self.prompts.save_project_as(suggestion)
        if target is None:
            return False
        old_sidecar = sidecar_for(c.project_path)
        try:
            path = c.save(target)
        except (UserError, OSError) as exc:
            self.prompts.error("Cannot save", str(exc))
            return False
        old_sidecar.unlink(missing_ok=True)
        self._remember(path)
        self.statusBar().showMessage(f"Saved as {path.name}", 4000)
        return True

    # ---- recent files -------------------------------------------------------------------------------
    def _remember(self: MainWindow, path: Path) -> None:
        self.settings.add_recent(path)
        self.settings.set_last_dir(Path(path).parent)
        self.refresh_recent_menu()

    def refresh_recent_menu(self: MainWindow) -> None:
        menu = self.recent_menu
        menu.clear()
        files = self.settings.recent_files()
        for i, p in enumerate(files):
            act = QAction(f"&{i + 1}  {p.name}", menu)
            act.setToolTip(str(p))
            act.setStatusTip(str(p))
            act.triggered.connect(lambda _c=False, path=p: self.open_project(path))
            menu.addAction(act)
        if files:
            menu.addSeparator()
            clear = menu.addAction("Clear recent files")
            clear.setStatusTip("Forget the list of recent projects (the files themselves are not touched)")
            clear.triggered.connect(self.clear_recent_files)
        menu.setEnabled(bool(files))
        self.start_page.set_recent(files)

    # ---- ELAN ---------------------------------------------------------------------------------------
    def import_eaf_dialog(self: MainWindow) -> None:
        if self.controller.session is None:
            return
        path = self.prompts.open_eaf(self.settings.last_dir())
        if path is not None:
            self.import_eaf(path)

    def import_eaf(self: MainWindow, path: Path, tier: str | None = None):  # noqa: ANN201 - Job | None
        """Parse on a worker, then ask / confirm / apply as one undo step (gui/elan_actions.py)."""
        from fshd_studio.gui.elan_actions import start_import

        return start_import(self, Path(path), tier)

    def export_eaf_dialog(self: MainWindow) -> None:
        c = self.controller
        if c.session is None:
            return
        base = c.project_path or Path(self.settings.last_dir()) / "session.fshd.json"
        suggestion = str(base.with_name(base.name.removesuffix(".fshd.json") + ".eaf"))
        path = self.prompts.save_eaf(suggestion)
        if path is not None:
            self.export_eaf(path)

    def export_eaf(self: MainWindow, path: Path) -> bool:
        from fshd_studio.gui import elan_actions as ea

        if self.controller.session is None:
            return False
        try:
            notes = ea.export_eaf(self.controller.session, Path(path))
        except (UserError, OSError) as exc:
            self.prompts.error("Cannot export ELAN file", str(exc))
            return False
        self.statusBar().showMessage(f"Exported {Path(path).name}" + (f" ({'; '.join(notes)})" if notes else ""),
                                     8000)
        return True

    # ---- videos -------------------------------------------------------------------------------------
    def relocate_dialog(self: MainWindow) -> None:
        c = self.controller
        if c.session is None:
            return
        missing = [cam.id for cam in c.session.cameras if not cam.video.is_file()]
        ids = missing or [cam.id for cam in c.session.cameras]
        camera_id = ids[0] if len(ids) == 1 else self.prompts.pick_camera(ids, Path("the new video"))
        if camera_id:
            self.relocate_camera(camera_id)

    def relocate_camera(self: MainWindow, camera_id: str) -> bool:
        c = self.controller
        if c.session is None:
            return False
        cam = c.session.camera(camera_id)
        new = self.prompts.relocate(cam.label or cam.id, cam.video)
        if new is None or not Path(new).is_file():
            if new is not None:
                self.prompts.error("Relocate video", f"{new} is not a file")
            self.statusBar().showMessage(f"Camera {cam.label or cam.id}: video still missing", 6000)
            return False
        label = cam.label or cam.id

        def done(timebase) -> None:
            c.relocate_video(camera_id, Path(new), timebase)
            self.statusBar().showMessage(f"Camera {label} now uses {Path(new).name}", 6000)

        # a long recording takes seconds to index: a job, with Cancel; a damaged or foreign file keeps the old path
        self.jobs.start(f"Reading {Path(new).name}", lambda _report, _cancel: ctl.load_timebase(Path(new)),
                        on_done=done,
                        on_error=lambda text: self.prompts.error("Relocate video",
                                                                 f"{new} cannot be read as a video: {text}"),
                        on_cancelled=lambda: self.statusBar().showMessage(f"Camera {label}: relocation cancelled",
                                                                          6000))
        return True

    # ---- drag and drop ------------------------------------------------------------------------------
    def dragEnterEvent(self: MainWindow, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if any(classify_drop(paths)):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self: MainWindow, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        self.handle_dropped(paths)

    def handle_dropped(self: MainWindow, paths: list[Path]) -> None:
        projects, eafs, videos = classify_drop(paths)
        if projects:
            if eafs:  # the project opens as a job: import the .eaf into it once it is there
                def then_import(_path: object) -> None:
                    self.project_opened.disconnect(then_import)
                    self.import_eaf(eafs[0])
                self.project_opened.connect(then_import)
            if not self.open_project(projects[0]) and eafs:
                self.project_opened.disconnect(then_import)
            return
        if videos and self.controller.session is None:
            window_session.new_session(self, videos)  # the New session dialog, pre-filled
        elif videos:
            ids = [cam.id for cam in self.controller.session.cameras]
            for video in videos:
                camera_id = self.prompts.pick_camera(ids, video)
                if camera_id:
                    self.controller.relocate_video(camera_id, video)
        for eaf in eafs[:1]:
            self.import_eaf(eaf)
