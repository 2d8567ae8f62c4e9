"""The header check of .npy files, before any memory is given to them (training data, preprocessed clips)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np


class NpyError(ValueError):
    """What is wrong with a .npy file, in words (the caller names the file and the remedy)."""


def check_npy_header(path: Path, dtype: Any = None, ndim: int | None = None, trailing: tuple[int, ...] = ()) -> None:
    """Read only the header of a .npy file and refuse a wrong kind, shape or a file too short for it (a copy cut
    short), before any memory is given to it; NpyError says what is wrong."""
    from numpy.lib import format as npy

    try:
        with open(path, "rb") as fh:
            version = npy.read_magic(fh)
            shape, _order, got = npy._read_array_header(fh, version)  # the reader np.load uses
            offset = fh.tell()
    except (ValueError, EOFError, OSError, SyntaxError, TypeError) as exc:
        raise NpyError(f"its header is not a numpy array header ({exc})") from None
    if got.hasobject:
        raise NpyError("it holds Python objects (never loaded: unpickling could run code)")
    need = int(np.prod(shape, dtype=object)) * got.itemsize
    have = path.stat().st_size - offset
    if have < need:
        raise NpyError(f"it is cut short ({have} of {need} bytes of data)")
    if dtype is not None and (got != np.dtype(dtype) or len(shape) != ndim
                              or tuple(shape[len(shape) - len(trailing):]) != trailing):
        raise NpyError(f"it holds {got} {tuple(shape)}, not {np.dtype(dtype)} with {ndim} dimensions "
                       f"ending in {trailing}")


