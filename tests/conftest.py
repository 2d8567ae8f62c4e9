"""Test-wide settings: offscreen Qt, no network, real outside files from ../shared when present."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["YOLO_OFFLINE"] = "1"
os.environ["YOLO_AUTOINSTALL"] = "0"
os.environ.setdefault("MPLBACKEND", "Agg")
# the app's user folders belong to this test run, not the user's, and go with it: the cache (compiled OpenVINO
# models, converted once per run; classifier training copies), the data folder (logs, settings), ultralytics'
_RUN_DIRS = {name: tempfile.mkdtemp(prefix=f"fshd-test-{name.lower()}-") for name in
             ("FSHD_STUDIO_CACHE", "FSHD_STUDIO_DATA_DIR", "YOLO_CONFIG_DIR")}
for _name, _dir in _RUN_DIRS.items():
    os.environ.setdefault(_name, _dir)
atexit.register(lambda: [shutil.rmtree(d, ignore_errors=True) for d in _RUN_DIRS.values()])

REPO = Path(__file__).resolve().parents[1]
EXTERNAL = Path(os.environ.get("FSHD_EXTERNAL_DATA", REPO.parent / "shared" / "data" / "external"))


@pytest.fixture(scope="session")
def external() -> Path:
    """../shared/data/external, or skip: these real files are not part of the repository."""
    if not (EXTERNAL / "MANIFEST.tsv").is_file():
        pytest.skip(f"real test files not found at {EXTERNAL} (clone the project beside ../shared)")
    return EXTERNAL


def external_files(sub: str, pattern: str) -> list[Path]:
    """For parametrize: the files of one kind, or an empty list when ../shared is absent."""
    folder = EXTERNAL / sub
    return sorted(folder.glob(pattern)) if folder.is_dir() else []


pytest_plugins = ["tests.fixtures_demo", "tests.gui.window_fixtures"]  # fixtures defined once: session ones built once per run


@pytest.fixture(scope="session")
def schema():
    """The EAF 3.0 XML schema of ../shared (ELAN's own), compiled once."""
    from lxml import etree

    xsd = EXTERNAL / "elan" / "xsd" / "EAFv3.0.xsd"
    if not xsd.is_file():
        pytest.skip("EAF 3.0 schema not found in ../shared")
    return etree.XMLSchema(etree.parse(str(xsd)))
