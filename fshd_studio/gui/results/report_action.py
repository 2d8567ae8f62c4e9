"""File → Export report…: placeholder until io/report lands."""

from __future__ import annotations


def export_report(win, state) -> None:  # noqa: ANN001
    win.prompts.info("Export report", "The report writer is not available yet.")
