import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXTERNAL

FSHD = [str(Path(sys.executable).with_name("fshd-studio"))]


def _run(*args):
    return subprocess.run(FSHD + list(args), capture_output=True, text=True, timeout=120)


def test_info_prints_json(external):
    res = _run("elan", "info", str(external / "elan" / "nzilbb_test-video.eaf"))
    assert res.returncode == 0, res.stderr
    info = json.loads(res.stdout)
    assert info["version"] == "3.0"
    assert any(m["offset_ms"] == 500.0 for m in info["media"])
    assert len(info["tiers"]) == 4


def test_convert_writes_eaf30(external, tmp_path):
    out = tmp_path / "out.eaf"
    res = _run("elan", "convert", str(external / "elan" / "pympi_sample_2.7.eaf"), str(out))
    assert res.returncode == 0, res.stderr
    assert json.loads(_run("elan", "info", str(out)).stdout)["version"] == "3.0"


@pytest.mark.parametrize("content", ["<ANNOTATION_DOCUMENT><HEADER", "not xml at all", "<html><body/></html>",
                                     '<ANNOTATION_DOCUMENT><HEADER/><TIME_ORDER><TIME_SLOT TIME_SLOT_ID="ts1" '
                                     'TIME_VALUE="soon"/></TIME_ORDER></ANNOTATION_DOCUMENT>'])
def test_broken_input_one_error_line_and_no_output(tmp_path, content):
    bad = tmp_path / "broken.eaf"
    bad.write_text(content)
    out = tmp_path / "out.eaf"
    res = _run("elan", "convert", str(bad), str(out))
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "broken.eaf" in lines[0]
    assert "Traceback" not in res.stderr and not out.exists()
    assert list(tmp_path.iterdir()) == [bad]


def test_missing_file(tmp_path):
    res = _run("elan", "info", str(tmp_path / "nope.eaf"))
    assert res.returncode == 2 and "does not exist" in res.stderr


def test_unwritable_output_is_one_error_line(external, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    res = _run("elan", "convert", str(external / "elan" / "speach_test2.eaf"), str(blocker / "out.eaf"))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert res.stderr.startswith("error: cannot write") and len(res.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == [blocker]
