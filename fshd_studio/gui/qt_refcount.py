"""Work around a refcount bug of the installed PySide6 6.12 wheels on CPython 3.11.

Every call of a C++ method that returns void gives back `None` without taking a reference, so each call
decrements None's refcount (measured: 200,000 `QObject.setObjectName` calls abort the interpreter with
"Fatal Python error: none_dealloc: deallocating None"), and every `emit()` does the same to True. A GUI
session makes millions of such calls, so the app and the GUI test run crash after a while, at random.

CPython 3.12+ makes None/True/False immortal, which hides the bug. On 3.11 we do the same by hand: when
(and only when) the bug is detected, their reference counts are raised by 2**40, out of reach.
"""

from __future__ import annotations

import ctypes
import sys

_BOOST = 1 << 40
_done = False


def void_call_leaks_none() -> bool:
    """True when a void Qt call takes a reference away from None (the bug this module works around)."""
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(64):
        probe.setObjectName("")
    return sys.getrefcount(None) < before - 32


def emit_leaks_true() -> bool:
    """True when `SignalInstance.emit()` takes a reference away from True (same bug, bool results)."""
    from PySide6.QtCore import QObject, Signal

    class Probe(QObject):
        ping = Signal()

    probe = Probe()
    before = sys.getrefcount(True)
    for _ in range(64):
        probe.ping.emit()
    return sys.getrefcount(True) < before - 32


def protect_singletons() -> bool:
    """Make None, True and False effectively immortal if this PySide6 build needs it. Idempotent.

    Returns True when the workaround is (now or already) applied.
    """
    global _done
    if _done:
        return True
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    if not (void_call_leaks_none() or emit_leaks_true()):
        return False
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += _BOOST  # ob_refcnt is the first field
    _done = True
    return True
