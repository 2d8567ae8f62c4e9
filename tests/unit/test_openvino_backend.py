"""The OpenVINO back-end against torch fp32 on the demo sessions' clips, its cache, its fallback, no network."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from fshd_studio.inference.backends import open_backend
from fshd_studio.inference.backends.quantize import PARITY_DP, parity
from tests.fixtures_demo import preprocessed

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "models" / "demo-synthetic"


def demo_clips(demos, exercises_max: int = 3) -> np.ndarray:
    """The clips score_session feeds the model for these demo sessions: the model's exercises (up to
    `exercises_max`), both cameras, from the app's own preprocessing (each demo's cache, shared by the run)."""
    from fshd_studio.model.checkpoint import read_card
    from fshd_studio.preprocess.store import load_preprocessed

    exercises = sorted(read_card(MODEL).exercises or [14])[:exercises_max]
    clips = [np.asarray(c.snippets()) for demo in demos for c in load_preprocessed(preprocessed(demo).out)
             if c.usable and c.exercise_id in exercises]
    return np.stack(clips)


@pytest.fixture(scope="module")
def clips(demo_project, demo_project_weak):
    return demo_clips([demo_project, demo_project_weak])


@pytest.fixture(scope="module")
def torch_fp32(clips):
    return open_backend(MODEL, "torch", "fp32", "cpu").forward(clips)


@pytest.mark.slow
@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_openvino_matches_torch_fp32_on_the_demo_clips(clips, torch_fp32, precision):
    from fshd_studio.inference.backends.openvino_backend import cpu_has_bf16

    engine = open_backend(MODEL, "openvino", precision)
    got = engine.forward(clips)
    assert engine.name == "openvino", engine.note
    if precision == "bf16" and not cpu_has_bf16():
        assert engine.precision == "fp32" and "bf16" in engine.note
    else:
        assert (engine.precision, engine.note) == (precision, "")
    # the demo has a weak and a plain session: both votes are present, so "same votes" can fail
    assert set((torch_fp32[0] >= 0.5).tolist()) == {True, False}
    check = parity(torch_fp32, got)
    assert check.max_abs_dp <= PARITY_DP, (torch_fp32[0], got[0])
    assert check.same_class and check.same_votes and check.holds
    assert np.allclose(got[1].sum(1), 1, atol=1e-4)
    one = engine.forward(clips[:1])            # any batch size, the same numbers
    assert abs(float(one[0][0]) - float(got[0][0])) < 1e-3


@pytest.mark.slow
def test_compiled_model_is_cached_and_a_damaged_cache_is_rebuilt(clips, tmp_path, monkeypatch):
    from fshd_studio.inference.backends import openvino_backend, ov_cache

    monkeypatch.setenv("FSHD_STUDIO_CACHE", str(tmp_path))
    first = open_backend(MODEL, "openvino", "fp32")
    ref = first.forward(clips[:2])
    assert not first.loaded_from_cache
    [folder] = (tmp_path / "openvino").iterdir()
    meta = ov_cache.read_meta(folder)
    assert folder == ov_cache.compiled_dir(meta.weights_sha256, meta.openvino, "fp32")
    assert meta.weights_sha256 in folder.name and meta.openvino.split("-")[0] in folder.name

    def no_conversion(*_a, **_k):
        raise AssertionError("converted again although the cache holds the compiled model")

    monkeypatch.setattr(openvino_backend, "convert", no_conversion)
    again = open_backend(MODEL, "openvino", "fp32")
    assert np.array_equal(again.forward(clips[:2])[0], ref[0]) and again.loaded_from_cache

    (folder / ov_cache.BLOB_FILE).write_bytes(b"not a compiled model")
    monkeypatch.undo()
    monkeypatch.setenv("FSHD_STUDIO_CACHE", str(tmp_path))
    rebuilt = open_backend(MODEL, "openvino", "fp32")
    assert np.allclose(rebuilt.forward(clips[:2])[0], ref[0], atol=1e-6)
    assert not rebuilt.loaded_from_cache and rebuilt.name == "openvino"
    assert ov_cache.read_meta(folder) is not None


def test_conversion_failure_falls_back_to_torch_with_a_note(clips, torch_fp32, tmp_path, monkeypatch):
    from fshd_studio.inference.backends import openvino_backend

    monkeypatch.setenv("FSHD_STUDIO_CACHE", str(tmp_path))

    def broken(*_a, **_k):
        raise RuntimeError("Model wasn't fully converted: aten::something")

    monkeypatch.setattr(openvino_backend, "convert", broken)
    engine = open_backend(MODEL, "openvino", "bf16")
    got = engine.forward(clips)
    assert (engine.name, engine.precision) == ("torch", "fp32")
    assert "OpenVINO could not convert" in engine.note and "aten::something" in engine.note
    assert np.allclose(got[0], torch_fp32[0], atol=1e-6) and np.allclose(got[1], torch_fp32[1], atol=1e-6)
    assert not (tmp_path / "openvino").exists() or not any((tmp_path / "openvino").iterdir())


def test_openvino_failing_to_start_falls_back_to_torch(tmp_path, monkeypatch):
    from fshd_studio.inference.backends import openvino_backend

    def no_openvino():
        raise ImportError("libopenvino.so: cannot open shared object file")

    monkeypatch.setattr(openvino_backend, "import_openvino", no_openvino)
    engine = open_backend(MODEL, "auto", "fp32", "cpu")
    assert engine.name == "torch" and "libopenvino" in engine.note


def test_int8_without_a_passed_parity_check_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("FSHD_STUDIO_CACHE", str(tmp_path))
    engine = open_backend(MODEL, "openvino", "int8")
    assert engine.precision == "fp32" and "int8 is off" in engine.note


NO_NETWORK = textwrap.dedent("""
    import json, socket, sys, threading, time
    from pathlib import Path
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(repr(args[1:] if args and isinstance(args[0], socket.socket) else args)[:200])
        raise ConnectionRefusedError("network refused by the test")

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    import urllib.request
    try:                                            # the guard itself works
        urllib.request.urlopen("http://example.org/", timeout=1)
    except OSError:
        pass
    guard_works = bool(attempts)
    attempts.clear()
    import numpy as np
    from fshd_studio.inference.backends import open_backend
    engine = open_backend(Path(sys.argv[1]), "openvino", "fp32")
    p, _ = engine.forward(np.zeros((1, 8, 16, 224, 224, 3), np.uint8))
    time.sleep(1.0)                                 # let any sender thread try
    print(json.dumps({"guard_works": guard_works, "attempts": attempts, "backend": engine.name,
                      "note": engine.note, "threads": [t.name for t in threading.enumerate()],
                      "telemetry_module": repr(sys.modules.get("openvino_telemetry"))}))
""")


@pytest.mark.slow
def test_scoring_with_openvino_opens_no_network_connection(tmp_path):
    """Converted from scratch in a fresh process whose home has no telemetry consent file (OpenVINO's default
    there is to send), with every socket connection refused and recorded."""
    env = {**os.environ, "HOME": str(tmp_path / "home"), "FSHD_STUDIO_CACHE": str(tmp_path / "cache")}
    env.pop("CI", None)                  # OpenVINO's telemetry stays quiet in CI: test the clinic PC's case
    (tmp_path / "home").mkdir()
    run = subprocess.run([sys.executable, "-c", NO_NETWORK, str(MODEL)], capture_output=True, text=True, env=env,
                         cwd=REPO, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["guard_works"]
    assert out["backend"] == "openvino", out["note"]
    assert out["attempts"] == [], out
    assert out["telemetry_module"] == "None"
    assert not (tmp_path / "home" / "intel").exists()      # no telemetry consent or client id written


def test_model_info_lists_the_backends_of_this_machine():
    from fshd_studio.inference.backends.openvino_backend import cpu_has_bf16

    run = subprocess.run([sys.executable, "-m", "fshd_studio", "model", "info", str(MODEL)], capture_output=True,
                         text=True, cwd=REPO, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    info = json.loads(run.stdout)
    rows = {(b["backend"], b["device"]): b for b in info["backends"]}
    assert rows[("torch", "cpu")]["precisions"] == ["fp32"]
    ov = rows[("openvino", "cpu")]
    assert ov["version"] and "fp32" in ov["precisions"]
    assert ("bf16" in ov["precisions"]) == cpu_has_bf16()
    from fshd_studio.inference.backends.quantize import int8_status
    from fshd_studio.inference.session import weights_sha256
    from fshd_studio.model.checkpoint import read_card

    int8 = int8_status(MODEL, read_card(MODEL), weights_sha256(MODEL))
    assert ("int8" in ov["precisions"]) == int8.enabled and (int8.enabled or int8.reason in ov["note"])
    assert info["auto_backend"] in ("openvino (cpu)", "torch (cuda)")
