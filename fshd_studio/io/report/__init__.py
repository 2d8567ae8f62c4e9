"""Session reports: HTML (+ PNG charts and heatmap stills), CSV and JSON from a SessionResults; the PDF is
printed from the HTML in gui/report_pdf.py."""

from fshd_studio.io.report.content import DISCLAIMER, HeatmapStill
from fshd_studio.io.report.writer import ReportFiles, write_report

__all__ = ["DISCLAIMER", "HeatmapStill", "ReportFiles", "write_report"]
