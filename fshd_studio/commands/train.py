"""`fshd-studio train`: train the model on a labelled set of preprocessed sessions.

Under `torchrun` it trains with DistributedDataParallel over all the processes (several GPUs, several
machines; gloo on CPU): `torchrun --nproc_per_node N -m fshd_studio train ...`; rank 0 prints and writes.
"""

from __future__ import annotations

import argparse
import sys
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
    p.add_argument("--batch-size", type=int, default=4,
                   help="global batch: under torchrun each of N processes takes 1/N of it (default 4)")
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    p.add_argument("--no-amp", action="store_true", help="full precision on CUDA too")
    p.add_argument("--split", default="patient", choices=("patient", "study"),
                   help="patient (default): grouped by patient, with a validation set; study: the study's "
                   "per-video stratified 70/30 split without validation (a patient can be on both sides)")
    p.add_argument("--encoder", help="local transformers VideoMAE checkpoint folder to start the encoder from")
    p.add_argument("--random-encoder", action="store_true",
                   help="train without a pre-trained encoder (refused otherwise: pre-training is most of the result)")
    p.add_argument("--train-encoder", action="store_true", help="fine-tune the whole encoder (default: frozen)")
    p.add_argument("--resume", action="store_true", help="continue from OUT/train_state")
    p.add_argument("--model-id", default=None)
    p.add_argument("--trained-on", default="a labelled set of preprocessed sessions",
                   help="first line of the model card: what the data were")
    p.add_argument("--synthetic", action="store_true", help="mark the model card as trained on synthetic data")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fshd_studio.commands.model_data import dataset_paths, dataset_reader, exercises_arg, model_config
    from fshd_studio.model.dataset import LEAKAGE_WARNING
    from fshd_studio.model.train import Ranks, TrainOptions, train

    root, csv_path = dataset_paths(args.data, args.labels)
    cfg = model_config(args.config)
    if args.train_encoder:
        cfg = cfg.with_(freeze_encoder=False)
    ex = exercises_arg(args.exercise)
    out = Path(args.out)
    opts = TrainOptions(epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, seed=args.seed,
                        exercises=tuple(ex) if ex else None, split=args.split, device=args.device,
                        amp=not args.no_amp, encoder_dir=args.encoder, random_encoder=args.random_encoder,
                        resume=args.resume, model_id=args.model_id or out.name, trained_on=args.trained_on,
                        synthetic=args.synthetic)
    main = Ranks.from_env().main
    if main and args.random_encoder and not args.encoder and cfg.freeze_encoder:
        print("note: the random encoder stays frozen (only adapters, Upconv, the light transformer and the heads "
              "learn); add --train-encoder to train it", file=sys.stderr)
    if main and args.split == "study":
        print(f"note: {LEAKAGE_WARNING}", file=sys.stderr)
    res = train(root, csv_path, out, cfg, opts, dataset_reader(), report=print_progress)
    if main:
        print_json({"model": str(out), "best_epoch": res.best_epoch, "best_val_accuracy": res.best_val_accuracy,
                    "split": args.split, "processes": res.processes, "seconds": round(res.seconds, 1),
                    "history": res.history})
    return 0
