"""Bad-input suite: broken files derived in tmp_path from ../shared/data/external (and the demo) for every reader
and command. Each run must end with exit 2, one `error:` line naming the file, no traceback, no internal error,
no output file, and every input byte-for-byte unchanged. Commands run in-process through fshd_studio.cli.run."""

from __future__ import annotations

import hashlib
import json
import math
import os
import pickle
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Callable

import numpy as np
import pytest

from fshd_studio.cli import run
from tests.conftest import EXTERNAL

EAF = EXTERNAL / "elan" / "speach_test2.eaf"
VIDEO = EXTERNAL / "video" / "pyfeat_single_face.mp4"
IMAGE = EXTERNAL / "image" / "pyfeat_single_face.jpg"
pytestmark = pytest.mark.skipif(not EAF.is_file(), reason=f"real test files not found at {EXTERNAL}")


# ---- generic corruptions of any file ------------------------------------------------------------------------
PWNED = Path(tempfile.gettempdir()) / f"fshd-bad-inputs-pwned-{os.getpid()}"


class _Payload:
    """Unpickling this creates the PWNED file: if any reader ever unpickles an input, the suite sees it."""

    def __reduce__(self):
        return (open, (str(PWNED), "w"))


def _pickle_payload() -> bytes:
    return pickle.dumps(_Payload(), protocol=4)


def _foreign_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE patients (name TEXT)")
        db.execute("INSERT INTO patients VALUES ('x')")
    db.close()


GENERIC: dict[str, Callable[[Path, bytes], bytes | None]] = {
    "zero_bytes": lambda p, raw: b"",
    "truncated": lambda p, raw: raw[: len(raw) // 2],
    "random_bytes": lambda p, raw: np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes(),
    "pickle": lambda p, raw: _pickle_payload(),
    "image": lambda p, raw: IMAGE.read_bytes(),
    "video": lambda p, raw: VIDEO.read_bytes(),
    "foreign_sqlite": lambda p, raw: _foreign_sqlite(p),
}


def _apply(path: Path, how: Callable[[Path, bytes], bytes | None], raw: bytes) -> None:
    path.unlink(missing_ok=True)
    out = how(path, raw)
    if out is not None:
        path.write_bytes(out)


def _hashes(*roots: Path) -> dict[str, str]:
    """The inputs' files; a preprocessing cache is the app's own (hundreds of MB of snippets), not an input."""
    files = [f for r in roots for f in ([r] if r.is_file() else sorted(r.rglob("*"))) if f.is_file()
             and not any(part.endswith(".cache") for part in f.relative_to(r).parts)]
    return {str(f): hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def check_refused(argv: list[str], inputs: list[Path], capsys, outputs: tuple[Path, ...] = (), name: str = ""):
    """Run, then the contract: exit 2, one error line naming the input, no traceback, inputs and outputs."""
    before = _hashes(*inputs)
    capsys.readouterr()
    code = run([str(a) for a in argv])
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("error")]
    assert code == 2, f"exit {code}, stderr: {err[-800:]}"
    assert len(lines) == 1 and lines[0].startswith("error: "), err[-800:]
    assert err.rstrip().splitlines()[-1] == lines[0], "the error is not the last word"
    assert "Traceback" not in err and "internal error" not in err, err[-800:]
    assert not PWNED.exists(), "a pickle in the inputs was unpickled"
    if name:
        assert name in lines[0], f"the message does not name {name}: {lines[0]}"
    after = _hashes(*inputs)
    assert {k: after.get(k) for k in before} == before, "an input file was changed or removed"
    new = [k for k in after if k not in before and not any(part.endswith(".cache") for part in Path(k).parts)
           and not k.endswith(".results.json")]  # infer's cache and its (whole) record of what was not scored
    assert not new, f"files were added beside the inputs: {new[:3]}"
    for out in outputs:
        assert not out.exists(), f"{out} was written"
    return lines[0]


# ---- the demo session as a base for project, video, model and preprocess inputs ------------------------------
@pytest.fixture(scope="module")
def base(tmp_path_factory, demo_project):
    """A copy of the short demo (project, videos, eaf) and of the bundled model folder."""
    from fshd_studio.io.resources import models_dir

    from transformers.utils import logging as hf_logging

    # transformers binds its log handler to sys.stderr at first use; under pytest that is one test's capture
    # stream, closed by the next test ('--- Logging error ---' with a traceback). A real process has one stderr.
    hf_logging.disable_default_handler()
    root = tmp_path_factory.mktemp("bad-inputs-base")
    shutil.copytree(demo_project.project.parent, root / "session", ignore=shutil.ignore_patterns("*.cache"))
    shutil.copytree(models_dir() / "demo-synthetic", root / "model")
    return root


def _project_doc(base: Path) -> dict:
    return json.loads((base / "session" / "demo.fshd.json").read_text())


def _mut(f):
    def make(doc: dict) -> bytes:
        f(doc)
        return json.dumps(doc).encode()
    return make


PROJECT_CASES: dict[str, Callable[[dict], bytes]] = {
    "eaf_as_project": lambda d: EAF.read_bytes(),
    "utf16": lambda d: json.dumps(d).encode("utf-16"),
    "latin1": lambda d: json.dumps(d | {"notes": "Mme Hélène"}, ensure_ascii=False).encode("latin-1"),
    "not_an_object": lambda d: b"[1, 2, 3]",
    "cameras_string": _mut(lambda d: d.update(cameras="front.mp4")),
    "cameras_empty": _mut(lambda d: d.update(cameras=[])),
    "camera_not_object": _mut(lambda d: d["cameras"].__setitem__(0, "front")),
    "camera_id_path": _mut(lambda d: d["cameras"][0].update(id="../../x")),
    "video_number": _mut(lambda d: d["cameras"][0].update(video=7)),
    "offset_nan": _mut(lambda d: d["cameras"][0].update(offset_ms=math.nan)),
    "offset_string": _mut(lambda d: d["cameras"][0].update(offset_ms="1240")),
    "offset_absurd": _mut(lambda d: d["cameras"][0].update(offset_ms=1e308)),
    "segment_string": _mut(lambda d: d["segments"].__setitem__(0, "14")),
    "segments_object": _mut(lambda d: d.update(segments={"a": 1})),
    "end_infinity": _mut(lambda d: d["segments"][0].update(end_ms=math.inf)),
    "end_1e308": _mut(lambda d: d["segments"][0].update(end_ms=1e308)),
    "start_negative": _mut(lambda d: d["segments"][0].update(start_ms=-500)),
    "end_before_start": _mut(lambda d: d["segments"][0].update(end_ms=d["segments"][0]["start_ms"] - 100)),
    "duplicate_exercise": _mut(lambda d: d["segments"].append(d["segments"][3] | {"start_ms": 90000,
                                                                                  "end_ms": 90500})),
    "duplicate_key": lambda d: json.dumps(d).replace('"notes":', '"patient_id": "other", "notes":', 1).encode(),
    "exercise_float": _mut(lambda d: d["segments"][0].update(exercise_id=1.5)),
    "status_unknown": _mut(lambda d: d["segments"][0].update(status="maybe")),
    "schema_string": _mut(lambda d: d.update(schema_version="2")),
    "schema_future": _mut(lambda d: d.update(schema_version=99)),
    "huge_integer": lambda d: json.dumps(d).replace('"schema_version": 2', '"schema_version": ' + "9" * 5000).encode(),
    "deep_nesting": lambda d: b"[" * 50000,
    "elan_string": _mut(lambda d: d.update(elan="demo.eaf")),
    "protocol_missing_file": _mut(lambda d: d.update(protocol="nowhere.json")),
}
PROTOCOL_CASES: dict[str, Callable[[dict], bytes]] = {  # the protocol file a project names, broken
    "zero_bytes": lambda p: b"",
    "utf16": lambda p: json.dumps(p).encode("utf-16"),
    "pickle": lambda p: _pickle_payload(),
    "list": lambda p: b"[]",
    "exercises_string": lambda p: json.dumps(p | {"exercises": "all"}).encode(),
    "exercise_id_infinite": lambda p: json.dumps(p | {"exercises": [p["exercises"][0] | {"id": 1e400}]}).encode(),
    "duplicate_exercise": lambda p: json.dumps(p | {"exercises": p["exercises"] + p["exercises"][:1]}).encode(),
    "no_exercises": lambda p: json.dumps(p | {"exercises": []}).encode(),
    "unknown_region": lambda p: json.dumps(p | {"exercises": [p["exercises"][0] | {"regions": "eyes"}]}).encode(),
}


@pytest.fixture(scope="module")
def projects(base, tmp_path_factory):
    """Every broken project (generic and field-level) as a file beside the demo's videos."""
    folder = base / "session"
    raw = (folder / "demo.fshd.json").read_bytes()
    out = {}
    for name, how in GENERIC.items():
        p = folder / f"bad_{name}.fshd.json"
        _apply(p, how, raw)
        out[name] = p
    for name, how in PROJECT_CASES.items():
        p = folder / f"bad_{name}.fshd.json"
        p.write_bytes(how(_project_doc(base)))
        out[name] = p
    from fshd_studio.io.resources import resource_path

    protocol = json.loads(resource_path("protocols", "fshd-15.json").read_text(encoding="utf-8"))
    for name, how in PROTOCOL_CASES.items():
        (folder / f"bad_protocol_{name}.json").write_bytes(how(protocol))
        p = folder / f"bad_protocol_{name}.fshd.json"
        p.write_text(json.dumps(_project_doc(base) | {"protocol": f"bad_protocol_{name}.json"}))
        out[f"protocol_{name}"] = p
    return out


ALL_PROJECTS = sorted(GENERIC) + sorted(PROJECT_CASES) + [f"protocol_{n}" for n in sorted(PROTOCOL_CASES)]
# the window's open path goes through the same loader: a sample of the inputs through `gui --screenshot`
GUI_PROJECTS = ["zero_bytes", "random_bytes", "eaf_as_project", "utf16", "cameras_string", "offset_nan",
                "duplicate_exercise", "end_infinity", "foreign_sqlite"]


@pytest.mark.parametrize("case", ALL_PROJECTS)
@pytest.mark.parametrize("command", ["preprocess", "infer"])
def test_broken_project(command, case, projects, base, tmp_path, capsys):
    p = projects[case]
    out = tmp_path / "out"
    argv = [command, p, "--out" if command == "preprocess" else "--json", out]
    check_refused(argv, [base / "session", base / "model"], capsys, (out,), p.name)


@pytest.mark.parametrize("case", GUI_PROJECTS)
def test_broken_project_in_the_window(case, projects, base, tmp_path, capsys):
    shot = tmp_path / "shot.png"
    check_refused(["gui", projects[case], "--screenshot", shot], [base / "session"], capsys, (shot,),
                  projects[case].name)


# ---- videos ---------------------------------------------------------------------------------------------------
VIDEO_CASES = ["zero_bytes", "truncated", "random_bytes", "image", "pickle", "text"]


@pytest.fixture(scope="module")
def video_projects(base):
    """Projects whose two cameras are one broken video each (derived from the demo's and a real video)."""
    folder = base / "session"
    doc = _project_doc(base)
    out = {}
    for name in VIDEO_CASES:
        how = GENERIC.get(name, lambda p, raw: b"just some text, not a video\n")
        for cam in doc["cameras"]:
            src = folder / cam["video"]
            _apply(folder / f"bad_{name}_{cam['id']}.mp4", how, src.read_bytes())
        d = json.loads(json.dumps(doc))
        for cam in d["cameras"]:
            cam["video"] = f"bad_{name}_{cam['id']}.mp4"
        p = folder / f"video_{name}.fshd.json"
        p.write_text(json.dumps(d))
        out[name] = p
    return out


@pytest.mark.parametrize("case", VIDEO_CASES)
@pytest.mark.parametrize("command", ["preprocess", "infer"])
def test_broken_video(command, case, video_projects, base, tmp_path, capsys):
    out = tmp_path / "out.json"
    argv = [command, video_projects[case], "--exercise", "14"]
    argv += ["--out", tmp_path / "pre"] if command == "preprocess" else ["--json", out]
    line = check_refused(argv, [base / "session"], capsys)
    assert f"bad_{case}_" in line, line
    if out.exists():  # infer's record of every exercise × camera and why none was scored: whole, not half-written
        assert json.loads(out.read_text())


# ---- ELAN -------------------------------------------------------------------------------------------------------
def _eaf_text() -> str:
    return EAF.read_text(encoding="utf-8")


def _doctype(decl: str, use: str) -> bytes:
    text = _eaf_text()
    i = text.index("<ANNOTATION_DOCUMENT")
    j = text.index("<ANNOTATION_VALUE>", i) + len("<ANNOTATION_VALUE>")
    return (text[:i] + decl + text[i:j] + use + text[j:]).encode()


def _time(value: str) -> bytes:
    import re

    return re.sub(r'TIME_VALUE="\d+"', f'TIME_VALUE="{value}"', _eaf_text(), count=1).encode()


LAUGHS = ('<!DOCTYPE ANNOTATION_DOCUMENT [<!ENTITY a "aaaaaaaaaa">' +
          "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefgh", "bcdefghi")) + "]>")
ELAN_CASES: dict[str, Callable[[], bytes]] = {
    "undefined_entity": lambda: _doctype("", "&undefined;"),
    "undefined_entity_dtd": lambda: _doctype('<!DOCTYPE ANNOTATION_DOCUMENT SYSTEM "x.dtd">', "&undefined;"),
    "internal_entity": lambda: _doctype('<!DOCTYPE ANNOTATION_DOCUMENT [<!ENTITY who "x">]>', "&who;"),
    "xxe": lambda: _doctype('<!DOCTYPE ANNOTATION_DOCUMENT [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;"),
    "billion_laughs": lambda: _doctype(LAUGHS, "&i;"),
    "time_1e308": lambda: _time("1e308"),
    "time_nan": lambda: _time("NaN"),
    "time_negative": lambda: _time("-40"),
    "time_text": lambda: _time("soon"),
    "duplicate_slot": lambda: _eaf_text().replace('TIME_SLOT_ID="ts2"', 'TIME_SLOT_ID="ts1"', 1).encode(),
    "html": lambda: b"<html><body>not elan</body></html>",
    "latin1_undeclared": lambda: _eaf_text().replace("</ANNOTATION_VALUE>", "\u00e9</ANNOTATION_VALUE>", 1)
    .encode("latin-1", "replace"),
}


@pytest.fixture(scope="module")
def eafs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad-eaf")
    raw = EAF.read_bytes()
    out = {}
    for name, how in GENERIC.items():
        p = folder / f"bad_{name}.eaf"
        _apply(p, how, raw)
        out[name] = p
    for name, make in ELAN_CASES.items():
        p = folder / f"bad_{name}.eaf"
        p.write_bytes(make())
        out[name] = p
    (folder / "a_folder.eaf").mkdir()
    out["folder"] = folder / "a_folder.eaf"
    return out


ALL_EAFS = sorted(GENERIC) + sorted(ELAN_CASES) + ["folder"]


@pytest.mark.parametrize("case", ALL_EAFS)
@pytest.mark.parametrize("action", ["info", "convert"])
def test_broken_eaf(action, case, eafs, tmp_path, capsys):
    p = eafs[case]
    out = tmp_path / "out.eaf"
    argv = ["elan", action, p] + ([out] if action == "convert" else [])
    check_refused(argv, [p.parent], capsys, (out,), p.name)


# ---- model folders ---------------------------------------------------------------------------------------------
def _config(change: dict) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        cfg = json.loads((folder / "config.json").read_text())
        cfg.update(change)
        (folder / "config.json").write_text(json.dumps(cfg))
    return make


def _replace(name: str, how: str) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        _apply(folder / name, GENERIC[how], (folder / name).read_bytes())
    return make


MODEL_CASES: dict[str, Callable[[Path], None]] = {
    "config_absurd_size": _config({"hidden_size": 4096, "num_hidden_layers": 64, "intermediate_size": 16384}),
    "config_absurd_tokens": _config({"image_size": 1024, "patch_size": 2}),
    "config_wrong_type": _config({"hidden_size": "64"}),
    "config_nan": _config({"dropout": math.nan}),
    "config_negative": _config({"num_hidden_layers": -3}),
    "config_bool_as_int": _config({"snippets": True}),
    "config_unknown_key": _config({"exec": "import os"}),
    "config_list": lambda f: (f / "config.json").write_text("[1, 2]"),
    "config_utf16": lambda f: (f / "config.json").write_bytes((f / "config.json").read_text().encode("utf-16")),
    "config_zero": _replace("config.json", "zero_bytes"),
    "config_pickle": _replace("config.json", "pickle"),
    "card_wrong_type": lambda f: (f / "model_card.json").write_text(json.dumps(
        json.loads((f / "model_card.json").read_text()) | {"synthetic": "yes"})),
    "card_exercises_string": lambda f: (f / "model_card.json").write_text(json.dumps(
        json.loads((f / "model_card.json").read_text()) | {"exercises": "14"})),
    "card_truncated": _replace("model_card.json", "truncated"),
    "card_missing": lambda f: (f / "model_card.json").unlink(),
    "weights_random": _replace("model.safetensors", "random_bytes"),
    "weights_pickle": _replace("model.safetensors", "pickle"),
    "weights_zero": _replace("model.safetensors", "zero_bytes"),
    "weights_truncated": _replace("model.safetensors", "truncated"),
    "weights_torch_zip": lambda f: (f / "model.safetensors").write_bytes(b"PK\x03\x04" + b"\0" * 200),
    "weights_missing": lambda f: (f / "model.safetensors").unlink(),
}
WEIGHT_CASES = [c for c in MODEL_CASES if c.startswith("weights")]


@pytest.fixture(scope="module")
def models(base, tmp_path_factory):
    root = tmp_path_factory.mktemp("bad-models")
    out = {}
    for name, make in MODEL_CASES.items():
        folder = root / name
        shutil.copytree(base / "model", folder)
        make(folder)
        out[name] = folder
    return out


@pytest.mark.parametrize("case", sorted(MODEL_CASES))
@pytest.mark.parametrize("command", ["model_info", "infer"])
def test_broken_model_folder(command, case, models, base, tmp_path, capsys):
    folder = models[case]
    if command == "model_info":
        if case in WEIGHT_CASES:
            pytest.skip("model info reads the card and the config, not the weights")
        argv = ["model", "info", folder]
    else:
        argv = ["infer", base / "session" / "demo.fshd.json", "--model", folder, "--exercise", "14",
                "--json", tmp_path / "r.json", "--preprocessed", tmp_path / "pre"]
    check_refused(argv, [folder], capsys, (tmp_path / "r.json",), case)


# ---- preprocessed folders and training data ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """A tiny plain-layout dataset (as tests/e2e/test_train_evaluate_cli.py builds) to break one clip of."""
    from fshd_studio.model.dataset import Recording, write_labels

    root = tmp_path_factory.mktemp("bad-data") / "data"
    rng = np.random.default_rng(0)
    recs = []
    for p in range(8):
        for cam in ("A", "B"):
            f = root / f"s{p}" / cam / "14.npy"
            f.parent.mkdir(parents=True, exist_ok=True)
            np.save(f, rng.integers(0, 256, (8, 16, 64, 64, 3), dtype=np.uint8))  # the demo model's size
            recs.append(Recording(f"s{p}", f"p{p}", cam, p % 4))
    write_labels(root / "labels.csv", recs)
    return root


NPY_CASES: dict[str, Callable[[Path], None]] = {
    "truncated": lambda f: f.write_bytes(f.read_bytes()[: f.stat().st_size // 3]),
    "zero_bytes": lambda f: f.write_bytes(b""),
    "random_bytes": lambda f: f.write_bytes(GENERIC["random_bytes"](f, b"")),
    "object_array": lambda f: np.save(f, np.array([{"a": 1}], dtype=object), allow_pickle=True),
    "wrong_dtype": lambda f: np.save(f, np.zeros((8, 16, 32, 32, 3), np.float64)),
    "wrong_shape": lambda f: np.save(f, np.zeros((32, 32), np.uint8)),
    "absurd_header": lambda f: f.write_bytes(f.read_bytes().replace(b"(8, 16, 64, 64, 3)", b"(8000000, 16, 3)", 1)),
}


@pytest.fixture(scope="module")
def datasets(dataset, tmp_path_factory):
    out = {}
    for name, make in NPY_CASES.items():
        root = tmp_path_factory.mktemp(f"data-{name}") / "data"
        shutil.copytree(dataset, root)
        make(root / "s0" / "A" / "14.npy")
        out[name] = root
    return out


@pytest.mark.parametrize("case", sorted(NPY_CASES))
@pytest.mark.parametrize("command", ["train", "evaluate"])
def test_broken_training_clip(command, case, datasets, base, tmp_path, capsys):
    data = datasets[case]
    if command == "train":
        argv = ["train", "--data", data, "--out", tmp_path / "m", "--config", "tiny-64", "--epochs", "1",
                "--device", "cpu", "--exercise", "14", "--random-encoder", "--split", "study"]
        outputs = (tmp_path / "m" / "model.safetensors",)
    else:
        argv = ["evaluate", "--model", base / "model", "--data", data, "--part", "all", "--exercise", "14",
                "--device", "cpu", "--bootstrap", "10", "--json", tmp_path / "e.json"]
        outputs = (tmp_path / "e.json",)
    check_refused(argv, [data], capsys, outputs, "14.npy")


@pytest.fixture(scope="module")
def preprocessed(base, tmp_path_factory):
    """The demo's exercise 14 preprocessed once (mediapipe), to break copies of."""
    root = tmp_path_factory.mktemp("pre") / "pre"
    assert run(["preprocess", str(base / "session" / "demo.fshd.json"), "--out", str(root), "--exercise", "14"]) == 0
    return root


def _break_index(text: str) -> Callable[[Path], None]:
    return lambda root: (root / "index.json").write_text(text)


PRE_CASES: dict[str, Callable[[Path], None]] = {
    "snippets_truncated": lambda r: NPY_CASES["truncated"](next(r.glob("14_*/snippets.npy"))),
    "snippets_object": lambda r: NPY_CASES["object_array"](next(r.glob("14_*/snippets.npy"))),
    "snippets_wrong_shape": lambda r: NPY_CASES["wrong_shape"](next(r.glob("14_*/snippets.npy"))),
    "index_zero": _break_index(""),
    "index_list": _break_index("[]"),
    "index_entries_string": _break_index('{"schema_version": 1, "entries": "14_front"}'),
    "index_folder_escape": _break_index('{"schema_version": 1, "entries": [{"folder": "../../etc"}]}'),
    "meta_damaged": lambda r: next(r.glob("14_*/meta.json")).write_text("{"),
}


@pytest.mark.parametrize("case", sorted(PRE_CASES))
def test_broken_preprocessed_folder(case, preprocessed, tmp_path, capsys):
    """The reader of preprocess output (used by infer's attention maps and training) refuses damaged folders."""
    from fshd_studio.core.errors import UserError
    from fshd_studio.preprocess.store import load_preprocessed

    root = tmp_path / "pre"
    shutil.copytree(preprocessed, root)
    PRE_CASES[case](root)
    before = _hashes(root)
    with pytest.raises(UserError) as e:
        for clip in load_preprocessed(root):
            if clip.usable:
                np.asarray(clip.snippets()).sum()
    assert str(root) in str(e.value) and "preprocess" in str(e.value)
    assert _hashes(root) == before


# ---- demo and other arguments ----------------------------------------------------------------------------------
DEMO_CASES: dict[str, Callable[[Path], list]] = {
    "dir_is_a_file": lambda t: [t / "f.txt", "--exercise-seconds", "1"],
    "dir_not_empty": lambda t: [t, "--exercise-seconds", "1"],
    "seconds_infinite": lambda t: [t / "d", "--exercise-seconds", "inf"],
    "seconds_nan": lambda t: [t / "d", "--exercise-seconds", "nan"],
    "weakness_nan": lambda t: [t / "d", "--weakness", "nan"],
    "size_absurd": lambda t: [t / "d", "--size-scale", "1e308"],
    "seconds_text": lambda t: [t / "d", "--exercise-seconds", "long"],
}


@pytest.mark.parametrize("case", sorted(DEMO_CASES))
def test_bad_demo_arguments(case, tmp_path, capsys):
    (tmp_path / "f.txt").write_text("mine")
    try:
        check_refused(["demo", *DEMO_CASES[case](tmp_path)], [tmp_path / "f.txt"], capsys, (tmp_path / "d",))
    except SystemExit as exc:  # argparse refuses a non-number itself: one error line, exit 2
        assert exc.code == 2 and capsys.readouterr().err.startswith("error:")


CONFIG_CASES = sorted(c for c in MODEL_CASES if c.startswith("config"))


@pytest.mark.parametrize("case", CONFIG_CASES)
def test_broken_config_given_to_train(case, models, dataset, tmp_path, capsys):
    cfg = models[case] / "config.json"
    argv = ["train", "--data", dataset, "--out", tmp_path / "m", "--config", cfg, "--epochs", "1", "--device", "cpu",
            "--exercise", "14", "--random-encoder", "--split", "study"]
    check_refused(argv, [models[case], dataset], capsys, (tmp_path / "m",), case)
