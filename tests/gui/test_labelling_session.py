"""A labelling session as the group works it, in one window: import, two labellers vote with the keyboard only
(names included), aggregate, export, train (in a child process) — plus a typo that must not join the group."""


import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from fshd_studio.gui.labelling import LabellingWorkspace
from fshd_studio.labelling.store import Round, VoteStore

SINGLE_FACES = ("facerec_biden.jpg", "facerec_obama.jpg", "facerec_obama-240p.jpg", "pyfeat_single_face.jpg",
                "facerec_32bit.png")


@pytest.fixture(autouse=True)
def app_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("FSHD_STUDIO_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def folder(external, tmp_path):
    """10 small single-face images (two per source photo, so 5 of a class give one validation image)."""
    import cv2

    from fshd_studio.labelling.images import load_rgb

    f = tmp_path / "faces"
    f.mkdir()
    for k in range(10):
        rgb = load_rgb(external / "image" / SINGLE_FACES[k % 5])
        small = cv2.resize(rgb, (240, round(240 * rgb.shape[0] / rgb.shape[1])))
        cv2.imwrite(str(f / f"{k:02d}.png"), (small if k < 5 else small[:, ::-1])[..., ::-1])
    return f


def _type(qtbot, text):
    """Keys to whatever has the keyboard focus, as a person types."""
    for ch in text:
        qtbot.keyClicks(QApplication.focusWidget(), ch)


def _key(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def _in_name_field(ws):
    return QApplication.focusWidget() in (ws.labeller, ws.labeller.lineEdit())


def _answer_next_question(qtbot, key):
    """Press a key in the next modal dialog (a question box) as soon as it shows."""
    def press():
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, press)
            return
        qtbot.keyClick(box, key)
    QTimer.singleShot(20, press)


def _enter_name(qtbot, ws, name, new=False, answer=Qt.Key.Key_Return):
    _key(qtbot, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert _in_name_field(ws)
    _type(qtbot, name)
    if new:
        _answer_next_question(qtbot, answer)
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=5000)  # the window is active again


def test_two_labellers_keyboard_only_then_aggregate_export_train(qtbot, folder, tmp_path):
    ws = LabellingWorkspace()
    qtbot.addWidget(ws)
    ws.resize(1400, 900)
    ws.show()
    ws.activateWindow()
    with qtbot.waitSignal(ws.import_done, timeout=120_000) as done:
        ws.open_folder(folder)
    assert done.args == [10] and all(r.confirmed for r in ws.records)
    assert _in_name_field(ws)  # nobody named yet: the name field waits

    _enter_name(qtbot, ws, "ana", new=True)  # a new name asks first (Enter = yes)
    assert QApplication.focusWidget() is ws.view and ws.ctl.group() == ["ana"]
    for k in "1111122222":  # 00-04 happy, 05-09 angry
        _key(qtbot, getattr(Qt.Key, f"Key_{k}"))
    assert ws.labeller.currentText() == "ana"  # no vote key went into the name

    _enter_name(qtbot, ws, "ben", new=True)
    assert ws.ctl.index == 0  # the first image ben has not voted on
    for k in "1111122222":
        _key(qtbot, getattr(Qt.Key, f"Key_{k}"))
    _key(qtbot, Qt.Key.Key_Tab)  # Tab never reaches the round buttons
    _key(qtbot, Qt.Key.Key_2)
    assert ws.current_round() == Round.SORT

    _key(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)  # the re-check, on purpose
    assert ws.current_round() == Round.CHECK and len(ws.records) == 10
    for name in ("ana", "ben"):
        _enter_name(qtbot, ws, name)  # members: no question
        for _ in range(10):
            _key(qtbot, Qt.Key.Key_Y)
    with VoteStore(folder) as store:
        assert len(store.latest_votes(Round.SORT)) == 20 and len(store.latest_votes(Round.CHECK)) == 20
        assert store.labellers() == ["ana", "ben"]

    ws.results.aggregate_button.click()
    assert ws.pages.currentIndex() == 2 and ws.table.model.rowCount() == 10
    assert {ws.table.cell(r, 5) for r in range(10)} == {"kept: 2 of 2 said yes (needs 2)"}
    ws.table.export_csv(tmp_path / "agg.csv")
    assert (tmp_path / "agg.csv").read_text().splitlines()[0] == "image,proposed class,yes,no,absent,decision"

    with qtbot.waitSignal(ws.status, timeout=60_000, check_params_cb=lambda m: "Dataset written" in m):
        ws.export_to(tmp_path / "ds")
    assert len(list((tmp_path / "ds" / "val" / "happy").iterdir())) == 1  # every 5th of 5

    ws.results.epochs.setValue(1)
    ws.results.imgsz.setValue(32)
    asked = []
    ws.prompts.ask = lambda title, text, detail="", default_yes=True: asked.append(detail) or True
    with qtbot.waitSignal(ws.status, timeout=300_000, check_params_cb=lambda m: "Classifier trained" in m):
        assert ws.train_on(tmp_path / "ds", tmp_path / "model")
    assert "class surprised has no image" in asked[0]  # warned before training: two classes are empty
    assert ws.predict.weights == tmp_path / "model" / "classifier.safetensors"
    cells = ws.training.cells()
    assert len(cells) == 4 and sum(int(c) for row in cells for c in row) == 2  # 2 validation images
    assert "Validation accuracy" in ws.training.title.text()


def test_a_typo_does_not_join_the_group(qtbot, folder):
    ws = LabellingWorkspace()
    qtbot.addWidget(ws)
    ws.show()
    ws.activateWindow()
    with qtbot.waitSignal(ws.import_done, timeout=120_000):
        ws.open_folder(folder)
    _enter_name(qtbot, ws, "alice", new=True)
    _enter_name(qtbot, ws, "alcie", new=True, answer=Qt.Key.Key_Escape)  # No: the typo stays out
    assert ws.ctl.group() == ["alice"] and ws.ctl.labeller == "alice"
    assert _in_name_field(ws)  # back in the name field to correct it
    assert "Group of 1 (alice)" in ws.results.threshold.text()
