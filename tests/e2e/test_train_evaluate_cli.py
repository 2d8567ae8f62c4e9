"""`fshd-studio train`, `evaluate`, `model info` end to end on a tiny random dataset (CPU, seconds)."""

import json

import numpy as np
import pytest

from fshd_studio.cli import run
from fshd_studio.model.dataset import Recording, load_split, write_labels


@pytest.fixture()
def dataset(tmp_path):
    rng = np.random.default_rng(0)
    recs = []
    for p in range(12):
        label = p % 4
        for cam in ("A", "B"):
            for ex in (7, 14):
                f = tmp_path / "data" / f"s{p}" / cam / f"{ex:02d}.npy"
                f.parent.mkdir(parents=True, exist_ok=True)
                np.save(f, rng.integers(0, 256, (8, 16, 32, 32, 3), dtype=np.uint8))
            recs.append(Recording(f"s{p}", f"p{p}", cam, label))
    write_labels(tmp_path / "data" / "labels.csv", recs)
    return tmp_path / "data"


def _train(dataset, out, *extra):
    return run(["train", "--data", str(dataset), "--out", str(out), "--config", "tiny", "--epochs", "2",
                "--batch-size", "4", "--device", "cpu", "--synthetic", "--trained-on", "random noise (test)",
                "--random-encoder",
                *extra])


def test_train_resume_evaluate(dataset, tmp_path, capsys):
    out = tmp_path / "model"
    assert _train(dataset, out) == 0
    assert {p.name for p in out.iterdir()} >= {"config.json", "model.safetensors", "model_card.json", "split.json",
                                               "train_state"}
    split = load_split(out / "split.json")
    assert not set(split.train) & set(split.test)
    state = json.loads((out / "train_state" / "state.json").read_text())
    assert state["info"]["epoch"] == 1
    capsys.readouterr()
    assert run(["train", "--data", str(dataset), "--out", str(out), "--config", "tiny", "--epochs", "3",
                "--batch-size", "4", "--device", "cpu", "--random-encoder", "--resume"]) == 0
    hist = json.loads(capsys.readouterr().out)["history"]
    assert [h["epoch"] for h in hist] == [0, 1, 2]

    assert run(["evaluate", "--model", str(out), "--data", str(dataset), "--part", "all", "--bootstrap", "50",
                "--json", str(tmp_path / "eval.json"), "--update-card", "--device", "cpu"]) == 0
    table = capsys.readouterr().out
    ev = json.loads((tmp_path / "eval.json").read_text())
    assert set(ev["per_exercise"]) == {"14"}  # by default what the model was trained on (exercise 7 is in the data)
    assert ev["per_exercise"]["14"]["n"] == 24 and ev["majority_vote"]["n"] == 24
    acc = ev["per_exercise"]["14"]["accuracy"]
    assert acc["low"] <= acc["value"] <= acc["high"]
    assert "vote" in table and "14" in table
    card = json.loads((out / "model_card.json").read_text())
    assert next(iter(card)) == "trained_on" and card["synthetic"] is True
    assert card["metrics"]["per_exercise"]["14"]["n"] == 24

    assert run(["evaluate", "--model", str(out), "--data", str(dataset), "--part", "all", "--bootstrap", "50",
                "--exercise", "all", "--json", str(tmp_path / "all.json"), "--device", "cpu"]) == 0
    capsys.readouterr()
    assert set(json.loads((tmp_path / "all.json").read_text())["per_exercise"]) == {"7", "14"}

    assert run(["model", "info", str(out)]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["config"]["hidden_size"] == 32 and info["size_bytes"] > 0


def test_bad_inputs_are_one_line_errors(dataset, tmp_path, capsys):
    assert _train(tmp_path / "nowhere", tmp_path / "m") == 2
    assert capsys.readouterr().err.startswith("error: dataset folder")
    assert _train(dataset, tmp_path / "m", "--exercise", "99") == 2
    assert _train(dataset, tmp_path / "m", "--config", "huge") == 2
    assert run(["evaluate", "--model", str(tmp_path), "--data", str(dataset), "--json", str(tmp_path / "e.json"),
                "--device", "cpu"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("error: ") for line in err)
    assert not (tmp_path / "e.json").exists()
