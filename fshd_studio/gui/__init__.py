"""Qt layer: main window, controller, undo commands, widgets, workers."""

from fshd_studio.gui.qt_fixes import guard_true_refcount as _guard_true_refcount

_guard_true_refcount()  # PySide6 6.12 emit() refcount bug: see qt_fixes
