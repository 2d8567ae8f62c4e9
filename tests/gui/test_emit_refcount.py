"""The PySide6 refcount work-around (gui.qt_refcount) also covers emit(), which takes a ref from True."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

import fshd_studio.gui  # noqa: F401 - importing the GUI package applies the guard


class _Sender(QObject):
    moved = Signal(float)


def test_many_emits_do_not_exhaust_true() -> None:
    s = _Sender()
    got: list[float] = []
    s.moved.connect(got.append)
    for i in range(50_000):  # ~30 minutes of playhead updates at 30 Hz
        s.moved.emit(float(i))
    assert len(got) == 50_000
    assert sys.getrefcount(True) > 1_000_000 or sys.version_info >= (3, 12)
