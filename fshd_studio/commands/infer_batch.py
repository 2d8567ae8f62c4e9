"""`fshd-studio infer PROJECT... / DIR [--summary OUT.csv] [--shard I/N]`: many sessions, one results file each."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fshd_studio.commands.common import print_json, print_progress
from fshd_studio.core.errors import UserError


def run_batch(args: argparse.Namespace, model_dir: Path) -> int:
    from fshd_studio.commands.infer import exercises_for, synthetic_warning
    from fshd_studio.inference.batch import find_projects, parse_shard, score_batch, shard
    from fshd_studio.io.batch_summary import write_summary
    from fshd_studio.model.checkpoint import read_card

    if args.json:
        raise UserError("--json is for one session; with several, each session's results are saved beside its "
                        "project and --summary OUT.csv lists them")
    if args.preprocessed:
        raise UserError("--preprocessed is for one session; with several, each keeps its cache beside its project")
    projects = find_projects([Path(p) for p in args.project])
    if args.shard:
        projects = shard(projects, *parse_shard(args.shard))
    card = read_card(model_dir)
    if card.synthetic:
        print(synthetic_warning(card), file=sys.stderr, flush=True)
    exercises = exercises_for(args.exercise, list(card.exercises), card.model_id)

    def said(row) -> None:  # noqa: ANN001 - a BatchRow
        line = f"{row.session}: {row.status}" + (f" — {row.reason}" if row.reason else "")
        print(line, file=sys.stderr, flush=True)

    rows = score_batch(projects, model_dir, exercises=exercises, backend=args.backend, precision=args.precision,
                       device=args.device, report=print_progress, on_row=said)
    if args.summary:
        write_summary(Path(args.summary), rows)
    failed = [r for r in rows if r.status == "failed"]
    print_json({"sessions": len(rows), "scored": sum(r.status == "scored" for r in rows),
                "reused": sum(r.status == "reused" for r in rows), "failed": len(failed),
                "summary": args.summary, "model_id": card.model_id, "disclaimer": card.intended_use})
    if rows and len(failed) == len(rows):
        raise UserError(f"none of the {len(rows)} sessions could be scored; first: {failed[0].session}: "
                        f"{failed[0].reason}")
    if failed:
        print(f"warning: {len(failed)} of {len(rows)} sessions failed; their reasons are in "
              f"{args.summary or 'the lines above'}", file=sys.stderr, flush=True)
    return 0
