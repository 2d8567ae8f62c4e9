"""Read protocol files: a bundled id (e.g. 'fshd-15') or a path to a JSON file."""

from __future__ import annotations

from pathlib import Path

from fshd_studio.core.errors import UserError
from fshd_studio.core.protocol import Protocol, protocol_from_dict
from fshd_studio.io.resources import resource_path
from fshd_studio.io.textfile import read_json_file

MAX_PROTOCOL_BYTES = 4 << 20

DEFAULT_PROTOCOL = "fshd-15"


def bundled_protocols() -> list[str]:
    return sorted(p.stem for p in resource_path("protocols").glob("*.json"))


def load_protocol(ref: str | Path = DEFAULT_PROTOCOL, base: Path | None = None) -> Protocol:
    """Load a protocol by bundled id or by path (relative paths resolve against `base`)."""
    ref_s = str(ref)
    if ref_s in bundled_protocols():
        path = resource_path("protocols", f"{ref_s}.json")
    else:
        path = Path(ref_s)
        if not path.is_absolute() and base is not None:
            path = base / path
    if not path.is_file():
        raise UserError(f"protocol {ref_s!r} not found (looked for {path}); bundled protocols: "
                        f"{', '.join(bundled_protocols())}")
    data = read_json_file(path, "protocol file", "fix it or pick another protocol", MAX_PROTOCOL_BYTES)
    if not isinstance(data, dict):
        raise UserError(f"protocol file {path} does not hold a JSON object; fix it or pick another protocol")
    return protocol_from_dict(data, str(path))
