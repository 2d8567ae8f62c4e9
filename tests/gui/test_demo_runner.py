"""`gui --demo` / File → Open demo: generated once in a worker thread (progress dialog), then reused."""

from __future__ import annotations

import pytest

import fshd_studio.demo as demo_pkg
from fshd_studio.core.errors import UserError
from fshd_studio.gui.demo_runner import ensure_demo

SHORT = dict(seed=3, exercise_s=2.5, rest_s=1.0, size_scale=0.5)


def test_generates_once_then_reuses(qtbot, tmp_path, monkeypatch) -> None:
    real = demo_pkg.make_demo
    calls: list[dict] = []

    def short_demo(out_dir, **kw):
        calls.append(kw)
        return real(out_dir, **(SHORT | {k: v for k, v in kw.items() if k in ("report", "cancel")}))

    monkeypatch.setattr(demo_pkg, "make_demo", short_demo)
    folder = tmp_path / "demo"
    project = ensure_demo(None, folder)
    assert project is not None and project.is_file() and project.parent == folder
    assert "report" in calls[0] and "cancel" in calls[0]  # progress and Cancel reach the generator
    assert ensure_demo(None, folder) == project and len(calls) == 1


def test_a_failing_generator_is_a_user_error(qtbot, tmp_path, monkeypatch) -> None:
    def broken(out_dir, **kw):
        raise OSError("disk full")

    monkeypatch.setattr(demo_pkg, "make_demo", broken)
    with pytest.raises(UserError, match="disk full"):
        ensure_demo(None, tmp_path / "demo")
