"""The grid shows each image's state (voted, tie, kept, no face, pick a face); thumbnails come from the runner
and a crop fix redraws only its own; the caption shows the labeller's own vote; a table row opens its image."""

import shutil

import numpy as np
from PySide6.QtCore import Qt

from fshd_studio.gui.labelling import LabellingWorkspace
from fshd_studio.labelling.store import Round, Vote, VoteStore


def _opened(qtbot, folder):
    ws = LabellingWorkspace()
    qtbot.addWidget(ws)
    ws.resize(1200, 800)
    ws.show()
    with qtbot.waitSignal(ws.import_done, timeout=60_000):
        ws.open_folder(folder)
    return ws


def _states(ws):
    return {ws.records[i].path: ws.grid.item(i).text().split("\n")[1] for i in range(ws.grid.count())}


def test_grid_states_thumbnails_and_crop_fix(qtbot, external, tmp_path):
    import cv2

    folder = tmp_path / "faces"
    folder.mkdir()
    for name in ("pyfeat_single_face.jpg", "facerec_obama-240p.jpg", "pyfeat_BWPictureHuman.jpg",
                 "facerec_two_people.jpg"):
        shutil.copy(external / "image" / name, folder / name)
    cv2.imwrite(str(folder / "wall.png"), np.full((120, 160, 3), 128, np.uint8))
    ws = _opened(qtbot, folder)
    assert ws.grid.count() == 5
    qtbot.waitUntil(lambda: not ws.jobs.running(), timeout=30_000)
    rec = {r.path: r for r in ws.records}
    assert rec["pyfeat_BWPictureHuman.jpg"].crop is not None  # the face turned about 45° is found (mirror pass)
    x0, y0, x1, y1 = rec["pyfeat_BWPictureHuman.jpg"].crop
    assert 700 < (x0 + x1) / 2 < 1200 and 250 < (y0 + y1) / 2 < 700  # on the shouting soldier's face
    assert _states(ws) == {"facerec_obama-240p.jpg": "not voted", "facerec_two_people.jpg": "pick a face",
                           "pyfeat_BWPictureHuman.jpg": "not voted", "pyfeat_single_face.jpg": "not voted",
                           "wall.png": "no face"}
    ws.ctl.join("ana")
    ws.ctl.goto_index(0)
    qtbot.keyClick(ws.view, Qt.Key.Key_1)
    assert _states(ws)["facerec_obama-240p.jpg"] == "voted"
    ws.show_page(1)
    ws.grid.grab().save(str(tmp_path / "grid.png"))

    wall = next(i for i, r in enumerate(ws.records) if r.path == "wall.png")
    before = ws.grid.item(wall).icon().cacheKey()
    ws.ctl.goto_index(wall)
    qtbot.keyClick(ws.view, Qt.Key.Key_C)
    assert ws.view.crop_mode
    ws.view.crop_drawn.emit((20, 10, 120, 110))
    assert ws.records[wall].crop == (20, 10, 120, 110) and ws.records[wall].crop_source == "manual"
    assert not ws.view.crop_mode and ws.grid.item(wall).icon().cacheKey() != before
    assert _states(ws)["wall.png"] == "not voted"
    qtbot.keyClick(ws, Qt.Key.Key_G)
    assert ws.pages.currentWidget() is ws.view.parentWidget()


def test_caption_shows_the_labellers_own_vote(qtbot, external, tmp_path):
    folder = tmp_path / "faces"
    folder.mkdir()
    shutil.copy(external / "image" / "pyfeat_single_face.jpg", folder / "a.jpg")
    shutil.copy(external / "image" / "facerec_obama-240p.jpg", folder / "b.jpg")
    ws = _opened(qtbot, folder)
    ws.ctl.join("ana")
    qtbot.keyClick(ws.view, Qt.Key.Key_3)  # a.jpg: surprised, moves on to b.jpg
    assert "your vote" not in ws.view.caption
    qtbot.keyClick(ws.view, Qt.Key.Key_Left)  # back
    assert ws.current().path == "a.jpg" and "your vote: surprised" in ws.view.caption
    assert "font-weight:bold" in ws.votes.buttons["surprised"].styleSheet()
    ws.ctl.join("ben")
    assert "your vote" not in ws.view.caption


def test_a_tie_in_the_table_opens_that_image_for_voting(qtbot, external, tmp_path):
    folder = tmp_path / "faces"
    folder.mkdir()
    for name in ("a.jpg", "b.jpg"):
        shutil.copy(external / "image" / "facerec_obama-240p.jpg", folder / name)
    ws = _opened(qtbot, folder)
    b = next(r.id for r in ws.records if r.path == "b.jpg")
    with VoteStore(folder) as store:  # b: proposed happy, 1 yes 1 no in a group of 2 -> tie
        for who, yes in (("ana", "yes"), ("ben", "no")):
            store.vote(Vote(b, who, Round.SORT, "happy"))
            store.vote(Vote(b, who, Round.CHECK, yes, "happy"))
    ws.run_aggregate()
    assert _states(ws)["b.jpg"] == "tie"
    row = next(r for r in range(2) if ws.table.cell(r, 0) == "b.jpg")
    assert ws.current_round() == Round.SORT
    ws.table.view.doubleClicked.emit(ws.table.proxy.index(row, 0))
    assert ws.current().id == b and ws.current_round() == Round.CHECK and "proposed: HAPPY" in ws.view.caption
    assert ws.round_group.button(1).isChecked()
    a = next(r.id for r in ws.ctl.store.images() if r.path == "a.jpg")  # not sorted: back to the first sort
    ws.table.image_requested.emit(a)
    assert ws.current().id == a and ws.current_round() == Round.SORT
