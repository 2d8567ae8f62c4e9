"""int8 by NNCF: quantised on the demo sessions' clips, recorded in the model card, used only when parity holds."""

import json
import shutil

import numpy as np
import pytest

from fshd_studio.inference.backends import open_backend
from fshd_studio.inference.backends.quantize import INT8_BIN, PARITY_DP, int8_status, parity, quantize_model
from fshd_studio.inference.session import weights_sha256
from fshd_studio.model.checkpoint import CARD_FILE, read_card
from tests.unit.test_openvino_backend import MODEL, demo_clips


@pytest.fixture(scope="module")
def clips(demo_project, demo_project_weak):
    return demo_clips([demo_project, demo_project_weak])


@pytest.fixture(scope="module")
def quantised(clips, tmp_path_factory):
    folder = tmp_path_factory.mktemp("int8") / "demo-synthetic"
    shutil.copytree(MODEL, folder)
    record = quantize_model(folder, list(clips), list(clips), sources=["demo", "demo-weak"])
    return folder, record


@pytest.mark.slow
def test_quantisation_is_recorded_in_the_model_card(quantised, clips):
    folder, record = quantised
    card = read_card(folder)
    assert card.openvino_int8["enabled"] == record.enabled == record.parity["holds"]
    assert card.openvino_int8["weights_sha256"] == weights_sha256(folder)
    assert card.openvino_int8["calibration_clips"] == len(clips) and card.openvino_int8["nncf"]
    assert record.parity["clips"] == len(clips) and record.parity["max_allowed_dp"] == PARITY_DP
    assert str(folder) not in json.dumps(card.openvino_int8)              # no machine paths in the card
    assert (folder / INT8_BIN).is_file() and card.model_id == read_card(MODEL).model_id


@pytest.mark.slow
def test_int8_is_used_only_when_its_parity_held(quantised, clips, tmp_path, monkeypatch):
    folder, record = quantised
    monkeypatch.setenv("FSHD_STUDIO_CACHE", str(tmp_path))
    engine = open_backend(folder, "openvino", "int8")
    got = engine.forward(clips)
    if not record.enabled:      # the model card says why int8 stays off, and fp32 is used
        assert engine.precision == "fp32" and "parity" in engine.note
        return
    assert (engine.name, engine.precision, engine.note) == ("openvino", "int8", "")
    ref = open_backend(folder, "torch", "fp32", "cpu").forward(clips)
    check = parity(ref, got)
    assert check.max_abs_dp <= PARITY_DP and check.same_class and check.same_votes, check


def test_int8_is_refused_for_other_weights_or_a_changed_file(quantised, tmp_path):
    folder, _record = quantised
    copy = tmp_path / "m"
    shutil.copytree(folder, copy)
    card = read_card(copy)
    if not card.openvino_int8["enabled"]:
        pytest.skip("int8 did not pass its parity check for this model; nothing to refuse")
    sha = weights_sha256(copy)
    assert int8_status(copy, card, sha).enabled
    assert "other weights" in int8_status(copy, card, "0" * 64).reason
    data = bytearray((copy / INT8_BIN).read_bytes())
    data[-1] ^= 0xFF
    (copy / INT8_BIN).write_bytes(bytes(data))
    assert "differ" in int8_status(copy, card, sha).reason
    doc = json.loads((copy / CARD_FILE).read_text())
    doc.pop("openvino_int8")
    (copy / CARD_FILE).write_text(json.dumps(doc))
    assert "records no int8" in int8_status(copy, read_card(copy), sha).reason
    assert np.isfinite(card.openvino_int8["parity"]["max_abs_dp"])
