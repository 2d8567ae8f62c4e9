"""Pseudonymised exports leave no patient name in file names or contents; the log masks file names."""

import json
import shutil

import pytest

from fshd_studio.cli import run
from fshd_studio.core.logsetup import scrub
from fshd_studio.core.privacy import Pseudonymiser, pseudonym_for
from fshd_studio.io.elan import read_eaf
from fshd_studio.io.project import load_project

NAMES = ("dupont", "marie", "1942")


def test_names_replaced_in_text_and_file_names():
    p = Pseudonymiser("P-1", ("Dupont Marie 1942",))
    assert p.text("Mme DUPONT est venue") == "Mme P-1 est venue"
    assert p.text("marie-dupont 1942") == "P-1"
    assert p.file_name("Dupont_Marie_front.mp4") == "P-1_front.mp4"
    assert p.file_name("visit.fshd.json") == "P-1_visit.fshd.json"
    assert p.text("Dupontel") == "Dupontel"  # only whole names
    study = Pseudonymiser("P-2", ("FSHD-0042",))
    assert study.text("FSHD-0042 in the FSHD study") == "P-2 in the FSHD study"
    assert pseudonym_for("Dupont Marie", b"k" * 32) == pseudonym_for(" dupont marie", b"k" * 32)
    assert pseudonym_for("Dupont Marie", b"k" * 32) != pseudonym_for("Dupont Marie", b"j" * 32)


@pytest.fixture
def named_session(demo_project, tmp_path):
    """The demo, as a clinic would have it: names in the folder, a video name, the notes and the EAF."""
    folder = tmp_path / "Dupont Marie"
    shutil.copytree(demo_project.project.parent, folder)
    (folder / "front.mp4").rename(folder / "Dupont_Marie_front.mp4")
    eaf = folder / "demo.eaf"
    eaf.write_text(eaf.read_text().replace('TIER_ID="', 'PARTICIPANT="Marie Dupont" TIER_ID="', 1))
    doc = json.loads(demo_project.project.read_text())
    doc.update(patient_id="Dupont Marie 1942", notes="Mme Dupont tired after exercise 7")
    doc["cameras"][0]["video"] = "Dupont_Marie_front.mp4"
    doc["elan"]["linked_eaf"] = "demo.eaf"
    project = folder / "visit.fshd.json"
    project.write_text(json.dumps(doc))
    return project


def test_pseudonymised_copy_has_no_names(named_session, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FSHD_STUDIO_DATA_DIR", str(tmp_path / "data"))
    out = tmp_path / "share"
    assert run(["pseudonymise", str(named_session), "--out", str(out)]) == 0
    written = json.loads(capsys.readouterr().out)
    for f in out.rglob("*"):
        assert not any(n in f.name.lower() for n in NAMES), f.name
        assert not any(n.encode() in f.read_bytes().lower() for n in NAMES), f.name
    loaded = load_project(written["project"])
    assert loaded.missing_videos == [] and loaded.session.patient_id == written["pseudonym"]
    assert len(loaded.session.segments) == 15
    doc = read_eaf(written["eaf"])
    assert [m.url for m in doc.media()] == [f"{written['pseudonym']}_front.mp4", f"{written['pseudonym']}_side.mp4"]
    # the same patient gets the same pseudonym next time
    assert run(["pseudonymise", str(named_session), "--out", str(tmp_path / "again"), "--no-videos"]) == 0
    assert json.loads(capsys.readouterr().out)["pseudonym"] == written["pseudonym"]


def test_log_masks_file_names():
    line = scrub("project /home/a/Dupont Marie/visit.fshd.json and Dupont_Marie.eaf are bad")
    assert not any(n in line.lower() for n in NAMES) and ".fshd.json" in line and ".eaf" in line


def test_internal_error_is_one_line_and_the_traceback_goes_to_the_masked_log(tmp_path, monkeypatch, capsys):
    import logging

    from fshd_studio.commands import elan
    from fshd_studio.core.logsetup import setup_logging

    monkeypatch.setenv("FSHD_STUDIO_DATA_DIR", str(tmp_path / "data"))
    root = logging.getLogger()
    before = list(root.handlers)
    log = setup_logging()
    try:
        def boom(args):
            raise RuntimeError("cannot handle /clinic/Dupont Marie/visit.fshd.json")

        monkeypatch.setattr(elan, "run_info", boom)
        assert run(["elan", "info", "x.eaf"]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("error: internal error") and "Traceback" not in err
        for h in root.handlers:
            h.flush()
        text = log.read_text()
        assert "Traceback" in text and "RuntimeError" in text
        assert "dupont" not in (text + err).lower() and "marie" not in (text + err).lower()
    finally:
        for h in root.handlers[:]:
            if h not in before:
                root.removeHandler(h)
                h.close()
