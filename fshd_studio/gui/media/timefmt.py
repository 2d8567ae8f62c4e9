"""Time shown to people: hh:mm:ss.mmm (negative times get a minus sign)."""

from __future__ import annotations


def format_ms(ms: float) -> str:
    sign = "-" if ms < 0 else ""
    total = int(round(abs(ms)))
    h, rest = divmod(total, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, milli = divmod(rest, 1000)
    return f"{sign}{h:02d}:{m:02d}:{s:02d}.{milli:03d}"
