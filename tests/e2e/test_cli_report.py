"""`fshd-studio report` on a demo session: scores it first (no saved results), writes the PDF, HTML, CSV and
JSON, and the PDF read back (poppler's pdftotext) holds the pages, the exercise table and the disclaimer."""

import contextlib
import io
import json
import shutil
import subprocess
import unicodedata

import pytest

from fshd_studio.cli import run
from fshd_studio.io.protocol_file import load_protocol
from fshd_studio.io.results_file import load_results, results_path
from tests.fixtures_demo import copy_demo

pytestmark = pytest.mark.slow
POPPLER = shutil.which("pdftotext") and shutil.which("pdfinfo")
DISCLAIMER = "Research use only — not a diagnosis"


def _cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = run([str(a) for a in argv])
    return rc, out.getvalue(), err.getvalue()


def _pdf_text(pdf, page=None):
    pages = ["-f", str(page), "-l", str(page)] if page else []
    raw = subprocess.run(["pdftotext", *pages, str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(unicodedata.normalize("NFKC", raw).split())     # ligatures (ﬀ) and wrapped cells undone


def _pdf_pages(pdf):
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.fixture(scope="module")
def reported(demo_project_weak, tmp_path_factory, monkeypatch_module):
    tmp = tmp_path_factory.mktemp("report")
    monkeypatch_module.setenv("FSHD_STUDIO_DATA_DIR", str(tmp / "userdata"))
    project = copy_demo(demo_project_weak, tmp / "visit")
    rc, out, err = _cli("report", project, "--out", tmp / "out", "--device", "cpu")
    assert rc == 0, err
    return project, tmp / "out", json.loads(out), err


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_report_scores_first_and_writes_every_file(reported):
    project, out, doc, err = reported
    assert "no saved results; scoring it first" in err
    results = load_results(results_path(project))          # scoring saved its results beside the project
    assert results is not None
    for name in ("report.pdf", "report.html", "results.csv", "results.json"):
        assert (out / name).is_file() and doc[name.replace("report.", "").replace("results.", "")] == str(out / name)
    scored = [s for s in results.scores if s.scored]
    assert doc["heatmaps"] == len(scored) > 0
    for s in scored:
        assert (out / "report_images" / f"heatmap_{s.exercise_id:02d}_{s.camera_id}.png").is_file()
    assert "SYNTHETIC MODEL" in doc["warning"] and not list(out.glob(".report.*"))   # no leftovers


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdfinfo) is not installed")
def test_pdf_reads_back_with_pages_table_and_disclaimer(reported):
    project, out, doc, _err = reported
    pdf = out / "report.pdf"
    pages = _pdf_pages(pdf)
    assert pages == doc["pages"] >= 2
    for page in range(1, pages + 1):                        # the disclaimer is on every page
        assert DISCLAIMER in _pdf_text(pdf, page)
    text = _pdf_text(pdf)
    assert "SYNTHETIC MODEL — THESE SCORES MEAN NOTHING CLINICALLY" in _pdf_text(pdf, 1)
    for ex in load_protocol().exercises:                    # the exercise table: every exercise by name
        assert ex.name_en in text
    results = load_results(results_path(project))
    for s in results.scores:
        if s.scored:
            assert f"{s.p_fshd:.2f}" in text
    combined = results.vote("combined")
    assert f"both cameras {combined.fshd_votes} {combined.against_votes} {combined.exercises}" in text
    assert "Attention heatmaps" in text and "Severity estimate" in text


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdfinfo) is not installed")
def test_pseudonymised_report_reuses_the_results_and_leaves_the_id_out(reported, tmp_path):
    project, _out, _doc, _err = reported
    before = results_path(project).read_bytes()
    rc, out, err = _cli("report", project, "--out", tmp_path / "p", "--pseudonymise", "--no-heatmaps")
    assert rc == 0, err
    assert "scoring it first" not in err and results_path(project).read_bytes() == before
    doc = json.loads(out)
    assert doc["heatmaps"] == 0
    text = _pdf_text(tmp_path / "p" / "report.pdf")
    assert "DEMO-0001" not in text and "pseudonymised" in text and "P-" in text
    for name in ("report.html", "results.csv", "results.json"):
        assert "DEMO-0001" not in (tmp_path / "p" / name).read_text(encoding="utf-8")


def test_bad_output_folder_is_one_error_line(reported, tmp_path):
    project = reported[0]
    taken = tmp_path / "a_file"
    taken.write_text("x")
    rc, out, err = _cli("report", project, "--out", taken)
    assert rc == 2 and err.count("\n") == 1 and err.startswith("error: ") and "is a file" in err and out == ""
    rc, _out, err = _cli("report", tmp_path / "missing.fshd.json", "--out", tmp_path / "o")
    assert rc == 2 and err.startswith("error: ") and not (tmp_path / "o").exists()
