"""Two labellers import a folder, vote with the keys, aggregate and export; crop and tag edits undo."""

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


def _opened(qtbot, folder):
    ws = LabellingWorkspace()
    qtbot.addWidget(ws)
    ws.show()
    with qtbot.waitSignal(ws.import_done, timeout=60_000):
        ws.open_folder(folder)
    return ws


def _as(qtbot, ws, name, keys):
    ws.ctl.join(name)
    ws.ctl.goto_index(0)
    for k in keys:
        qtbot.keyClick(ws.view, k)


def test_import_vote_aggregate_export(qtbot, folder, tmp_path):
    ws = _opened(qtbot, folder)
    assert len(ws.records) == 4 and all(r.confirmed for r in ws.records)  # faces found and cropped
    # first sort: image order is by path (biden, obama-240p, obama, single_face)
    _as(qtbot, ws, "ana", [Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_1, Qt.Key.Key_4])
    _as(qtbot, ws, "ben", [Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_U])
    ws.set_round(Round.CHECK)  # re-check: only images with a proposal are shown
    assert [r.path for r in ws.records] == ["facerec_biden.jpg", "facerec_obama-240p.jpg"]
    assert ws.votes.buttons["yes"].isVisible() and not ws.votes.buttons["happy"].isVisible()
    _as(qtbot, ws, "ana", [Qt.Key.Key_Y, Qt.Key.Key_Y])
    ws.ctl.join("ben")
    ws.ctl.goto_index(0)
    ws.votes.buttons["yes"].click()  # the same votes by mouse
    ws.votes.buttons["no"].click()
    agg = ws.run_aggregate()
    by_path = {r.path: agg.outcomes[r.id] for r in VoteStore(folder).images()}
    assert by_path["facerec_biden.jpg"].status == Status.KEPT
    assert by_path["facerec_obama-240p.jpg"].status == Status.TIE  # 1 of 2: no absolute majority
    assert by_path["facerec_obama.jpg"].status == Status.NO_PROPOSAL  # happy vs surprised
    table = {ws.table.cell(r, 0): [ws.table.cell(r, c) for c in range(1, 6)] for r in range(4)}
    assert table["facerec_biden.jpg"] == ["happy", "2", "0", "0", "kept: 2 of 2 said yes (needs 2)"]
    assert table["facerec_obama-240p.jpg"][4].startswith("not kept: a tie, 1 of 2 said yes (needs 2)")
    assert table["facerec_obama.jpg"][0] == "—" and "split between classes" in table["facerec_obama.jpg"][4]
    assert "no_proposal" not in str(table)  # plain words, no code words
    ws.table.view.sortByColumn(5, Qt.SortOrder.AscendingOrder)  # sortable: the kept row first
    assert ws.table.cell(0, 0) == "facerec_biden.jpg"
    out = tmp_path / "dataset"
    with qtbot.waitSignal(ws.status, timeout=30_000, check_params_cb=lambda m: "Dataset written" in m):
        ws.export_to(out)
    assert sorted(p.name for p in (out / "train" / "happy").iterdir()) == ["facerec_biden.png"]
    with VoteStore(folder) as store:
        assert len(store.latest_votes(Round.SORT)) == 8 and len(store.latest_votes(Round.CHECK)) == 4


def test_a_vote_needs_a_name(qtbot, folder):
    ws = _opened(qtbot, folder)
    with qtbot.waitSignal(ws.status) as msg:
        qtbot.keyClick(ws.view, Qt.Key.Key_1)
    assert "name" in msg.args[0]
    assert VoteStore(folder).vote_count() == 0


def test_crop_and_tag_edits_are_undone(qtbot, folder):
    ws = _opened(qtbot, folder)
    before = ws.current().crop
    ws.view.crop_drawn.emit((10, 20, 110, 140))
    assert ws.current().crop == (10, 20, 110, 140) and ws.current().crop_source == "manual"
    ws.tags.setText("glasses, Hat")
    ws.tags.returnPressed.emit()
    assert ws.ctl.tags_of(ws.current().id) == {"glasses", "hat"}
    qtbot.keyClick(ws.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # one gesture at a time
    assert ws.ctl.tags_of(ws.current().id) == set() and ws.tags.text() == ""
    ws.ctl.undo_stack.undo()
    assert ws.current().crop == before and ws.current().crop_source == "auto"
    with VoteStore(folder) as store:  # undone in the vote file, not only on screen
        assert store.image(ws.current().id).crop == before
    ws.ctl.undo_stack.redo()
    assert ws.current().crop == (10, 20, 110, 140)


def test_several_faces_are_listed_and_one_is_picked(qtbot, external, tmp_path):
    folder = tmp_path / "group"
    folder.mkdir()
    shutil.copy(external / "image" / "facerec_two_people.jpg", folder / "two.jpg")
    ws = _opened(qtbot, folder)
    rec = ws.current()
    faces = ws.ctl.store.faces(rec.id)
    assert rec.faces == 2 and len(faces) == 2 and rec.crop_source == "pick" and not rec.confirmed
    assert "2 faces" in ws.view.caption and ws.view.show_full and len(ws.view.faces) == 2
    qtbot.keyClick(ws.view, Qt.Key.Key_P)
    assert ws.current().crop == faces[0] and ws.current().confirmed
    qtbot.keyClick(ws.view, Qt.Key.Key_P)  # the next face
    assert ws.current().crop == faces[1]
    ws.ctl.undo_stack.undo()
    ws.ctl.undo_stack.undo()
    assert ws.current().crop_source == "pick"  # back to "not chosen yet"
