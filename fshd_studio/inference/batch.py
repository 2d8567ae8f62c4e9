"""Many sessions in one run: each scored (or its current results reused), a failed one recorded with its
reason without stopping the others, and the list split deterministically between machines (`--shard I/N`).

A re-run after an interruption resumes: a session whose results file is current for this model (same
weights, no segment moved since) is not scored again, and a half-scored one reuses its preprocessing cache.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable

from fshd_studio.core.batch import BatchRow
from fshd_studio.core.errors import UserError
from fshd_studio.core.progress import Cancelled, Progress, ReportFn, check_cancel, no_report
from fshd_studio.core.results import COMBINED, SessionResults

PROJECT_GLOB = "*.fshd.json"


def find_projects(paths: list[Path]) -> list[Path]:
    """Project files given directly, and every `*.fshd.json` under the folders given (recursively),
    in a stable order: each folder's projects sorted by their path inside it."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted((q for q in p.rglob(PROJECT_GLOB) if ".cache" not in q.parent.name),
                            key=lambda q: q.relative_to(p).as_posix())
        elif p.is_file():
            found.append(p)
        else:
            raise UserError(f"{p} is neither a project file nor a folder; check the path")
    unique = list(dict.fromkeys(q.absolute() for q in found))
    if not unique:
        raise UserError(f"no {PROJECT_GLOB} project found in {', '.join(map(str, paths))}")
    return unique


def parse_shard(text: str) -> tuple[int, int]:
    """'I/N' with 1 ≤ I ≤ N."""
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise UserError(f"--shard {text!r}: write it as I/N, e.g. 1/4 for the first of four machines") from None
    if not 1 <= i <= n:
        raise UserError(f"--shard {text!r}: I must be between 1 and N")
    return i, n


def shard(projects: list[Path], index: int, count: int) -> list[Path]:
    """The projects machine `index` of `count` scores: every count-th one of the stable list, from index-1."""
    return projects[index - 1::count]


def current_results(project: Path, model_dir: Path, session) -> SessionResults | None:  # noqa: ANN001
    """The saved results when they are still current for this model and this session's segments."""
    from fshd_studio.inference.session import weights_sha256
    from fshd_studio.io.results_file import load_results, results_path

    try:
        saved = load_results(results_path(project))
    except UserError:
        return None   # damaged or from another version: scored again
    if saved is None or saved.provenance.weights_sha256 != weights_sha256(model_dir):
        return None
    return None if saved.stale_exercises(session) else saved


def score_batch(projects: list[Path], model_dir: Path, *, exercises: list[int] | None = None,
                backend: str = "auto", precision: str = "fp32", device: str = "auto",
                report: ReportFn = no_report, cancel: threading.Event | None = None,
                on_row: Callable[[BatchRow], None] | None = None) -> list[BatchRow]:
    rows: list[BatchRow] = []
    for i, project in enumerate(projects):
        check_cancel(cancel)
        report(Progress("session", i, len(projects)))
        row = _one(project, model_dir, exercises, backend, precision, device, cancel)
        rows.append(row)
        if on_row is not None:
            on_row(row)
    report(Progress("session", len(projects), len(projects)))
    return rows


def _one(project: Path, model_dir: Path, exercises: list[int] | None, backend: str, precision: str, device: str,
         cancel: threading.Event | None) -> BatchRow:
    from fshd_studio.inference.session import score_session
    from fshd_studio.io.project import load_project
    from fshd_studio.io.results_file import results_path, save_results

    try:
        session = load_project(project).session
        results = current_results(project, model_dir, session)
        status = "reused"
        if results is None:
            results = score_session(session, model_dir, project_path=project, exercises=exercises,
                                    backend=backend, precision=precision, device=device, cancel=cancel)
            save_results(results_path(project), results)
            status = "scored"
    except Cancelled:
        raise
    except (UserError, OSError) as exc:
        return BatchRow(project, "failed", str(exc))
    except Exception as exc:  # one session's unexpected failure must not stop the batch
        return BatchRow(project, "failed", f"{type(exc).__name__}: {exc}")
    if not any(s.scored for s in results.scores):
        reason = results.why_nothing_scored(session)
        return BatchRow(project, "failed", f"no exercise could be scored: {reason}", session.patient_id,
                        session.visit_date, results.provenance.model_id)
    return row_of(project, session.patient_id, session.visit_date, status, results)


def row_of(project: Path, patient_id: str, visit: str, status: str, results: SessionResults) -> BatchRow:
    per_cam = {v.camera_id: (v.fshd_votes, v.against_votes) for v in results.votes if v.camera_id != COMBINED}
    comb = results.vote(COMBINED)
    return BatchRow(project, status, "", patient_id, visit, results.provenance.model_id, per_cam,
                    (comb.fshd_votes, comb.against_votes) if comb else (0, 0), comb.fshd if comb else None,
                    results.severity.predicted_class, results.provenance.synthetic)
