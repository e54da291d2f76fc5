"""Which words a search looks for when no product has every word (search/partial.py)."""

from __future__ import annotations

from search.partial import MAX_TRIES, narrow, words_to_try


def shop(*products: set[int], strong: tuple[set[int], ...] = ()):
    """`exists` over products holding these word positions (anywhere; `strong`: in their name,
    brand or attributes), recording each call."""
    calls: list[tuple[tuple[int, ...], bool]] = []

    def exists(positions: tuple[int, ...], by_name: bool) -> bool:
        calls.append((positions, by_name))
        held = strong if by_name else (*products, *strong)
        return any(set(positions) <= words for words in held)

    return exists, calls


def test_words_found_nowhere_are_left_out_first():
    exists, _calls = shop(strong=({0, 1},))

    assert narrow([1, 1, 1], exists) == ((0, 1), True)


def test_then_the_fewest_words_keeping_the_later_ones():
    exists, _calls = shop(strong=({0, 2}, {1, 2}, {0, 1}))

    assert narrow([1, 1, 1], exists) == ((1, 2), True)


def test_a_term_of_several_words_counts_them_all():
    """ "running shoes" (two words) before "marathon", although it comes first."""
    exists, _calls = shop(strong=({0}, {1}))

    assert narrow([2, 1], exists) == ((0,), True)


def test_words_found_only_in_descriptions_are_passed_over_for_fewer_found_by_name():
    """ "running shoes under 500": "500" only in descriptions next to running shoes."""
    exists, _calls = shop({0, 2}, strong=({0},))

    assert narrow([2, 1, 1], exists) == ((0,), True)


def test_words_found_only_in_descriptions_or_categories_are_only_offered():
    exists, _calls = shop({1})

    assert narrow([1, 1], exists) == ((1,), False)


def test_no_word_found_anywhere_gives_nothing():
    exists, _calls = shop({5})

    assert narrow([1, 1], exists) is None


def test_every_word_is_never_tried_again():
    assert (0, 1) not in words_to_try([1, 1], [0, 1])
    assert words_to_try([1, 1], [0, 1]) == [(1,), (0,)]


def test_a_long_query_stops_after_a_few_tries():
    exists, calls = shop(*({i} for i in range(12)))

    assert narrow([1] * 12, exists) is None
    assert len(calls) <= 12 + 2 * MAX_TRIES


def test_found_anywhere_is_asked_only_when_no_set_is_found_by_name():
    """ "冬天 保暖 外套": 冬天 nowhere, 保暖 and 外套 together only in descriptions, 外套 alone by
    name: whether the pair is in a description is never asked."""
    exists, calls = shop({1, 2}, strong=({2},))

    assert narrow([1, 1, 1], exists) == ((2,), True)
    assert ((1, 2), True) in calls
    assert ((1, 2), False) not in calls
