"""`fshd-studio train`: train the model on a labelled set of preprocessed sessions."""

from __future__ import annotations

import argparse
from pathlib import Path

from fshd_studio.commands.common import print_json, print_progress


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train the FSHD model on preprocessed sessions + a label CSV")
    p.add_argument("--data", required=True, help="folder of preprocessed sessions (one sub-folder per session)")
    p.add_argument("--labels", help="CSV with columns session, patient, camera, class (default DATA/labels.csv)")
    p.add_argument("--out", required=True, help="model folder to write (best epoch, split.json, train_state/)")
    p.add_argument("--config", default="base", help="preset (tiny, base, videomae, videomae-upconv-multitask, "
                   "videomae-adapter-upconv-multitask, ...) or a config.json")
    p.add_argument("--exercise", default="14", help="exercise number, list (7,14) or all (default 14)")
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch-size", type=int, default=4)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    p.add_argument("--no-amp", action="store_true", help="full precision on CUDA too")
    p.add_argument("--encoder", help="local transformers VideoMAE checkpoint folder to start the encoder from")
    p.add_argument("--train-encoder", action="store_true", help="fine-tune the whole encoder (default: frozen)")
    p.add_argument("--resume", action="store_true", help="continue from OUT/train_state")
    p.add_argument("--model-id", default=None)
    p.add_argument("--trained-on", default="a labelled set of preprocessed sessions",
                   help="first line of the model card: what the data were")
    p.add_argument("--synthetic", action="store_true", help="mark the model card as trained on synthetic data")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fshd_studio.commands.model_data import dataset_paths, dataset_reader, exercises_arg, model_config
    from fshd_studio.model.train import TrainOptions, train

    root, csv_path = dataset_paths(args.data, args.labels)
    cfg = model_config(args.config)
    if args.train_encoder:
        cfg = cfg.with_(freeze_encoder=False)
    ex = exercises_arg(args.exercise)
    out = Path(args.out)
    opts = TrainOptions(epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, seed=args.seed,
                        exercises=tuple(ex) if ex else None, device=args.device, amp=not args.no_amp,
                        encoder_dir=args.encoder, resume=args.resume, model_id=args.model_id or out.name,
                        trained_on=args.trained_on, synthetic=args.synthetic)
    res = train(root, csv_path, out, cfg, opts, dataset_reader(), report=print_progress)
    print_json({"model": str(out), "best_epoch": res.best_epoch, "best_val_accuracy": res.best_val_accuracy,
                "seconds": round(res.seconds, 1), "history": res.history})
    return 0
