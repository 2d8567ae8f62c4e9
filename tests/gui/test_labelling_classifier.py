"""A classifier in the workspace: predict on images and a video file, browse the validation mistakes."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from fshd_studio.gui.labelling import LabellingWorkspace
from fshd_studio.gui.labelling.predict_panel import PredictPanel
from fshd_studio.labelling.classes import CLASSES
from fshd_studio.labelling.store import Round, Vote, VoteStore


@pytest.fixture(autouse=True)
def app_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("FSHD_STUDIO_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def voted_folder(external, tmp_path):
    """20 small real face images, 5 per class, kept by a one-person group (so 1 per class goes to validation)."""
    import cv2

    from fshd_studio.labelling.images import load_rgb

    faces = sorted((external / "image").glob("*.jpg"))
    folder = tmp_path / "faces"
    folder.mkdir()
    with VoteStore(folder) as store:
        for k in range(20):
            name = f"{k:02d}.jpg"
            cv2.imwrite(str(folder / name), cv2.resize(load_rgb(faces[k % len(faces)]), (64, 64))[..., ::-1])
            i = store.add_image(name, 64, 64, (0, 0, 64, 64), 1)
            cls = CLASSES[k % 4]
            store.vote(Vote(i, "ana", Round.SORT, cls))
            store.vote(Vote(i, "ana", Round.CHECK, "yes", cls))
    return folder


def _untrained_classifier(out):
    """A classifier in the app's format with random weights (training itself is tested in
    test_labelling_session.py): enough to drive predict and the mistakes browser."""
    import numpy as np

    from fshd_studio.labelling.classifier import TrainResult, offline_ultralytics, save_classifier

    offline_ultralytics()
    from ultralytics.nn.tasks import ClassificationModel

    names = sorted(CLASSES)  # ultralytics orders the class folders by name
    net = ClassificationModel("yolov8n-cls.yaml", nc=4, verbose=False)
    weights = save_classifier(net, out, {"architecture": "yolov8n-cls.yaml", "names": names, "imgsz": 32})
    return TrainResult(weights, 0.25, np.eye(4), names)


def test_predict_and_review_mistakes(qtbot, voted_folder, external, tmp_path):
    ws = LabellingWorkspace()
    qtbot.addWidget(ws)
    with qtbot.waitSignal(ws.import_done, timeout=60_000):
        ws.open_folder(voted_folder)
    with qtbot.waitSignal(ws.status, timeout=30_000, check_params_cb=lambda m: "Dataset written" in m):
        ws.export_to(tmp_path / "ds")
    assert ws.last_dataset == tmp_path / "ds"
    ws._trained(_untrained_classifier(tmp_path / "model"), ws.last_dataset)  # as a finished training hands it over
    assert ws.predict.weights == tmp_path / "model" / "classifier.safetensors"
    assert ws.training.cells() == [["1", "0", "0", "0"], ["0", "1", "0", "0"], ["0", "0", "1", "0"],
                                   ["0", "0", "0", "1"]]

    # live video: frames arrive drawn, Stop ends the stream
    frames = []

    def on_frame(frame, preds):
        frames.append((frame.shape, [p.label for p in preds]))
        if len(frames) == 3:
            ws.predict.stop()
    ws.predict.frame_shown.connect(on_frame)
    with qtbot.waitSignal(ws.predict.stream_ended, timeout=60_000):
        ws.predict.play(external / "video" / "pyfeat_single_face.mp4")
    assert 3 <= len(frames) < 72  # stopped long before the end of the 72-frame video
    assert frames[0][0] == (360, 640, 3) and frames[0][1] and frames[0][1][0] in CLASSES
    assert ws.predict.webcam_button.isEnabled()  # idle again

    # images: one line per image with its faces
    with qtbot.waitSignal(ws.status, timeout=60_000, check_params_cb=lambda m: "predicted on 2" in m):
        ws.predict.predict_images([external / "image" / "pyfeat_single_face.jpg",
                                   external / "image" / "pyfeat_multi_face.jpg"])
    lines = [ws.predict.list.item(i).text() for i in range(ws.predict.list.count())]
    assert lines[0].startswith("pyfeat_single_face.jpg: ") and lines[1].count("%") >= 2

    # validation mistakes by true/predicted class, tags, accuracy per tag
    panel = ws.mistakes
    with qtbot.waitSignal(panel.reviewed, timeout=60_000):
        panel.run_review()
    preds = panel.review.predictions
    assert sorted(p.true for p in preds) == sorted(CLASSES)  # every 5th of each class
    wrong = [p for p in preds if p.true != p.predicted]
    assert panel.images.count() == len(wrong) and panel.pair.count() == 1 + len({(p.true, p.predicted) for p in wrong})
    assert wrong, "a model with random weights gets some of 4 classes wrong"
    panel.images.setCurrentRow(0)
    panel.tags.setText("glasses")
    panel.tags.editingFinished.emit()
    source = panel.review.source_of(panel.images.item(0).data(Qt.ItemDataRole.UserRole))
    with VoteStore(voted_folder) as store:
        assert any(r.path == source for r in store.images())
        assert {"glasses"} in [t for t in store.tags().values()]
    rows = panel.accuracy_rows()
    assert rows["glasses"] == ("1", "0%") and rows["(untagged)"][0] == "3"


def test_webcam_absent_or_unusable_is_a_message(qtbot, tmp_path):
    from fshd_studio.gui.jobs import JobRunner

    runner = JobRunner()
    panel = PredictPanel(runner)
    qtbot.addWidget(panel)
    panel.set_weights(tmp_path / "missing.pt")
    panel.webcam_index.setValue(7)  # the chosen camera is the one opened
    with qtbot.waitSignal(panel.status, timeout=30_000) as msg:
        panel.webcam_button.click()
    expected = "classifier" if Path("/dev/video7").exists() else "webcam 7 cannot be opened"
    assert expected in msg.args[0]
    qtbot.waitUntil(lambda: panel.webcam_button.isEnabled(), timeout=10_000)
