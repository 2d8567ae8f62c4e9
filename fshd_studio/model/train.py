"""Training: patient-grouped stratified split, AdamW, AMP on CUDA, best-epoch checkpoint, resume."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import torch

from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Progress, ReportFn, check_cancel, no_report
from fshd_studio.model.checkpoint import ModelCard, load_encoder_weights, save_model
from fshd_studio.model.config import ModelConfig
from fshd_studio.model.dataset import ClipReader, Sample, patient_split, read_labels, samples_for, save_split
from fshd_studio.model.network import FSHDModel, multitask_loss
from fshd_studio.model.predict import pick_device, predict
from fshd_studio.model.train_state import load_state, save_state

SPLIT_FILE = "split.json"


@dataclass(frozen=True)
class TrainOptions:
    epochs: int = 20
    batch_size: int = 4
    lr: float = 3e-4                               # peak; linear warm-up then cosine decay, per step
    warmup_epochs: int = 1
    weight_decay: float = 0.05
    seed: int = 0
    exercises: tuple[int, ...] | None = (14,)    # None = all exercises
    test_fraction: float = 0.25
    val_fraction: float = 0.15
    device: str = "auto"
    amp: bool = True                               # mixed precision on CUDA only
    encoder_dir: str | None = None                 # local VideoMAE checkpoint for the encoder
    resume: bool = False
    model_id: str = "fshd-model"
    trained_on: str = "a labelled set of preprocessed sessions"
    synthetic: bool = False


@dataclass
class TrainResult:
    best_epoch: int
    best_val_accuracy: float
    history: list[dict[str, float]] = field(default_factory=list)
    seconds: float = 0.0


def load_batch(root: Path, reader: ClipReader, samples: list[Sample]) -> tuple[torch.Tensor, torch.Tensor]:
    clips = np.stack([reader.read(root / s.recording.session, s.recording.camera, s.exercise) for s in samples])
    labels = torch.tensor([s.recording.label for s in samples], dtype=torch.long)
    return torch.from_numpy(clips), labels


def train(root: Path, labels_csv: Path, out: Path, cfg: ModelConfig, opts: TrainOptions, reader: ClipReader, *,
          report: ReportFn = no_report, cancel: threading.Event | None = None) -> TrainResult:
    start = time.perf_counter()
    torch.manual_seed(opts.seed)
    recs = read_labels(labels_csv)
    split = patient_split(recs, test=opts.test_fraction, val=opts.val_fraction, seed=opts.seed)
    parts = {name: [r for r in recs if split.part_of(r.patient) == name] for name in ("train", "val", "test")}
    exercises = list(opts.exercises) if opts.exercises else None
    train_s = samples_for(root, parts["train"], reader, exercises)
    val_s = samples_for(root, parts["val"] or parts["train"], reader, exercises)
    if not train_s:
        raise UserError(f"no training samples: no exercise {exercises} arrays under {root} for the training patients")
    device = pick_device(opts.device)
    model = FSHDModel(cfg)
    if opts.encoder_dir:
        load_encoder_weights(model, Path(opts.encoder_dir))
    model.to(device)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=opts.lr, weight_decay=opts.weight_decay)
    use_amp = opts.amp and device.type == "cuda"
    scaler = torch.amp.GradScaler("cuda", enabled=use_amp)
    result = TrainResult(best_epoch=-1, best_val_accuracy=-1.0)
    first = 0
    if opts.resume:
        info = load_state(out, model, optimizer)
        first, result.history = int(info["epoch"]) + 1, list(info["history"])
        result.best_epoch, result.best_val_accuracy = int(info["best_epoch"]), float(info["best_val_accuracy"])
    save_split(out / SPLIT_FILE, split)
    rng = np.random.default_rng(opts.seed + first)
    for epoch in range(first, opts.epochs):
        loss = _epoch(model, optimizer, scaler, root, reader, train_s, opts, rng, device, use_amp, cancel, epoch)
        val = _val_accuracy(model, root, reader, val_s, opts, device)
        result.history.append({"epoch": epoch, "loss": round(loss, 5), "val_accuracy": round(val, 5)})
        if val > result.best_val_accuracy:
            result.best_epoch, result.best_val_accuracy = epoch, val
            save_model(model, out, _card(opts, cfg, result, split, len(train_s), time.perf_counter() - start,
                                         sum(p.numel() for p in params)))
        save_state(out, model, optimizer, {"epoch": epoch, "history": result.history,
                                           "best_epoch": result.best_epoch,
                                           "best_val_accuracy": result.best_val_accuracy})
        report(Progress("train", epoch + 1, opts.epochs))
    result.seconds = time.perf_counter() - start
    return result


def _epoch(model: FSHDModel, optimizer: torch.optim.Optimizer, scaler: torch.amp.GradScaler, root: Path,
           reader: ClipReader, samples: list[Sample], opts: TrainOptions, rng: np.random.Generator,
           device: torch.device, use_amp: bool, cancel: threading.Event | None, epoch: int) -> float:
    model.train()
    order = rng.permutation(len(samples))
    losses = []
    steps = -(-len(order) // opts.batch_size)
    for k, i in enumerate(range(0, len(order), opts.batch_size)):
        check_cancel(cancel)
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(opts, epoch + k / steps)
        clips, labels = load_batch(root, reader, [samples[j] for j in order[i:i + opts.batch_size]])
        clips, labels = clips.to(device, non_blocking=True), labels.to(device)
        with torch.autocast(device.type, dtype=torch.float16, enabled=use_amp):
            loss = multitask_loss(model(clips), labels, model.cfg)
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
        losses.append(float(loss.detach()))
    return float(np.mean(losses))


def learning_rate(opts: TrainOptions, epoch: float) -> float:
    """Linear warm-up over `warmup_epochs`, then cosine decay to 0 at the last epoch (a function of the
    position only, so a resumed run continues on the same curve)."""
    if epoch < opts.warmup_epochs:
        return opts.lr * (epoch + 1e-3) / opts.warmup_epochs
    span = max(1e-9, opts.epochs - opts.warmup_epochs)
    return opts.lr * 0.5 * (1 + math.cos(math.pi * min(1.0, (epoch - opts.warmup_epochs) / span)))


def _val_accuracy(model: FSHDModel, root: Path, reader: ClipReader, samples: list[Sample], opts: TrainOptions,
                  device: torch.device) -> float:
    if not samples:
        return 0.0
    p_fshd, _ = predict(model, lambda batch: load_batch(root, reader, batch)[0], samples, opts.batch_size, device)
    truth = np.array([s.recording.fshd for s in samples])
    return float(np.mean((p_fshd >= 0.5).astype(int) == truth))


def _card(opts: TrainOptions, cfg: ModelConfig, result: TrainResult, split: Any, n_train: int,
          seconds: float, trainable: int) -> ModelCard:
    return ModelCard(
        model_id=opts.model_id, trained_on=opts.trained_on, synthetic=opts.synthetic,
        date=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        exercises=list(opts.exercises or []),
        training={"options": {k: v for k, v in asdict(opts).items()}, "best_epoch": result.best_epoch,
                  "best_val_accuracy": result.best_val_accuracy, "train_samples": n_train,
                  "seconds_so_far": round(seconds, 1), "split_seed": split.seed,
                  "trainable_parameters": trainable},
    )
