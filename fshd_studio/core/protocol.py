"""The exercise protocol: which facial exercises a session contains, in which order.

The protocol is data (resources/protocols/*.json), parsed here without touching files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fshd_studio.core.errors import UserError

REGIONS = ("forehead", "brows", "eyes", "nose", "cheeks", "mouth", "lips", "chin")
MEASURES = (
    "none",
    "brow_height",
    "eyelid_aperture",
    "nose_wrinkle",
    "mouth_corner_excursion",
    "lip_protrusion",
    "cheek_bulge",
)


@dataclass(frozen=True)
class Exercise:
    id: int
    code: str
    name_en: str
    name_fr: str
    instruction_en: str
    instruction_fr: str
    regions: tuple[str, ...]
    measure: str

    def label(self) -> str:
        return f"{self.id:02d} {self.name_en}"


@dataclass(frozen=True)
class ProtocolCamera:
    """A camera the protocol films with: its id in sessions (e.g. "front") and its name for people."""

    id: str
    label: str


DEFAULT_CAMERAS = (ProtocolCamera("front", "Front camera"), ProtocolCamera("side", "Side camera"))


@dataclass(frozen=True)
class Protocol:
    id: str
    name: str
    version: int
    reference_exercise: int
    exercises: tuple[Exercise, ...]
    cameras: tuple[ProtocolCamera, ...] = DEFAULT_CAMERAS

    def by_id(self, exercise_id: int) -> Exercise:
        for ex in self.exercises:
            if ex.id == exercise_id:
                return ex
        raise KeyError(exercise_id)

    def by_code(self, code: str) -> Exercise | None:
        for ex in self.exercises:
            if ex.code == code:
                return ex
        return None

    def ids(self) -> list[int]:
        return [ex.id for ex in self.exercises]

    def find_by_label(self, text: str) -> Exercise | None:
        """Match an annotation value to an exercise: code, id, '07 Smile', or English/French name."""
        t = text.strip().lower()
        if not t:
            return None
        for ex in self.exercises:
            names = {ex.code.lower(), str(ex.id), f"{ex.id:02d}", ex.name_en.lower(), ex.name_fr.lower(),
                     ex.label().lower()}
            if t in names:
                return ex
        head = t.split()[0].rstrip(".:-")
        if head.isdigit():
            n = int(head)
            for ex in self.exercises:
                if ex.id == n:
                    return ex
        return None


def protocol_from_dict(data: dict[str, Any], source: str) -> Protocol:
    """Build a Protocol from its JSON form; `source` names the file in error messages."""
    try:
        exercises = tuple(_exercise(e) for e in data["exercises"])
        proto = Protocol(
            id=str(data["id"]),
            name=str(data["name"]),
            version=int(data.get("version", 1)),
            reference_exercise=int(data["reference_exercise"]),
            exercises=exercises,
            cameras=tuple(ProtocolCamera(str(c["id"]), str(c.get("label", c["id"])))
                          for c in data.get("cameras", [])) or DEFAULT_CAMERAS,
        )
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise UserError(f"protocol file {source} is malformed ({exc!r}); fix the file or pick another protocol") from exc
    if not 1 <= len(exercises) <= 1000 or any(not 0 <= e.id <= 10_000 for e in exercises):
        raise UserError(f"protocol file {source} lists {len(exercises)} exercises or an exercise id outside "
                        "0–10000; fix the file or pick another protocol")
    ids = proto.ids()
    if len(set(ids)) != len(ids):
        raise UserError(f"protocol file {source} repeats an exercise id; every exercise needs its own id")
    if len({e.code for e in exercises}) != len(exercises):
        raise UserError(f"protocol file {source} repeats an exercise code; every exercise needs its own code")
    if proto.reference_exercise not in ids:
        raise UserError(f"protocol file {source}: reference_exercise {proto.reference_exercise} is not in its list")
    for ex in exercises:
        bad = [r for r in ex.regions if r not in REGIONS]
        if bad or ex.measure not in MEASURES:
            raise UserError(
                f"protocol file {source}: exercise {ex.id} has unknown region {bad} or measure {ex.measure!r}; "
                f"regions are {', '.join(REGIONS)} and measures {', '.join(MEASURES)}"
            )
    return proto


def protocol_to_dict(proto: Protocol) -> dict[str, Any]:
    return {
        "id": proto.id,
        "name": proto.name,
        "version": proto.version,
        "reference_exercise": proto.reference_exercise,
        "cameras": [{"id": c.id, "label": c.label} for c in proto.cameras],
        "exercises": [
            {
                "id": e.id, "code": e.code, "name_en": e.name_en, "name_fr": e.name_fr,
                "instruction_en": e.instruction_en, "instruction_fr": e.instruction_fr,
                "regions": list(e.regions), "measure": e.measure,
            }
            for e in proto.exercises
        ],
    }


def _exercise(e: dict[str, Any]) -> Exercise:
    return Exercise(
        id=int(e["id"]),
        code=str(e["code"]),
        name_en=str(e["name_en"]),
        name_fr=str(e["name_fr"]),
        instruction_en=str(e.get("instruction_en", "")),
        instruction_fr=str(e.get("instruction_fr", "")),
        regions=tuple(str(r) for r in e.get("regions", [])),
        measure=str(e.get("measure", "none")),
    )
