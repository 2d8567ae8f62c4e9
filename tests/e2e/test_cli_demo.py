import json
import subprocess
import sys
from pathlib import Path

FSHD = [str(Path(sys.executable).with_name("fshd-studio"))]


def test_demo_command_writes_a_session_with_progress(tmp_path):
    out = tmp_path / "d"
    res = subprocess.run(FSHD + ["demo", str(out), "--exercise-seconds", "1", "--rest-seconds", "0.5",
                                 "--size-scale", "0.25"], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert Path(res.stdout.strip()) == out / "demo.fshd.json"
    lines = [json.loads(x) for x in res.stderr.splitlines() if x.startswith("{")]
    assert lines and {"stage", "done", "total"} <= set(lines[-1])
    assert (out / "front.mp4").stat().st_size > 0 and (out / "side.mp4").stat().st_size > 0


def test_demo_refuses_a_folder_with_user_files(tmp_path):
    (tmp_path / "thesis.docx").write_text("precious")
    res = subprocess.run(FSHD + ["demo", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert res.returncode == 2
    assert res.stderr.strip().startswith("error:") and len(res.stderr.strip().splitlines()) == 1
    assert (tmp_path / "thesis.docx").read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis.docx"]


def test_a_folder_that_cannot_be_made_is_one_error_line(tmp_path):
    (tmp_path / "a-file").write_text("x")
    res = subprocess.run(FSHD + ["demo", str(tmp_path / "a-file" / "demo")], capture_output=True, text=True,
                         timeout=60)
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot use") and "a-file" in lines[0]
    assert "Traceback" not in res.stderr
