"""Error analysis, export naming, image orientation and crowd-table input errors of the labelling tool."""

import json
from pathlib import Path

import numpy as np
import pytest

from fshd_studio.core.errors import UserError
from fshd_studio.labelling.analysis import Prediction, accuracy_by_tag, mistakes
from fshd_studio.labelling.export import export_dataset, exported_name, read_sources
from fshd_studio.labelling.ferplus import read_crowd_table
from fshd_studio.labelling.images import load_rgb
from fshd_studio.labelling.majority import aggregate
from fshd_studio.labelling.review import ValidationReview
from fshd_studio.labelling.store import Round, Vote, VoteStore


def test_mistakes_by_true_and_predicted_class_and_accuracy_per_tag():
    preds = [Prediction("a", "happy", "happy", frozenset({"glasses"})),
             Prediction("b", "angry", "neutral", frozenset({"glasses"})),
             Prediction("c", "angry", "neutral"),
             Prediction("d", "neutral", "neutral"),
             Prediction("e", "surprised", "angry", frozenset({"glasses", "child"}))]
    assert mistakes(preds) == {("angry", "neutral"): ["b", "c"], ("surprised", "angry"): ["e"]}
    by_tag = accuracy_by_tag(preds)
    assert by_tag["glasses"] == (pytest.approx(1 / 3), 3)
    assert by_tag["child"] == (0.0, 1)
    assert by_tag["(untagged)"] == (0.5, 2)


def test_review_takes_the_tags_of_the_source_images():
    review = ValidationReview([Prediction("val/angry/x.png", "angry", "happy"),
                               Prediction("val/happy/y.png", "happy", "happy")],
                              {"val/angry/x.png": "sub/x.jpg", "val/happy/y.png": "y.jpg"})
    tagged = review.with_tags({"sub/x.jpg": {"glasses"}})
    assert tagged.predictions[0].tags == {"glasses"} and tagged.predictions[1].tags == frozenset()
    assert review.top1() == 0.5
    assert accuracy_by_tag(tagged.predictions)["glasses"] == (0.0, 1)


def test_exported_names_are_unique_and_mapped_back_to_their_source(tmp_path):
    import cv2

    folder = tmp_path / "faces"
    (folder / "sub").mkdir(parents=True)
    rgb = np.full((20, 20, 3), 200, np.uint8)
    names = ["x.jpg", "x.png", "sub/x.jpg", "y.png", "z.png"]
    for n in names:
        cv2.imwrite(str(folder / n), rgb)
    with VoteStore(folder) as store:
        ids = [store.add_image(n, 20, 20, (0, 0, 20, 20), 1) for n in names]
        for i in ids:
            store.vote(Vote(i, "ana", Round.SORT, "happy"))
            store.vote(Vote(i, "ana", Round.CHECK, "yes", "happy"))
        agg = aggregate(ids, store.latest_votes(Round.SORT), store.latest_votes(Round.CHECK), ["ana"])
        export_dataset(store, agg, tmp_path / "ds")
    files = sorted(p.relative_to(tmp_path / "ds").as_posix() for p in (tmp_path / "ds").rglob("*.png"))
    assert len(files) == 5  # x.jpg and x.png no longer overwrite each other
    sources = read_sources(tmp_path / "ds")
    assert sorted(sources) == files and sorted(sources.values()) == sorted(names)
    assert sources["val/happy/z.png"] == "z.png"  # every 5th in path order goes to validation
    assert json.loads((tmp_path / "ds" / "dataset.json").read_text())["schema_version"] == 1
    taken: set[str] = set()
    assert [exported_name(n, 7, taken) for n in ("a/b.jpg", "a/b.png")] == ["a__b.png", "a__b~7.png"]


def test_jpeg_exif_orientation_is_applied(tmp_path):
    from PIL import Image as image
    pixels = np.zeros((30, 60, 3), np.uint8)  # stored landscape, 60 wide
    pixels[:, :10] = 255
    im = image.fromarray(pixels)
    exif = im.getexif()
    exif[274] = 6  # "rotate 90° clockwise to display": the photo is portrait
    im.save(tmp_path / "phone.jpg", exif=exif)
    assert load_rgb(tmp_path / "phone.jpg").shape == (60, 30, 3)


def test_crowd_table_input_errors_are_user_errors(tmp_path):
    (tmp_path / "bin.csv").write_bytes(b"\xff\xd8\xff\xe0 not text")
    (tmp_path / "ragged.csv").write_text("Usage,Image name,neutral,happiness\nTraining,a.png,1\n")
    (tmp_path / "neg.csv").write_text("Usage,Image name,neutral,happiness\nTraining,a.png,1,-2\n")
    for name in ("bin.csv", "ragged.csv", "neg.csv"):
        with pytest.raises(UserError, match="crowd table"):
            read_crowd_table(tmp_path / name)
    header = "Usage;Image name;neutral;happiness;surprise;sadness;anger;disgust;fear;contempt;unknown;NF"
    (tmp_path / "semi.csv").write_text(f"\ufeff{header}\nTraining;a.png;1;9;0;0;0;0;0;0;0;0\n")
    table = read_crowd_table(tmp_path / "semi.csv")  # a spreadsheet's export in a French locale
    assert table.columns[:2] == ["neutral", "happiness"] and table.counts.tolist() == [[1, 9] + [0] * 8]


def test_kappa_rows_are_those_with_the_usual_number_of_votes():
    from fshd_studio.labelling.agreement import full_rater_rows

    t = np.array([[3, 0], [0, 3], [2, 1], [4, 0], [1, 0]])  # one image with an extra rater, one with a single vote
    assert full_rater_rows(t).tolist() == [[3, 0], [0, 3], [2, 1]]
    assert full_rater_rows(np.array([[2, 0], [0, 2], [3, 0], [0, 3]])).tolist() == [[3, 0], [0, 3]]  # tie: larger
    assert full_rater_rows(np.array([[1, 0], [0, 1]])).shape == (0, 2)


def test_per_class_kappas_average_to_the_overall_kappa_on_ferplus(external):
    """Fleiss (1971): the overall kappa is the p·q weighted mean of the per-category kappas."""
    from fshd_studio.labelling.agreement import fleiss_kappa, fleiss_kappa_per_category, full_rater_rows

    table = full_rater_rows(read_crowd_table(external / "votes" / "ferplus_fer2013new.csv").counts)
    p = table.sum(0) / table.sum()
    per = fleiss_kappa_per_category(table)
    assert abs((p * (1 - p) * per).sum() / (p * (1 - p)).sum() - fleiss_kappa(table)) < 1e-9
    assert per[1] == per[:8].max() > 0.75  # happiness: the emotion the crowd agrees on most (as in the study)


def test_cancelled_training_leaves_no_model_folder(external, tmp_path, monkeypatch):
    import threading

    import cv2

    from fshd_studio.core.progress import Cancelled
    from fshd_studio.labelling.classifier import train_classifier

    faces = sorted((external / "image").glob("*.jpg"))
    for split in ("train", "val"):
        for k, cls in enumerate(("happy", "angry", "surprised", "neutral")):
            (tmp_path / "ds" / split / cls).mkdir(parents=True)
            img = cv2.resize(load_rgb(faces[k]), (40, 40))
            cv2.imwrite(str(tmp_path / "ds" / split / cls / "a.png"), img[..., ::-1])
    monkeypatch.setenv("FSHD_STUDIO_CACHE", str(tmp_path / "cache"))
    cancel = threading.Event()
    cancel.set()  # seen at the end of the first batch
    with pytest.raises(Cancelled):
        train_classifier(tmp_path / "ds", tmp_path / "model", epochs=2, imgsz=32, device="cpu", cancel=cancel)
    assert not (tmp_path / "model").exists()
    assert list((tmp_path / "cache" / "training").iterdir()) == []  # its scratch copy is gone too
    assert sorted(p.name for p in (tmp_path / "ds").iterdir()) == ["train", "val"]  # no cache file beside it


def test_vote_file_journal_local_wal_network_share_rollback(tmp_path, monkeypatch):
    from fshd_studio.labelling import shares, store as store_module

    mounts = [("/", "ext4"), ("/mnt/clinic", "cifs"), ("/mnt/clinic/local", "ext4"), ("/home/a b", "nfs4")]
    assert shares._mount_type(Path("/mnt/clinic/faces"), mounts) == "cifs"
    assert shares._mount_type(Path("/mnt/clinic/local/x"), mounts) == "ext4"
    assert shares._mount_type(Path("/mnt/clinical"), mounts) == "ext4"  # a prefix of a name is not a parent
    assert shares._mount_type(Path("/home/a b/x"), mounts) == "nfs4"
    (tmp_path / "local").mkdir()
    with VoteStore(tmp_path / "local") as local:
        assert local.journal_mode == "wal"
    monkeypatch.setattr(store_module, "on_network_share", lambda folder: True)
    (tmp_path / "share").mkdir()
    with VoteStore(tmp_path / "share") as shared:
        assert shared.journal_mode == "delete"
        i = shared.add_image("x.png", 1, 1, None, 0)
        shared.vote(Vote(i, "ana", Round.SORT, "happy"))
    with VoteStore(tmp_path / "share") as again:
        assert again.vote_count() == 1


def test_vote_file_in_a_missing_folder_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="may write"):
        VoteStore(tmp_path / "nowhere")
