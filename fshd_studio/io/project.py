"""The project file `*.fshd.json`: versioned, paths relative to the file, atomic save, clear load errors.

Schema history
- 1: draft format of the first prototypes: segments as a dict keyed by exercise id, offsets in seconds.
- 2: segments as a list, offsets in ms, optional linked ELAN file.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from fshd_studio import __version__
from fshd_studio.core.errors import ProjectFileError
from fshd_studio.core.session import Camera, Segment, SegmentStatus, Session, Span
from fshd_studio.io.atomic import atomic_write_json
from fshd_studio.io.protocol_file import load_protocol

SCHEMA_VERSION = 2
PROJECT_SUFFIX = ".fshd.json"


@dataclass
class LoadedProject:
    session: Session
    path: Path
    missing_videos: list[str] = field(default_factory=list)  # camera ids whose video file is absent
    migrated_from: int | None = None


def _rel(path: Path, base: Path) -> str:
    try:
        return Path(os.path.relpath(path, base)).as_posix()
    except ValueError:  # other drive on Windows
        return str(path)


def session_to_dict(session: Session, base: Path) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "app": f"fshd-studio {__version__}",
        "patient_id": session.patient_id,
        "visit_date": session.visit_date,
        "protocol": session.protocol_file,
        "cameras": [
            {"id": c.id, "label": c.label, "video": _rel(c.video, base), "offset_ms": c.offset_ms}
            for c in session.cameras
        ],
        "segments": [
            {"exercise_id": s.exercise_id, "start_ms": s.span.start_ms, "end_ms": s.span.end_ms,
             "status": s.status.value, "annotator": s.annotator, "note": s.note}
            for s in session.ordered_segments()
        ],
        "elan": {
            "linked_eaf": _rel(session.linked_eaf, base) if session.linked_eaf else None,
            "exercise_tier": session.exercise_tier,
        },
        "notes": session.notes,
    }


def save_project(session: Session, path: Path) -> None:
    path = Path(path).absolute()
    atomic_write_json(path, session_to_dict(session, path.parent))


def _migrate_1_to_2(d: dict[str, Any]) -> dict[str, Any]:
    d = dict(d)
    segs = d.get("segments", {})
    if isinstance(segs, dict):
        d["segments"] = [{"exercise_id": int(k), **v} for k, v in segs.items()]
    d["cameras"] = [
        {k: v for k, v in c.items() if k != "offset_s"} | {"offset_ms": float(c.get("offset_s", 0.0)) * 1000.0}
        for c in d.get("cameras", [])
    ]
    d.setdefault("elan", {"linked_eaf": None, "exercise_tier": "Exercise"})
    d["schema_version"] = 2
    return d


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _migrate_1_to_2}


def load_project(path: Path) -> LoadedProject:
    path = Path(path).absolute()
    if not path.is_file():
        raise ProjectFileError(f"project file {path} does not exist; check the path or open another project")
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ProjectFileError(f"project file {path} is not a text file ({exc.reason}); "
                               "it is not an FSHD Studio project") from exc
    except json.JSONDecodeError as exc:
        hint = "it looks cut short (was a save interrupted?)" if not raw.rstrip().endswith(b"}") else "it is damaged"
        raise ProjectFileError(
            f"project file {path} cannot be read: {hint} — {exc.msg.removesuffix(' at')} at line {exc.lineno}, "
            f"column {exc.colno}; "
            f"open its autosave ({path.name}.autosave) if there is one, or a backup") from exc
    if not isinstance(data, dict) or "schema_version" not in data:
        raise ProjectFileError(f"project file {path} has no schema_version; it is not an FSHD Studio project")
    version = data["schema_version"]
    if not isinstance(version, int) or version < 1:
        raise ProjectFileError(f"project file {path} has an invalid schema_version {version!r}")
    if version > SCHEMA_VERSION:
        raise ProjectFileError(
            f"project file {path} was written by a newer FSHD Studio (schema {version}, this app reads up to "
            f"{SCHEMA_VERSION}); update FSHD Studio to open it")
    migrated_from = version if version < SCHEMA_VERSION else None
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version = data["schema_version"]
    try:
        loaded = _build(data, path)
    except (KeyError, TypeError, ValueError) as exc:
        raise ProjectFileError(f"project file {path} is missing or has a wrong field ({exc!r}); "
                               "fix the file or restore a backup") from exc
    loaded.migrated_from = migrated_from
    return loaded


def _build(d: dict[str, Any], path: Path) -> LoadedProject:
    base = path.parent
    protocol = load_protocol(d.get("protocol", "fshd-15"), base)
    cameras = [
        Camera(id=str(c["id"]), video=(base / c["video"]).resolve(), offset_ms=float(c.get("offset_ms", 0.0)),
               label=str(c.get("label", "")))
        for c in d["cameras"]
    ]
    if len({c.id for c in cameras}) != len(cameras):
        raise ValueError("two cameras share an id")
    segments: dict[int, Segment] = {}
    for s in d.get("segments", []):
        seg = Segment(int(s["exercise_id"]), Span(float(s["start_ms"]), float(s["end_ms"])),
                      SegmentStatus(s.get("status", "draft")), str(s.get("annotator", "")), str(s.get("note", "")))
        segments[seg.exercise_id] = seg
    elan = d.get("elan") or {}
    linked = elan.get("linked_eaf")
    session = Session(
        patient_id=str(d.get("patient_id", "")),
        visit_date=str(d.get("visit_date", "")),
        protocol=protocol,
        cameras=cameras,
        segments=segments,
        protocol_file=str(d.get("protocol", "fshd-15")),
        linked_eaf=(base / linked).resolve() if linked else None,
        exercise_tier=str(elan.get("exercise_tier", "Exercise")),
        notes=str(d.get("notes", "")),
    )
    missing = [c.id for c in cameras if not c.video.is_file()]
    return LoadedProject(session, path, missing, None)


def relocate_video(session: Session, camera_id: str, new_path: Path) -> None:
    from dataclasses import replace

    session.with_camera(replace(session.camera(camera_id), video=Path(new_path).absolute()))
