"""`fshd-studio votes ...`: the labelling tool without the GUI (import, aggregate, export, train, predict)."""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("votes", help="emotion labelling: import images, aggregate votes, export, train, predict")
    vs = p.add_subparsers(dest="votes_command", metavar="ACTION", required=True)
    imp = vs.add_parser("import", help="add a folder's images (face detected and cropped) to its vote file")
    imp.add_argument("folder", type=Path)
    imp.set_defaults(func=run_import)
    agg = vs.add_parser("aggregate", help="apply the absolute-majority rule; print a JSON summary")
    src = agg.add_mutually_exclusive_group(required=True)
    src.add_argument("--db", type=Path, metavar="FOLDER", help="image folder with its fshd-votes.sqlite")
    src.add_argument("--ferplus", type=Path, metavar="CSV", help="a crowd table in the FER+ format")
    agg.add_argument("--absent", choices=("no", "ignore"), default="no",
                     help="a group member who did not vote counts as 'no' (default) or is ignored")
    agg.add_argument("--ferplus-mode", choices=("absolute", "majority"), default="absolute",
                     help="absolute (default): over half of all ten columns, and the winner must be an emotion; "
                          "majority: FER+'s own mode, single votes dropped first")
    agg.add_argument("--json", type=Path, metavar="OUT", help="also write the full result here")
    agg.add_argument("--csv", type=Path, metavar="OUT", help="with --db: the per-image table as CSV")
    agg.set_defaults(func=run_aggregate)
    exp = vs.add_parser("export", help="kept images as a class-folder dataset (every 5th to val)")
    exp.add_argument("folder", type=Path)
    exp.add_argument("--out", type=Path, required=True)
    exp.add_argument("--absent", choices=("no", "ignore"), default="no")
    exp.set_defaults(func=run_export)
    tr = vs.add_parser("train", help="train the YOLO emotion classifier on an exported dataset (offline)")
    tr.add_argument("dataset", type=Path)
    tr.add_argument("--out", type=Path, required=True)
    tr.add_argument("--epochs", type=int, default=30)
    tr.add_argument("--imgsz", type=int, default=128)
    tr.add_argument("--model", choices=("n", "s", "m", "l", "x"), default="n")
    tr.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto",
                    help="auto: the GPU when there is one, else the CPU")
    tr.add_argument("--work-dir", type=Path, help=argparse.SUPPRESS)  # a scratch folder a caller can remove
    tr.set_defaults(func=run_train)
    ro = vs.add_parser("roster", help="the group of labellers of a folder: list, add, rename, retire")
    ro.add_argument("folder", type=Path)
    ro.add_argument("--add", metavar="NAME", action="append", default=[])
    ro.add_argument("--rename", nargs=2, metavar=("OLD", "NEW"))
    ro.add_argument("--retire", metavar="NAME", action="append", default=[])
    ro.set_defaults(func=run_roster)
    pr = vs.add_parser("predict", help="emotions of the faces in images, folders of images or a video file")
    pr.add_argument("weights", type=Path)
    pr.add_argument("inputs", type=Path, nargs="+", help="image files, folders of images, video files")
    rv = vs.add_parser("review", help="validation mistakes by true/predicted class and accuracy per tag")
    rv.add_argument("weights", type=Path)
    rv.add_argument("dataset", type=Path, help="an exported dataset (its val/ folder is classified)")
    rv.add_argument("--db", type=Path, metavar="FOLDER", help="the image folder whose vote file holds the tags")
    rv.add_argument("--json", type=Path, metavar="OUT", help="also write every validation prediction here")
    rv.set_defaults(func=run_review)
    pr.set_defaults(func=run_predict)


@contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """ultralytics and mediapipe log on stdout: send it to stderr so stdout carries the JSON result only."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def run_import(args: argparse.Namespace) -> int:
    from fshd_studio.commands.common import print_json, print_progress
    from fshd_studio.core.errors import UserError
    from fshd_studio.labelling.images import import_folder
    from fshd_studio.labelling.store import VoteStore

    if not args.folder.is_dir():
        raise UserError(f"folder {args.folder} does not exist")
    with VoteStore(args.folder) as store:
        warnings = import_folder(args.folder, store, report=print_progress)
        print_json({"images": len(store.images()), "warnings": warnings})
    return 0


def _aggregate_db(folder: Path, absent: str):
    """Reads the vote file only (opened read-only: not a byte of it changes)."""
    from fshd_studio.labelling.majority import Absent, aggregate
    from fshd_studio.labelling.store import Round, VoteStore

    store = VoteStore(folder, readonly=True)
    agg = aggregate([r.id for r in store.images()], store.latest_votes(Round.SORT), store.latest_votes(Round.CHECK),
                    store.labellers(), Absent(absent))
    return store, agg


def run_aggregate(args: argparse.Namespace) -> int:
    from collections import Counter

    from fshd_studio.commands.common import print_json
    from fshd_studio.io.atomic import atomic_write_json

    if args.ferplus:
        from fshd_studio.labelling.agreement import fleiss_kappa, full_rater_rows
        from fshd_studio.labelling.ferplus import absolute_majority, read_crowd_table

        from fshd_studio.labelling.ferplus import RULE_TEXT

        table = read_crowd_table(args.ferplus)
        res = absolute_majority(table, args.ferplus_mode)
        summary = {"images": len(table.names), "layout": table.layout, "mode": args.ferplus_mode,
                   "kept_any_label": res.kept_any, "kept_study_classes": res.kept_study,
                   "kept_four_classes_total": sum(res.kept_study.values()), "no_majority": res.no_majority,
                   "majority_unknown_or_not_face": res.majority_not_a_label,
                   "fleiss_kappa": fleiss_kappa(full_rater_rows(table.counts)),
                   "fleiss_kappa_per_class": _per_class_kappa(table.columns, full_rater_rows(table.counts)),
                   "rule": RULE_TEXT[args.ferplus_mode]}
        # a list in row order: FER+ leaves some image names empty
        full = {**summary, "labels": [[n, table.columns[i] if i >= 0 else None]
                                      for n, i in zip(table.names, res.label.tolist())]}
    else:
        from fshd_studio.labelling.majority import needed_yes
        from fshd_studio.labelling.report import aggregate_rows, write_aggregate_csv

        store, agg = _aggregate_db(args.db, args.absent)
        images = {r.id: r.path for r in store.images()}
        rows = aggregate_rows(agg, images)
        summary = {"images": len(images), "group": list(agg.group), "absent_votes_count_as": agg.absent_policy.value,
                   "yes_needed_to_keep": needed_yes(len(agg.group), 0, 0, agg.absent_policy)
                   if agg.absent_policy.value == "no" else "more than half of the votes cast",
                   "status": dict(Counter(o.status.value for o in agg.outcomes.values())),
                   "kept_per_class": dict(Counter(agg.kept().values())), "fleiss_kappa_sort": agg.kappa_sort,
                   "fleiss_kappa_sort_per_class": agg.kappa_sort_per_class, "fleiss_kappa_check": agg.kappa_check,
                   "labeller_agreement_with_majority": agg.labeller_agreement,
                   "to_review": [images[o.image_id] for o in agg.to_review()]}
        full = {**summary, "outcomes": {r.image: {"proposed": r.proposed or None, "yes": r.yes, "no": r.no,
                                                  "absent": r.absent, "status": r.status.value, "decision": r.decision}
                                        for r in rows}}
        store.close()
        if args.csv:
            write_aggregate_csv(args.csv, rows)
    print_json(summary)
    if args.json:
        atomic_write_json(args.json, full)
    return 0


def _per_class_kappa(columns: list[str], table) -> dict[str, float | None]:  # noqa: ANN001 - ndarray
    from fshd_studio.labelling.agreement import fleiss_kappa_per_category

    per = fleiss_kappa_per_category(table)
    return {c: (None if k != k else float(k)) for c, k in zip(columns, per)}  # NaN (unused class) -> null


def run_export(args: argparse.Namespace) -> int:
    from fshd_studio.commands.common import print_json, print_progress
    from fshd_studio.labelling.export import export_dataset

    from fshd_studio.labelling.export import split_problems

    store, agg = _aggregate_db(args.folder, args.absent)
    with store:
        res = export_dataset(store, agg, args.out, report=print_progress)
    for line in res.skipped + split_problems(res.counts):
        print(f"warning: {line}", file=sys.stderr)
    print_json({"folder": str(res.folder), "counts": res.counts, "skipped": res.skipped,
                "warnings": split_problems(res.counts)})
    return 0


def run_train(args: argparse.Namespace) -> int:
    from fshd_studio.commands.common import print_json, print_progress
    from fshd_studio.labelling.classifier import train_classifier
    from fshd_studio.labelling.export import dataset_counts, split_problems

    if (args.dataset / "train").is_dir():
        for line in split_problems(dataset_counts(args.dataset)):
            print(f"warning: {line}", file=sys.stderr)
    with _stdout_to_stderr():
        res = train_classifier(args.dataset, args.out, epochs=args.epochs, imgsz=args.imgsz, size=args.model,
                               device=args.device, report=print_progress, work=args.work_dir)
    print_json({"weights": str(res.weights), "val_top1": res.top1, "classes": res.names,
                "confusion_pred_by_true": res.confusion.tolist()})
    return 0


def run_predict(args: argparse.Namespace) -> int:
    from fshd_studio.commands.common import print_json
    from fshd_studio.core.errors import UserError
    from fshd_studio.labelling.images import IMAGE_SUFFIXES
    from fshd_studio.labelling.predict import predict_images, stream_predictions

    missing = [p for p in args.inputs if not p.exists()]
    if missing:
        raise UserError(f"{missing[0]} does not exist; check the path")
    inputs = [f for p in args.inputs for f in (sorted(p.iterdir()) if p.is_dir() else [p])]
    images = [p for p in inputs if p.suffix.lower() in IMAGE_SUFFIXES]
    videos = [p for p in args.inputs if p not in images and not p.is_dir()]
    if not images and not videos:
        raise UserError("no image or video to predict on; give image files, folders of images or video files")
    with _stdout_to_stderr():
        out = {str(k): [p.__dict__ for p in v] for k, v in predict_images(args.weights, images)}
        for video in videos:
            out[str(video)] = [{"frame": k, "faces": [p.__dict__ for p in preds]}
                               for k, _, preds in stream_predictions(args.weights, video, every=5)]
    print_json(out)
    return 0


def run_review(args: argparse.Namespace) -> int:
    from fshd_studio.commands.common import print_json, print_progress
    from fshd_studio.io.atomic import atomic_write_json
    from fshd_studio.labelling.analysis import accuracy_by_tag, mistakes
    from fshd_studio.labelling.review import review_validation

    tags: dict[str, set[str]] = {}
    if args.db is not None:
        from fshd_studio.labelling.store import VoteStore

        with VoteStore(args.db, readonly=True) as store:
            by_id = store.tags()
            tags = {r.path: by_id[r.id] for r in store.images() if r.id in by_id}
    with _stdout_to_stderr():
        review = review_validation(args.weights, args.dataset, tags, report=print_progress)
    wrong = mistakes(review.predictions)
    summary = {"images": len(review.predictions), "val_top1": review.top1(),
               "mistakes": {f"{t} -> {p}": len(v) for (t, p), v in sorted(wrong.items())},
               "accuracy_per_tag": {t: {"accuracy": a, "images": n}
                                    for t, (a, n) in accuracy_by_tag(review.predictions).items()}}
    print_json(summary)
    if args.json:
        atomic_write_json(args.json, {**summary, "predictions": [
            {"image": p.image, "source": review.source_of(p.image), "true": p.true, "predicted": p.predicted,
             "tags": sorted(p.tags)} for p in review.predictions]})
    return 0


def run_roster(args: argparse.Namespace) -> int:
    from fshd_studio.commands.common import print_json
    from fshd_studio.labelling.store import VoteStore

    changes = bool(args.add or args.rename or args.retire)
    with VoteStore(args.folder, readonly=not changes) as store:
        for name in args.add:
            store.add_labeller(name)
        if args.rename:
            store.rename_labeller(*args.rename)
        for name in args.retire:
            if name not in {r.name for r in store.roster()}:
                from fshd_studio.core.errors import UserError

                raise UserError(f"{name!r} is not in the roster of {args.folder}; members: "
                                f"{', '.join(r.name for r in store.roster()) or 'none'}")
            store.retire_labeller(name)
        roster = store.roster()
    print_json({"group": [r.name for r in roster if not r.retired], "retired": [r.name for r in roster if r.retired]})
    return 0
