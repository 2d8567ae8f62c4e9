"""File → Export pseudonymised copy: the window writes the same copy as `fshd-studio pseudonymise`."""

import pytest

from tests.gui.window_fixtures import open_window


def test_export_pseudonymised_copy_from_the_window(qtbot, window_project, tmp_path, monkeypatch):  # noqa: F811
    from fshd_studio.gui.privacy_action import JOB, export_pseudonymised
    from fshd_studio.io.project import load_project

    monkeypatch.setenv("FSHD_STUDIO_DATA_DIR", str(tmp_path / "data"))
    w = open_window(qtbot, window_project)
    assert "export_pseudonymised" in w.actions_by_id
    out = tmp_path / "share"
    export_pseudonymised(w, out)
    qtbot.waitUntil(lambda: not w.jobs.running(JOB) and any(out.glob("*.fshd.json")), timeout=30000)
    project = next(out.glob("*.fshd.json"))
    loaded = load_project(project)
    assert loaded.session.patient_id.startswith("P-") and loaded.missing_videos == []
    assert not any("0042" in f.name for f in out.iterdir())
    assert all(b"FSHD-0042" not in f.read_bytes() for f in out.iterdir())
    # a folder that is not empty is refused with a message, nothing written
    export_pseudonymised(w, out)
    assert w.prompts.asked[-1][0] == "error" and "not empty" in w.prompts.asked[-1][1][1]


@pytest.fixture(autouse=True)
def _settings(app_settings):  # noqa: F811
    return app_settings
