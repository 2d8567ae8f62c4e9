"""`fshd-studio infer PROJECT [--model DIR] [--device auto/cpu/cuda] [--json OUT]`: a thin wrapper of
inference.session.score_session; results are saved beside the project (NAME.results.json)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fshd_studio.commands.common import existing_file, print_json, print_progress
from fshd_studio.core.errors import UserError
from fshd_studio.inference.backends import BACKENDS, PRECISIONS
from fshd_studio.io.atomic import atomic_write_json

DEFAULT_MODEL = "demo-synthetic"


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("infer", help="run the model on a session: per exercise × camera scores and the vote",
                       description="Preprocesses the session (or reads --preprocessed) and runs a model folder. "
                       "Research use only, not for diagnosis.")
    p.add_argument("project", nargs="+", help="the session's .fshd.json file; several files or folders (searched "
                   "recursively for *.fshd.json) score many sessions, one results file each")
    p.add_argument("--summary", metavar="OUT.csv", help="many sessions: one line per session (votes, severity, "
                   "failures with their reason)")
    p.add_argument("--shard", metavar="I/N", help="many sessions: score only the I-th of N equal shares of the "
                   "sorted list (N machines, one folder)")
    p.add_argument("--model", help=f"model folder (default: the bundled models/{DEFAULT_MODEL}, synthetic)")
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    p.add_argument("--backend", default="auto", choices=BACKENDS,
                   help="auto: torch on a CUDA GPU, otherwise the fastest CPU back-end available")
    p.add_argument("--precision", default="fp32", choices=PRECISIONS)
    p.add_argument("--json", help="also write the results here (they are always saved beside the project as "
                   "NAME.results.json)")
    p.add_argument("--preprocessed", help="preprocess output folder to use/refresh (default: NAME.cache/ beside "
                   "the project, reused by later runs)")
    p.add_argument("--exercise", type=int, action="append", metavar="N", help="only this exercise (repeatable)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if len(args.project) > 1 or Path(args.project[0]).is_dir() or args.summary or args.shard:
        from fshd_studio.commands.infer_batch import run_batch

        return run_batch(args, _model_dir(args))
    args.project = args.project[0]
    return _run_one(args)


def _model_dir(args: argparse.Namespace) -> Path:
    from fshd_studio.io.resources import models_dir

    model_dir = Path(args.model) if args.model else models_dir() / DEFAULT_MODEL
    if not model_dir.is_dir():
        raise UserError(f"model folder {model_dir} does not exist; give --model DIR")
    return model_dir


def _run_one(args: argparse.Namespace) -> int:
    from fshd_studio.inference.session import score_session
    from fshd_studio.io.project import load_project
    from fshd_studio.io.results_file import results_path, save_results
    from fshd_studio.model.checkpoint import read_card

    project = existing_file(args.project, "project file")
    model_dir = _model_dir(args)
    session = load_project(project).session
    card = read_card(model_dir)
    exercises = exercises_for(args.exercise, list(card.exercises), card.model_id)
    warning = synthetic_warning(card) if card.synthetic else None
    if warning:  # before and after the work, so that it is seen whatever the user scrolls to
        print(warning, file=sys.stderr, flush=True)
    results = score_session(session, model_dir, project_path=project,
                            cache_dir=Path(args.preprocessed) if args.preprocessed else None, exercises=exercises,
                            backend=args.backend, precision=args.precision, device=args.device,
                            report=print_progress)
    doc = results.to_dict()
    if results.provenance.backend_note:
        print(f"note: {results.provenance.backend_note}", file=sys.stderr, flush=True)
    if warning:
        doc["warning"] = warning
    save_results(results_path(project), results)
    if args.json:
        atomic_write_json(Path(args.json), doc)
    scored = [s for s in results.scores if s.scored]
    print_json({"json": args.json or str(results_path(project)), "clips": len(scored), "vote": doc["vote"],
                "severity": doc["severity"]["predicted_class"], **({"warning": warning} if warning else {}),
                "disclaimer": card.intended_use})
    if warning:
        print(warning, file=sys.stderr, flush=True)
    if not scored:
        first = results.why_nothing_scored(session, exercises)
        raise UserError(f"no exercise of {args.project} could be scored: {first} (every exercise and camera is "
                        f"listed in {args.json or results_path(project)})")
    return 0


def exercises_for(asked: list[int] | None, trained: list[int], model_id: str) -> list[int] | None:
    """By default the exercises the model was trained on (all when its card does not say)."""
    if asked is None:
        if trained:
            print(f"note: model {model_id} was trained on exercise(s) {trained}; only those are scored "
                  "(--exercise N asks for others)", file=sys.stderr, flush=True)
        return trained or None
    outside = sorted(set(asked) - set(trained)) if trained else []
    if outside:
        print(f"warning: model {model_id} was trained on exercise(s) {trained}, not {outside}: its scores there "
              "are outside what it learned", file=sys.stderr, flush=True)
    return asked


def synthetic_warning(card) -> str:  # noqa: ANN001 - a ModelCard
    return (f"SYNTHETIC MODEL — {card.model_id} WAS TRAINED ON SYNTHETIC DATA; ITS SCORES MEAN NOTHING CLINICALLY. "
            f"{card.trained_on}")
