"""Reading the app's text and JSON files with one set of checks and messages.

Every JSON file a user can hand the app (project, protocol, model config and card, preprocess index) is read
here: the size is capped before reading, UTF-8 is read with or without a byte-order mark (what Windows Notepad
writes), other encodings are named as such, files of another kind (an ELAN file, a database, a video, a pickle)
are named, a repeated key is refused instead of silently keeping the last one, and a JSON error says whether
the file looks cut short or damaged.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fshd_studio.core.errors import UserError

MAX_JSON_BYTES = 64 << 20  # far above any file the app writes (a 15-exercise project is ~5 kB)

# magic bytes of the files users pick by mistake, and what to call them
_MAGIC = (
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a zip archive (a PyTorch .pt checkpoint is one)"),
    (b"\x93NUMPY", "a numpy array file"),
    (b"\x1aE\xdf\xa3", "a video (Matroska/WebM)"),
    (b"RIFF", "a media file (RIFF: AVI or WAV)"),
    (b"%PDF", "a PDF document"),
)
_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def file_kind(raw: bytes) -> str | None:
    """What a file of another kind is, from its first bytes (None when nothing is recognised)."""
    for magic, kind in _MAGIC:
        if raw.startswith(magic):
            return kind
    if raw[4:8] == b"ftyp":
        return "a video (MP4/MOV)"
    if raw[:1] == b"\x80" and raw[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return "a Python pickle (never opened: it could run code)"
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:400]
    if head.startswith(b"<"):
        if b"ANNOTATION_DOCUMENT" in head:
            return "an ELAN annotation file (.eaf)"
        return "an XML or HTML file"
    return None


def read_limited(path: Path, what: str, max_bytes: int) -> bytes:
    """The file's bytes, refusing a missing path, a folder or a file over `max_bytes` before reading it."""
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{path} is a folder, not a {what}; choose the file itself")
    if not path.is_file():
        raise UserError(f"{what} {path} does not exist; check the path")
    size = path.stat().st_size
    if size > max_bytes:
        raise UserError(f"{what} {path} is {size / 1e6:.0f} MB, far larger than any {what} "
                        f"(at most {max_bytes / 1e6:.0f} MB); it is not a {what} — choose the right file")
    return path.read_bytes()


def decode_text(raw: bytes, path: Path, what: str) -> str:
    """UTF-8 with or without BOM; UTF-16/32 and Latin-1 named as an encoding problem; binary named as such."""
    if not raw.strip():
        raise UserError(f"{what} {path} is empty ({len(raw)} bytes); it was not saved completely — "
                        "restore a backup or choose another file")
    for bom, name in _BOMS:
        if raw.startswith(bom):
            raise _encoding_error(path, what, name)
    kind = file_kind(raw)
    if kind is not None and not kind.startswith(("an ELAN", "an XML")):
        raise UserError(f"{path} is {kind}, not a {what}; choose the {what} itself")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw:
        if _looks_utf16(raw):
            raise _encoding_error(path, what, "UTF-16")
        raise UserError(f"{what} {path} is not a text file (it holds binary data); choose the {what} itself")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if _mostly_printable(raw):
            line = raw[: exc.start].count(b"\n") + 1
            raise _encoding_error(path, what, "Latin-1/Windows-1252",
                                  f" (byte 0x{raw[exc.start]:02x} on line {line} is not UTF-8)") from None
        raise UserError(f"{what} {path} is not a text file (it holds binary data); choose the {what} "
                        "itself") from None


def _encoding_error(path: Path, what: str, encoding: str, detail: str = "") -> UserError:
    return UserError(f"{what} {path} is saved in the {encoding} encoding{detail}; FSHD Studio reads UTF-8: open "
                     "it in a text editor and save it again as UTF-8")


def _looks_utf16(raw: bytes) -> bool:
    sample = raw[:2000]
    zeros_even, zeros_odd = sample[0::2].count(0), sample[1::2].count(0)
    half = max(1, len(sample) // 2)
    return max(zeros_even, zeros_odd) > 0.4 * half and min(zeros_even, zeros_odd) < 0.05 * half


def _mostly_printable(raw: bytes) -> bool:
    sample = raw[:4000]
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    return control == 0


def _no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _RepeatedKey(key)
        out[key] = value
    return out


class _RepeatedKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def read_json_file(path: Path, what: str, remedy: str, max_bytes: int = MAX_JSON_BYTES) -> Any:
    """Parse a JSON file; UserError naming the file, what is wrong and `remedy` (what the user can do)."""
    path = Path(path)
    raw = read_limited(path, what, max_bytes)
    text = decode_text(raw, path, what)
    kind = file_kind(raw)
    if kind is not None:  # an .eaf or other XML chosen where a JSON file was expected
        raise UserError(f"{path} is {kind}, not a {what}; choose the {what} itself"
                        + ("; an .eaf is imported into a project (File → Import ELAN, or `fshd-studio elan import`)"
                           if "ELAN" in kind else ""))
    try:
        return json.loads(text, object_pairs_hook=_no_repeated_keys)
    except _RepeatedKey as exc:
        raise UserError(f"{what} {path} has the key {exc.key!r} twice in one object; it is ambiguous which one "
                        f"counts — {remedy}") from None
    except json.JSONDecodeError as exc:
        cut = not text.rstrip().endswith(("}", "]"))
        hint = "it looks cut short (was a save interrupted?)" if cut else "it is damaged"
        raise UserError(f"{what} {path} cannot be read: {hint} — {exc.msg.removesuffix(' at')} at line "
                        f"{exc.lineno}, column {exc.colno}; {remedy}") from None
    except ValueError:  # Python refuses integers of thousands of digits
        raise UserError(f"{what} {path} cannot be read: it holds a number thousands of digits long; "
                        f"{remedy}") from None
    except RecursionError:
        raise UserError(f"{what} {path} cannot be read: it is nested thousands of levels deep; {remedy}") from None
