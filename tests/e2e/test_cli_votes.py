import json
import shutil
import subprocess
import sys
from pathlib import Path

FSHD = [str(Path(sys.executable).with_name("fshd-studio"))]


def _run(*args):
    return subprocess.run(FSHD + [str(a) for a in args], capture_output=True, text=True, timeout=300)


def test_ferplus_aggregate(external, tmp_path):
    out = tmp_path / "r.json"
    res = _run("votes", "aggregate", "--ferplus", external / "votes" / "ferplus_fer2013new.csv", "--json", out)
    assert res.returncode == 0, res.stderr
    summary = json.loads(res.stdout)
    assert summary["images"] == 35887
    assert summary["kept_four_classes_total"] == sum(summary["kept_study_classes"].values())
    full = json.loads(out.read_text())
    assert len(full["labels"]) == 35887


def test_import_then_aggregate_and_export_of_an_unvoted_folder(external, tmp_path):
    folder = tmp_path / "imgs"
    folder.mkdir()
    shutil.copy(external / "image" / "pyfeat_single_face.jpg", folder)
    res = _run("votes", "import", folder)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["images"] == 1
    res = _run("votes", "aggregate", "--db", folder)
    assert res.returncode == 0 and json.loads(res.stdout)["status"] == {"unsorted": 1}
    res = _run("votes", "export", folder, "--out", tmp_path / "ds")
    assert res.returncode == 2 and res.stderr.startswith("error:") and "nothing to export" in res.stderr
    assert not (tmp_path / "ds").exists()


def test_missing_vote_file_is_a_clear_error(tmp_path):
    res = _run("votes", "aggregate", "--db", tmp_path)
    assert res.returncode == 2 and "votes import" in res.stderr and "Traceback" not in res.stderr
