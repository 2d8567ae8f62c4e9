"""Typed, bounded access to a parsed JSON object: every wrong type, non-finite or absurd value is refused with
the file, the field and what to do. Readers build their dataclasses from these values only."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from fshd_studio.core.errors import UserError

_MISSING: Any = object()


def describe(value: Any) -> str:
    """A value in words, for messages: 'the text "abc"', 'NaN', 'a list', 'the number 1e+308'."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        short = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {short!r}"
    if isinstance(value, float) and math.isnan(value):
        return "NaN (not a number)"
    if isinstance(value, float) and math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if isinstance(value, (int, float)):
        text = str(value)
        return f"the number {text if len(text) <= 24 else f'{float(value):.3g}'}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


class Fields:
    """Reads fields of one file's JSON; `what` names the file kind, `remedy` says what the user can do."""

    def __init__(self, path: Path, what: str, remedy: str, error: type[UserError] = UserError) -> None:
        self.path, self.what, self.remedy, self.error = Path(path), what, remedy, error

    def fail(self, where: str, problem: str, remedy: str | None = None) -> UserError:
        return self.error(f"{self.what} {self.path}: {f'{where} ' if where else ''}{problem}; "
                          f"{remedy or self.remedy}")

    def _wrong(self, where: str, value: Any, expected: str) -> UserError:
        return self.fail(where, f"is {describe(value)}, expected {expected}")

    def _get(self, d: dict[str, Any], key: str, where: str, default: Any) -> Any:
        if key in d and d[key] is not None:
            return d[key]
        if default is _MISSING:
            raise self.fail(_join(where, key), "is missing")
        return default

    def obj(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self._wrong(where, value, "an object ({...})")
        return value

    def items(self, d: dict[str, Any], key: str, where: str = "", default: Any = _MISSING) -> list[Any]:
        value = self._get(d, key, where, default)
        if not isinstance(value, list):
            raise self._wrong(_join(where, key), value, "a list ([...])")
        return value

    def sub(self, d: dict[str, Any], key: str, where: str = "", default: Any = _MISSING) -> dict[str, Any]:
        return self.obj(self._get(d, key, where, default), _join(where, key))

    def text(self, d: dict[str, Any], key: str, where: str = "", default: Any = _MISSING, *,
             max_len: int = 10_000, nonempty: bool = False) -> str:
        value = self._get(d, key, where, default)
        if not isinstance(value, str):
            raise self._wrong(_join(where, key), value, "text")
        if len(value) > max_len:
            raise self.fail(_join(where, key), f"is {len(value)} characters long (at most {max_len})")
        if nonempty and not value.strip():
            raise self.fail(_join(where, key), "is empty")
        return value

    def number(self, d: dict[str, Any], key: str, where: str = "", default: Any = _MISSING, *,
               lo: float = -math.inf, hi: float = math.inf, unit: str = "") -> float:
        value = self._get(d, key, where, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self._wrong(_join(where, key), value, "a number")
        try:
            out = float(value)
        except OverflowError:
            out = math.inf
        if not math.isfinite(out):
            raise self._wrong(_join(where, key), value, "a finite number")
        if not lo <= out <= hi:
            raise self.fail(_join(where, key), f"is {describe(value)}{unit}, outside {lo:g}–{hi:g}{unit}")
        return out

    def integer(self, d: dict[str, Any], key: str, where: str = "", default: Any = _MISSING, *,
                lo: int = -(2 ** 63), hi: int = 2 ** 63 - 1) -> int:
        value = self._get(d, key, where, default)
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and math.isfinite(value) and value.is_integer():
                value = int(value)
            else:
                raise self._wrong(_join(where, key), value, "a whole number")
        if not lo <= value <= hi:
            raise self.fail(_join(where, key), f"is {describe(value)}, outside {lo}–{hi}")
        return value

    def boolean(self, d: dict[str, Any], key: str, where: str = "", default: Any = _MISSING) -> bool:
        value = self._get(d, key, where, default)
        if not isinstance(value, bool):
            raise self._wrong(_join(where, key), value, "true or false")
        return value

    def choice(self, d: dict[str, Any], key: str, choices: tuple[str, ...], where: str = "",
               default: Any = _MISSING) -> str:
        value = self._get(d, key, where, default)
        if value not in choices or not isinstance(value, str):
            raise self._wrong(_join(where, key), value, f"one of {', '.join(choices)}")
        return value


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else f'"{key}"'
