"""File side of the main window: save / save as, recent files and QSettings, autosave and crash recovery,
the unsaved-changes question, a missing video, drag and drop, ELAN import/export."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from fshd_studio.core.session import Span
from fshd_studio.gui.autosave import sidecar_for
from fshd_studio.gui.dialogs import SaveChoice
from fshd_studio.gui.settings import AppSettings
from fshd_studio.io.project import load_project
from tests.gui.window_fixtures import open_and_wait, open_window, wait_frames


def edit(w) -> None:
    w.controller.create_segment(9, Span(4000.0, 9000.0))


def test_save_writes_the_project_and_clears_dirty(main_window, window_project) -> None:
    w = main_window
    edit(w)
    assert w.controller.is_dirty()
    w.actions_by_id["save"].trigger()
    assert not w.controller.is_dirty() and not w.isWindowModified()
    assert load_project(window_project).session.segments[9].span == Span(4000.0, 9000.0)
    assert "Saved" in w.status.dirty.text()


def test_save_as_then_recent_files_persist(main_window, tmp_path) -> None:
    w = main_window
    edit(w)
    target = tmp_path / "other" / "copy.fshd.json"
    target.parent.mkdir()
    w.prompts.save_path = target
    w.actions_by_id["save_as"].trigger()
    assert w.controller.project_path == target and target.is_file()
    reloaded = load_project(target)
    assert reloaded.missing_videos == []  # video paths rewritten relative to the new folder
    assert AppSettings().recent_files()[0] == target  # a fresh QSettings reads what the window stored
    assert w.recent_menu.actions()[0].toolTip() == str(target)
    assert w.windowTitle().startswith("copy.fshd.json")


def test_autosave_then_recovery_after_a_crash(qtbot, main_window, window_project) -> None:
    w = main_window
    side = sidecar_for(window_project)
    assert not side.exists()
    edit(w)
    qtbot.waitUntil(side.exists, timeout=3000)  # the window autosaves every 0.2 s in tests
    assert 9 in {s["exercise_id"] for s in json.loads(side.read_text())["segments"]}
    assert load_project(window_project).session.segments.get(9) is None  # the project itself untouched
    # crash: the window is gone without closeEvent; a new window opens the same project
    w.autosaver.timer.stop()
    w2 = open_window(qtbot, None)
    w2.prompts.recover_answer = True
    open_and_wait(qtbot, w2, window_project)
    assert "recover" in w2.prompts.names()
    assert w2.controller.session.segments[9].span == Span(4000.0, 9000.0)
    assert w2.controller.is_dirty() and w2.controller.project_path == window_project
    w2.actions_by_id["save"].trigger()
    assert not side.exists()  # a clean save removes the sidecar
    assert load_project(window_project).session.segments[9].span == Span(4000.0, 9000.0)
    w.controller.undo_stack.setClean()
    w.prompts.save_choice = SaveChoice.DISCARD
    w2.close()


def test_declining_recovery_discards_the_sidecar(qtbot, app_settings, window_project) -> None:
    side = sidecar_for(window_project)
    data = json.loads(window_project.read_text())
    data["segments"] = []
    side.write_text(json.dumps(data))
    future = time.time() + 5
    os.utime(side, (future, future))
    w = open_window(qtbot, None)
    w.prompts.recover_answer = False
    open_and_wait(qtbot, w, window_project)
    assert len(w.controller.session.segments) == 4 and not side.exists()
    w.close()


def test_stale_sidecar_older_than_the_project_is_not_offered(qtbot, app_settings, window_project) -> None:
    side = sidecar_for(window_project)
    side.write_text(window_project.read_text())
    past = time.time() - 100
    os.utime(side, (past, past))
    w = open_window(qtbot, window_project)
    assert "recover" not in w.prompts.names()
    w.close()


def test_quit_with_unsaved_changes_asks(qtbot, main_window, window_project) -> None:
    w = main_window
    edit(w)
    w.autosaver.autosave_now()
    w.prompts.save_choice = SaveChoice.CANCEL
    w.close()
    assert w.isVisible() and w.prompts.names().count("save_changes") == 1
    w.prompts.save_choice = SaveChoice.SAVE
    assert w.close()
    assert not w.isVisible()
    assert load_project(window_project).session.segments[9].span == Span(4000.0, 9000.0)
    assert not sidecar_for(window_project).exists()


def test_quit_and_discard_removes_the_sidecar(qtbot, main_window, window_project) -> None:
    w = main_window
    edit(w)
    w.autosaver.autosave_now()
    assert sidecar_for(window_project).exists()
    w.prompts.save_choice = SaveChoice.DISCARD
    assert w.close()
    assert not sidecar_for(window_project).exists()
    assert 9 not in load_project(window_project).session.segments


def test_missing_video_opens_and_asks_to_relocate(qtbot, app_settings, window_project, tmp_path) -> None:
    moved = tmp_path / "moved"
    moved.mkdir()
    (window_project.parent / "right.mp4").rename(moved / "right.mp4")
    w = open_window(qtbot, None)
    w.prompts.relocate_to = moved / "right.mp4"
    open_and_wait(qtbot, w, window_project)
    assert [n for n in w.prompts.names() if n == "relocate"] == ["relocate"]
    c = w.controller
    qtbot.waitUntil(lambda: c.session.camera("right").video == moved / "right.mp4", timeout=10000)
    assert c.is_dirty()
    wait_frames(qtbot, w)
    assert w.media.views["right"].shown_index == 12
    w.prompts.save_choice = SaveChoice.DISCARD
    w.close()


def test_relocating_to_a_file_that_is_no_video_keeps_asking(qtbot, app_settings, window_project, tmp_path) -> None:
    (window_project.parent / "right.mp4").unlink()
    notes = tmp_path / "notes.mp4"
    notes.write_text("not a video")
    w = open_window(qtbot, None)
    w.prompts.relocate_to = notes
    open_and_wait(qtbot, w, window_project)
    c = w.controller
    qtbot.waitUntil(lambda: "error" in w.prompts.names(), timeout=10000)
    errors = [args for name, args in w.prompts.asked if name == "error"]
    assert errors and "notes.mp4" in errors[-1][1] and "cannot be read" in errors[-1][1]
    assert c.session.camera("right").video.name == "right.mp4" and c.timebase("right") is None
    w.prompts.save_choice = SaveChoice.DISCARD
    w.close()


def test_a_damaged_video_is_named_as_such_not_as_missing(qtbot, app_settings, window_project) -> None:
    right = window_project.parent / "right.mp4"
    right.unlink()  # the fixture links it: replace the link by a file that is no video
    right.write_bytes(b"\x00" * 4096)
    w = open_window(qtbot, None)
    w.prompts.relocate_to = None
    open_and_wait(qtbot, w, window_project)
    assert "cannot be read" in w.media.views["right"]._message and w.media.views["right"]._relocate.isVisible()
    assert "missing" not in w.media.views["right"]._message
    assert any("right: video cannot be read" in line.lower() for line in w.session_summary.lines())
    w.close()


def test_missing_video_declined_still_opens(qtbot, app_settings, window_project) -> None:
    (window_project.parent / "right.mp4").unlink()
    w = open_window(qtbot, None)
    w.prompts.relocate_to = None
    open_and_wait(qtbot, w, window_project)
    c = w.controller
    assert c.session is not None and c.timebase("right") is None
    assert any(f.kind.value == "video_missing" for f in c.findings())
    assert c.timebase("left") is not None
    w.close()


def test_bad_project_shows_an_error(qtbot, app_settings, tmp_path) -> None:
    bad = tmp_path / "broken.fshd.json"
    bad.write_text('{"schema_version": 2, "cameras": [')
    w = open_window(qtbot, None)
    assert not w.open_project(bad)
    (name, args), = [a for a in w.prompts.asked if a[0] == "error"]
    assert "broken.fshd.json" in args[1] and w.controller.session is None
    w.close()


def test_drop_videos_makes_a_new_session_and_a_project_opens(qtbot, app_settings, window_project) -> None:
    w = open_window(qtbot, None)
    w.handle_dropped([window_project.parent / "left.mp4", window_project.parent / "right.mp4",
                      Path("/tmp/notes.txt")])
    c = w.controller
    qtbot.waitUntil(lambda: c.session is not None, timeout=10000)
    # the New session dialog came pre-filled: the protocol's cameras, the videos in the order dropped
    (draft, _folder), = [args for name, args in w.prompts.asked if name == "new_session"]
    assert [(cam.id, cam.video.name) for cam in draft.cameras] == [("front", "left.mp4"), ("side", "right.mp4")]
    assert [cam.id for cam in c.session.cameras] == ["front", "side"] and c.project_path is None
    assert w.windowTitle().startswith("Untitled session")
    w.prompts.save_choice = SaveChoice.DISCARD
    with qtbot.waitSignal(w.project_opened, timeout=10000):
        w.handle_dropped([window_project])
    assert c.project_path == window_project and len(c.session.segments) == 4
    w.close()


def test_settings_go_to_the_test_folder(app_settings) -> None:
    s = AppSettings()
    s.add_recent(Path("/x/a.fshd.json"))
    s.sync()
    assert Path(s.q.fileName()).is_relative_to(app_settings)


def test_untitled_session_is_autosaved_and_recovered(qtbot, app_settings, window_project) -> None:
    w = open_window(qtbot, None)
    w.handle_dropped([window_project.parent / "left.mp4", window_project.parent / "right.mp4"])
    qtbot.waitUntil(lambda: w.controller.session is not None, timeout=10000)
    w.controller.create_segment(6, Span(1000.0, 2000.0))
    side = sidecar_for(None)
    qtbot.waitUntil(lambda: side.exists() and 6 in load_project(side).session.segments, timeout=5000)
    w.autosaver.timer.stop()  # crash: no closeEvent
    w2 = open_window(qtbot, None)
    assert w2.offer_untitled_recovery()
    c = w2.controller
    assert c.project_path is None and c.is_dirty() and c.session.segments[6].span == Span(1000.0, 2000.0)
    assert c.session.camera("side").video == (window_project.parent / "right.mp4").resolve()
    w.prompts.save_choice = w2.prompts.save_choice = SaveChoice.DISCARD
    w2.close()
    assert not side.exists()
    w.close()


def test_real_drop_event_opens_a_project(qtbot, app_settings, window_project) -> None:
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    w = open_window(qtbot, None)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(window_project))])
    enter = QDragEnterEvent(QPointF(w.rect().center()), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    w.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(w.rect().center()), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(w.project_opened, timeout=10000):
        w.dropEvent(drop)
    assert w.controller.project_path == window_project
    other = QMimeData()
    other.setUrls([QUrl.fromLocalFile("/tmp/readme.txt")])
    refused = QDragEnterEvent(QPointF(w.rect().center()), Qt.DropAction.CopyAction, other, Qt.MouseButton.LeftButton,
                              Qt.KeyboardModifier.NoModifier)
    w.dragEnterEvent(refused)
    assert not refused.isAccepted()
    w.close()


def test_slow_video_indexing_keeps_the_window_alive_and_can_be_cancelled(qtbot, app_settings, window_project,
                                                                         monkeypatch) -> None:
    import threading

    from PySide6.QtCore import QTimer

    import fshd_studio.gui.controller as controller_mod

    started = threading.Event()

    def slow(session, cancel):
        started.set()
        cancel.wait(10.0)  # a long recording being indexed, until the user cancels
        return {}

    monkeypatch.setattr(controller_mod, "load_timebases", slow)
    w = open_window(qtbot, None)
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(20)
    assert w.open_project(window_project)  # started, not modal: the call returns at once
    qtbot.waitUntil(lambda: w.job_bar.isVisible() and "Opening" in w.job_bar.label.text(), timeout=5000)
    qtbot.wait(150)
    w.job_bar.cancel_button.click()  # the user presses Cancel in the status bar
    qtbot.waitUntil(lambda: "cancelled" in w.statusBar().currentMessage(), timeout=5000)
    timer.stop()
    assert started.is_set() and len(ticks) >= 5  # the GUI thread kept serving events meanwhile
    assert w.controller.session is None and not w.job_bar.isVisible()
    w.close()


def test_window_layout_is_restored_from_settings(qtbot, app_settings) -> None:
    from fshd_studio.gui.main_window import MainWindow

    w = open_window(qtbot, None)
    w.main_split.setSizes([900, 500])
    wanted = w.main_split.sizes()
    assert w.close()
    w2 = MainWindow(restore_layout=True)
    qtbot.addWidget(w2)
    w2.resize(w.size())
    w2.show()
    qtbot.waitExposed(w2)
    assert w2.main_split.sizes() == pytest.approx(wanted, abs=20)
    w2.close()


def test_slow_video_indexing_shows_progress_then_opens(qtbot, app_settings, window_project, monkeypatch) -> None:
    import time as _time

    import fshd_studio.gui.controller as controller_mod

    real = controller_mod.load_timebases

    def slow(session, cancel):
        _time.sleep(1.0)
        return real(session, cancel)

    monkeypatch.setattr(controller_mod, "load_timebases", slow)
    w = open_window(qtbot, None)
    with qtbot.waitSignal(w.project_opened, timeout=10000):
        assert w.open_project(window_project)
        qtbot.waitUntil(lambda: w.job_bar.isVisible(), timeout=2000)  # shown while the videos are read
    assert w.controller.session is not None and len(w.controller.session.segments) == 4
    qtbot.waitUntil(lambda: not w.job_bar.isVisible(), timeout=5000)  # gone once the job has ended
    w.close()
