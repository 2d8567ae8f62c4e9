"""The project file `*.fshd.json`: versioned, paths relative to the file, atomic save, clear load errors.

Schema history
- 1: draft format of the first prototypes: segments as a dict keyed by exercise id, offsets in seconds.
- 2: segments as a list, offsets in ms, optional linked ELAN file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from fshd_studio import __version__
from fshd_studio.core.errors import ProjectFileError, UserError
from fshd_studio.core.session import Camera, Segment, SegmentStatus, Session, Span
from fshd_studio.io.atomic import atomic_write_json, clean_stale_temps
from fshd_studio.io.fields import Fields
from fshd_studio.io.protocol_file import load_protocol
from fshd_studio.io.textfile import read_json_file

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
        "annotator": session.annotator,
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


def save_autosave(session: Session, sidecar: Path, project: Path) -> None:
    """The crash-recovery sidecar: the project's format, paths relative to the project's folder, written
    atomically (a kill leaves the previous sidecar whole; its temp file is removed on the next write)."""
    atomic_write_json(Path(sidecar), session_to_dict(session, Path(project).absolute().parent))


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

# Sane bounds: a session is at most a day long, and so is a camera's sync offset (the offset editor's range).
MAX_SESSION_MS = 86_400_000.0
MAX_OFFSET_MS = 86_400_000.0
REMEDY = "fix it in a text editor or restore a backup (or its autosave)"
CAMERA_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$")  # also a folder name in preprocess output


def load_project(path: Path) -> LoadedProject:
    """Read a project file; every problem is a ProjectFileError naming the file, the field and what to do."""
    path = Path(path).absolute()
    try:
        data = read_json_file(path, "project file", f"open its autosave ({path.name}.autosave) if there is "
                              "one, or a backup")
    except ProjectFileError:
        raise
    except UserError as exc:
        raise ProjectFileError(str(exc)) from None
    clean_stale_temps(path)  # leftovers of a save that was killed
    if not isinstance(data, dict) or "schema_version" not in data:
        raise ProjectFileError(f"project file {path} has no schema_version; it is not an FSHD Studio project")
    version = data["schema_version"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ProjectFileError(f"project file {path} has an invalid schema_version {version!r}")
    if version > SCHEMA_VERSION:
        raise ProjectFileError(
            f"project file {path} was written by a newer FSHD Studio (schema {version}, this app reads up to "
            f"{SCHEMA_VERSION}); update FSHD Studio to open it")
    migrated_from = version if version < SCHEMA_VERSION else None
    while version < SCHEMA_VERSION:
        try:
            data = MIGRATIONS[version](data)
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            raise ProjectFileError(f"project file {path} (schema {version}) has a missing or wrong field "
                                   f"({exc!r}); {REMEDY}") from None
        version = data["schema_version"]
    loaded = _build(data, path)
    loaded.migrated_from = migrated_from
    return loaded


def _build(d: dict[str, Any], path: Path) -> LoadedProject:
    f = Fields(path, "project file", REMEDY, ProjectFileError)
    base = path.parent
    protocol_ref = f.text(d, "protocol", default="fshd-15", nonempty=True)
    try:
        protocol = load_protocol(protocol_ref, base)
    except UserError as exc:
        raise ProjectFileError(f"project file {path}: {exc}") from None
    cameras = [_camera(f, f.obj(c, f"cameras[{i}]"), f"cameras[{i}]", base)
               for i, c in enumerate(f.items(d, "cameras"))]
    if not cameras:
        raise f.fail('"cameras"', "is empty; a session needs at least one camera video",
                     "start a new session from the videos (drop them on the window) or restore a backup")
    ids = [c.id for c in cameras]
    if len(set(ids)) != len(ids):
        twice = sorted({i for i in ids if ids.count(i) > 1})
        raise f.fail('"cameras"', f"has two cameras with the id {twice[0]!r}; every camera needs its own id")
    segments: dict[int, Segment] = {}
    for i, s in enumerate(f.items(d, "segments", default=[])):
        seg = _segment(f, f.obj(s, f"segments[{i}]"), f"segments[{i}]")
        if seg.exercise_id in segments:
            old = segments[seg.exercise_id].span
            raise f.fail(f"segments[{i}]", f"is a second segment for exercise {seg.exercise_id} "
                         f"({old.start_ms:.0f}–{old.end_ms:.0f} ms and {seg.span.start_ms:.0f}–"
                         f"{seg.span.end_ms:.0f} ms); a session holds one segment per exercise — delete the wrong "
                         "one")
        segments[seg.exercise_id] = seg
    elan = f.sub(d, "elan", default={})
    linked = f.text(elan, "linked_eaf", "elan", default="")
    session = Session(
        patient_id=f.text(d, "patient_id", default="", max_len=200),
        visit_date=f.text(d, "visit_date", default="", max_len=64),
        protocol=protocol,
        cameras=cameras,
        segments=segments,
        protocol_file=protocol_ref,
        linked_eaf=(base / linked).resolve() if linked else None,
        exercise_tier=f.text(elan, "exercise_tier", "elan", default="Exercise", max_len=500),
        notes=f.text(d, "notes", default="", max_len=1_000_000),
        annotator=f.text(d, "annotator", default="", max_len=200),
    )
    missing = [c.id for c in cameras if not c.video.is_file()]
    return LoadedProject(session, path, missing, None)


def _camera(f: Fields, c: dict[str, Any], where: str, base: Path) -> Camera:
    cid = f.text(c, "id", where, max_len=64)
    if not CAMERA_ID.match(cid) or cid.rstrip(".") != cid:
        raise f.fail(f"{where}.id", f"is {cid!r}; a camera id is a short name of letters, digits, spaces, "
                     "'.', '_' or '-' (e.g. front)")
    video = f.text(c, "video", where, nonempty=True, max_len=4096)
    if "\x00" in video:
        raise f.fail(f"{where}.video", "holds a NUL character")
    return Camera(id=cid, video=(base / video).resolve(),
                  offset_ms=f.number(c, "offset_ms", where, default=0.0, lo=-MAX_OFFSET_MS, hi=MAX_OFFSET_MS,
                                     unit=" ms"),
                  label=f.text(c, "label", where, default="", max_len=200))


def _segment(f: Fields, s: dict[str, Any], where: str) -> Segment:
    ex = f.integer(s, "exercise_id", where, lo=0, hi=10_000)
    start = f.number(s, "start_ms", where, lo=0.0, hi=MAX_SESSION_MS, unit=" ms")
    end = f.number(s, "end_ms", where, lo=0.0, hi=MAX_SESSION_MS, unit=" ms")
    if not end > start:
        raise f.fail(where, f"(exercise {ex}) ends at {end:g} ms, "
                     f"{'before' if end < start else 'when'} it starts ({start:g} ms)")
    status = f.choice(s, "status", tuple(x.value for x in SegmentStatus), where, default="draft")
    return Segment(ex, Span(start, end), SegmentStatus(status), f.text(s, "annotator", where, default="", max_len=200),
                   f.text(s, "note", where, default="", max_len=100_000))


def relocate_video(session: Session, camera_id: str, new_path: Path) -> None:
    from dataclasses import replace

    session.with_camera(replace(session.camera(camera_id), video=Path(new_path).absolute()))
