"""The roster dialog shows the group and who counts; retiring and bringing back change the threshold."""

from fshd_studio.gui.labelling import LabellingWorkspace
from fshd_studio.gui.labelling.roster import RosterDialog
from fshd_studio.labelling.store import VoteStore


def test_roster_dialog_retire_and_bring_back(qtbot, tmp_path):
    with VoteStore(tmp_path) as store:
        for name in ("ana", "ben", "cleo"):
            store.add_labeller(name)
    ws = LabellingWorkspace()
    qtbot.addWidget(ws)
    ws.ctl.open_store(tmp_path)
    ws._roster_changed()
    assert ws.results.threshold.text().startswith("Group of 3 (ana, ben, cleo): an image is kept with 2")
    dlg = RosterDialog(ws.ctl, lambda: ws.ctl.threshold_text(ws.results.absent_policy()), ws)
    qtbot.addWidget(dlg)
    dlg.show()
    assert [dlg.list.item(i).text() for i in range(3)] == ["ana", "ben", "cleo"]
    dlg.list.setCurrentRow(2)
    dlg._toggle()  # retire cleo
    assert dlg.list.item(2).text() == "cleo  (retired)" and "Group of 2 (ana, ben)" in dlg.threshold.text()
    assert "with 2" in ws.results.threshold.text() and [ws.labeller.itemText(i) for i in range(2)] == ["ana", "ben"]
    dlg.grab().save(str(tmp_path / "roster.png"))
    dlg.list.setCurrentRow(2)
    dlg._toggle()  # back
    assert "Group of 3" in dlg.threshold.text() and dlg.list.item(2).text() == "cleo"
    ws.results.absent.setCurrentIndex(1)
    assert "more than half of the votes cast" in ws.results.threshold.text()
