import json

import pytest

from fshd_studio.core.errors import UserError
from fshd_studio.core.protocol import protocol_from_dict, protocol_to_dict
from fshd_studio.io.protocol_file import load_protocol


def test_bundled_protocol_has_15_exercises_with_puff_cheeks_as_14():
    p = load_protocol()
    assert len(p.exercises) == 15
    assert p.ids() == list(range(1, 16))
    assert p.reference_exercise == 14
    ex14 = p.by_id(14)
    assert ex14.name_en == "Puff cheeks" and ex14.name_fr == "Gonfler les joues"
    assert "cheeks" in ex14.regions and ex14.measure == "cheek_bulge"
    assert all(e.instruction_en and e.instruction_fr and e.name_fr for e in p.exercises)


def test_label_matching():
    p = load_protocol()
    assert p.find_by_label("PUFF").id == 14
    assert p.find_by_label("14 Puff cheeks").id == 14
    assert p.find_by_label("gonfler les joues").id == 14
    assert p.find_by_label("07") .id == 7
    assert p.find_by_label("nonsense") is None


def test_round_trip_and_custom_file(tmp_path):
    p = load_protocol()
    d = protocol_to_dict(p)
    d["exercises"] = d["exercises"][:3]
    d["reference_exercise"] = 2
    f = tmp_path / "short.json"
    f.write_text(json.dumps(d))
    q = load_protocol(str(f))
    assert q.ids() == [1, 2, 3]


@pytest.mark.parametrize("mutate, needle", [
    (lambda d: d["exercises"].append(dict(d["exercises"][0])), "repeats"),
    (lambda d: d.update(reference_exercise=99), "reference_exercise"),
    (lambda d: d["exercises"][0].update(regions=["elbow"]), "unknown region"),
    (lambda d: d.pop("exercises"), "malformed"),
])
def test_bad_protocols_are_refused_with_the_file_named(mutate, needle):
    d = protocol_to_dict(load_protocol())
    mutate(d)
    with pytest.raises(UserError, match=needle) as exc:
        protocol_from_dict(d, "x/bad.json")
    assert "x/bad.json" in str(exc.value)
