"""Limits over a sliding window (common/counters.py: sliding_window_take)."""

import pytest
from django.core.cache import cache

from common import counters
from common.counters import sliding_window_take

WINDOW = 60


@pytest.fixture
def clock(monkeypatch):
    """The time the counters see, set by the test (seconds since the epoch, on a window's start
    at 6,000,000)."""

    class Clock:
        now = 6_000_000.0

        def at(self, seconds):
            self.now = 6_000_000.0 + seconds

    clock = Clock()
    monkeypatch.setattr(counters.time, "time", lambda: clock.now)
    return clock


def take(*limits):
    return sliding_window_take(list(limits), seconds=WINDOW)


def test_the_limit_holds_within_a_window(clock):
    clock.at(10)
    assert take(("k", 2)) == 0
    assert take(("k", 2)) == 0

    assert take(("k", 2)) > 0


def test_a_burst_across_a_window_end_does_not_get_twice_the_limit(clock):
    clock.at(59.5)
    assert take(("k", 2)) == 0
    assert take(("k", 2)) == 0

    clock.at(60.5)  # a new window: fixed windows would take two more here

    assert take(("k", 2)) > 0


def test_the_wait_it_gives_is_the_wait_there_is(clock):
    clock.at(59.5)
    take(("k", 2))
    take(("k", 2))
    clock.at(60.5)

    wait = take(("k", 2))
    clock.at(60.5 + wait - 1)
    refused_a_second_early = take(("k", 2))
    clock.at(60.5 + wait)

    assert wait == 30  # the two events of the previous window weigh half at second 30
    assert refused_a_second_early > 0
    assert take(("k", 2)) == 0


def test_past_the_limit_the_wait_runs_into_the_next_window(clock):
    clock.at(30)
    for _ in range(3):
        assert take(("k", 3)) == 0

    wait = take(("k", 3))
    clock.at(30 + wait - 1)
    refused_a_second_early = take(("k", 3))
    clock.at(30 + wait)

    assert wait == 50  # 30 s to the window's end, then 20 s until its 3 weigh 2
    assert refused_a_second_early > 0
    assert take(("k", 3)) == 0


def test_a_refused_event_counts_against_no_limit(clock):
    clock.at(5)
    assert take(("session", 1), ("address", 10)) == 0

    assert take(("session", 1), ("address", 10)) > 0
    assert take(("session", 1), ("address", 10)) > 0

    assert cache.get("address:100000") == 1
    assert cache.get("session:100000") == 1


def test_events_long_ago_do_not_count(clock):
    clock.at(0)
    assert take(("k", 1)) == 0
    clock.at(2 * WINDOW)

    assert take(("k", 1)) == 0
