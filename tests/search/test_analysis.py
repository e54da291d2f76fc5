"""search/analysis.py and search/highlight.py: plain functions."""

from search import analysis
from search.highlight import Matcher, snippet


def test_chinese_is_indexed_as_dictionary_words_and_latin_as_words():
    assert analysis.index_text("Auralis 无线耳机") == "auralis 无线 耳机 无线耳机"


def test_the_fallback_holds_the_bigrams_of_each_run_then_its_characters():
    assert analysis.fallback_text("Auralis 无线耳机", "音箱") == (
        "x无线 x线耳 x耳机 x音箱 x无 x线 x耳 x机 x音 x箱"
    )


def test_a_query_cuts_chinese_into_words_and_drops_filler_words():
    parsed = analysis.parse("冬天穿的保暖外套")

    assert [c.word for c in parsed.clauses] == ["冬天", "保暖", "外套"]


def test_chinese_filler_words_are_kept_when_nothing_else_is_left():
    assert [c.word for c in analysis.parse("的").clauses] == ["的"]


def test_hyphenated_words_are_also_indexed_joined_at_the_end():
    assert analysis.index_text("Pima T-Shirt, navy") == "pima t shirt navy tshirt"


def test_full_width_letters_and_digits_are_normalised():
    assert analysis.words("ＩＰＨＯＮＥ １５") == ["iphone", "15"]  # noqa: RUF001


def test_quotes_make_a_phrase_and_an_unbalanced_quote_does_not():
    phrase = analysis.parse('"running shoes" red')
    loose = analysis.parse('running "shoes red')

    assert [c.phrase for c in phrase.clauses] == [("running", "shoes"), ()]
    assert [c.word for c in loose.clauses] == ["running", "shoes", "red"]


def test_stop_words_are_dropped_unless_nothing_else_is_left():
    assert [c.word for c in analysis.parse("shoes for the road").clauses] == ["shoes", "road"]
    assert [c.word for c in analysis.parse("the").clauses] == ["the"]


def test_query_syntax_characters_only_separate_words():
    parsed = analysis.parse("name:lamp^3 (desk OR ~light) \\ [a] {b} !c */")

    assert [c.word for c in parsed.clauses] == ["name", "lamp", "3", "desk", "light", "b", "c"]


def test_snippet_marks_matches_near_the_first_one_and_escapes_the_rest():
    matcher = Matcher(analysis.parse("lamp"))
    text = "<b>" + "word " * 80 + "a lamp & more"

    marked = snippet(text, matcher, length=60)

    assert marked.startswith("…") and "<mark>lamp</mark> &amp; more" in marked
    assert "<b>" not in marked
