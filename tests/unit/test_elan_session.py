"""Session export over existing documents, and which tier an import takes."""

from dataclasses import replace

import pytest

from fshd_studio.core.session import Span
from fshd_studio.io.elan import import_exercises, media_name, read_eaf, write_session_eaf
from fshd_studio.io.elan_session import TierUncertain
from fshd_studio.io.project import load_project
from tests.conftest import EXTERNAL


@pytest.fixture
def session(demo_project):
    return load_project(demo_project.project).session


def _validate(schema, path):
    from lxml import etree

    assert schema.validate(etree.parse(str(path))), schema.error_log


def test_export_over_our_own_export_replaces_the_tier_and_its_slots(session, tmp_path, schema):
    first = tmp_path / "first.eaf"
    write_session_eaf(session, first)
    n_slots = len(read_eaf(first).slot_times())
    assert n_slots == 2 * len(session.segments)
    ex_id = min(session.segments)
    seg = session.segments[ex_id]
    session.segments[ex_id] = replace(seg, span=Span(seg.span.start_ms + 250, seg.span.end_ms + 250))
    second = tmp_path / "second.eaf"
    write_session_eaf(session, second, base=read_eaf(first))
    _validate(schema, second)
    again = read_eaf(second)
    assert len(again.slot_times()) == n_slots  # the old exercise tier's slots went with it
    assert again.tier_names() == ["Exercise"]
    imp = import_exercises(again, session.protocol)
    assert imp.segments[ex_id].span == session.segments[ex_id].span


def test_notes_on_exercises_stay_under_their_exercise_when_segments_move_or_go(session, tmp_path, schema):
    plain = tmp_path / "plain.eaf"
    write_session_eaf(session, plain)
    doc = read_eaf(plain)
    from lxml import etree

    root = doc.root
    first_id = root.find("TIER/ANNOTATION/ALIGNABLE_ANNOTATION").get("ANNOTATION_ID")
    root.append(etree.fromstring('<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="note" TIME_ALIGNABLE="false" '
                                 'CONSTRAINTS="Symbolic_Association"/>'))
    root.append(etree.fromstring('<CONSTRAINT STEREOTYPE="Symbolic_Association"/>'))
    root.append(etree.fromstring(f'<TIER TIER_ID="Notes" LINGUISTIC_TYPE_REF="note" PARENT_REF="Exercise"><ANNOTATION>'
                                 f'<REF_ANNOTATION ANNOTATION_ID="n1" ANNOTATION_REF="{first_id}"><ANNOTATION_VALUE>'
                                 'tired</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION></TIER>'))
    with_notes = tmp_path / "notes.eaf"
    with_notes.write_bytes(etree.tostring(root))
    first_ex = session.protocol.find_by_label(root.find("TIER/ANNOTATION/*/ANNOTATION_VALUE").text).id
    seg = session.segments[first_ex]
    session.segments[first_ex] = replace(seg, span=Span(seg.span.start_ms + 400, seg.span.end_ms + 400))
    out = tmp_path / "out.eaf"
    write_session_eaf(session, out, base=read_eaf(with_notes))
    _validate(schema, out)
    again = read_eaf(out)
    assert again.tier_names() == ["Exercise", "Notes"] and again.tier("Notes").parent == "Exercise"
    note = again.tier("Notes").annotations[0]
    owner = next(a for a in again.tier("Exercise").annotations if a.id == note.ref)
    assert note.value == "tired" and session.protocol.find_by_label(owner.value).id == first_ex
    assert owner.start_ms == session.segments[first_ex].span.start_ms
    assert import_exercises(again, session.protocol).tier == "Exercise"
    del session.segments[first_ex]  # the exercise the note was about has no segment any more
    gone = tmp_path / "gone.eaf"
    notes = write_session_eaf(session, gone, base=read_eaf(out))
    _validate(schema, gone)
    assert read_eaf(gone).tier("Notes").annotations == () and any("1 annotations of dependent" in n for n in notes)


def test_offsets_are_written_as_whole_ms_and_read_back_by_file_name(session, tmp_path):
    cam = session.cameras[1]
    spaced = cam.video.with_name("side camera.mp4")
    session.with_camera(replace(cam, video=spaced, offset_ms=-120.4))
    out = tmp_path / "s.eaf"
    write_session_eaf(session, out)
    origins = [m.get("TIME_ORIGIN") for m in read_eaf(out).root.iterfind("HEADER/MEDIA_DESCRIPTOR")]
    assert origins == ["0", "-120"]  # written even when 0, as the schema's integer
    imp = import_exercises(read_eaf(out), session.protocol)
    assert imp.offsets == {session.cameras[0].video.name: 0.0, "side camera.mp4": -120.0}
    assert "%20" in read_eaf(out).media()[1].url and media_name(read_eaf(out).media()[1].url) == "side camera.mp4"


def test_tier_choice_prefers_ours_then_refuses_when_unsure(session, tmp_path):
    out = tmp_path / "s.eaf"
    write_session_eaf(session, out)
    doc = read_eaf(out)
    from lxml import etree

    copy_tier = etree.fromstring(etree.tostring(doc.root.find("TIER")))
    copy_tier.set("TIER_ID", "Copy")
    copy_tier.set("LINGUISTIC_TYPE_REF", "plain")
    for i, a in enumerate(copy_tier.iter("ALIGNABLE_ANNOTATION")):
        a.set("ANNOTATION_ID", f"c{i}")
    doc.root.find("TIER").addnext(copy_tier)
    doc.root.append(etree.fromstring('<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="plain" TIME_ALIGNABLE="true"/>'))
    two = tmp_path / "two.eaf"
    two.write_bytes(etree.tostring(doc.root))
    imp = import_exercises(read_eaf(two), session.protocol)
    assert imp.tier == "Exercise" and {c.name for c in imp.candidates} == {"Exercise", "Copy"} and imp.warnings == []
    for t in doc.root.iterfind("TIER"):
        t.set("LINGUISTIC_TYPE_REF", "plain")
    doc.root.find("TIER").set("TIER_ID", "Tasks")
    two.write_bytes(etree.tostring(doc.root))
    with pytest.raises(TierUncertain, match="several tiers could hold the exercises") as err:
        import_exercises(read_eaf(two), session.protocol)
    assert [c.name for c in err.value.choice.candidates] == ["Tasks", "Copy"]
    assert import_exercises(read_eaf(two), session.protocol, tier="Copy").segments.keys() == session.segments.keys()
