"""`fshd-studio evaluate`: metrics of a model folder on a labelled set, JSON + a readable table."""

from __future__ import annotations

import argparse
from pathlib import Path

from fshd_studio.commands.common import print_progress


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate", help="accuracy, sensitivity, specificity, AUC (95 %% CI) per exercise and vote")
    p.add_argument("--model", required=True, help="model folder (config.json, model.safetensors, model_card.json)")
    p.add_argument("--data", required=True, help="folder of preprocessed sessions")
    p.add_argument("--labels", help="label CSV (default DATA/labels.csv)")
    p.add_argument("--part", default="test", choices=("test", "val", "train", "all"),
                   help="which side of the split saved with the model (default test)")
    p.add_argument("--exercise", default=None,
                   help="exercise number, list or all (default: the exercises the model was trained on)")
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    p.add_argument("--batch-size", type=int, default=4)
    p.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples (default 1000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", required=True, help="where to write the metrics JSON")
    p.add_argument("--update-card", action="store_true",
                   help="also store these metrics (with their intervals) in the model's model_card.json")
    p.add_argument("--table", help="also write the readable table to this file (it is printed on stdout)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fshd_studio.commands.infer import exercises_for
    from fshd_studio.commands.model_data import dataset_paths, dataset_reader, exercises_arg
    from fshd_studio.io.atomic import atomic_write_json, atomic_write_text
    from fshd_studio.model.checkpoint import read_card
    from fshd_studio.model.evaluate import evaluate, table

    root, csv_path = dataset_paths(args.data, args.labels)
    if args.exercise is None:  # what the model scores, as infer does; `all` measures every exercise of the data
        card = read_card(Path(args.model))
        exercises = exercises_for(None, list(card.exercises), card.model_id)
    else:
        exercises = exercises_arg(args.exercise)
    result = evaluate(Path(args.model), root, csv_path, dataset_reader(), part=args.part, exercises=exercises,
                      device=args.device, batch_size=args.batch_size,
                      n_boot=args.bootstrap, seed=args.seed, report=print_progress)
    text = table(result)
    atomic_write_json(Path(args.json), result)
    if args.update_card:
        from fshd_studio.model.checkpoint import update_card_metrics

        # the dataset by name only: a model card travels, machine paths do not
        update_card_metrics(Path(args.model), {"data": root.resolve().name, "labels": csv_path.name, **result})
    if args.table:
        atomic_write_text(Path(args.table), text)
    print(text, end="")
    return 0
