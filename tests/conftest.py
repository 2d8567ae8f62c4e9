"""Test-wide settings: offscreen Qt, no network, real outside files from ../shared when present."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["YOLO_OFFLINE"] = "1"
os.environ["YOLO_AUTOINSTALL"] = "0"
os.environ.setdefault("YOLO_CONFIG_DIR", tempfile.mkdtemp(prefix="fshd-yolo-"))
os.environ.setdefault("MPLBACKEND", "Agg")
# compiled OpenVINO models go to a cache of this test run, not the user's (converted once per run)
os.environ.setdefault("FSHD_STUDIO_CACHE", tempfile.mkdtemp(prefix="fshd-cache-"))

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


pytest_plugins = ["tests.fixtures_demo"]


@pytest.fixture(scope="session")
def schema():
    """The EAF 3.0 XML schema of ../shared (ELAN's own), compiled once."""
    from lxml import etree

    xsd = EXTERNAL / "elan" / "xsd" / "EAFv3.0.xsd"
    if not xsd.is_file():
        pytest.skip("EAF 3.0 schema not found in ../shared")
    return etree.XMLSchema(etree.parse(str(xsd)))
