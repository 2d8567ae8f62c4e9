"""HTML → PDF with Qt's own text engine (QTextDocument printed on a QPdfWriter): no browser, no new dependency.

Works without a display (QT_QPA_PLATFORM=offscreen is chosen when this module has to create the
application itself, e.g. from the command line) and outside the GUI thread (QTextDocument and QPdfWriter
are reentrant). Images in the HTML are read relative to `base`.

    pages = html_to_pdf(html_text, out_dir / "report.pdf", base=out_dir)
    files = write_report_pdf(session, results, out_dir, pseudonymise=True, heatmaps=stills)   # + HTML, CSV, JSON
"""

from __future__ import annotations

import os
from pathlib import Path

from fshd_studio.io.atomic import atomic_path

_APP = None   # the application this module made, kept alive for the process


def _ensure_app() -> None:
    """A QApplication (not only a QGuiApplication): the same process may open a window afterwards, and a
    QWidget aborts the interpreter under a QGuiApplication."""
    global _APP
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    if QGuiApplication.instance() is None:
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) or os.name != "posix":
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _APP = QApplication(["fshd-studio"])


LAYOUT_DPI = 96.0        # the HTML is laid out as a browser would at this many pixels per inch
MARGIN_MM = 14.0
FOOTER_PX = 24.0


def html_to_pdf(html: str, pdf: Path, *, base: Path | None = None, title: str = "FSHD Studio report",
                footer: str = "") -> int:
    """Print `html` to an A4 PDF at `pdf` (written atomically); returns the number of pages. Every page
    carries `footer` (e.g. the disclaimer) and its page number."""
    from PySide6.QtCore import QMarginsF, QSizeF, QUrl
    from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

    _ensure_app()
    doc = QTextDocument()
    if base is not None:
        doc.setBaseUrl(QUrl.fromLocalFile(str(Path(base).resolve()) + os.sep))
    doc.setHtml(html)
    layout = QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                         QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Unit.Millimeter)
    paint_mm = layout.paintRect(QPageLayout.Unit.Millimeter)
    width, height = (v / 25.4 * LAYOUT_DPI for v in (paint_mm.width(), paint_mm.height()))
    doc.setPageSize(QSizeF(width, height - FOOTER_PX))
    with atomic_path(Path(pdf), suffix=".pdf") as tmp:
        writer = QPdfWriter(str(tmp))
        writer.setTitle(title)
        writer.setCreator("FSHD Studio")
        writer.setResolution(300)
        writer.setPageLayout(layout)
        pages = _paint_pages(doc, writer, width, height, footer)
        del writer   # finishes the file before it is renamed into place
    return pages


def _paint_pages(doc, writer, width: float, height: float, footer: str) -> int:
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QPainter

    pages = doc.pageCount()
    body = height - FOOTER_PX
    painter = QPainter(writer)
    try:
        painter.scale(writer.resolution() / LAYOUT_DPI, writer.resolution() / LAYOUT_DPI)
        font = QFont(doc.defaultFont())
        font.setPixelSize(10)
        for page in range(pages):
            if page:
                writer.newPage()
            painter.save()
            painter.translate(0, -page * body)
            doc.drawContents(painter, QRectF(0, page * body, width, body))
            painter.restore()
            painter.setFont(font)
            painter.setPen(QColor(90, 90, 90))
            painter.drawText(QRectF(0, height - FOOTER_PX + 4, width, FOOTER_PX - 4),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), footer)
            painter.drawText(QRectF(0, height - FOOTER_PX + 4, width, FOOTER_PX - 4),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                             f"page {page + 1} / {pages}")
    finally:
        painter.end()
    return pages


def write_report_pdf(session, results, out_dir: Path, *, pseudonymise=False, heatmaps=None):
    """io.report.write_report with the PDF: report.pdf, report.html, results.csv, results.json (all or
    nothing) -> ReportFiles. The window's report action and `fshd-studio report` both call this."""
    from fshd_studio.io.report import write_report

    return write_report(session, results, out_dir, pseudonymise=pseudonymise, heatmaps=heatmaps, printer=html_to_pdf)
