"""Training: patient-grouped (or the study's per-video) split, AdamW, AMP on CUDA, checkpoint, resume; one
process or several under `torchrun` (DistributedDataParallel: gloo on CPU, nccl on GPUs).

Several processes compute exactly what one would: `batch_size` is the global batch, each of the N processes
takes its 1/N share of every batch (DistributedSampler: the same shuffled order as one process, dealt out
in turn), gradients are averaged, the epoch loss and the validation accuracy are summed over processes, and
only rank 0 writes the model folder.
"""

from __future__ import annotations

import json
import math
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import torch

from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Progress, ReportFn, check_cancel, no_report
from fshd_studio.model.checkpoint import ModelCard, load_encoder_weights, save_model
from fshd_studio.model.config import ModelConfig
from fshd_studio.model.dataset import ClipReader, Sample, Split, make_split, read_labels, samples_for, save_split
from fshd_studio.model.network import FSHDModel, multitask_loss
from fshd_studio.model.predict import pick_device, predict
from fshd_studio.model.train_state import load_state, save_state

SPLIT_FILE = "split.json"
RANDOM_ENCODER_REFUSAL = (
    "training without a pre-trained encoder: give --encoder DIR (a local VideoMAE checkpoint; `fshd-studio model "
    "import-encoder` converts VideoMAE and MARLIN ones) or, to train from random weights anyway, --random-encoder. "
    "Pre-training is most of the result: in the study's table 2 the same VideoMAE scored 55.8 % pre-trained on "
    "Kinetics and 74.4 % pre-trained on face videos (VoxCeleb); a random encoder was not even tried")


@dataclass(frozen=True)
class TrainOptions:
    epochs: int = 20
    batch_size: int = 4                            # global: split over the processes of a distributed run
    lr: float = 3e-4                               # peak; linear warm-up then cosine decay, per step
    warmup_epochs: int = 1
    weight_decay: float = 0.05
    seed: int = 0
    exercises: tuple[int, ...] | None = (14,)    # None = all exercises
    split: str = "patient"                         # patient (grouped, with validation) or study (per video, 70/30)
    test_fraction: float = 0.25
    val_fraction: float = 0.15
    device: str = "auto"
    amp: bool = True                               # mixed precision on CUDA only
    encoder_dir: str | None = None                 # local VideoMAE checkpoint for the encoder
    random_encoder: bool = False                   # explicitly train without a pre-trained encoder
    resume: bool = False
    model_id: str = "fshd-model"
    trained_on: str = "a labelled set of preprocessed sessions"
    synthetic: bool = False


@dataclass
class TrainResult:
    best_epoch: int
    best_val_accuracy: float | None                # None with the study split (no validation set)
    history: list[dict[str, float | None]] = field(default_factory=list)
    seconds: float = 0.0
    processes: int = 1


@dataclass(frozen=True)
class Ranks:
    """This process's place in a `torchrun` job (RANK, WORLD_SIZE, LOCAL_RANK); one process by default."""

    rank: int = 0
    world: int = 1
    local_rank: int = 0

    @classmethod
    def from_env(cls) -> "Ranks":
        env = os.environ
        return cls(int(env.get("RANK", 0)), int(env.get("WORLD_SIZE", 1)), int(env.get("LOCAL_RANK", 0)))

    @property
    def main(self) -> bool:
        return self.rank == 0


@dataclass
class _Data:
    split: Split
    train: list[Sample]
    val: list[Sample]


def load_batch(root: Path, reader: ClipReader, samples: list[Sample]) -> tuple[torch.Tensor, torch.Tensor]:
    clips = np.stack([reader.read(root / s.recording.session, s.recording.camera, s.exercise) for s in samples])
    labels = torch.tensor([s.recording.label for s in samples], dtype=torch.long)
    return torch.from_numpy(clips), labels


def train(root: Path, labels_csv: Path, out: Path, cfg: ModelConfig, opts: TrainOptions, reader: ClipReader, *,
          report: ReportFn = no_report, cancel: threading.Event | None = None) -> TrainResult:
    start = time.perf_counter()
    ranks = Ranks.from_env()
    report = report if ranks.main else no_report
    if not opts.encoder_dir and not opts.random_encoder:
        raise UserError(RANDOM_ENCODER_REFUSAL)
    if opts.batch_size % ranks.world:
        raise UserError(f"--batch-size {opts.batch_size} is the global batch and must divide among the "
                        f"{ranks.world} processes; give a multiple of {ranks.world}")
    data = _data(root, labels_csv, reader, opts)
    cfg = encoder_normalisation(cfg, opts.encoder_dir)
    device = _device(opts.device, ranks)
    torch.manual_seed(opts.seed)
    model = FSHDModel(cfg)
    if opts.encoder_dir:
        load_encoder_weights(model, Path(opts.encoder_dir))
    model.to(device)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=opts.lr, weight_decay=opts.weight_decay)
    result = TrainResult(best_epoch=-1, best_val_accuracy=None, processes=ranks.world)
    first = 0
    if opts.resume:
        info = load_state(out, model, optimizer)
        first, result.history = int(info["epoch"]) + 1, list(info["history"])
        result.best_epoch, result.best_val_accuracy = int(info["best_epoch"]), info["best_val_accuracy"]
    if ranks.main:
        save_split(out / SPLIT_FILE, data.split)
    with _process_group(ranks, device) as dist:
        net = model if dist is None else torch.nn.parallel.DistributedDataParallel(
            model, device_ids=[device.index] if device.type == "cuda" else None,
            find_unused_parameters=not (cfg.multitask and cfg.severity_weight > 0))
        loop = _Loop(net, model, optimizer, root, reader, opts, ranks, device, cancel)
        for epoch in range(first, opts.epochs):
            loss = loop.epoch(data.train, epoch)
            val = loop.accuracy(data.val) if data.val else None
            result.history.append({"epoch": epoch, "loss": round(loss, 5),
                                   "val_accuracy": None if val is None else round(val, 5)})
            if val is None or result.best_val_accuracy is None or val > result.best_val_accuracy:
                result.best_epoch, result.best_val_accuracy = epoch, val   # no validation set: the last epoch
                if ranks.main:
                    save_model(model, out, _card(opts, cfg, result, data, time.perf_counter() - start,
                                                 sum(p.numel() for p in params)))
            if ranks.main:
                save_state(out, model, optimizer, {"epoch": epoch, "history": result.history,
                                                   "best_epoch": result.best_epoch,
                                                   "best_val_accuracy": result.best_val_accuracy})
            if dist is not None:
                dist.barrier()
            report(Progress("train", epoch + 1, opts.epochs))
    result.seconds = time.perf_counter() - start
    return result


def _data(root: Path, labels_csv: Path, reader: ClipReader, opts: TrainOptions) -> _Data:
    recs = read_labels(labels_csv)
    split = make_split(recs, opts.split, test=opts.test_fraction, val=opts.val_fraction, seed=opts.seed)
    exercises = list(opts.exercises) if opts.exercises else None
    parts = {name: samples_for(root, [r for r in recs if split.part_of(r) == name], reader, exercises)
             for name in ("train", "val")}
    if not parts["train"]:
        raise UserError(f"no training samples: no exercise {exercises or 'arrays'} under {root} for the training "
                        "side of the split")
    if opts.split == "patient" and not parts["val"]:
        raise UserError(f"the validation set is empty ({len(split.val)} validation patients with exercise "
                        f"{exercises or 'arrays'} in {labels_csv}): the best epoch would be chosen on the training "
                        "set. Give at least 3 patients per class, or --split study (the study's per-video 70/30 "
                        "split: no validation set, the last epoch is kept)")
    return _Data(split, parts["train"], parts["val"])


def encoder_normalisation(cfg: ModelConfig, encoder_dir: str | None) -> ModelConfig:
    """The encoder checkpoint's own input statistics (its preprocessor_config.json image_mean / image_std)
    when it has them; they are saved in the model's config.json and used at inference."""
    path = Path(encoder_dir) / "preprocessor_config.json" if encoder_dir else None
    if path is None or not path.is_file():
        return cfg
    try:
        pre = json.loads(path.read_text(encoding="utf-8"))
        return cfg.with_(pixel_mean=tuple(pre.get("image_mean", cfg.pixel_mean)),
                         pixel_std=tuple(pre.get("image_std", cfg.pixel_std)))
    except (OSError, ValueError, TypeError) as exc:
        raise UserError(f"{path} is not a readable preprocessor config ({exc})") from None


def _device(name: str, ranks: Ranks) -> torch.device:
    device = pick_device(name)
    if device.type == "cuda" and ranks.world > 1:
        device = torch.device("cuda", ranks.local_rank % torch.cuda.device_count())
        torch.cuda.set_device(device)
    return device


@contextmanager
def _process_group(ranks: Ranks, device: torch.device) -> Iterator[Any]:
    """torch.distributed when several processes run (nccl on CUDA, gloo on CPU), else None."""
    if ranks.world == 1:
        yield None
        return
    import torch.distributed as dist

    owned = not dist.is_initialized()
    if owned:
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo", rank=ranks.rank,
                                world_size=ranks.world)
    try:
        yield dist
    finally:
        if owned:
            dist.destroy_process_group()


class _Loop:
    """One epoch of optimisation and the validation accuracy, on this process's share of the samples."""

    def __init__(self, net: torch.nn.Module, model: FSHDModel, optimizer: torch.optim.Optimizer, root: Path,
                 reader: ClipReader, opts: TrainOptions, ranks: Ranks, device: torch.device,
                 cancel: threading.Event | None) -> None:
        self.net, self.model, self.optimizer, self.root, self.reader = net, model, optimizer, root, reader
        self.opts, self.ranks, self.device, self.cancel = opts, ranks, device, cancel
        self.use_amp = opts.amp and device.type == "cuda"
        self.scaler = torch.amp.GradScaler("cuda", enabled=self.use_amp)

    def epoch(self, samples: list[Sample], epoch: int) -> float:
        from torch.utils.data import DistributedSampler

        sampler = DistributedSampler(range(len(samples)), num_replicas=self.ranks.world, rank=self.ranks.rank,
                                     shuffle=True, seed=self.opts.seed)
        sampler.set_epoch(epoch)
        mine = list(sampler)
        per = self.opts.batch_size // self.ranks.world
        steps = -(-len(mine) // per)
        self.net.train()
        total = 0.0
        for k in range(steps):
            check_cancel(self.cancel)
            for group in self.optimizer.param_groups:
                group["lr"] = learning_rate(self.opts, epoch + k / steps)
            clips, labels = load_batch(self.root, self.reader, [samples[j] for j in mine[k * per:(k + 1) * per]])
            clips, labels = clips.to(self.device, non_blocking=True), labels.to(self.device)
            with torch.autocast(self.device.type, dtype=torch.float16, enabled=self.use_amp):
                loss = multitask_loss(self.net(clips), labels, self.model.cfg)
            self.optimizer.zero_grad(set_to_none=True)
            self.scaler.scale(loss).backward()
            self.scaler.step(self.optimizer)
            self.scaler.update()
            total += float(loss.detach())
        return self._sum(total, steps * self.ranks.world)

    def accuracy(self, samples: list[Sample]) -> float:
        """Binary accuracy (P(FSHD) ≥ 0.5) over all processes' shares of `samples`."""
        mine = samples[self.ranks.rank::self.ranks.world]
        p_fshd, _ = predict(self.model, lambda b: load_batch(self.root, self.reader, b)[0], mine,
                            max(1, self.opts.batch_size // self.ranks.world), self.device)
        correct = float(np.sum((p_fshd >= 0.5).astype(int) == np.array([s.recording.fshd for s in mine])))
        return self._sum(correct, len(samples))

    def _sum(self, value: float, denominator: int) -> float:
        if self.ranks.world > 1:
            import torch.distributed as dist

            t = torch.tensor([value], dtype=torch.float64, device=self.device)
            dist.all_reduce(t)
            value = float(t.item())
        return value / max(1, denominator)


def learning_rate(opts: TrainOptions, epoch: float) -> float:
    """Linear warm-up over `warmup_epochs`, then cosine decay to 0 at the last epoch (a function of the
    position only, so a resumed run continues on the same curve)."""
    if epoch < opts.warmup_epochs:
        return opts.lr * (epoch + 1e-3) / opts.warmup_epochs
    span = max(1e-9, opts.epochs - opts.warmup_epochs)
    return opts.lr * 0.5 * (1 + math.cos(math.pi * min(1.0, (epoch - opts.warmup_epochs) / span)))


def _card(opts: TrainOptions, cfg: ModelConfig, result: TrainResult, data: _Data, seconds: float,
          trainable: int) -> ModelCard:
    options = asdict(opts)
    options["encoder_dir"] = Path(opts.encoder_dir).name if opts.encoder_dir else None   # no machine paths
    return ModelCard(
        model_id=opts.model_id, trained_on=opts.trained_on, synthetic=opts.synthetic,
        date=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        exercises=sorted({s.exercise for s in data.train}) if opts.exercises is None else list(opts.exercises),
        training={"options": options, "best_epoch": result.best_epoch,
                  "best_val_accuracy": result.best_val_accuracy, "train_samples": len(data.train),
                  "val_samples": len(data.val), "seconds_so_far": round(seconds, 1), "split_seed": data.split.seed,
                  "split": {"mode": opts.split, "unit": data.split.unit, "leakage": data.split.leakage},
                  "checkpoint": "best validation accuracy" if data.val else "last epoch (no validation set)",
                  "encoder": (f"pre-trained: {options['encoder_dir']}" if opts.encoder_dir
                              else "random initialisation (--random-encoder)"),
                  "frozen_encoder": cfg.freeze_encoder, "processes": result.processes,
                  "input_normalisation": {"mean": list(cfg.pixel_mean), "std": list(cfg.pixel_std)},
                  "trainable_parameters": trainable},
    )
