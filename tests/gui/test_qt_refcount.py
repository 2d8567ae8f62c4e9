"""The PySide6 void-call refcount workaround keeps the interpreter alive through many Qt calls."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject

from fshd_studio.gui.qt_refcount import protect_singletons


def test_many_void_calls_do_not_exhaust_none() -> None:
    protect_singletons()
    before = sys.getrefcount(None)
    probe = QObject()
    for _ in range(20_000):
        probe.setObjectName("")
    assert sys.getrefcount(None) > 10_000  # unprotected, 200,000 such calls abort the interpreter
    assert protect_singletons() == (before > 1 << 39)
