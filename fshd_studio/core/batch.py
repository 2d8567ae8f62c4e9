"""One session's line in a batch run (see inference/batch.py): what happened to it and its verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class BatchRow:
    project: Path
    status: str                    # "scored", "reused" or "failed"
    reason: str = ""               # why it failed, in the words the single-session command would use
    patient_id: str = ""
    visit_date: str = ""
    model_id: str = ""
    camera_votes: dict[str, tuple[int, int]] = field(default_factory=dict)   # camera → (for, against)
    combined: tuple[int, int] = (0, 0)
    combined_fshd: bool | None = None
    severity: str | None = None
    synthetic: bool = False

    @property
    def session(self) -> str:
        name = self.project.name
        return name[: -len(".fshd.json")] if name.endswith(".fshd.json") else self.project.stem
