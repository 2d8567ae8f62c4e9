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
