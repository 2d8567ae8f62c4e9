"""`fshd-studio report PROJECT --out DIR [--pseudonymise]`: report.pdf, report.html, results.csv and
results.json from the session's saved results (scored first when there are none), with a heatmap still per
scored exercise × camera."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fshd_studio.commands.common import existing_file, print_json, print_progress
from fshd_studio.core.errors import UserError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="PDF, HTML, CSV and JSON report of a scored session",
                       description="Reads the results saved beside the project (NAME.results.json); when there are "
                       "none, scores the session first (as `infer` does) and saves them. Research use only, not "
                       "for diagnosis.")
    p.add_argument("project", help="the session's .fshd.json file")
    p.add_argument("--out", required=True, type=Path, help="folder for report.pdf, report.html, results.csv, "
                   "results.json and report_images/ (made if missing; those names are replaced)")
    p.add_argument("--pseudonymise", action="store_true", help="replace the patient id by this installation's "
                   "pseudonym and leave names out of every file (the heatmap stills still show the face)")
    p.add_argument("--name", action="append", default=[], metavar="NAME", help="with --pseudonymise: another "
                   "name to leave out (repeatable), e.g. the patient's full name")
    p.add_argument("--model", help="model folder for scoring and heatmaps (default: the bundled demo-synthetic)")
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    p.add_argument("--no-heatmaps", action="store_true", help="leave out the attention heatmap stills")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fshd_studio.commands.infer import DEFAULT_MODEL
    from fshd_studio.gui.report_pdf import write_report_pdf
    from fshd_studio.io.project import load_project
    from fshd_studio.io.resources import models_dir
    from fshd_studio.io.results_file import load_results, results_path

    project = existing_file(args.project, "project file")
    if args.out.exists() and not args.out.is_dir():
        raise UserError(f"--out {args.out} is a file; give a folder for the report")
    if args.name and not args.pseudonymise:
        raise UserError("--name only applies with --pseudonymise")
    session = load_project(project).session
    model_dir = Path(args.model) if args.model else models_dir() / DEFAULT_MODEL
    results = load_results(results_path(project))
    if results is None:
        results = _score(session, project, model_dir, args.device)
    stale = results.stale_exercises(session)
    if stale:
        print(f"warning: exercise(s) {sorted(stale)} moved since they were scored; the report marks them stale "
              "(run `fshd-studio infer` again to score them anew)", file=sys.stderr, flush=True)
    stills = [] if args.no_heatmaps else _stills(results, project, model_dir, stale, args.device)
    pseudonymise = _pseudonymiser(session, args.name) if args.pseudonymise else False
    files = write_report_pdf(session, results, args.out, pseudonymise=pseudonymise, heatmaps=stills)
    warning = None
    if results.provenance.synthetic:
        warning = (f"SYNTHETIC MODEL — {results.provenance.model_id} WAS TRAINED ON SYNTHETIC DATA; ITS SCORES "
                   "MEAN NOTHING CLINICALLY")
        print(warning, file=sys.stderr, flush=True)
    print_json({"pdf": str(files.pdf), "pages": files.pdf_pages, "html": str(files.html), "csv": str(files.csv),
                "json": str(files.json), "heatmaps": len(stills), "stale_exercises": sorted(stale),
                **({"warning": warning} if warning else {}), "disclaimer": results.provenance.intended_use})
    return 0


def _score(session, project: Path, model_dir: Path, device: str):  # noqa: ANN001, ANN202 - Session -> results
    from fshd_studio.commands.infer import exercises_for
    from fshd_studio.inference.session import score_session
    from fshd_studio.io.results_file import results_path, save_results
    from fshd_studio.model.checkpoint import read_card

    if not model_dir.is_dir():
        raise UserError(f"model folder {model_dir} does not exist; give --model DIR")
    print(f"note: {project} has no saved results; scoring it first with {model_dir.name}", file=sys.stderr,
          flush=True)
    card = read_card(model_dir)
    results = score_session(session, model_dir, project_path=project, device=device, report=print_progress,
                            exercises=exercises_for(None, list(card.exercises), card.model_id))
    if not any(s.scored for s in results.scores):
        first = results.why_nothing_scored(session)
        raise UserError(f"no exercise of {project} could be scored ({first}); nothing was written")
    save_results(results_path(project), results)
    return results


def _stills(results, project: Path, model_dir: Path, stale: set[int], device: str) -> list:  # noqa: ANN001
    from fshd_studio.inference.attention import session_heatmap_stills
    from fshd_studio.io.results_file import cache_dir

    cache = cache_dir(project)
    if not model_dir.is_dir() or not (cache / "index.json").is_file():
        why = "no model folder" if not model_dir.is_dir() else f"no preprocessed input in {cache}"
        print(f"note: no heatmaps ({why}); run `fshd-studio infer` first or give --model", file=sys.stderr)
        return []
    stills, notes = session_heatmap_stills(results, model_dir, cache, stale=stale, device=device,
                                           report=print_progress)
    for note in notes:
        print(f"note: {note}", file=sys.stderr, flush=True)
    return stills


def _pseudonymiser(session, names: list[str]):  # noqa: ANN001, ANN202 - Session -> Pseudonymiser
    from fshd_studio.io.privacy_export import default_pseudonymiser

    return default_pseudonymiser(session, None, tuple(names))
