"""The scoring job's body, run in a child process (core.child_process.call_in_child): the model card first (so
the panel names the model at once), then `inference.session.score_session`, each score handed back as it
comes. No Qt here (the child imports this module)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fshd_studio.core.progress import Progress
from fshd_studio.core.results import Provenance, SessionResults
from fshd_studio.core.session import Session


@dataclass(frozen=True)
class ModelInfo:
    """What the panel says about the model: from its card before scoring, from the provenance after."""

    model_id: str
    trained_on: str
    synthetic: bool
    exercises: tuple[int, ...]
    intended_use: str

    @classmethod
    def of_provenance(cls, p: Provenance) -> ModelInfo:
        return cls(p.model_id, p.trained_on, p.synthetic, tuple(p.model_exercises), p.intended_use)

    @classmethod
    def of_card(cls, card: Any) -> ModelInfo:
        return cls(card.model_id, card.trained_on, bool(card.synthetic), tuple(int(e) for e in card.exercises),
                   card.intended_use)


@dataclass(frozen=True)
class EngineChoice:
    """Where the model will run, said before the (slow) loading: e.g. "openvino (cpu)", "torch (cuda)"."""

    text: str


def score_with_card(session: Session, model_dir: Path, project_path: Path, *, report: Callable[[Progress], None],
                    cancel: threading.Event, partial: Callable[[object], None], backend: str = "auto",
                    precision: str = "fp32") -> SessionResults:
    from fshd_studio.inference.backends.available import auto_choice
    from fshd_studio.inference.session import score_session
    from fshd_studio.model.checkpoint import read_card

    report(Progress("reading the model card", 0, 0))
    partial(ModelInfo.of_card(read_card(model_dir)))
    partial(EngineChoice(auto_choice() if backend == "auto" else f"{backend} ({precision})"))
    return score_session(session, model_dir, project_path=project_path, report=report, cancel=cancel,
                         on_score=partial, backend=backend, precision=precision)
