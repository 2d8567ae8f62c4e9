"""prefetch: same items in order, the producer's error raised in the consumer, an early exit closes the source."""

import threading

import pytest

from fshd_studio.preprocess.prefetch import prefetch


def test_items_in_order_from_another_thread():
    threads = set()

    def source():
        for i in range(100):
            threads.add(threading.current_thread().name)
            yield i

    assert list(prefetch(source(), depth=3)) == list(range(100))
    assert threads == {"preprocess-decode"}


def test_an_error_of_the_producer_is_raised_after_the_items_before_it():
    def source():
        yield 1
        yield 2
        raise ValueError("frame 3 cannot be decoded")

    got = []
    with pytest.raises(ValueError, match="frame 3"):
        for x in prefetch(source()):
            got.append(x)
    assert got == [1, 2]


def test_leaving_early_closes_the_source():
    closed = threading.Event()

    def source():
        try:
            for i in range(10_000):
                yield i
        finally:
            closed.set()  # e.g. the video container is closed

    for x in prefetch(source(), depth=2):
        if x == 5:
            break
    assert closed.wait(5)
