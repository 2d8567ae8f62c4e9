"""The patient-grouped, class-stratified split; the label CSV."""

import numpy as np
import pytest

from fshd_studio.core.errors import UserError
from fshd_studio.model.dataset import (Recording, Split, load_split, make_split, patient_split, read_labels,
                                       save_split, video_split, write_labels)


def _recordings(n_patients: int, seed: int) -> list[Recording]:
    rng = np.random.default_rng(seed)
    recs = []
    for p in range(n_patients):
        label = int(rng.integers(0, 4))
        for visit in range(int(rng.integers(1, 3))):
            for cam in ("A", "B"):
                recs.append(Recording(f"p{p}-v{visit}", f"p{p}", cam, label))
    return recs


@pytest.mark.parametrize("seed", range(5))
def test_split_never_puts_a_patient_on_two_sides(seed):
    recs = _recordings(40, seed)
    split = patient_split(recs, seed=seed)
    sides = [set(split.train), set(split.val), set(split.test)]
    assert not (sides[0] & sides[1]) and not (sides[0] & sides[2]) and not (sides[1] & sides[2])
    assert set().union(*sides) == {r.patient for r in recs}
    for r in recs:  # every recording (both cameras, all visits) goes with its patient
        assert r.patient in sides[["train", "val", "test"].index(split.part_of(r))]


def test_split_is_stratified_and_seeded():
    recs = [Recording(f"s{p}", f"p{p}", "A", p % 4) for p in range(80)]
    split = patient_split(recs, test=0.25, val=0.15, seed=3)
    label = {r.patient: r.label for r in recs}
    for c in range(4):
        n_test = sum(label[p] == c for p in split.test)
        assert n_test == 5  # 25 % of the 20 patients of each class
    assert patient_split(recs, seed=3) == split
    assert patient_split(recs, seed=4) != split


def test_label_csv_round_trip_and_errors(tmp_path):
    recs = [Recording("s1", "p1", "A", 0), Recording("s1", "p1", "B", 0), Recording("s2", "p2", "A", 3)]
    write_labels(tmp_path / "labels.csv", recs)
    assert read_labels(tmp_path / "labels.csv") == recs
    (tmp_path / "bad.csv").write_text("session,patient,camera,class\ns1,p1,A,flu\n")
    with pytest.raises(UserError, match="line 2"):
        read_labels(tmp_path / "bad.csv")
    with pytest.raises(UserError, match="does not exist"):
        read_labels(tmp_path / "none.csv")


def test_the_study_split_is_per_video_70_30_stratified_without_validation(tmp_path):
    recs = _recordings(60, 0)
    split = video_split(recs, seed=1)
    assert split.unit == "recording" and not split.val and split.leakage
    keys = {f"{r.session}/{r.camera}" for r in recs}
    assert set(split.train) | set(split.test) == keys and not set(split.train) & set(split.test)
    for c in range(4):
        n = [f"{r.session}/{r.camera}" for r in recs if r.label == c]
        assert sum(k in split.test for k in n) == round(len(n) * 0.3)
    assert {split.part_of(r) for r in recs} == {"train", "test"}
    save_split(tmp_path / "s.json", split)
    assert load_split(tmp_path / "s.json") == split
    assert make_split(recs, "study", seed=1) == split and make_split(recs, "patient", seed=1).unit == "patient"


def test_an_old_split_file_reads_as_patient_grouped(tmp_path):
    (tmp_path / "s.json").write_text('{"train": ["p1"], "val": ["p2"], "test": ["p3"], "seed": 0}')
    split = load_split(tmp_path / "s.json")
    assert split == Split(("p1",), ("p2",), ("p3",), 0) and split.leakage is None
    assert split.part_of(Recording("x", "p3", "A", 0)) == "test"
