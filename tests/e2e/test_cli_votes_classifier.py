"""`votes train`, `votes predict` (folder of images, video) and `votes review` end to end, offline."""

import json
import os
import subprocess
import sys
from pathlib import Path

from fshd_studio.labelling.classes import CLASSES
from fshd_studio.labelling.export import export_dataset
from fshd_studio.labelling.majority import aggregate
from fshd_studio.labelling.store import Round, Vote, VoteStore

FSHD = [str(Path(sys.executable).with_name("fshd-studio"))]


def _run(*args, cache=None):
    env = {**os.environ, "YOLO_OFFLINE": "1", "YOLO_AUTOINSTALL": "0"}
    if cache is not None:
        env["FSHD_STUDIO_CACHE"] = str(cache)
    return subprocess.run(FSHD + [str(a) for a in args], capture_output=True, text=True, timeout=300, env=env)


def _voted_folder(external, folder):
    import cv2

    from fshd_studio.labelling.images import load_rgb

    faces = sorted((external / "image").glob("*.jpg"))
    folder.mkdir()
    with VoteStore(folder) as store:
        for k in range(20):
            name = f"{k:02d}.jpg"
            cv2.imwrite(str(folder / name), cv2.resize(load_rgb(faces[k % len(faces)]), (64, 64))[..., ::-1])
            i = store.add_image(name, 64, 64, (0, 0, 64, 64), 1)
            store.vote(Vote(i, "ana", Round.SORT, CLASSES[k % 4]))
            store.vote(Vote(i, "ana", Round.CHECK, "yes", CLASSES[k % 4]))
        store.tag(i, "glasses")  # 19.jpg, neutral, the 5th neutral: a validation image
        ids = [r.id for r in store.images()]
        agg = aggregate(ids, store.latest_votes(Round.SORT), store.latest_votes(Round.CHECK), ["ana"])
        export_dataset(store, agg, folder.parent / "ds")


def test_train_predict_review(external, tmp_path):
    _voted_folder(external, tmp_path / "faces")
    res = _run("votes", "train", tmp_path / "ds", "--out", tmp_path / "model", "--epochs", 1, "--imgsz", 32,
               "--device", "cpu", cache=tmp_path / "cache")
    assert res.returncode == 0, res.stderr[-2000:]
    trained = json.loads(res.stdout)
    weights = Path(trained["weights"])
    assert weights.is_file() and len(trained["confusion_pred_by_true"]) == 4
    assert '"stage": "train classifier: epoch", "done": 1, "total": 1' in res.stderr
    assert sorted(p.name for p in (tmp_path / "model").iterdir()) == ["classifier.json", "classifier.safetensors"]
    assert not list((tmp_path / "ds").rglob("*.cache"))  # ultralytics' cache stays in the app's own folder

    images = tmp_path / "new"
    images.mkdir()
    for name in ("pyfeat_single_face.jpg", "facerec_two_people.jpg"):
        (images / name).write_bytes((external / "image" / name).read_bytes())
    res = _run("votes", "predict", weights, images, external / "video" / "pyfeat_single_face.mp4")
    assert res.returncode == 0, res.stderr[-2000:]
    out = json.loads(res.stdout)
    assert len(out[str(images / "facerec_two_people.jpg")]) == 2
    assert {f["label"] for f in out[str(images / "pyfeat_single_face.jpg")]} <= set(CLASSES)
    video = out[str(external / "video" / "pyfeat_single_face.mp4")]
    assert [v["frame"] for v in video[:3]] == [0, 5, 10] and video[0]["faces"]

    res = _run("votes", "review", weights, tmp_path / "ds", "--db", tmp_path / "faces", "--json", tmp_path / "r.json")
    assert res.returncode == 0, res.stderr[-2000:]
    summary = json.loads(res.stdout)
    assert summary["images"] == 4 and summary["accuracy_per_tag"]["glasses"]["images"] == 1
    full = json.loads((tmp_path / "r.json").read_text())
    assert [p["source"] for p in full["predictions"] if p["tags"]] == ["19.jpg"]


def test_predict_without_a_model_is_a_clear_error(tmp_path):
    res = _run("votes", "predict", tmp_path / "none.pt", tmp_path)
    assert res.returncode == 2 and res.stderr.startswith("error:") and "Traceback" not in res.stderr
