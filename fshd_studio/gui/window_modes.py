"""The window's two modes, Review and Labelling: the Labelling workspace built on first use, the mode actions,
and what the Review mode's menus, actions and toolbar buttons do while Labelling is shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QWidget, QWidgetAction

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QStackedWidget, QToolBar

    from fshd_studio.gui.controller import SessionController
    from fshd_studio.gui.jobs import JobRunner
    from fshd_studio.gui.status import StatusLine

# actions about the session and its timeline, off while the Labelling mode is shown
REVIEW_ONLY = ("undo", "redo", "zoom_in", "zoom_out", "zoom_fit", "import_eaf", "export_eaf", "relocate", "suggest")


class ModeSwitch:
    """Mixed into MainWindow (which builds `stack`, `review`, `menus`, `toolbar`, `status` and the actions)."""

    actions_by_id: dict[str, QAction]
    controller: SessionController
    jobs: JobRunner
    menus: dict
    review: QWidget
    stack: QStackedWidget
    status: StatusLine
    toolbar: QToolBar
    _labelling: QWidget | None

    def labelling_workspace(self) -> QWidget:
        """The Labelling mode, imported on first use (keeps the window's start fast)."""
        if self._labelling is None:
            from fshd_studio.gui.labelling import LabellingWorkspace

            self._labelling = LabellingWorkspace(parent=self.stack, jobs=self.jobs)
            self._labelling.status.connect(lambda text: self.statusBar().showMessage(str(text), 6000))
            self.stack.addWidget(self._labelling)
        return self._labelling

    def set_mode(self, mode: str) -> None:
        page = self.review if mode == "review" else self.labelling_workspace()
        self.stack.setCurrentWidget(page)
        self.actions_by_id["mode_review" if mode == "review" else "mode_labelling"].setChecked(True)
        review = mode == "review"
        for path, menu in self.menus.items():  # single keys belong to the labelling workspace there
            if path.split("/")[0] in ("Playback", "Segment"):
                menu.menuAction().setVisible(review)
                for a in menu.actions():
                    a.setEnabled(review)
        for key in REVIEW_ONLY:
            self.actions_by_id[key].setEnabled(review and self._review_action_allowed(key))
        self.status.set_visible_for_review(review)
        for a in self.toolbar.actions():  # the Review buttons give way to the Labelling mode's own toolbar
            if a.parent() is self.toolbar and not isinstance(a, QWidgetAction):
                a.setVisible(review)

    def _review_action_allowed(self, key: str) -> bool:
        stack = self.controller.undo_stack
        if key == "undo":
            return stack.canUndo()
        if key == "redo":
            return stack.canRedo()
        return key.startswith("zoom") or self.controller.session is not None

    def mode(self) -> str:
        return "review" if self.stack.currentWidget() is self.review else "labelling"

    def _wire_mode_actions(self) -> None:
        group = QActionGroup(self)
        for key in ("mode_review", "mode_labelling"):
            a = self.actions_by_id[key]
            a.setCheckable(True)
            group.addAction(a)
        self.actions_by_id["mode_review"].setChecked(True)
        self.actions_by_id["mode_review"].setText("Review")
        self.actions_by_id["mode_labelling"].setText("Labelling")
