import json
import os

import pytest

from fshd_studio.core.errors import ProjectFileError
from fshd_studio.io.project import SCHEMA_VERSION, load_project, save_project
from tests.unit.test_session import make_session


def _session_with_videos(tmp_path):
    s = make_session()
    vids = tmp_path / "videos"
    vids.mkdir()
    cams = []
    for c in s.cameras:
        f = vids / c.video.name
        f.write_bytes(b"x")
        cams.append(type(c)(c.id, f, c.offset_ms, c.label))
    s.cameras = cams
    return s


def test_save_load_round_trip_with_relative_paths(tmp_path):
    s = _session_with_videos(tmp_path)
    path = tmp_path / "p.fshd.json"
    save_project(s, path)
    raw = json.loads(path.read_text())
    assert raw["schema_version"] == SCHEMA_VERSION
    assert raw["cameras"][0]["video"] == "videos/front.mp4"
    loaded = load_project(path)
    assert loaded.missing_videos == []
    assert loaded.session.segments == s.segments
    assert [c.offset_ms for c in loaded.session.cameras] == [0.0, 1500.0]
    # the folder moves: relative paths still resolve
    moved = tmp_path.parent / (tmp_path.name + "-moved")
    os.rename(tmp_path, moved)
    assert load_project(moved / "p.fshd.json").missing_videos == []


def test_missing_video_still_opens(tmp_path):
    s = _session_with_videos(tmp_path)
    path = tmp_path / "p.fshd.json"
    save_project(s, path)
    (tmp_path / "videos" / "side.mp4").unlink()
    loaded = load_project(path)
    assert loaded.missing_videos == ["side"]
    assert len(loaded.session.segments) == 15


def test_truncated_file_gets_a_clear_error(tmp_path):
    s = _session_with_videos(tmp_path)
    path = tmp_path / "p.fshd.json"
    save_project(s, path)
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    with pytest.raises(ProjectFileError, match="cut short") as e:
        load_project(path)
    assert str(path) in str(e.value)


def test_future_version_is_refused(tmp_path):
    path = tmp_path / "p.fshd.json"
    path.write_text(json.dumps({"schema_version": SCHEMA_VERSION + 1}))
    with pytest.raises(ProjectFileError, match="newer FSHD Studio"):
        load_project(path)


def test_not_a_project(tmp_path):
    path = tmp_path / "p.fshd.json"
    path.write_text("[1, 2]")
    with pytest.raises(ProjectFileError, match="not an FSHD Studio project"):
        load_project(path)


def test_migrates_schema_1(tmp_path):
    (tmp_path / "a.mp4").write_bytes(b"x")
    v1 = {"schema_version": 1, "patient_id": "P9", "visit_date": "2025-01-02", "protocol": "fshd-15",
          "cameras": [{"id": "front", "video": "a.mp4", "offset_s": 1.25}],
          "segments": {"14": {"start_ms": 1000, "end_ms": 9000, "status": "confirmed"}}}
    path = tmp_path / "old.fshd.json"
    path.write_text(json.dumps(v1))
    loaded = load_project(path)
    assert loaded.migrated_from == 1
    assert loaded.session.cameras[0].offset_ms == 1250.0
    assert loaded.session.segments[14].span.end_ms == 9000
    save_project(loaded.session, path)
    assert json.loads(path.read_text())["schema_version"] == SCHEMA_VERSION


def test_failed_save_leaves_old_file_intact(tmp_path, monkeypatch):
    s = _session_with_videos(tmp_path)
    path = tmp_path / "p.fshd.json"
    save_project(s, path)
    before = path.read_bytes()
    import fshd_studio.io.atomic as atomic

    def boom(*a, **k):
        raise OSError("disk full")
    monkeypatch.setattr(atomic.os, "replace", boom)
    with pytest.raises(OSError):
        save_project(s, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_saved_files_get_ordinary_permissions(tmp_path):
    import stat

    s = _session_with_videos(tmp_path)
    path = tmp_path / "p.fshd.json"
    old = os.umask(0o022)
    try:
        save_project(s, path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_a_writer_that_replaces_the_temp_file_still_gives_ordinary_permissions(tmp_path):
    """safetensors' save_file (and others) may unlink the temp file and create a 0600 one in its place."""
    import stat

    from fshd_studio.io.atomic import atomic_path

    target = tmp_path / "weights.bin"
    old = os.umask(0o022)
    try:
        with atomic_path(target) as tmp:
            tmp.unlink()
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT, 0o600)
            os.write(fd, b"x")
            os.close(fd)
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644 and target.read_bytes() == b"x"
