"""Real data: the FER+ crowd table, real face images, votes that survive a kill, two labellers on one file."""

import os
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from fshd_studio.labelling.agreement import fleiss_kappa
from fshd_studio.labelling.ferplus import absolute_majority, read_crowd_table
from fshd_studio.labelling.images import import_folder, load_rgb
from fshd_studio.labelling.store import Round, Vote, VoteStore


def test_fleiss_kappa_matches_statsmodels_on_ferplus(external):
    from statsmodels.stats import inter_rater as sm
    table = read_crowd_table(external / "votes" / "ferplus_fer2013new.csv")
    assert table.counts.shape == (35887, 10)
    full = table.counts[table.counts.sum(1) == 10]  # Fleiss' kappa needs the same number of votes per image
    assert len(full) == 35886  # one FER+ row holds 9 votes
    assert abs(fleiss_kappa(full) - sm.fleiss_kappa(full, method="fleiss")) < 1e-9
    res = absolute_majority(table)
    assert 0 < sum(res.kept_study.values()) <= res.kept_any < 35887


def test_import_real_images_of_every_kind(external, tmp_path):
    folder = tmp_path / "imgs"
    shutil.copytree(external / "image", folder)
    (folder / "broken.jpg").write_bytes(b"not an image")
    with VoteStore(folder) as store:
        warnings = import_folder(folder, store)
        recs = {r.path: r for r in store.images()}
    assert "broken.jpg" not in recs and any("broken.jpg" in w for w in warnings)
    assert recs["pyfeat_single_face.jpg"].crop is not None and recs["pyfeat_single_face.jpg"].faces == 1
    assert recs["pyfeat_multi_face.jpg"].faces >= 2
    for name in ("facerec_32bit.png", "pyfeat_Image_with_alpha.png", "pyfeat_BWPictureHuman.jpg"):
        img = load_rgb(folder / name)
        assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3
        assert name in recs


_VOTER = """
import sys
from fshd_studio.labelling.store import VoteStore, Vote, Round
store = VoteStore(sys.argv[1])
ids = [store.add_image(f"img{i}.png", 10, 10, None, 0) for i in range(1000)]
for k, i in enumerate(ids):
    store.vote(Vote(i, "ana", Round.SORT, "happy"))
    print(k, flush=True)
"""


def test_votes_survive_a_killed_app(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", _VOTER, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    acknowledged = -1
    deadline = time.time() + 60
    while acknowledged < 40 and time.time() < deadline:
        acknowledged = int(proc.stdout.readline())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with VoteStore(tmp_path) as store:
        assert store.vote_count() >= acknowledged + 1
        assert len(store.latest_votes(Round.SORT)) == store.vote_count()


def test_two_labellers_on_one_folder_do_not_overwrite_each_other(tmp_path):
    a, b = VoteStore(tmp_path), VoteStore(tmp_path)
    i = a.add_image("x.png", 10, 10, None, 0)
    a.vote(Vote(i, "ana", Round.SORT, "happy"))
    b.vote(Vote(i, "ben", Round.SORT, "angry"))
    a.vote(Vote(i, "ana", Round.SORT, "surprised"))  # ana changes her mind: latest counts
    assert {(v.labeller, v.value) for v in b.latest_votes(Round.SORT)} == {("ana", "surprised"), ("ben", "angry")}
    assert a.vote_count() == 3
    with pytest.raises(ValueError):
        a.vote(Vote(i, "ana", Round.SORT, "sleepy"))
    a.close(), b.close()
