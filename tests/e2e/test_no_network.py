"""No network, ever: demo, preprocess, infer and the labelling import/aggregate/export run with every socket
connection refused (a sitecustomize in the child processes), and nothing even tried to connect."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fshd_studio.io.results_file import cache_dir
from tests.conftest import EXTERNAL

FSHD = [sys.executable, "-m", "fshd_studio"]
SITECUSTOMIZE = '''
import os, socket, traceback

_LOG = os.environ["FSHD_NET_LOG"]


def _refuse(self, address, *a, **k):
    if getattr(self, "family", None) == getattr(socket, "AF_UNIX", None):
        return _orig_connect(self, address, *a, **k)  # local IPC (e.g. a multiprocessing pipe) is not network
    with open(_LOG, "a") as fh:
        fh.write(f"{os.getpid()} connect {address!r}\\n" + "".join(traceback.format_stack(limit=8)) + "\\n")
    raise OSError(101, "network is unreachable (refused by the no-network test)")


_orig_connect = socket.socket.connect
socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
'''


@pytest.fixture()
def offline_env(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    log = tmp_path / "connections.log"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
               FSHD_NET_LOG=str(log), FSHD_STUDIO_DATA_DIR=str(tmp_path / "data"), QT_QPA_PLATFORM="offscreen",
               HOME=str(tmp_path / "home"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "YOLO_OFFLINE"):  # the app must not need them
        env.pop(key, None)
    return env, log


def _run(env, *args, ok=(0,)):
    res = subprocess.run([*FSHD, *map(str, args)], env=env, capture_output=True, text=True, timeout=900)
    assert res.returncode in ok, res.stderr[-1500:]
    return res


def test_the_guard_itself_sees_a_connection(offline_env):
    env, log = offline_env
    code = "import socket\ntry:\n    socket.create_connection(('192.0.2.1', 80), timeout=1)\nexcept OSError:\n    pass"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    assert "192.0.2.1" in log.read_text()


@pytest.mark.slow
def test_demo_preprocess_infer_labelling_never_connect(offline_env, tmp_path):
    env, log = offline_env
    demo = tmp_path / "demo"
    _run(env, "demo", demo, "--exercise-seconds", "2.5", "--rest-seconds", "1", "--size-scale", "0.5")
    project = demo / "demo.fshd.json"
    # into the app's own cache beside the project, which infer then reads instead of preprocessing again
    _run(env, "preprocess", project, "--out", cache_dir(project), "--exercise", "14")
    _run(env, "infer", project, "--exercise", "14", "--json", tmp_path / "r.json", "--device", "cpu")
    assert json.loads((tmp_path / "r.json").read_text())
    if (EXTERNAL / "image").is_dir():
        faces = tmp_path / "faces"
        faces.mkdir()
        for name in ("pyfeat_single_face.jpg", "facerec_obama.jpg"):
            shutil.copy(EXTERNAL / "image" / name, faces / name)
        _run(env, "votes", "import", faces)
        _run(env, "votes", "aggregate", "--db", faces)
        _run(env, "votes", "export", faces, "--out", tmp_path / "dataset", ok=(0, 2))  # no votes yet: may refuse
    assert not log.exists(), f"a connection was attempted:\n{log.read_text()[:3000]}"
