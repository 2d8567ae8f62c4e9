"""ELAN import and export for the window.

Import: the file is parsed on the window's job runner (a 2.4 MB file takes about a second); back on the GUI
thread the exercise tier is taken only when certain, else the tier picker asks; replacing existing segments
asks first, saying how many change; the import (segments, offsets, the link to the .eaf and its lanes) is ONE
undo step. Export goes through io's writer (one rule for the exercise tier: dependent tiers keep their notes).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from fshd_studio.core.errors import UserError

if TYPE_CHECKING:
    from fshd_studio.gui.jobs import Job
    from fshd_studio.gui.main_window import MainWindow
    from fshd_studio.io.elan_import import ImportPlan, ParsedEaf

PARSE_JOB = "Reading ELAN file"


def start_import(win: MainWindow, path: Path, tier: str | None = None) -> Job | None:
    """Parse `path` on a worker, then continue on the GUI thread (ask, confirm, apply). None: nothing started."""
    from fshd_studio.io.elan_import import parse_for_import

    c = win.controller
    if c.session is None:
        win.prompts.error("Import ELAN", "Open a project first; the .eaf's segments are imported into it.")
        return None
    session, protocol, path = c.session, c.session.protocol, Path(path)
    win.statusBar().showMessage(f"Reading {path.name}…", 4000)

    def done(parsed: ParsedEaf) -> None:
        if c.session is not session:  # the session was closed or replaced meanwhile
            win.statusBar().showMessage(f"{path.name} not imported: the session changed", 6000)
            return
        continue_import(win, parsed, tier)

    return win.jobs.start(f"{PARSE_JOB} {path.name}", lambda _report, _cancel: parse_for_import(path, protocol, tier),
                          on_done=done, on_error=lambda msg: win.prompts.error("Cannot import ELAN file", msg),
                          on_cancelled=lambda: win.statusBar().showMessage(f"Import of {path.name} cancelled", 4000))


def continue_import(win: MainWindow, parsed: ParsedEaf, tier: str | None) -> bool:
    """The GUI half: tier (asked when uncertain), confirmation when segments would change, one undo step."""
    from fshd_studio.io.elan_import import plan_import
    from fshd_studio.io.elan_session import TierUncertain

    c = win.controller
    try:
        try:
            plan = plan_import(parsed, c.session, tier)
        except TierUncertain as exc:
            if not exc.choice.candidates:
                raise UserError(f"{parsed.path.name}: {exc.choice.reason}; nothing was imported") from None
            tier = win.prompts.pick_tier(list(exc.choice.candidates), parsed.path, exc.choice.reason)
            if tier is None:
                win.statusBar().showMessage(f"Import of {parsed.path.name} cancelled; nothing changed", 6000)
                return False
            plan = plan_import(parsed, c.session, tier)
    except UserError as exc:
        win.prompts.error("Cannot import ELAN file", str(exc))
        return False
    if plan.changes.replaced and not win.prompts.confirm_import(parsed.path, plan.tier, plan.changes):
        win.statusBar().showMessage(f"Import of {parsed.path.name} cancelled; nothing changed", 6000)
        return False
    apply_plan(win, plan)
    return True


def apply_plan(win: MainWindow, plan: ImportPlan) -> None:
    win.controller.import_elan(plan.segments, plan.offsets, plan.eaf, plan.tier, plan.lanes,
                               f"Import {plan.eaf.name} ({plan.tier})")
    note = f"; {len(plan.warnings)} warning(s): {plan.warnings[0]}" if plan.warnings else ""
    win.statusBar().showMessage(f"Imported tier {plan.tier} of {plan.eaf.name}: {plan.changes.describe()}{note}",
                                10000)


def read_doc(eaf: Path) -> Any:
    from fshd_studio.io.elan import read_eaf

    return read_eaf(eaf)


def export_eaf(session: Any, target: Path) -> list[str]:
    """Write the session as EAF 3.0 over its linked file's other tiers; returns what had to change."""
    from fshd_studio.io.elan import write_session_eaf

    base = read_doc(session.linked_eaf) if session.linked_eaf and session.linked_eaf.is_file() else None
    return write_session_eaf(session, target, base=base)


def lane_tiers(doc: Any, exercise_tier: str) -> list[Any]:
    """The tiers shown as read-only lanes: every tier but the exercise tier."""
    from fshd_studio.io.elan import other_tiers

    return list(other_tiers(doc, exclude=exercise_tier))
