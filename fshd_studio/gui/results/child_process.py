"""Long numeric work in a child process, called from a job of the window's runner: `call_in_child(fn, ...)`
is an ordinary `fn(report, cancel)` body for `window.jobs.start`.

Why a process: preprocessing and the model keep Python busy (PyAV decoding, face tracking, loading torch
and its libraries), and a thread doing that holds the GIL for long stretches, so the window stalled for
seconds while a session was scored. In a child process (at a lower CPU priority) the window's event loop
stays free. Progress, partial results and the return value come back over a queue (no files: nothing of
the patient lands in a temp folder). Cancel sets an event the child's work checks; a child still busy after
GRACE_S (e.g. loading torch or a model, which check nothing) is terminated, so Cancel answers at once (the
app's atomic writer leaves no half-written file: its temp files are named by pid and cleaned later). An
error comes back as the same exception (UserError stays a UserError, Cancelled stays Cancelled).

No Qt here: the child imports this module and the work function's, nothing else of the window.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from fshd_studio.core.progress import Cancelled, Progress

CHILD_NICE = 5       # the child yields the CPU to the window (and the user's other programs)
POLL_S = 0.05
GRACE_S = 2.0        # after Cancel, the child may finish its step this long before it is stopped
JOIN_S = 2.0


def _child_main(fn: Callable[..., Any], kwargs: dict[str, Any], out: Any, stop: Any) -> None:
    try:
        os.nice(CHILD_NICE)
    except (AttributeError, OSError):
        pass
    try:
        result = fn(**kwargs, report=lambda p: out.put(("progress", p)), cancel=stop,
                    partial=lambda obj: out.put(("partial", obj)))
    except BaseException as exc:  # handed to the parent, which raises it in the job
        try:
            out.put(("error", exc))
        except Exception:  # an exception that does not pickle: its text
            out.put(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    else:
        out.put(("done", result))


def call_in_child(fn: Callable[..., Any], kwargs: dict[str, Any], *, report: Callable[[Progress], None],
                  cancel: threading.Event, partial: Callable[[Any], None] | None = None) -> Any:
    """Run `fn(**kwargs, report=, cancel=, partial=)` (a module-level function) in a spawned process and
    return its result; progress and partial results are relayed to `report` / `partial` as they come."""
    ctx = multiprocessing.get_context("spawn")
    out, stop = ctx.Queue(), ctx.Event()
    proc = ctx.Process(target=_child_main, args=(fn, kwargs, out, stop), name="fshd-studio-work", daemon=True)
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
                    raise RuntimeError(f"the work process ended without an answer (exit code {proc.exitcode})") \
                        from None
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
        stop.set()
        proc.join(JOIN_S if cancelled_at is None else 0.1)
        if proc.is_alive():
            proc.terminate()
            proc.join(JOIN_S)
        if proc.is_alive():
            proc.kill()
            proc.join(JOIN_S)
        out.close()
