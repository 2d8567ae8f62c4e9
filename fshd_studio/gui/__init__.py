"""Qt layer: main window, controller, undo commands, widgets, workers."""

from fshd_studio.gui.qt_refcount import protect_singletons as _protect_singletons

_protect_singletons()  # PySide6 6.12 on CPython 3.11 leaks refs of None/True/False: see qt_refcount
