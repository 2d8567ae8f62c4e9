"""What File → New session and the Session properties dialog edit: patient (pseudonymous study id), visit
date, annotator, camera names (from the protocol: front, side).

Plain values (frozen dataclasses): the undo command holds the old and the new properties, the controller
applies them; a NewSession becomes a Session with `build_session`.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, replace
from pathlib import Path

from fshd_studio.core.errors import UserError
from fshd_studio.core.protocol import Protocol
from fshd_studio.core.session import Camera, Session


@dataclass(frozen=True)
class SessionProperties:
    patient_id: str
    visit_date: str  # ISO date
    annotator: str
    camera_labels: tuple[tuple[str, str], ...]  # (camera id, label), in the session's camera order

    def label_of(self, camera_id: str) -> str:
        return dict(self.camera_labels).get(camera_id, "")

    def changes(self, other: SessionProperties) -> list[str]:
        """Names of what differs, for the undo text ("patient id, annotator")."""
        out = [name.replace("_", " ") for name in ("patient_id", "visit_date", "annotator")
               if getattr(self, name) != getattr(other, name)]
        if self.camera_labels != other.camera_labels:
            out.append("camera names")
        return out


def properties_of(session: Session) -> SessionProperties:
    return SessionProperties(session.patient_id, session.visit_date, session.annotator,
                             tuple((c.id, c.label) for c in session.cameras))


def apply_properties(session: Session, props: SessionProperties) -> None:
    session.patient_id = props.patient_id
    session.visit_date = props.visit_date
    session.annotator = props.annotator
    labels = dict(props.camera_labels)
    session.cameras = [replace(c, label=labels.get(c.id, c.label)) for c in session.cameras]


@dataclass(frozen=True)
class NewCamera:
    id: str  # from the protocol, e.g. "front"
    label: str  # e.g. "Front camera"
    video: Path | None


@dataclass(frozen=True)
class NewSession:
    """What File → New session asks for (also pre-filled from dropped videos)."""

    cameras: tuple[NewCamera, ...]
    patient_id: str = ""
    visit_date: str = ""
    annotator: str = ""

    def problems(self) -> list[str]:
        """What still keeps OK disabled, in the user's words (empty when the session can be made)."""
        out = [f"choose the {c.label or c.id} video" for c in self.cameras if c.video is None]
        out += [f"{c.label or c.id}: {c.video.name} does not exist" for c in self.cameras
                if c.video is not None and not c.video.is_file()]
        if not self.patient_id.strip():
            out.append("enter the patient's study id")
        elif not PSEUDONYM.fullmatch(self.patient_id.strip()):
            out.append("the patient id is a study code (letters, digits, '-', '_', '.'), never a name")
        if len({c.id for c in self.cameras}) != len(self.cameras):
            out.append("two cameras have the same id")
        return out


PSEUDONYM = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def draft_from_videos(protocol: Protocol, videos: list[Path], annotator: str = "") -> NewSession:
    """The protocol's cameras (front, side …) given the videos in order; today's date."""
    cams = [NewCamera(pc.id, pc.label, Path(videos[i]).absolute() if i < len(videos) else None)
            for i, pc in enumerate(protocol.cameras)]
    return NewSession(tuple(cams), "", _dt.date.today().isoformat(), annotator)


def build_session(draft: NewSession, protocol: Protocol, protocol_file: str) -> Session:
    if draft.problems():
        raise UserError(f"cannot make the session: {'; '.join(draft.problems())}")
    cams = [Camera(c.id, Path(c.video).absolute(), 0.0, label=c.label.strip() or c.id) for c in draft.cameras
            if c.video is not None]
    return Session(draft.patient_id.strip(), draft.visit_date, protocol, cams, protocol_file=protocol_file,
                   annotator=draft.annotator.strip())
