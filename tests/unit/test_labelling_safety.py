"""Nothing a user opens runs code: a pickle payload planted in a classifier `.pt` and in ultralytics' dataset
caches (`train.cache`, `val.cache`) never executes; training writes nothing into the user's dataset folder; the
app's own classifier (safetensors + card with sha256) is refused once changed."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from fshd_studio.core.errors import UserError
from fshd_studio.labelling.images import load_rgb

FSHD = [str(Path(sys.executable).with_name("fshd-studio"))]


class Payload:
    """Unpickling this runs a shell command that leaves a marker file."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


@pytest.fixture(autouse=True)
def app_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("FSHD_STUDIO_CACHE", str(tmp_path / "cache"))


def _run(*args):
    return subprocess.run(FSHD + [str(a) for a in args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "YOLO_OFFLINE": "1"})


def test_a_planted_pt_never_runs(external, tmp_path):
    import torch

    from fshd_studio.labelling.classifier import EmotionClassifier

    marker = tmp_path / "pwned"
    evil = tmp_path / "best.pt"
    torch.save({"model": Payload(marker), "epoch": 1}, evil)  # a zip checkpoint, as ultralytics writes them
    raw = tmp_path / "raw.pt"
    raw.write_bytes(__import__("pickle").dumps(Payload(marker)))  # a bare pickle named .pt
    for path in (evil, raw):
        with pytest.raises(UserError, match="cannot be opened safely.*NOT run"):
            EmotionClassifier(path)
    res = _run("votes", "predict", evil, external / "image" / "pyfeat_single_face.jpg")
    assert res.returncode == 2 and res.stderr.startswith("error:") and "best.pt" in res.stderr
    assert "Traceback" not in res.stderr and res.stdout == ""
    (tmp_path / "ds" / "val" / "happy").mkdir(parents=True)
    res = _run("votes", "review", evil, tmp_path / "ds")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert not marker.exists()


def test_planted_dataset_caches_are_never_read_and_nothing_is_written_beside_them(external, tmp_path,
                                                                                 monkeypatch):
    import socket

    import cv2

    from fshd_studio.labelling.classifier import CARD_NAME, EmotionClassifier, train_classifier

    ds, marker = tmp_path / "ds", tmp_path / "pwned"
    faces = sorted((external / "image").glob("*.jpg"))[:4]
    for split in ("train", "val"):
        for k, cls in enumerate(("happy", "angry", "surprised", "neutral")):
            (ds / split / cls).mkdir(parents=True)
            cv2.imwrite(str(ds / split / cls / "a.png"), cv2.resize(load_rgb(faces[k]), (48, 48))[..., ::-1])
        with open(ds / f"{split}.cache", "wb") as fh:  # ultralytics' cache format: np.save of a pickled dict
            np.save(fh, np.array([Payload(marker)], dtype=object), allow_pickle=True)
    before = sorted(str(p.relative_to(ds)) for p in ds.rglob("*"))
    live = tmp_path / "live.cache"  # the payload is live: loading such a file the way ultralytics does runs it
    with open(live, "wb") as fh:
        np.save(fh, np.array([Payload(tmp_path / "live")], dtype=object), allow_pickle=True)
    np.load(live, allow_pickle=True)
    assert (tmp_path / "live").exists()

    def no_network(*a, **k):
        raise AssertionError("training tried to reach the network")
    monkeypatch.setattr(socket.socket, "connect", no_network)
    res = train_classifier(ds, tmp_path / "model", epochs=1, imgsz=32, device="cpu")
    assert not marker.exists()
    assert sorted(str(p.relative_to(ds)) for p in ds.rglob("*")) == before  # nothing written there
    assert sorted(p.name for p in (tmp_path / "model").iterdir()) == [CARD_NAME, "classifier.safetensors"]
    assert list((tmp_path / "cache" / "training").iterdir()) == []  # the scratch copy is gone

    clf = EmotionClassifier(tmp_path / "model", imgsz=32)  # the training's folder opens
    assert clf.predict([load_rgb(faces[0])])[0][0] in ("happy", "angry", "surprised", "neutral")
    card = json.loads((tmp_path / "model" / CARD_NAME).read_text())
    assert len(card["sha256"]) == 64 and card["names"] == clf.names
    data = bytearray(res.weights.read_bytes())
    data[-1] ^= 0xFF
    res.weights.write_bytes(bytes(data))
    with pytest.raises(UserError, match="does not match the sha256"):
        EmotionClassifier(res.weights)
