"""Work-arounds for bugs of the Qt binding in use.

PySide6 6.12.0: `SignalInstance.emit()` returns `True` without taking a reference, so every emit from
Python lowers the reference count of the `True` singleton by one. After a few thousand emits (minutes of
playback) CPython aborts with "Fatal Python error: bool_dealloc: deallocating True or False".
`guard_true_refcount()` detects the bug with a few test emits and, only then, raises the count of `True` by
2**40 so the app can emit for centuries. Harmless where the bug is absent (it does nothing there).
"""

from __future__ import annotations

import ctypes
import platform
import sys

from PySide6.QtCore import QObject, Signal

HEADROOM = 1 << 40
_done = False


class _Probe(QObject):
    ping = Signal()


def emit_leaks_true() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.ping.emit()
    return sys.getrefcount(True) < before - 4


def guard_true_refcount() -> bool:
    """Returns True when the work-around was applied (once per process)."""
    global _done
    if _done or platform.python_implementation() != "CPython" or sys.version_info >= (3, 12):
        return False  # True is immortal from CPython 3.12 on
    _done = True
    if not emit_leaks_true():
        return False
    refcnt = ctypes.c_ssize_t.from_address(id(True))  # ob_refcnt is the first field of every PyObject
    refcnt.value += HEADROOM
    return True
