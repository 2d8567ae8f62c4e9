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


def test_roster_from_the_command_line(tmp_path):
    from fshd_studio.labelling.store import VoteStore

    VoteStore(tmp_path).close()
    res = _run("votes", "roster", tmp_path, "--add", "ana", "--add", "alcie", "--add", "ben")
    assert res.returncode == 0 and json.loads(res.stdout)["group"] == ["alcie", "ana", "ben"]
    res = _run("votes", "roster", tmp_path, "--rename", "alcie", "alice", "--retire", "ben")
    assert json.loads(res.stdout) == {"group": ["alice", "ana"], "retired": ["ben"]}
    res = _run("votes", "roster", tmp_path, "--retire", "bob")
    assert res.returncode == 2 and "not in the roster" in res.stderr and "alice, ana, ben" in res.stderr


def test_export_warns_and_train_refuses_an_empty_validation_split(external, tmp_path):
    import cv2

    from fshd_studio.labelling.images import load_rgb
    from fshd_studio.labelling.store import Round, Vote, VoteStore

    folder = tmp_path / "faces"
    folder.mkdir()
    face = cv2.resize(load_rgb(external / "image" / "pyfeat_single_face.jpg"), (40, 40))
    with VoteStore(folder) as store:
        for k, crop in enumerate([(0, 0, 40, 40), None]):
            cv2.imwrite(str(folder / f"{k}.png"), face[..., ::-1])
            i = store.add_image(f"{k}.png", 40, 40, crop, 1 if crop else 0)
            store.vote(Vote(i, "ana", Round.SORT, "happy"))
            store.vote(Vote(i, "ana", Round.CHECK, "yes", "happy"))
    res = _run("votes", "export", folder, "--out", tmp_path / "ds")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["counts"] == {"train": {"happy": 1, "angry": 0, "surprised": 0, "neutral": 0},
                             "val": {"happy": 0, "angry": 0, "surprised": 0, "neutral": 0}}
    assert out["skipped"] == ["1.png: no face found and no crop drawn — left out (not exported as the whole picture)"]
    assert "warning: the validation split is empty" in res.stderr
    assert oct((tmp_path / "ds").stat().st_mode & 0o055) == oct(0o055)  # the export root is group-readable
    res = _run("votes", "train", tmp_path / "ds", "--out", tmp_path / "model", "--epochs", 1)
    assert res.returncode == 2 and "error:" in res.stderr and "validation split is empty" in res.stderr
    assert "Traceback" not in res.stderr and not (tmp_path / "model").exists()
