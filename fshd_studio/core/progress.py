"""The shared shape of long work: a plain function that reports Progress and honours a cancel token."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Progress:
    stage: str
    done: int
    total: int


ReportFn = Callable[[Progress], None]


class Cancelled(Exception):
    """Raised by long work when its cancel token is set; nothing half-written is left behind."""


def no_report(_: Progress) -> None:
    return None


def check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled()
