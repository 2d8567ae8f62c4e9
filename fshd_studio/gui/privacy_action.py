"""File → Export pseudonymised copy…: the session's project, videos and ELAN file for sharing, with the patient
id and names replaced by a pseudonym (io.privacy_export, the same code as `fshd-studio pseudonymise`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog

if TYPE_CHECKING:
    from fshd_studio.gui.main_window import MainWindow

JOB = "Exporting a pseudonymised copy"


def export_pseudonymised(win: MainWindow, folder: Path | None = None) -> None:
    session = win.controller.session
    if session is None:
        return
    if folder is None:
        chosen = QFileDialog.getExistingDirectory(win, "Export a pseudonymised copy into (a new or empty folder)",
                                                  win.settings.last_dir())
        if not chosen:
            return
        folder = Path(chosen)
    if folder.is_dir() and any(not e.name.startswith(".") for e in folder.iterdir()):
        win.prompts.error("Pseudonymised copy", f"{folder} is not empty; choose a new or empty folder")
        return
    from fshd_studio.core.errors import UserError
    from fshd_studio.io.privacy_export import default_pseudonymiser, export_pseudonymised_project

    try:
        p = default_pseudonymiser(session)
    except UserError as exc:
        win.prompts.error("Pseudonymised copy", str(exc))
        return

    def done(copy) -> None:  # noqa: ANN001 - PseudonymisedCopy
        win.statusBar().showMessage(f"Pseudonymised copy ({p.pseudonym}) written to {Path(copy.project).parent}",
                                    8000)

    win.jobs.start(JOB, lambda _report, _cancel: export_pseudonymised_project(session, folder, p),
                   on_done=done, on_error=lambda text: win.prompts.error("Pseudonymised copy", text))
