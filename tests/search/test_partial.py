"""Which words a search keeps when no product has every word (search/partial.py)."""

from __future__ import annotations

from search.partial import MAX_TRIES, words_kept


def products(*word_sets: set[int]):
    """`matches` over products holding these word positions."""
    calls: list[tuple[int, ...]] = []

    def matches(positions: tuple[int, ...]) -> bool:
        calls.append(positions)
        return any(set(positions) <= words for words in word_sets)

    return matches, calls


def test_words_found_nowhere_are_left_out_first():
    matches, _calls = products({0, 1})

    assert words_kept(3, matches) == (0, 1)


def test_then_the_fewest_words_keeping_the_later_ones():
    matches, _calls = products({0, 2}, {1, 2}, {0, 1})

    assert words_kept(3, matches) == (1, 2)


def test_each_word_alone_keeps_the_last():
    matches, _calls = products({0}, {1}, {2})

    assert words_kept(3, matches) == (2,)


def test_no_word_found_anywhere_keeps_nothing():
    matches, _calls = products({5})

    assert words_kept(2, matches) is None


def test_a_long_query_stops_after_a_few_tries():
    matches, calls = products(*({i} for i in range(12)))

    assert words_kept(12, matches) == (11,)
    assert len(calls) <= 12 + MAX_TRIES
