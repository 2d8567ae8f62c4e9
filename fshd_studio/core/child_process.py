"""Long work in a child process: `call_in_child(work, report=, cancel=)` is an ordinary body for a job of the
window's runner (scoring a session, training the emotion classifier).

Why a process: preprocessing, the model and training keep Python busy (PyAV decoding, face tracking, loading
torch and its libraries), and a thread doing that holds the GIL for long stretches, so the window stalled for
seconds; native code (torch kernels, triton) can also abort the whole process. In a child (at a lower CPU
priority) the window's event loop stays free and a crash takes only the child down.

Progress, partial results and the return value come back over a queue (no files: nothing of the patient lands
in a temp folder). Cancel sets an event the child's work checks; a child still busy after GRACE_S (e.g. loading
torch or a model, which check nothing) is terminated, so Cancel answers at once. An exception comes back as the
same exception (UserError stays a UserError, Cancelled stays Cancelled); a child that dies without an answer
(a signal, os.abort, an exit) raises ChildCrashed with its exit code.

Spawned, not forked (the window has threads and Qt); the packaged app starts the child through the entry
point's multiprocessing.freeze_support(). No Qt here: the child imports this module and the work's.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Cancelled, Progress

CHILD_NICE = 5       # the child yields the CPU to the window (and the user's other programs)
POLL_S = 0.05
GRACE_S = 2.0        # after Cancel, the child may finish its step this long before it is stopped
JOIN_S = 2.0

T = TypeVar("T")


class ChildCrashed(Exception):
    """The work process ended without an answer: stopped by a signal (a native crash, the out-of-memory
    killer) or exited on its own."""

    def __init__(self, exitcode: int | None) -> None:
        super().__init__(exitcode)
        self.exitcode = exitcode

    @property
    def signal_name(self) -> str | None:
        """e.g. "SIGABRT" when a signal stopped it; None when it exited."""
        if self.exitcode is None or self.exitcode >= 0:
            return None
        try:
            return signal.Signals(-self.exitcode).name
        except ValueError:
            return f"signal {-self.exitcode}"

    def how(self) -> str:
        if self.signal_name is not None:
            return f"it was stopped by {self.signal_name}"
        return f"it ended with exit status {self.exitcode}"

    def __str__(self) -> str:
        return f"the work process ended without an answer ({self.how()})"


def call_in_child(work: Callable[..., T], *, report: Callable[[Progress], None], cancel: threading.Event,
                  partial: Callable[[Any], None] | None = None) -> T:
    """Run `work(report=, cancel=)` in a spawned process and return its result. `work` is a module-level
    function or a functools.partial of one (it is pickled); it is also given `partial=` when the caller takes
    partial results. Progress and partial results are relayed to `report` / `partial` as they come."""
    ctx = multiprocessing.get_context("spawn")
    out, stop = ctx.Queue(), ctx.Event()
    proc = ctx.Process(target=_child_main, args=(work, partial is not None, out, stop), name="fshd-studio-work",
                       daemon=True)
    proc.start()
    cancelled_at: float | None = None
    try:
        while True:
            if cancel.is_set() and cancelled_at is None:
                stop.set()
                cancelled_at = time.monotonic()
            if cancelled_at is not None and time.monotonic() - cancelled_at > GRACE_S:
                raise Cancelled()  # the child is deep in a step that does not check (loading a library or model)
            try:
                kind, obj = out.get(timeout=POLL_S)
            except queue.Empty:
                if not proc.is_alive() and out.empty():
                    raise ChildCrashed(proc.exitcode) from None
                continue
            if kind == "progress":
                report(obj)
            elif kind == "partial" and partial is not None:
                partial(obj)
            elif kind == "error":
                raise obj
            elif kind == "done":
                return obj
    finally:
        _stop(proc, stop, quick=cancelled_at is not None)
        out.close()


def _child_main(work: Callable[..., Any], with_partial: bool, out: Any, stop: Any) -> None:
    try:
        os.nice(CHILD_NICE)
    except (AttributeError, OSError):
        pass
    extra = {"partial": lambda obj: out.put(("partial", obj))} if with_partial else {}
    try:
        result = work(report=lambda p: out.put(("progress", p)), cancel=stop, **extra)
    except BaseException as exc:  # handed to the parent, which raises it in the job
        out.put(("error", _sendable(exc)))
    else:
        out.put(("done", result))


def _sendable(exc: BaseException) -> BaseException:
    """What crosses the queue: our own errors as themselves, a built-in one rebuilt from its text, anything
    else as a RuntimeError with its text. (The queue pickles on a thread, where an exception that cannot be
    pickled would be lost and the parent would see a crash; nothing here ever unpickles to find out.)"""
    if isinstance(exc, (UserError, Cancelled)):
        return exc
    if type(exc).__module__ == "builtins":
        try:
            return type(exc)(str(exc))
        except Exception:  # noqa: BLE001 - a built-in with other constructor arguments: its text below
            pass
    return RuntimeError(f"{type(exc).__name__}: {exc}")


def _stop(proc: Any, stop: Any, *, quick: bool) -> None:
    stop.set()
    proc.join(0.1 if quick else JOIN_S)
    if proc.is_alive():
        proc.terminate()
        proc.join(JOIN_S)
    if proc.is_alive():
        proc.kill()
        proc.join(JOIN_S)
