"""Damaged and unusual .eaf files: refused with the file and the problem named, or written back valid."""

import pytest

from fshd_studio.core.errors import ElanError
from fshd_studio.io.elan import read_eaf, write_eaf
from tests.conftest import EXTERNAL

HEAD = '<ANNOTATION_DOCUMENT VERSION="3.0" FORMAT="3.0"><HEADER TIME_UNITS="milliseconds">{media}</HEADER>'
SLOTS = '<TIME_ORDER><TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="{t1}"/><TIME_SLOT TIME_SLOT_ID="{s2}" ' \
        'TIME_VALUE="2000"/></TIME_ORDER>'
TYPES = '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="lt" TIME_ALIGNABLE="true"/>' \
        '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="sym" TIME_ALIGNABLE="false" CONSTRAINTS="Symbolic_Association"/>' \
        '<CONSTRAINT STEREOTYPE="Symbolic_Association"/></ANNOTATION_DOCUMENT>'


def _align(aid="a1", r1="ts1", r2="ts2", value="x"):
    return (f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="{aid}" TIME_SLOT_REF1="{r1}" TIME_SLOT_REF2="{r2}">'
            f'<ANNOTATION_VALUE>{value}</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>')


def _ref(aid="r1", ref="a1", value="y"):
    return (f'<ANNOTATION><REF_ANNOTATION ANNOTATION_ID="{aid}" ANNOTATION_REF="{ref}">'
            f'<ANNOTATION_VALUE>{value}</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>')


def _doc(tiers, media="", t1="1000", s2="ts2"):
    return HEAD.format(media=media) + SLOTS.format(t1=t1, s2=s2) + tiers + TYPES


GOOD_TIER = f'<TIER TIER_ID="main" LINGUISTIC_TYPE_REF="lt">{_align()}</TIER>'

DAMAGED = {
    "time not a number": (_doc(GOOD_TIER, t1="1.5e3x"), "slot ts1 is '1.5e3x', not a number"),
    "negative time": (_doc(GOOD_TIER, t1="-40"), "negative time"),
    "origin not a number": (_doc(GOOD_TIER, media='<MEDIA_DESCRIPTOR MEDIA_URL="file:///v.mp4" MIME_TYPE="video/mp4" '
                                                  'TIME_ORIGIN="soon"/>'), "TIME_ORIGIN of media file:///v.mp4"),
    "repeated slot id": (_doc(GOOD_TIER, s2="ts1"), "two time slots with the id 'ts1'"),
    "tier without name": (_doc(f'<TIER LINGUISTIC_TYPE_REF="lt">{_align()}</TIER>'), "without a name"),
    "undeclared type": (_doc(f'<TIER TIER_ID="main" LINGUISTIC_TYPE_REF="nope">{_align()}</TIER>'),
                        "undeclared linguistic type 'nope'"),
    "missing parent": (_doc(GOOD_TIER + f'<TIER TIER_ID="d" LINGUISTIC_TYPE_REF="sym" PARENT_REF="gone">{_ref()}'
                                        '</TIER>'), "depends on tier 'gone'"),
    "parent cycle": (_doc('<TIER TIER_ID="p" LINGUISTIC_TYPE_REF="sym" PARENT_REF="q"/>'
                          '<TIER TIER_ID="q" LINGUISTIC_TYPE_REF="sym" PARENT_REF="p"/>'), "its own ancestor"),
    "ref without parent": (_doc(GOOD_TIER + f'<TIER TIER_ID="d" LINGUISTIC_TYPE_REF="sym">{_ref()}</TIER>'),
                           "no parent tier"),
    "dangling ref": (_doc(GOOD_TIER + f'<TIER TIER_ID="d" LINGUISTIC_TYPE_REF="sym" PARENT_REF="main">'
                                      f'{_ref(ref="a9")}</TIER>'), "refers to annotation 'a9'"),
    "missing slot": (_doc(f'<TIER TIER_ID="main" LINGUISTIC_TYPE_REF="lt">{_align(r2="ts7")}</TIER>'),
                     "time slot 'ts7', which does not exist"),
    "two tiers one name": (_doc(GOOD_TIER + GOOD_TIER.replace('"a1"', '"a2"')), "two tiers named 'main'"),
    "utf-16 garbage": ("\ufeff\x00\x01binary\x02", "not well-formed"),
    "annotation without value": (_doc(GOOD_TIER.replace("<ANNOTATION_VALUE>x</ANNOTATION_VALUE>", "")),
                                 "malformed annotation (<ALIGNABLE_ANNOTATION> on line 1)"),
    "two annotations in one": (_doc(GOOD_TIER.replace("</ANNOTATION>", _align("a2")[len("<ANNOTATION>"):])),
                               "tier 'main' has a malformed annotation"),
    "two types one name": (_doc(GOOD_TIER).replace("</ANNOTATION_DOCUMENT>", TYPES.split("<LINGUISTIC_TYPE L")[0]
                           + '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="lt"/></ANNOTATION_DOCUMENT>'),
                           "two linguistic types named 'lt'"),
    "two headers": (_doc(GOOD_TIER).replace("</HEADER>", '</HEADER><HEADER/>'), "2 HEADER elements"),
}


@pytest.mark.parametrize("name", DAMAGED)
def test_damaged_files_are_refused_naming_file_and_problem(tmp_path, name):
    content, needle = DAMAGED[name]
    bad = tmp_path / "damaged.eaf"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(ElanError) as e:
        read_eaf(bad)
    assert needle in str(e.value) and "damaged.eaf" in str(e.value)


def test_a_sound_variant_of_the_damaged_files_is_read(tmp_path, schema):
    """The fixtures above only fail for the reason they name: the undamaged document reads and validates."""
    good = tmp_path / "good.eaf"
    good.write_text(_doc(GOOD_TIER + f'<TIER TIER_ID="d" LINGUISTIC_TYPE_REF="sym" PARENT_REF="main">{_ref()}'
                                     '</TIER>'))
    doc = read_eaf(good)
    assert [(t.name, len(t.annotations)) for t in doc.tiers()] == [("main", 1), ("d", 1)]
    write_eaf(doc, tmp_path / "out.eaf")
    assert schema.validate(_parse(tmp_path / "out.eaf")), schema.error_log


def test_folder_and_missing_file(tmp_path):
    with pytest.raises(ElanError, match="is a folder"):
        read_eaf(tmp_path)
    with pytest.raises(ElanError, match="does not exist"):
        read_eaf(tmp_path / "nope.eaf")


def _parse(path):
    from lxml import etree

    return etree.parse(str(path))


def test_fractional_times_and_clashing_ids_are_made_valid(tmp_path, schema):
    src = tmp_path / "odd.eaf"
    media = '<MEDIA_DESCRIPTOR MEDIA_URL="file:///v.mp4" MIME_TYPE="video/mp4" TIME_ORIGIN="12.6"/>'
    tiers = (f'<TIER TIER_ID="main" LINGUISTIC_TYPE_REF="lt">{_align(aid="ts2")}{_align(aid="7", value="z")}</TIER>'
             f'<TIER TIER_ID="d" LINGUISTIC_TYPE_REF="sym" PARENT_REF="main">{_ref(ref="7")}</TIER>')
    tiers = tiers.replace('ANNOTATION_REF="7"', 'ANNOTATION_REF="7" PREVIOUS_ANNOTATION="gone"')
    src.write_text(_doc(tiers, media=media, t1="999.6"))
    doc = read_eaf(src)
    out = tmp_path / "out.eaf"
    notes = write_eaf(doc, out)
    assert schema.validate(_parse(out)), schema.error_log
    assert any("rounded" in n for n in notes) and any("renumbered" in n for n in notes)
    assert any("PREVIOUS_ANNOTATION" in n for n in notes)
    again = read_eaf(out)
    assert again.media()[0].time_origin_ms == 13.0
    main = again.tier("main").annotations
    assert [(a.value, a.start_ms) for a in main] == [("x", 1000.0), ("z", 1000.0)]
    assert again.tier("d").annotations[0].ref == main[1].id  # still points at "z"


def test_truncated_copies_of_a_real_file_never_crash(tmp_path, external):
    """Cut a real file at many points: each cut is refused with ElanError or, if still whole, read."""
    data = (external / "elan" / "speach_test2.eaf").read_bytes()
    out = tmp_path / "out.eaf"
    for cut in range(0, len(data), max(1, len(data) // 40)):
        bad = tmp_path / "cut.eaf"
        bad.write_bytes(data[:cut])
        try:
            write_eaf(read_eaf(bad), out)
        except ElanError as exc:
            assert "cut.eaf" in str(exc)


def test_unwritable_target_is_an_elan_error_and_leaves_nothing(tmp_path):
    src = tmp_path / "in.eaf"
    src.write_text(_doc(GOOD_TIER))
    doc = read_eaf(src)
    with pytest.raises(ElanError, match="cannot write"):
        write_eaf(doc, src / "out.eaf")  # under a file: no folder can be made there
    with pytest.raises(ElanError, match="is a folder"):
        write_eaf(doc, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.eaf"]
