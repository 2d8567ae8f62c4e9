"""Training: two processes under torchrun (DistributedDataParallel, gloo on CPU) compute what one does; the
refusals that keep training true to the study; the loss keeps its severity term."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from fshd_studio.cli import run
from fshd_studio.model.checkpoint import read_config
from fshd_studio.model.config import PRESETS
from fshd_studio.model.dataset import Recording, write_labels
from fshd_studio.model.network import FSHDModel, ModelOutput, multitask_loss


@pytest.fixture()
def dataset(tmp_path):
    """16 patients, one camera, exercise 14 at 32 px: FSHD clips have a dim left half (learnable)."""
    rng = np.random.default_rng(0)
    recs = []
    for p in range(16):
        label = p % 4
        clip = rng.integers(60, 200, (8, 16, 32, 32, 3), dtype=np.uint8)
        if label <= 1:
            clip[..., :16, :] //= 3
        f = tmp_path / "data" / f"s{p}" / "A" / "14.npy"
        f.parent.mkdir(parents=True)
        np.save(f, clip)
        recs.append(Recording(f"s{p}", f"p{p}", "A", label))
    write_labels(tmp_path / "data" / "labels.csv", recs)
    cfg = tmp_path / "tiny-no-dropout.json"      # dropout draws differ per process; everything else must not
    cfg.write_text(PRESETS["tiny"].with_(dropout=0.0).to_json())
    return tmp_path / "data", cfg


def _args(data, cfg, out, *extra):
    return ["train", "--data", str(data), "--out", str(out), "--config", str(cfg), "--epochs", "3",
            "--batch-size", "4", "--lr", "3e-3", "--device", "cpu", "--random-encoder", "--train-encoder",
            "--synthetic", "--trained-on", "test noise", *extra]


def test_two_processes_under_torchrun_train_as_one_does(dataset, tmp_path, capsys):
    data, cfg = dataset
    assert run(_args(data, cfg, tmp_path / "one")) == 0
    one = json.loads(capsys.readouterr().out)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore"}
    proc = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
                           "-m", "fshd_studio", *_args(data, cfg, tmp_path / "two")],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    two = json.loads(proc.stdout[proc.stdout.index("{"):])          # rank 0 alone prints
    assert proc.stdout.count('"history"') == 1
    assert two["processes"] == 2 and one["processes"] == 1
    losses = [[h["loss"] for h in r["history"]] for r in (one, two)]
    assert losses[0][-1] < losses[0][0]                               # it learns
    np.testing.assert_allclose(losses[1], losses[0], rtol=2e-3)
    assert [h["val_accuracy"] for h in two["history"]] == [h["val_accuracy"] for h in one["history"]]
    assert two["best_epoch"] == one["best_epoch"]
    from safetensors.torch import load_file

    w1, w2 = (load_file(str(tmp_path / d / "model.safetensors")) for d in ("one", "two"))
    assert w1.keys() == w2.keys()
    for k in w1:
        torch.testing.assert_close(w2[k], w1[k], rtol=1e-2, atol=2e-3, msg=k)   # Adam magnifies float noise
    card = json.loads((tmp_path / "two" / "model_card.json").read_text())
    assert card["training"]["processes"] == 2 and card["exercises"] == [14]
    assert not list((tmp_path / "two").glob("*.tmp*"))


def test_training_refuses_a_random_encoder_unless_asked(dataset, tmp_path, capsys):
    data, cfg = dataset
    args = [a for a in _args(data, cfg, tmp_path / "m") if a != "--random-encoder"]
    assert run(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: training without a pre-trained encoder") and "55.8 %" in err
    assert "74.4 %" in err and "--random-encoder" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "m").exists()


def test_an_empty_validation_set_is_an_error_and_the_study_split_has_none(tmp_path, dataset, capsys):
    data, cfg = dataset
    few = [Recording(f"s{p}", f"p{p}", "A", p % 4) for p in range(8)]   # 2 patients per class: no validation
    write_labels(data / "few.csv", few)
    assert run(_args(data, cfg, tmp_path / "m", "--labels", str(data / "few.csv"), "--epochs", "1")) == 2
    assert "validation set is empty" in capsys.readouterr().err
    assert run(_args(data, cfg, tmp_path / "s", "--labels", str(data / "few.csv"), "--epochs", "2",
                     "--split", "study")) == 0
    captured = capsys.readouterr()
    res = json.loads(captured.out)
    assert "optimistic" in captured.err
    assert res["best_epoch"] == 1 and res["best_val_accuracy"] is None      # the last epoch is kept
    card = json.loads((tmp_path / "s" / "model_card.json").read_text())
    assert card["training"]["checkpoint"].startswith("last epoch") and card["training"]["split"]["leakage"]
    assert run(["evaluate", "--model", str(tmp_path / "s"), "--data", str(data), "--labels",
                str(data / "few.csv"), "--bootstrap", "20", "--device", "cpu",
                "--json", str(tmp_path / "e.json")]) == 0
    out = capsys.readouterr().out
    assert "WARNING: split per video" in out
    assert json.loads((tmp_path / "e.json").read_text())["split"]["unit"] == "recording"


def test_the_input_normalisation_is_saved_with_the_model_and_read_back(tmp_path):
    from fshd_studio.model.checkpoint import ModelCard, load_model, save_model

    cfg = PRESETS["tiny"].with_(pixel_mean=(0.5, 0.4, 0.3), pixel_std=(0.2, 0.25, 0.3))
    save_model(FSHDModel(cfg), tmp_path, ModelCard("test", "m", True))
    assert read_config(tmp_path).pixel_mean == (0.5, 0.4, 0.3)
    model, _ = load_model(tmp_path)
    clips = torch.full((1, 8, 2, 32, 32, 3), 255, dtype=torch.uint8)
    x = model.normalise(clips)
    torch.testing.assert_close(x[0, 0, :, 0, 0], torch.tensor([(1 - 0.5) / 0.2, (1 - 0.4) / 0.25, (1 - 0.3) / 0.3]))


def test_the_loss_is_binary_plus_weighted_severity():
    cfg = PRESETS["tiny"]
    binary = torch.tensor([[2.0, -1.0], [0.5, 0.5]])
    severity = torch.tensor([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 3.0]])
    classes = torch.tensor([1, 3])              # severe FSHD, control
    ce = torch.nn.functional.cross_entropy
    want = ce(binary, torch.tensor([1, 0])) + cfg.severity_weight * ce(severity, classes)
    got = multitask_loss(ModelOutput(binary, severity), classes, cfg)
    torch.testing.assert_close(got, want)
    assert cfg.severity_weight > 0 and not torch.isclose(got, ce(binary, torch.tensor([1, 0])))
    plain = cfg.with_(multitask=False)
    torch.testing.assert_close(multitask_loss(ModelOutput(binary, severity), classes, plain),
                               ce(binary, torch.tensor([1, 0])))


def test_a_training_step_teaches_the_severity_head(dataset, tmp_path):
    """The severity head learns only through the loss's severity term: a dropped term leaves it untouched."""
    from fshd_studio.model.dataset import NpyReader
    from fshd_studio.model.train import TrainOptions, train

    data, _ = dataset
    cfg = PRESETS["tiny"].with_(dropout=0.0)
    torch.manual_seed(0)
    before = FSHDModel(cfg).severity_head.weight.detach().clone()
    opts = TrainOptions(epochs=1, batch_size=4, lr=1e-2, device="cpu", random_encoder=True, exercises=(14,))
    train(data, data / "labels.csv", tmp_path / "m", cfg, opts, NpyReader())
    from safetensors.torch import load_file

    after = load_file(str(tmp_path / "m" / "model.safetensors"))["severity_head.weight"]
    assert (after - before).abs().max() > 1e-4
