"""FER+ crowd tables: both layouts, the rule against an independent computation on the shared table, FER+'s own
majority mode, and refused tables (exit 2, `error:` naming the file, the file unchanged)."""

import csv
import re
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from fshd_studio.core.errors import UserError
from fshd_studio.labelling.ferplus import absolute_majority, read_crowd_table

FSHD = [str(Path(sys.executable).with_name("fshd-studio"))]
EMOTIONS = ["neutral", "happiness", "surprise", "sadness", "anger", "disgust", "fear", "contempt"]
FOUR = {"happiness", "anger", "surprise", "neutral"}


def _rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _expected(body, drop_single=False):
    """The documented rule, computed here without numpy: over half of ALL ten columns, the winner an emotion."""
    kept_any, kept_four, out = 0, 0, []
    for r in body:
        counts = [int(x) for x in r[2:12]]
        if drop_single:
            counts = [c if c > 1 else 0 for c in counts]
        total = sum(counts)
        winner = next((EMOTIONS[j] for j in range(8) if 2 * counts[j] > total), None)
        out.append(winner)
        kept_any += winner is not None
        kept_four += winner in FOUR
    return kept_any, kept_four, out


@pytest.fixture(scope="module")
def shared(external):
    return external / "votes" / "ferplus_fer2013new.csv"


def test_counts_of_the_shared_table_match_an_independent_computation(shared):
    header, body = _rows(shared)
    table = read_crowd_table(shared)
    res = absolute_majority(table)
    kept_any, kept_four, winners = _expected(body)
    assert (res.kept_any, sum(res.kept_study.values())) == (kept_any, kept_four)
    assert [table.columns[i] if i >= 0 else None for i in res.label] == winners
    # the table holds rows where the other readings of "majority" would answer differently, so the test can fail:
    counts = [[int(x) for x in r[2:12]] for r in body]
    other_winner = sum(1 for c in counts if 2 * max(c[8:]) > sum(c))  # unknown / not-a-face has the majority
    emotions_only = sum(1 for c in counts if (2 * max(c[:8]) > sum(c[:8])) != (2 * max(c[:8]) > sum(c)))
    assert other_winner == res.majority_not_a_label > 0 and emotions_only > 1000


def test_ferplus_majority_mode_drops_single_votes_first(shared):
    _, body = _rows(shared)
    res = absolute_majority(read_crowd_table(shared), "majority")
    kept_any, kept_four, _ = _expected(body, drop_single=True)
    assert (res.kept_any, sum(res.kept_study.values())) == (kept_any, kept_four)
    assert res.kept_any > absolute_majority(read_crowd_table(shared)).kept_any  # more images keep a label


def test_headerless_label_csv_layout_reads_the_same(shared, tmp_path):
    """FER+'s training-pipeline label.csv: file name, "(x, y, w, h)", ten counts, no header."""
    _, body = _rows(shared)
    body = body[:500]
    label = tmp_path / "label.csv"
    with open(label, "w", newline="") as fh:
        w = csv.writer(fh)
        for r in body:
            w.writerow([r[1], "(0, 0, 48, 48)", *r[2:12]])
    assert label.read_text().splitlines()[0].startswith('fer0000000.png,"(0, 0, 48, 48)",4,0,0,1,3,2')
    table = read_crowd_table(label)
    assert table.layout == "label.csv" and table.names[:2] == ["fer0000000.png", "fer0000001.png"]
    res = absolute_majority(table)
    assert res.kept_any == _expected(body)[0] and res.kept_study["neutral"] > 0


HEADER = "Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF"


@pytest.mark.parametrize("name, text, said", [
    ("renamed.csv", HEADER.replace("happiness", "happy") + "\nTraining,a.png,1,9,0,0,0,0,0,0,0,0\n", "header"),
    ("missing.csv", HEADER.rsplit(",", 1)[0] + "\nTraining,a.png,1,9,0,0,0,0,0,0,0\n", "header"),
    ("nohead.csv", "a.png,1,9,0,0,0,0,0,0,0,0\n", "not in a FER+ layout"),
    ("overflow.csv", HEADER + "\nTraining,a.png,1,9,0,0,0,0,0,0,0,99999999999999999999\n", "not a vote count"),
    ("text.csv", HEADER + "\nTraining,a.png,1,nine,0,0,0,0,0,0,0,0\n", "'nine' is not a vote count"),
    ("ragged.csv", HEADER + "\nTraining,a.png,1,9\n", "fields"),
    ("nobox.csv", 'a.png,"(0, 0, 48, 48)",1,9,0,0,0,0,0,0,0,0\nb.png,box,1,9,0,0,0,0,0,0,0,0\n', "face box"),
])
def test_other_tables_are_refused_naming_the_file(tmp_path, name, text, said):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(UserError, match=re.escape(said)):
        read_crowd_table(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    res = subprocess.run(FSHD + ["votes", "aggregate", "--ferplus", str(path)], capture_output=True, text=True,
                         timeout=60)
    assert res.returncode == 2 and res.stderr.startswith("error:") and name in res.stderr
    assert "Traceback" not in res.stderr and res.stdout == ""
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
