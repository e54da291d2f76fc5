"""Cache entries under generations (common/cache_generations.py)."""

import pytest
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import transaction

from common.cache_generations import cached, changed, prefetch

pytestmark = pytest.mark.django_db

KEY = "test:generations"


class Undo(Exception):
    pass


def test_an_entry_is_served_until_its_data_changes():
    assert cached(KEY, lambda: "first", timeout=60) == "first"
    assert cached(KEY, lambda: "not read", timeout=60) == "first"

    changed(KEY)

    assert cached(KEY, lambda: "second", timeout=60) == "second"


def test_what_a_transaction_rolled_back_read_is_not_kept():
    cached(KEY, lambda: "as committed", timeout=60)
    with pytest.raises(Undo), transaction.atomic():
        changed(KEY)
        assert cached(KEY, lambda: "written, then rolled back", timeout=60) == (
            "written, then rolled back"
        )
        raise Undo

    assert cached(KEY, lambda: "as committed", timeout=60) == "as committed"


def test_a_lost_generation_never_comes_back_to_an_old_entry():
    cached(KEY, lambda: "old", timeout=60)
    cache.delete(f"{KEY}:gen")  # evicted, or expired, and then the data changed
    seen = []

    def load_slowly():
        # Another reader comes while the first one, which started a new generation, reads.
        seen.append(cached(KEY, lambda: "new", timeout=60))
        return "new"

    assert cached(KEY, load_slowly, timeout=60) == "new"
    assert seen == ["new"]


def test_entries_read_ahead_are_served_without_another_read(cache_reads):
    cached(KEY, lambda: "first", timeout=60)
    cached(f"{KEY}:other", lambda: "second", timeout=60)
    cache_reads.clear()

    prefetch([KEY, f"{KEY}:other"])
    assert cached(KEY, lambda: "not read", timeout=60) == "first"
    assert cached(f"{KEY}:other", lambda: "not read", timeout=60) == "second"

    assert len(cache_reads) == 1


def test_an_entry_read_ahead_then_changed_by_the_request_is_read_again():
    cached(KEY, lambda: "before", timeout=60)
    prefetch([KEY])

    changed(KEY)

    assert cached(KEY, lambda: "after", timeout=60) == "after"


def test_nothing_read_ahead_outlives_its_request(cache_reads):
    cached(KEY, lambda: "first", timeout=60)
    prefetch([KEY])
    request_finished.send(sender=None)
    cache_reads.clear()

    cached(KEY, lambda: "not read", timeout=60)

    assert len(cache_reads) == 1
