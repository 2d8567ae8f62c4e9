"""How a training child's end becomes the caller's result or one plain message."""

import collections
import json

import pytest

from fshd_studio.core.errors import UserError
from fshd_studio.labelling.training_process import _result


def _tail(*lines):
    return collections.deque(lines, maxlen=12)


def test_success_is_the_json_result():
    out = json.dumps({"weights": "/m/classifier.safetensors", "val_top1": 0.5, "classes": ["a", "b"],
                      "confusion_pred_by_true": [[1, 0], [1, 0]]})
    res = _result(0, out, [], _tail())
    assert res.top1 == 0.5 and res.names == ["a", "b"] and res.confusion.shape == (2, 2)


@pytest.mark.parametrize("rc, errors, tail, said", [
    (2, ["dataset /d has no train/ and val/ folders; export one"], _tail("error: dataset /d ..."),
     "^dataset /d has no train/ and val/ folders; export one$"),
    (-9, [], _tail('{"stage": "x", "done": 1, "total": 3}', "RuntimeError: CUDA out of memory"),
     r"Training crashed \(it was stopped by SIGKILL\).*votes are safe.*Its last words: RuntimeError: CUDA out"),
    (-6, [], _tail(), r"stopped by SIGABRT\); no classifier was written"),
    (1, [], _tail("Segmentation fault"), r"exit status 1.*Segmentation fault"),
    (0, [], _tail(), "ended without its result"),
])
def test_every_other_end_is_one_message(rc, errors, tail, said):
    with pytest.raises(UserError, match=said):
        _result(rc, "" if rc else "not json", errors, tail)
