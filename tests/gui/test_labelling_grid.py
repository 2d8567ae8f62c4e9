"""The grid of thumbnails fills in from the thread pool and a crop fix redraws only its own thumbnail."""

import shutil

from PySide6.QtCore import Qt

from fshd_studio.gui.labelling import LabellingWorkspace


def test_grid_thumbnails_and_crop_fix(qtbot, external, tmp_path):
    folder = tmp_path / "faces"
    folder.mkdir()
    for name in ("pyfeat_single_face.jpg", "facerec_obama-240p.jpg", "pyfeat_BWPictureHuman.jpg"):
        shutil.copy(external / "image" / name, folder / name)
    ws = LabellingWorkspace()
    qtbot.addWidget(ws)
    with qtbot.waitSignal(ws.import_done, timeout=60_000):
        ws.open_folder(folder)
    assert ws.grid.count() == 3
    qtbot.waitUntil(lambda: all(not ws.grid.item(i).icon().isNull() for i in range(3)), timeout=30_000)
    bw = next(i for i, r in enumerate(ws.records) if r.path == "pyfeat_BWPictureHuman.jpg")
    assert ws.records[bw].crop is None  # no frontal face: the user draws the crop
    before = ws.grid.item(bw).icon().cacheKey()
    ws.index = bw
    ws.show_current()
    qtbot.keyClick(ws, Qt.Key.Key_C)
    assert ws.view.crop_mode
    ws.view.crop_drawn.emit((400, 100, 900, 600))
    assert ws.records[bw].crop == (400, 100, 900, 600) and ws.records[bw].crop_source == "manual"
    assert not ws.view.crop_mode and ws.grid.item(bw).icon().cacheKey() != before
    qtbot.keyClick(ws, Qt.Key.Key_G)
    assert ws.pages.currentWidget() is ws.grid


def test_caption_shows_the_labellers_own_vote(qtbot, external, tmp_path):
    folder = tmp_path / "faces"
    folder.mkdir()
    shutil.copy(external / "image" / "pyfeat_single_face.jpg", folder / "a.jpg")
    shutil.copy(external / "image" / "facerec_obama-240p.jpg", folder / "b.jpg")
    ws = LabellingWorkspace()
    qtbot.addWidget(ws)
    with qtbot.waitSignal(ws.import_done, timeout=60_000):
        ws.open_folder(folder)
    ws.labeller.setEditText("ana")
    ws.setFocus()
    qtbot.keyClick(ws, Qt.Key.Key_3)  # a.jpg: surprised, moves on to b.jpg
    assert "your vote" not in ws.view.caption
    qtbot.keyClick(ws, Qt.Key.Key_Left)  # back
    assert ws.current().path == "a.jpg" and "your vote: surprised" in ws.view.caption
    ws.labeller.setEditText("ben")
    ws.show_current()
    assert "your vote" not in ws.view.caption


def test_a_tie_in_the_review_list_opens_that_image_for_voting(qtbot, external, tmp_path):
    from PySide6.QtCore import QUrl

    from fshd_studio.labelling.majority import Status
    from fshd_studio.labelling.store import Round, Vote, VoteStore

    folder = tmp_path / "faces"
    folder.mkdir()
    for name in ("a.jpg", "b.jpg"):
        shutil.copy(external / "image" / "facerec_obama-240p.jpg", folder / name)
    ws = LabellingWorkspace()
    qtbot.addWidget(ws)
    with qtbot.waitSignal(ws.import_done, timeout=60_000):
        ws.open_folder(folder)
    b = next(r.id for r in ws.records if r.path == "b.jpg")
    with VoteStore(folder) as store:  # b: proposed happy, 1 yes 1 no in a group of 2 -> tie
        for who, yes in (("ana", "yes"), ("ben", "no")):
            store.vote(Vote(b, who, Round.SORT, "happy"))
            store.vote(Vote(b, who, Round.CHECK, yes, "happy"))
    agg = ws.run_aggregate()
    assert agg.outcomes[b].status == Status.TIE
    assert "b.jpg" in ws.results.summary.toHtml() and "image:" in ws.results.summary.toHtml()
    assert ws.current_round() == Round.SORT and ws.current().path == "a.jpg"
    ws.results.summary.anchorClicked.emit(QUrl(f"image:{b}"))
    assert ws.current().id == b and ws.current_round() == Round.CHECK and "proposed: HAPPY" in ws.view.caption
    a = next(r.id for r in ws.store.images() if r.path == "a.jpg")  # no proposal: back to the first sort
    ws.results.summary.anchorClicked.emit(QUrl(f"image:{a}"))
    assert ws.current().id == a and ws.current_round() == Round.SORT
