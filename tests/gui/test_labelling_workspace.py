"""Two labellers import a folder, vote with the keyboard, aggregate and export — as a user would."""

import shutil

import pytest
from PySide6.QtCore import Qt

from fshd_studio.gui.labelling import LabellingWorkspace
from fshd_studio.labelling.majority import Status
from fshd_studio.labelling.store import Round, VoteStore


@pytest.fixture
def folder(external, tmp_path):
    f = tmp_path / "faces"
    f.mkdir()
    for name in ("pyfeat_single_face.jpg", "facerec_obama.jpg", "facerec_biden.jpg", "facerec_obama-240p.jpg"):
        shutil.copy(external / "image" / name, f / name)
    return f


def _as(qtbot, ws, name, keys):
    ws.labeller.setEditText(name)
    ws.index = 0
    ws.show_current()
    ws.setFocus()
    for k in keys:
        qtbot.keyClick(ws, k)


def test_import_vote_aggregate_export(qtbot, folder, tmp_path):
    ws = LabellingWorkspace()
    qtbot.addWidget(ws)
    ws.show()
    with qtbot.waitSignal(ws.import_done, timeout=60_000) as done:
        ws.open_folder(folder)
    assert done.args == [4]
    assert all(r.crop is not None for r in ws.records)  # faces found and cropped
    # first sort: image order is by path (biden, obama-240p, obama, single_face)
    _as(qtbot, ws, "ana", [Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_1, Qt.Key.Key_4])
    _as(qtbot, ws, "ben", [Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_U])
    # re-check: only images with a proposal are shown (biden happy, obama-240p angry)
    ws.round.setCurrentIndex(1)
    assert [r.path for r in ws.records] == ["facerec_biden.jpg", "facerec_obama-240p.jpg"]
    _as(qtbot, ws, "ana", [Qt.Key.Key_Y, Qt.Key.Key_Y])
    _as(qtbot, ws, "ben", [Qt.Key.Key_Y, Qt.Key.Key_N])
    agg = ws.run_aggregate()
    by_path = {r.path: agg.outcomes[r.id] for r in VoteStore(folder).images()}
    assert by_path["facerec_biden.jpg"].status == Status.KEPT
    assert by_path["facerec_obama-240p.jpg"].status == Status.TIE  # 1 of 2: no absolute majority
    assert by_path["facerec_obama.jpg"].status == Status.NO_PROPOSAL  # happy vs surprised
    assert "kept" in ws.results.summary.toPlainText().lower()
    out = tmp_path / "dataset"
    with qtbot.waitSignal(ws.status, timeout=30_000, check_params_cb=lambda m: "Dataset written" in m):
        ws.export_to(out)
    assert sorted(p.name for p in (out / "train" / "happy").iterdir()) == ["facerec_biden.png"]
    with VoteStore(folder) as store:
        assert len(store.latest_votes(Round.SORT)) == 8 and len(store.latest_votes(Round.CHECK)) == 4


def test_a_vote_needs_a_name(qtbot, folder):
    ws = LabellingWorkspace()
    qtbot.addWidget(ws)
    with qtbot.waitSignal(ws.import_done, timeout=60_000):
        ws.open_folder(folder)
    ws.labeller.setEditText("")
    with qtbot.waitSignal(ws.status) as msg:
        qtbot.keyClick(ws, Qt.Key.Key_1)
    assert "name" in msg.args[0]
    assert VoteStore(folder).vote_count() == 0


def test_manual_crop_fix(qtbot, folder):
    ws = LabellingWorkspace()
    qtbot.addWidget(ws)
    with qtbot.waitSignal(ws.import_done, timeout=60_000):
        ws.open_folder(folder)
    ws.view.crop_drawn.emit((10, 20, 110, 140))
    rec = ws.current()
    assert rec.crop == (10, 20, 110, 140) and rec.crop_source == "manual"
