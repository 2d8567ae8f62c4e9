"""`fshd-studio infer PROJECT [--model DIR] [--device auto/cpu/cuda] --json OUT`."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from fshd_studio.commands.common import existing_file, print_json, print_progress
from fshd_studio.core.errors import UserError

DEFAULT_MODEL = "demo-synthetic"


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("infer", help="run the model on a session: per exercise × camera scores and the vote",
                       description="Preprocesses the session (or reads --preprocessed) and runs a model folder. "
                       "Research use only, not for diagnosis.")
    p.add_argument("project", help="the session's .fshd.json file")
    p.add_argument("--model", help=f"model folder (default: the bundled models/{DEFAULT_MODEL}, synthetic)")
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    p.add_argument("--json", required=True, help="where to write the results")
    p.add_argument("--preprocessed", help="preprocess output folder to use/refresh (default: a temporary one)")
    p.add_argument("--exercise", type=int, action="append", metavar="N", help="only this exercise (repeatable)")
    p.add_argument("--batch-size", type=int, default=4)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fshd_studio.io.project import load_project
    from fshd_studio.io.resources import models_dir

    project = existing_file(args.project, "project file")
    model_dir = Path(args.model) if args.model else models_dir() / DEFAULT_MODEL
    if not model_dir.is_dir():
        raise UserError(f"model folder {model_dir} does not exist; give --model DIR")
    session = load_project(project).session
    if args.preprocessed:
        return _infer(session, Path(args.preprocessed), model_dir, args)
    with tempfile.TemporaryDirectory(prefix="fshd-infer-") as tmp:
        return _infer(session, Path(tmp), model_dir, args)


def _infer(session, pre: Path, model_dir: Path, args: argparse.Namespace) -> int:
    from fshd_studio.inference.inputs import inputs_from_preprocessed, unusable_from_preprocessed, vote_per_camera
    from fshd_studio.inference.run import run_inference
    from fshd_studio.io.atomic import atomic_write_json
    from fshd_studio.model.checkpoint import read_card
    from fshd_studio.preprocess import preprocess_session

    card = read_card(model_dir)
    exercises = _exercises(args.exercise, list(card.exercises), card.model_id)
    warning = synthetic_warning(card) if card.synthetic else None
    if warning:  # before and after the work, so that it is seen whatever the user scrolls to
        print(warning, file=sys.stderr, flush=True)
    preprocess_session(session, pre, report=print_progress, exercises=exercises)
    results = list(run_inference(inputs_from_preprocessed(pre, exercises), model_dir, device=args.device,
                                 batch_size=args.batch_size, report=print_progress))
    doc = {"schema_version": 1, "model_id": card.model_id, "model_trained_on": card.trained_on,
           "model_synthetic": card.synthetic, "model_exercises": list(card.exercises),
           **({"warning": warning} if warning else {}),
           "disclaimer": card.intended_use,
           "results": [r.to_dict() for r in results], "vote": vote_per_camera(results),
           "unusable": unusable_from_preprocessed(pre)}
    atomic_write_json(Path(args.json), doc)
    print_json({"json": args.json, "clips": len(results), "vote": doc["vote"],
                **({"warning": warning} if warning else {}), "disclaimer": card.intended_use})
    if warning:
        print(warning, file=sys.stderr, flush=True)
    if not results:
        first = doc["unusable"][0]["reason"] if doc["unusable"] else "no exercise has a segment"
        raise UserError(f"no exercise of {args.project} could be scored: {first} (every exercise and camera is "
                        f"listed in {args.json})")
    return 0


def _exercises(asked: list[int] | None, trained: list[int], model_id: str) -> list[int] | None:
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
