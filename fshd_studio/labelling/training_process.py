"""Classifier training in a child process, so that nothing it does can take the caller down.

Training loads torch, ultralytics and native kernels (a deterministic-algorithms switch once imported triton on a
worker thread and crashed the whole window). Here it runs as `python -m fshd_studio votes train ...`: progress
comes back as the command's JSON lines on stderr (one per epoch, with `done`/`total`, from which the GUI computes
the time left), Cancel kills the child, and any end other than success — an `error:` line, a non-zero exit, a
signal — becomes one plain message. The caller's state (the votes are in their own file) is never touched.
"""

from __future__ import annotations

import collections
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np

from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Cancelled, Progress, ReportFn, no_report
from fshd_studio.labelling.classifier import TrainResult, _cache_root

POLL_S = 0.1


def train_in_child(dataset: Path, out: Path, *, epochs: int = 30, imgsz: int = 128, size: str = "n",
                   device: str = "auto", report: ReportFn = no_report,
                   cancel: threading.Event | None = None) -> TrainResult:
    work = Path(tempfile.mkdtemp(prefix="train-", dir=_cache_root()))
    app = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "fshd_studio"]  # packaged
    cmd = [*app, "votes", "train", str(dataset), "--out", str(out),
           "--epochs", str(epochs), "--imgsz", str(imgsz), "--model", size, "--device", device,
           "--work-dir", str(work)]
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                text=True, encoding="utf-8", errors="replace")
    except OSError as exc:
        shutil.rmtree(work, ignore_errors=True)
        raise UserError(f"the training process could not be started ({exc})") from exc
    tail: collections.deque[str] = collections.deque(maxlen=12)
    errors: list[str] = []
    stdout: list[str] = []
    readers = [threading.Thread(target=_read_stderr, args=(proc, report, tail, errors), daemon=True),
               threading.Thread(target=lambda: stdout.append(proc.stdout.read()), daemon=True)]
    for t in readers:
        t.start()
    try:
        while True:
            try:
                proc.wait(timeout=POLL_S)
                break
            except subprocess.TimeoutExpired:
                pass
            if cancel is not None and cancel.is_set():
                proc.kill()
                proc.wait()
                raise Cancelled()
        for t in readers:
            t.join(5)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(work, ignore_errors=True)
    return _result(proc.returncode, "".join(stdout), errors, tail)


def _read_stderr(proc: subprocess.Popen, report: ReportFn, tail: collections.deque, errors: list[str]) -> None:
    assert proc.stderr is not None
    for line in proc.stderr:
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            try:
                d = json.loads(line)
                report(Progress(str(d["stage"]), int(d["done"]), int(d["total"])))
                continue
            except (ValueError, KeyError, TypeError):
                pass
        if line.startswith("error:"):
            errors.append(line[len("error:"):].strip())
        tail.append(line)


def _result(rc: int, stdout: str, errors: list[str], tail: collections.deque) -> TrainResult:
    if rc == 0:
        try:
            d = json.loads(stdout)
            return TrainResult(Path(d["weights"]), float(d["val_top1"]), np.asarray(d["confusion_pred_by_true"]),
                               list(d["classes"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise UserError("the training process ended without its result; nothing was changed — try again") from exc
    if errors:
        raise UserError(errors[-1])
    last = next((line for line in reversed(tail) if not line.startswith("{")), "")
    if rc < 0:
        try:
            how = f"it was stopped by {signal.Signals(-rc).name}"
        except ValueError:
            how = f"it was stopped by signal {-rc}"
    else:
        how = f"it ended with exit status {rc}"
    hint = f" Its last words: {last[:300]}" if last else ""
    raise UserError(f"Training crashed ({how}); no classifier was written and your votes are safe. Try fewer "
                    f"epochs, a smaller image size or model, or the CPU.{hint}")
