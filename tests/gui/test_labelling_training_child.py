"""Training runs in a child process: when it dies (here: os.abort through the test hook) the window says so in
one message and keeps its votes; Cancel kills a running child; the Labelling mode shows its own toolbar."""

import os

import pytest
from PySide6.QtWidgets import QToolBar

from fshd_studio.labelling.classes import CLASSES
from fshd_studio.labelling.store import Round, Vote, VoteStore
from fshd_studio.labelling.training_process import CRASH_HOOK
from tests.gui.window_fixtures import open_window


@pytest.fixture
def voted(external, tmp_path, monkeypatch):
    """A folder with votes (one labeller) and an exported dataset of 8 small face crops."""
    import cv2

    from fshd_studio.labelling.images import load_rgb

    monkeypatch.setenv("FSHD_STUDIO_CACHE", str(tmp_path / "cache"))
    folder, ds = tmp_path / "faces", tmp_path / "ds"
    folder.mkdir()
    face = cv2.resize(load_rgb(external / "image" / "pyfeat_single_face.jpg"), (48, 48))
    with VoteStore(folder) as store:
        for k in range(8):
            cv2.imwrite(str(folder / f"{k}.png"), face[..., ::-1])
            i = store.add_image(f"{k}.png", 48, 48, (0, 0, 48, 48), 1)
            store.vote(Vote(i, "ana", Round.SORT, CLASSES[k % 4]))
    for split in ("train", "val"):
        for cls in CLASSES:
            (ds / split / cls).mkdir(parents=True)
            cv2.imwrite(str(ds / split / cls / "a.png"), face[..., ::-1])
    return folder, ds


def _labelling(qtbot, tmp_path, folder):
    w = open_window(qtbot, None)
    w.set_mode("labelling")
    ws = w.labelling_workspace()
    assert ws.jobs is w.jobs  # the window's one runner: its job bar shows the training
    with qtbot.waitSignal(ws.import_done, timeout=60_000):
        ws.open_folder(folder)
    ws.prompts.ask = lambda *a, **k: True
    ws.results.epochs.setValue(1)
    ws.results.imgsz.setValue(32)
    return w, ws


def test_a_crashing_training_child_is_one_message_and_the_votes_stay(qtbot, voted, tmp_path, app_settings,
                                                                    monkeypatch):
    folder, ds = voted
    monkeypatch.setenv(CRASH_HOOK, "abort")
    w, ws = _labelling(qtbot, tmp_path, folder)
    main_bar = w.findChild(QToolBar, "mainToolbar")
    visible = [a.text() for a in main_bar.actions() if a.isVisible() and a.text()]
    assert visible == ["Review", "Labelling"]  # the Review buttons gave way to the Labelling toolbar
    assert ws.toolbar.isVisible()
    with qtbot.waitSignal(ws.status, timeout=60_000, check_params_cb=lambda m: "Training crashed" in m) as msg:
        ws.train_on(ds, tmp_path / "model")
    assert "SIGABRT" in msg.args[0] and "votes are safe" in msg.args[0] and "crash hook: aborting" in msg.args[0]
    assert w.isVisible() and ws.results.train_button.isEnabled() and ws.results.train_status.text() == msg.args[0]
    assert not (tmp_path / "model").exists() and list((tmp_path / "cache" / "training").iterdir()) == []
    assert len(ws.ctl.store.latest_votes(Round.SORT)) == 8  # the window still reads its votes
    qtbot.waitUntil(lambda: not w.jobs.running(), timeout=5000)
    w.set_mode("review")
    assert [a.text() for a in main_bar.actions() if a.isVisible() and a.text()][0] == "Open"


def test_cancel_kills_the_training_child(qtbot, voted, tmp_path, app_settings, monkeypatch):
    folder, ds = voted
    w, ws = _labelling(qtbot, tmp_path, folder)
    ws.results.epochs.setValue(50)
    with qtbot.waitSignal(ws.status, timeout=60_000, check_params_cb=lambda m: "cancelled" in m):
        ws.train_on(ds, tmp_path / "model")
        qtbot.waitUntil(lambda: _work_children() != [], timeout=20_000)
        assert w.job_bar.isVisible()
        w.job_bar.cancel_button.click()
    qtbot.waitUntil(lambda: _work_children() == [], timeout=10_000)
    assert not (tmp_path / "model").exists() and len(ws.ctl.store.latest_votes(Round.SORT)) == 8
    assert list((tmp_path / "cache" / "training").iterdir()) == []


def _work_children():
    """This process's running work children (multiprocessing's spawned ones; not its resource tracker)."""
    import psutil

    found = []
    for c in psutil.Process(os.getpid()).children(recursive=True):
        try:
            if c.status() != psutil.STATUS_ZOMBIE and "spawn_main" in " ".join(c.cmdline()):
                found.append(c)
        except psutil.NoSuchProcess:
            pass
    return found
