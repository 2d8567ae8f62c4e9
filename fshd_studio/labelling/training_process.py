"""Classifier training in a child process (core.child_process), so that nothing it does can take the caller down.

Training loads torch, ultralytics and native kernels (a deterministic-algorithms switch once imported triton on a
worker thread and crashed the whole window). In the child, `train_logged` runs `train_classifier`: its per-epoch
progress (with `done`/`total`, from which the GUI computes the time left) comes back through the runner, Cancel
stops the child, a UserError reaches the caller as itself, and any other end — a crash, a signal, an unexpected
exception — becomes one plain message. The caller's state (the votes are in their own file) is never touched.

The scratch folder is made and removed here, in the app's cache: a child that is killed cannot clean up. The
child's output (ultralytics' logs, a native library's last complaint) goes to a log in it, which the crash
message quotes.
"""

from __future__ import annotations

import functools
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from fshd_studio.core.child_process import ChildCrashed, call_in_child
from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Cancelled, ReportFn, no_report
from fshd_studio.labelling.classifier import TrainResult, _cache_root, train_classifier

CRASH_HOOK = "FSHD_STUDIO_TEST_CRASH_TRAINING"  # "abort": the training child dies at once, as native code can
LOG_NAME = "training.log"


def train_in_child(dataset: Path, out: Path, *, epochs: int = 30, imgsz: int = 128, size: str = "n",
                   device: str = "auto", report: ReportFn = no_report,
                   cancel: threading.Event | None = None) -> TrainResult:
    work = Path(tempfile.mkdtemp(prefix="train-", dir=_cache_root()))
    training = functools.partial(train_logged, dataset, out, epochs=epochs, imgsz=imgsz, size=size, device=device,
                                 work=work)
    try:
        return call_in_child(training, report=report, cancel=cancel or threading.Event())
    except (UserError, Cancelled):
        raise
    except ChildCrashed as exc:
        raise UserError(crash_message(exc.how(), last_words(work / LOG_NAME))) from exc
    except Exception as exc:  # an unexpected exception in the child: the same one message
        raise UserError(crash_message(f"it failed with {type(exc).__name__}", str(exc))) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)


def train_logged(dataset: Path, out: Path, *, epochs: int, imgsz: int, size: str, device: str, work: Path,
                 report: ReportFn, cancel: threading.Event) -> TrainResult:
    """The child's side: its output into the log, then the training (scratch files under `work`)."""
    _output_to(work / LOG_NAME)
    if os.environ.get(CRASH_HOOK) == "abort":
        os.write(2, b"crash hook: aborting\n")  # as a native library says its last words on stderr
        os.abort()
    return train_classifier(dataset, out, epochs=epochs, imgsz=imgsz, size=size, device=device, report=report,
                            cancel=cancel, work=work / "run")


def crash_message(how: str, last: str) -> str:
    hint = f" Its last words: {last[:300]}" if last else ""
    return (f"Training crashed ({how}); no classifier was written and your votes are safe. Try fewer epochs, a "
            f"smaller image size or model, or the CPU.{hint}")


def last_words(log: Path) -> str:
    """The log's last non-empty line ('' when there is none)."""
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    lines = [line.strip() for line in text.replace("\r", "\n").splitlines()]
    return next((line for line in reversed(lines) if line), "")


def _output_to(log: Path) -> None:
    """Both Python's and native code's stdout/stderr (file descriptors 1 and 2) into the log."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    f = open(log, "a", encoding="utf-8", errors="replace", buffering=1)  # noqa: SIM115 - the child's life long
    os.dup2(f.fileno(), 1)
    os.dup2(f.fileno(), 2)
    sys.stdout = sys.stderr = f
