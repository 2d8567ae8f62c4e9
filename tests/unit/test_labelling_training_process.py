"""How the training child's end becomes the caller's result or one plain message, and its scratch folder goes."""

import pytest

from fshd_studio.core.errors import UserError
from fshd_studio.labelling.training_process import CRASH_HOOK, crash_message, last_words, train_in_child


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("FSHD_STUDIO_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_child_dying_in_native_code_is_one_message_quoting_its_last_words(tmp_path, cache, monkeypatch):
    monkeypatch.setenv(CRASH_HOOK, "abort")
    with pytest.raises(UserError, match=r"^Training crashed \(it was stopped by SIGABRT\); no classifier was "
                                        r"written and your votes are safe\..*Its last words: crash hook: aborting$"):
        train_in_child(tmp_path / "ds", tmp_path / "model")
    assert not (tmp_path / "model").exists()
    assert list((cache / "training").iterdir()) == []  # the killed child's scratch folder was removed for it


def test_a_user_error_in_the_child_reaches_the_caller_as_that_message(tmp_path, cache):
    (tmp_path / "ds").mkdir()
    with pytest.raises(UserError, match=r"^dataset .*ds has no train/ and val/ folders; export one"):
        train_in_child(tmp_path / "ds", tmp_path / "model")
    assert list((cache / "training").iterdir()) == []


def test_last_words_are_the_last_non_empty_line_of_the_log(tmp_path):
    log = tmp_path / "training.log"
    log.write_text("epoch 1/3\r  10%|#  \r  90%|#### \nRuntimeError: CUDA out of memory\n\n  \n", encoding="utf-8")
    assert last_words(log) == "RuntimeError: CUDA out of memory"
    assert last_words(tmp_path / "absent.log") == ""


def test_the_crash_message_says_what_happened_and_quotes_at_most_300_characters():
    assert crash_message("it ended with exit status 1", "").endswith("or the CPU.")
    said = crash_message("it failed with RuntimeError", "x" * 1000)
    assert said.startswith("Training crashed (it failed with RuntimeError); no classifier was written")
    assert said.endswith("Its last words: " + "x" * 300)
