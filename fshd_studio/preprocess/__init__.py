"""Model input from sessions: face tracking, alignment, snippets, cache, asymmetry, suggested boundaries.

Public entry points (heavy libraries load inside them):
- preprocess_session(session, out, *, report, cancel, exercises=None) -> PreprocessResult
- load_preprocessed(out) -> list[PreprocessedClip]        (the on-disk format is documented in store.py)
- suggest_boundaries(session_or_video, protocol=None, *, report, cancel) -> list[Segment]
"""

from fshd_studio.preprocess.pipeline import ClipSummary, PreprocessResult, preprocess_session
from fshd_studio.preprocess.store import PreprocessedClip, load_preprocessed
from fshd_studio.preprocess.suggest import suggest_boundaries

__all__ = ["ClipSummary", "PreprocessResult", "PreprocessedClip", "load_preprocessed", "preprocess_session",
           "suggest_boundaries"]
