"""THE clip validity rule (core/validation.py): time-based, as the model samples; one rule for the checklist
and preprocessing."""

import pytest

from fshd_studio.core.validation import MODEL_WINDOW_MS, clip_timing
from fshd_studio.preprocess.params import PreprocessParams
from fshd_studio.preprocess.pipeline import model_window_ms


def test_the_rule_and_preprocessing_read_the_same_window():
    assert model_window_ms(PreprocessParams()) == MODEL_WINDOW_MS == pytest.approx(8500.0)


@pytest.mark.parametrize("seconds, fps, short", [(9.0, 25.0, False), (5.0, 60.0, True), (8.6, 60.0, False),
                                                  (8.4, 25.0, True), (20.0, 120.0, False)])
def test_too_short_is_a_matter_of_time_not_frames(seconds, fps, short):
    timing = clip_timing(1000.0, 1000.0 + seconds * 1000.0, 600_000.0, 1000.0 / fps)
    assert timing.outside == "" and ("short" in timing.flags) == short


def test_past_the_end_is_padded_only_inside_the_models_window():
    video = 30_000.0
    assert clip_timing(25_000.0, 36_000.0, video).flags == ("padded",)  # 5 s recorded of the 8.5 s read
    assert clip_timing(20_000.0, 31_000.0, video).flags == ()  # 10 s recorded: the model misses nothing
    both = clip_timing(28_000.0, 32_000.0, video)
    assert both.flags == ("short", "padded") and len(both.messages) == 2


@pytest.mark.parametrize("start, end", [(30_000.0, 40_000.0), (-12_000.0, -1_000.0), (-500.0, 9_500.0)])
def test_no_frame_at_the_start_is_outside(start, end):
    timing = clip_timing(start, end, 30_000.0, 40.0)
    assert timing.outside and timing.flags == ()


def test_a_fraction_of_a_frame_before_the_video_is_tolerated():
    assert clip_timing(-20.0, 9_000.0, 30_000.0, 40.0).outside == ""
