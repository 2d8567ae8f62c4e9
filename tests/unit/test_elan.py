"""ELAN import/export against the real corpus and the EAF 3.0 schema."""

import pytest

from fshd_studio.core.errors import ElanError
from fshd_studio.io.elan import (apply_offsets, eaf_info, import_exercises, other_tiers, read_eaf, write_eaf,
                                 write_session_eaf)
from fshd_studio.io.project import load_project
from tests.conftest import EXTERNAL, external_files

EAFS = external_files("elan", "*.eaf")
needs_corpus = pytest.mark.skipif(not EAFS, reason="../shared/data/external/elan is absent")


def _valid(schema, path):
    from lxml import etree

    ok = schema.validate(etree.parse(str(path)))
    return ok, str(schema.error_log)


def _content(doc):
    return [(t.name, t.linguistic_type, t.parent, [(a.value, a.start_ms, a.end_ms, a.ref is not None)
                                                   for a in t.annotations]) for t in doc.tiers()]


@needs_corpus
@pytest.mark.parametrize("path", EAFS, ids=lambda p: p.name)
def test_every_shared_file_round_trips_and_validates(path, tmp_path, schema):
    doc = read_eaf(path)
    out = tmp_path / "out.eaf"
    write_eaf(doc, out)
    again = read_eaf(out)
    assert again.version == "3.0"
    assert _content(again) == _content(doc)
    assert [m.time_origin_ms for m in again.media()] == [m.time_origin_ms for m in doc.media()]
    root, root2 = doc.root, again.root
    for tag in ("LINGUISTIC_TYPE", "CONTROLLED_VOCABULARY", "CONSTRAINT", "REF_LINK_SET", "EXTERNAL_REF",
                "LEXICON_REF", "HEADER/PROPERTY"):
        assert len(root2.findall(tag)) == len(root.findall(tag)), tag
    assert _resolved(again) == _resolved(doc)  # reference annotations still hang under the same parents
    assert _vocabularies(again) == _vocabularies(doc)
    assert _attrs(again, "LINGUISTIC_TYPE") == _attrs(doc, "LINGUISTIC_TYPE")
    assert _attrs(again, "HEADER/MEDIA_DESCRIPTOR") == _attrs(doc, "HEADER/MEDIA_DESCRIPTOR")
    assert _properties(again) == _properties(doc)
    ok, log = _valid(schema, out)
    assert ok, log


def _resolved(doc):
    return [(v.name, v.parent, v.annotations) for v in other_tiers(doc)]


def _vocabularies(doc):
    """CV id -> entry values, whatever the form (2.x CV_ENTRY text or 3.0 CV_ENTRY_ML/CVE_VALUE)."""
    return {cv.get("CV_ID"): sorted(e.text or "" for e in cv.iter("CV_ENTRY", "CVE_VALUE"))
            for cv in doc.root.iterfind("CONTROLLED_VOCABULARY")}


def _attrs(doc, path):
    return [dict(el.attrib) for el in doc.root.iterfind(path)]


def _properties(doc):
    return [(p.get("NAME"), p.text) for p in doc.root.iterfind("HEADER/PROPERTY")
            if p.get("NAME") != "lastUsedAnnotationId"]


@needs_corpus
def test_repeated_ids_keep_every_annotation_on_its_tier(tmp_path):
    path = EXTERNAL / "elan" / "teicorpo_TestDNF4D.eaf"
    doc = read_eaf(path)
    assert any("repeated" in w for w in doc.warnings)
    per_tier = {t.name: [a.value for a in t.annotations] for t in doc.tiers()}
    assert sum(map(len, per_tier.values())) == 660
    out = tmp_path / "x.eaf"
    write_eaf(doc, out)
    again = read_eaf(out)
    assert {t.name: [a.value for a in t.annotations] for t in again.tiers()} == per_tier
    ids = [a.id for t in again.tiers() for a in t.annotations]
    assert len(ids) == len(set(ids)) == 660
    assert again.warnings == []


@needs_corpus
def test_ref_link_sets_time_origin_and_unaligned_slots():
    info = eaf_info(EXTERNAL / "elan" / "tla_eafparser_example.eaf")
    assert info["media"][0]["offset_ms"] == 5000.0 and isinstance(info["media"][0]["offset_ms"], float)
    assert info["unaligned_time_slots"] == 13
    views = {v.name: v for v in other_tiers(read_eaf(EXTERNAL / "elan" / "tla_eafparser_example.eaf"))}
    for v in views.values():
        assert all(s <= e for s, e, _ in v.annotations), v.name


def test_ref_link_sets_survive_with_renumbered_ids(tmp_path):
    src = tmp_path / "links.eaf"
    src.write_text(
        '<ANNOTATION_DOCUMENT VERSION="3.0" FORMAT="3.0"><HEADER TIME_UNITS="milliseconds"/><TIME_ORDER>'
        '<TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="0"/><TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="100"/></TIME_ORDER>'
        '<TIER TIER_ID="A" LINGUISTIC_TYPE_REF="t"><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="x1" '
        'TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>a</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION>'
        '</ANNOTATION></TIER><TIER TIER_ID="B" LINGUISTIC_TYPE_REF="t"><ANNOTATION><ALIGNABLE_ANNOTATION '
        'ANNOTATION_ID="x1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>b</ANNOTATION_VALUE>'
        '</ALIGNABLE_ANNOTATION></ANNOTATION></TIER><LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="t" TIME_ALIGNABLE="true"/>'
        '<REF_LINK_SET LINK_SET_ID="ls1" LINK_SET_NAME="links"><CROSS_REF_LINK REF_LINK_ID="l1" REF1="x1" '
        'REF2="x1"/></REF_LINK_SET></ANNOTATION_DOCUMENT>')
    out = tmp_path / "out.eaf"
    write_eaf(read_eaf(src), out)
    again = read_eaf(out)
    links = again.root.findall("REF_LINK_SET/CROSS_REF_LINK")
    assert len(links) == 1 and links[0].get("REF1") == "a1"
    assert [a.id for t in again.tiers() for a in t.annotations] == ["a1", "a2"]


@needs_corpus
def test_reference_annotations_take_their_parent_times():
    doc = read_eaf(EXTERNAL / "elan" / "speach_test2.eaf")
    views = {v.name: v for v in other_tiers(doc)}
    tiers = {t.name: t for t in doc.tiers()}
    child = next(t for t in tiers.values() if t.parent and any(a.ref for a in t.annotations))
    parent_times = {(s, e) for s, e, _ in views[child.parent].annotations}
    assert all((s, e) in parent_times for s, e, _ in views[child.name].annotations)


def test_session_export_validates_and_reimports(demo_project, tmp_path, schema):
    session = load_project(demo_project.project).session
    session.set_offset("side", 987.0)
    out = tmp_path / "s.eaf"
    write_session_eaf(session, out)
    ok, log = _valid(schema, out)
    assert ok, log
    imp = import_exercises(read_eaf(out), session.protocol)
    assert imp.tier == "Exercise" and imp.warnings == []
    assert {k: v.span for k, v in imp.segments.items()} == {k: v.span for k, v in session.segments.items()}
    assert imp.offsets == {"front.mp4": 0.0, "side.mp4": 987.0}
    session.set_offset("side", 0.0)
    assert apply_offsets(session, imp) == ["side"] and session.camera("side").offset_ms == 987.0


@needs_corpus
def test_export_over_a_foreign_file_keeps_its_tiers(demo_project, tmp_path, schema):
    base = read_eaf(EXTERNAL / "elan" / "tla_eafparser_example.eaf")
    session = load_project(demo_project.project).session
    out = tmp_path / "merged.eaf"
    write_session_eaf(session, out, base)
    ok, log = _valid(schema, out)
    assert ok, log
    merged = read_eaf(out)
    assert set(merged.tier_names()) == set(base.tier_names()) | {"Exercise"}
    assert _content(merged)[: len(base.tier_names())] == _content(base)
    write_session_eaf(session, out, merged)  # exporting again replaces the exercise tier, no duplicate
    assert read_eaf(out).tier_names().count("Exercise") == 1


def test_import_picks_the_exercise_tier_and_reports_unknown_values(demo_project):
    session = load_project(demo_project.project).session
    with pytest.raises(ElanError, match="no tier 'Nope'"):
        import_exercises(read_eaf(demo_project.eaf), session.protocol, tier="Nope")


@pytest.mark.parametrize("content, needle", [
    ("<ANNOTATION_DOCUMENT><HEADER/><TIME_ORDER>", "not well-formed"),
    ("<html><body/></html>", "not an ELAN file"),
    ("", "not well-formed"),
    ("<ANNOTATION_DOCUMENT/>", "no HEADER"),
    ('<ANNOTATION_DOCUMENT><HEADER/><TIME_ORDER/><TIER TIER_ID="t" LINGUISTIC_TYPE_REF="lt"><ANNOTATION>'
     '<ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>x'
     '</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER><LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="lt"/>'
     '</ANNOTATION_DOCUMENT>', "time slot 'ts1', which does not exist"),
])
def test_broken_files_are_refused_with_the_file_named(tmp_path, content, needle):
    bad = tmp_path / "bad.eaf"
    bad.write_text(content)
    with pytest.raises(ElanError, match=needle) as e:
        read_eaf(bad)
    assert "bad.eaf" in str(e.value)
