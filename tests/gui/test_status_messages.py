"""Status-bar messages are shown in full ("Suggestec", "Recoverec" were cut by the session fields)."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt


SUGGESTED = ("Suggested 15 segments from the motion in front.mp4 (dashed): check each one and confirm it with C; "
             "3 existing segments left as they were")
RECOVERED = "Recovered unsaved work from visit.fshd.json.autosave; save to keep it"


def _fits(bar, text: str) -> bool:
    """The whole message fits the rectangle the bar draws it in (wrapped when it needs more than a line)."""
    rect = bar.message_rect()
    needed = bar.fontMetrics().boundingRect(QRect(0, 0, rect.width(), 10000), int(Qt.TextFlag.TextWordWrap), text)
    return needed.width() <= rect.width() and needed.height() <= rect.height()


def test_a_long_message_makes_room_then_the_fields_come_back(qtbot, main_window) -> None:
    w = main_window
    bar, status = w.statusBar(), w.status
    w.resize(1600, 800)  # every field fits, whatever font an earlier test left the application with
    qtbot.waitUntil(lambda: w.width() == 1600)
    qtbot.waitUntil(lambda: not w.jobs.running(), timeout=30000)  # a job's bar also takes room from the fields
    bar.clearMessage()  # e.g. "Opened visit.fshd.json"
    before = [lab.isVisible() for lab in (status.project, status.patient, status.frame)]
    assert all(before)
    for text in (SUGGESTED, RECOVERED):
        bar.showMessage(text)
        assert _fits(bar, text), text
        assert status.note.isVisible() and status.dirty.isVisible()  # never hidden for a message
    bar.clearMessage()
    assert [lab.isVisible() for lab in (status.project, status.patient, status.frame)] == before
    assert bar.minimumHeight() == 0


def test_a_message_longer_than_the_window_wraps(qtbot, main_window) -> None:
    w = main_window
    w.resize(600, 600)  # as narrow as the window goes
    qtbot.waitUntil(lambda: w.width() < 1200)
    bar = w.statusBar()
    one_line = bar.height()
    bar.showMessage(SUGGESTED * 2)
    assert bar.minimumHeight() > one_line
    qtbot.waitUntil(lambda: bar.height() >= bar.minimumHeight())
    assert _fits(bar, SUGGESTED * 2)


def test_a_narrow_window_drops_fields_whole_instead_of_cutting_them(qtbot, main_window) -> None:
    from PySide6.QtWidgets import QLabel

    w = main_window
    bar = w.statusBar()
    bar.clearMessage()
    w.resize(900, 700)
    qtbot.waitUntil(lambda: w.width() < 1100)
    qtbot.wait(50)
    labels = [lab for lab in bar.findChildren(QLabel) if lab.parentWidget() is bar and lab.isVisible()]
    assert w.status.note in labels and w.status.dirty in labels  # these always stay
    for lab in labels:  # every field still shown has the width its text needs
        assert lab.width() >= lab.sizeHint().width() - 1, lab.objectName()
    assert not w.status.frame.isVisible()  # the least needed field stepped aside
    w.resize(1600, 900)
    qtbot.waitUntil(lambda: w.status.frame.isVisible(), timeout=3000)  # and comes back with the room
