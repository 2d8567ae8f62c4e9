"""The results file beside a project: `<name>.results.json` next to `<name>.fshd.json` (versioned, atomic).

Also where a project's preprocessing cache lives (`<name>.cache/preprocessed/`): beside the project, not in
the system temp folder, so patient face crops stay with the patient's files and a re-run reuses them.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from fshd_studio.core.errors import UserError
from fshd_studio.core.results import RESULTS_SCHEMA_VERSION, SessionResults
from fshd_studio.io.atomic import atomic_write_json

PROJECT_SUFFIX = ".fshd.json"


def _stem(project: Path) -> str:
    name = Path(project).name
    return name[: -len(PROJECT_SUFFIX)] if name.endswith(PROJECT_SUFFIX) else Path(project).stem


def results_path(project: Path) -> Path:
    return Path(project).with_name(_stem(project) + ".results.json")


def cache_dir(project: Path) -> Path:
    return Path(project).with_name(_stem(project) + ".cache") / "preprocessed"


def save_results(path: Path, results: SessionResults) -> None:
    atomic_write_json(Path(path), results.to_dict())


def load_results(path: Path) -> SessionResults | None:
    """None when there is no results file; UserError when there is one that cannot be read."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"), parse_constant=_no_constant)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        raise UserError(f"results file {path} cannot be read ({exc}); delete it and score the session again") \
            from None
    version = doc.get("schema_version") if isinstance(doc, dict) else None
    if version != RESULTS_SCHEMA_VERSION:
        raise UserError(f"results file {path} has schema version {version!r}, this app reads "
                        f"{RESULTS_SCHEMA_VERSION}; score the session again to replace it")
    try:
        return SessionResults.from_dict(doc)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise UserError(f"results file {path} is damaged ({type(exc).__name__}: {exc}); delete it and score "
                        "the session again") from None


def _no_constant(name: str) -> float:
    if name in ("NaN", "Infinity", "-Infinity"):
        raise ValueError(f"non-finite number {name}")
    return math.nan
