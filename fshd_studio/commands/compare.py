"""`fshd-studio compare A B [...] --out DIR`: visits of one patient side by side (PDF, HTML, CSV)."""

from __future__ import annotations

import argparse
from pathlib import Path

from fshd_studio.commands.common import existing_file, print_json
from fshd_studio.core.errors import UserError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compare", help="visits of one patient side by side (PDF, HTML, CSV)",
                       description="Compares the saved results of two or more scored sessions of one patient "
                       "(score them first with `fshd-studio infer`). Research use only, not for diagnosis.")
    p.add_argument("projects", nargs="+", help="the visits' .fshd.json files (two or more)")
    p.add_argument("--out", required=True, help="folder for comparison.pdf, comparison.html and comparison.csv")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fshd_studio.core.compare import compare_visits
    from fshd_studio.gui.report_pdf import html_to_pdf
    from fshd_studio.io.compare_report import load_visits, write_comparison

    if len(args.projects) < 2:
        raise UserError("give two or more visits' project files to compare")
    visits, protocol = load_visits([existing_file(p, "project file") for p in args.projects])
    cmp = compare_visits(visits)
    files = write_comparison(cmp, protocol, Path(args.out))
    pdf = Path(args.out) / "comparison.pdf"
    html_to_pdf(files["html"].read_text(encoding="utf-8"), pdf, base=files["html"].parent)
    print_json({"pdf": str(pdf), "html": str(files["html"]), "csv": str(files["csv"]),
                "patient_id": cmp.patient_id, "visits": [v.visit_date for v in cmp.visits],
                "warnings": cmp.warnings, "disclaimer": "Research use only — not a diagnosis."})
    return 0
