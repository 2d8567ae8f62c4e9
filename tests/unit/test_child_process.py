"""The one runner of long work in a child process: result, progress and partial results come back, an exception
comes back as itself, a child that dies without an answer is a typed crash, Cancel stops a child that checks
nothing. The work functions are module-level: the spawned child imports this module to find them."""

import functools
import os
import signal
import threading
import time

import pytest

from fshd_studio.core.child_process import GRACE_S, ChildCrashed, call_in_child
from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Cancelled, Progress


def count_to(n, *, report, cancel, partial):
    for i in range(n):
        report(Progress("count", i + 1, n))
        partial(("seen", i))
    return {"pid": os.getpid(), "n": n}


def refuse(*, report, cancel):
    raise UserError("dataset /d has no train/ and val/ folders")


def die_by(signum, *, report, cancel):
    os.kill(os.getpid(), signum)
    time.sleep(30)


def exit_quietly(*, report, cancel):
    os._exit(3)


def sleep_unchecked(*, report, cancel):
    report(Progress("sleeping", 0, 1))
    time.sleep(60)


def test_result_progress_and_partials_come_back_from_another_process():
    seen, parts = [], []
    res = call_in_child(functools.partial(count_to, 3), report=seen.append, cancel=threading.Event(),
                        partial=parts.append)
    assert res["n"] == 3 and res["pid"] != os.getpid()
    assert [(p.done, p.total) for p in seen] == [(1, 3), (2, 3), (3, 3)]
    assert parts == [("seen", 0), ("seen", 1), ("seen", 2)]


def test_a_user_error_in_the_child_is_raised_as_itself():
    with pytest.raises(UserError, match="no train/ and val/ folders"):
        call_in_child(refuse, report=lambda p: None, cancel=threading.Event())


@pytest.mark.parametrize("signum, name", [(signal.SIGABRT, "SIGABRT"), (signal.SIGKILL, "SIGKILL")])
def test_a_child_killed_by_a_signal_is_a_typed_crash(signum, name):
    with pytest.raises(ChildCrashed) as crash:
        call_in_child(functools.partial(die_by, signum), report=lambda p: None, cancel=threading.Event())
    assert crash.value.exitcode == -signum and crash.value.signal_name == name
    assert str(crash.value) == f"the work process ended without an answer (it was stopped by {name})"


def test_a_child_that_exits_without_an_answer_is_a_crash_with_its_status():
    with pytest.raises(ChildCrashed) as crash:
        call_in_child(exit_quietly, report=lambda p: None, cancel=threading.Event())
    assert crash.value.exitcode == 3 and crash.value.signal_name is None
    assert crash.value.how() == "it ended with exit status 3"


def test_cancel_stops_a_child_that_checks_nothing_after_the_grace_period():
    import psutil

    cancel, started = threading.Event(), threading.Event()

    def report(p):
        started.set()

    children_before = {c.pid for c in psutil.Process().children()}
    box = []
    runner = threading.Thread(target=lambda: box.append(_outcome(sleep_unchecked, report, cancel)))
    runner.start()
    assert started.wait(60)
    t0 = time.monotonic()
    cancel.set()
    runner.join(GRACE_S + 10)
    assert not runner.is_alive() and box == ["cancelled"]
    assert time.monotonic() - t0 < GRACE_S + 5
    spawned = [c for c in psutil.Process().children() if c.pid not in children_before
               and "spawn_main" in " ".join(c.cmdline())]
    assert spawned == []  # the child was stopped, not left sleeping


def _outcome(work, report, cancel):
    try:
        call_in_child(work, report=report, cancel=cancel)
    except Cancelled:
        return "cancelled"
    return "finished"
