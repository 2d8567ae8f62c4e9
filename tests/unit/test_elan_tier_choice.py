"""Which tier an ELAN import takes: certain only when names and values leave no doubt; bare numbers never are."""

import pytest

from fshd_studio.io.elan import import_exercises, read_eaf
from fshd_studio.io.elan_session import TierUncertain, choose_exercise_tier
from fshd_studio.io.protocol_file import load_protocol


@pytest.fixture(scope="module")
def protocol():
    return load_protocol()


@pytest.mark.parametrize("name, numeric", [("pympi_sample_3.0.eaf", ["words-timesub", "words-symsub"]),
                                           ("childproject_eaf_any_tier.eaf", ["newtier@CHI", "newtier@FA1"])])
def test_linguistic_tiers_of_bare_numbers_are_never_taken_silently(external, protocol, name, numeric):
    doc = read_eaf(external / "elan" / name)
    choice = choose_exercise_tier(doc, protocol)
    assert not choice.certain
    names = [c.name for c in choice.candidates]
    assert set(numeric) <= set(names) and all(c.numbers_only for c in choice.candidates if c.name in numeric)
    with pytest.raises(TierUncertain) as err:
        import_exercises(doc, protocol)
    assert all(repr(n) in str(err.value) for n in numeric)  # the message names every candidate


def test_a_few_stray_words_do_not_make_an_exercise_tier(external, protocol):
    choice = choose_exercise_tier(read_eaf(external / "elan" / "poio_turkish.eaf"), protocol)
    assert not choice.certain and [c.name for c in choice.candidates] == ["P-Gloss"]


def test_files_without_exercise_values_have_no_candidates(external, protocol):
    choice = choose_exercise_tier(read_eaf(external / "elan" / "tla_eafparser_example.eaf"), protocol)
    assert not choice.certain and choice.candidates == () and "no tier" in choice.reason


def _eaf(tmp_path, tiers: dict[str, list[str]]):
    """A minimal EAF 3.0 file with one time-aligned tier per entry, one annotation per value."""
    slots, body, n = [], [], 0
    for name, values in tiers.items():
        anns = []
        for v in values:
            n += 1
            slots.append(f'<TIME_SLOT TIME_SLOT_ID="ts{2 * n}" TIME_VALUE="{n * 1000}"/>'
                         f'<TIME_SLOT TIME_SLOT_ID="ts{2 * n + 1}" TIME_VALUE="{n * 1000 + 500}"/>')
            anns.append(f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a{n}" TIME_SLOT_REF1="ts{2 * n}" '
                        f'TIME_SLOT_REF2="ts{2 * n + 1}"><ANNOTATION_VALUE>{v}</ANNOTATION_VALUE>'
                        '</ALIGNABLE_ANNOTATION></ANNOTATION>')
        body.append(f'<TIER TIER_ID="{name}" LINGUISTIC_TYPE_REF="default">{"".join(anns)}</TIER>')
    path = tmp_path / "t.eaf"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?><ANNOTATION_DOCUMENT AUTHOR="" DATE="2026-01-01T00:00:00" '
                    'FORMAT="3.0" VERSION="3.0"><HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/>'
                    f'<TIME_ORDER>{"".join(slots)}</TIME_ORDER>{"".join(body)}'
                    '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="default" TIME_ALIGNABLE="true"/></ANNOTATION_DOCUMENT>')
    return read_eaf(path)


def test_exercise_names_decide_numbers_ask(tmp_path, protocol):
    named = _eaf(tmp_path, {"Tasks": ["BROW", "Frown", "07 Smile"], "words": ["1", "2", "hello", "003"]})
    assert choose_exercise_tier(named, protocol).tier == "Tasks"
    numbers = _eaf(tmp_path, {"Tasks": ["1", "2", "3"]})
    assert not choose_exercise_tier(numbers, protocol).certain
    assert import_exercises(numbers, protocol, tier="Tasks").segments.keys() == {1, 2, 3}  # when the user says so
    by_name = _eaf(tmp_path, {"Exercise": ["1", "2", "3"], "words": ["BROW", "x", "y"]})
    assert choose_exercise_tier(by_name, protocol).tier == "Exercise"  # the tier's name says what the numbers mean
    two = _eaf(tmp_path, {"Tasks": ["BROW", "FROWN"], "Copy": ["BROW", "FROWN"]})
    choice = choose_exercise_tier(two, protocol)
    assert not choice.certain and {c.name for c in choice.candidates} == {"Tasks", "Copy"}
