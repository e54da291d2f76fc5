"""The synonym list: its rules, the expansion of a query by them, the table each process keeps
until the list changes, and the shipped default list (migration 0010, `load_synonyms`)."""

from __future__ import annotations

import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from search import analysis, selectors
from search.models import Synonym
from search.synonyms import (
    DEFAULT_LIST,
    Rule,
    RuleError,
    SynonymTable,
    own_forms,
    parse_line,
    parse_rules,
    split_terms,
)


# --- Rules ----------------------------------------------------------------------------------------
def test_a_two_way_rule_lists_its_terms():
    assert parse_line("Sneakers, trainers , 运动鞋") == Rule(
        terms=("sneakers", "trainers", "运动鞋")
    )


def test_a_one_way_rule_has_terms_and_targets():
    rule = parse_line("cell phone, mobile phone => smartphone, 手机")

    assert rule == Rule(terms=("cell phone", "mobile phone"), targets=("smartphone", "手机"))
    assert rule.one_way


def test_blank_lines_and_comments_are_not_rules():
    assert parse_line("   ") is None
    assert parse_line("# shoes") is None
    assert parse_line("hoodie, hoody  # British spelling") == Rule(terms=("hoodie", "hoody"))


# "HOODIE" in full-width letters.
FULL_WIDTH_HOODIE = "\uff28\uff2f\uff2f\uff24\uff29\uff25"


def test_terms_are_normalised_like_queries_and_not_repeated():
    assert split_terms(FULL_WIDTH_HOODIE + "\uff0cHoodie\u3001t-shirt,  ,") == ("hoodie", "t shirt")


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("=> smartphone", "no_terms"),
        ("mobile =>", "no_targets"),
        ("sneakers", "one_term"),
        ("sneakers, Sneakers", "one_term"),
        ("phone => phone, mobile", "term_is_target"),
        ("one two three four five, six", "too_long"),
        ("a => b => c", "arrows"),
    ],
)
def test_a_rule_that_cannot_be_read_says_why(line, code):
    with pytest.raises(RuleError) as error:
        parse_line(line)

    assert error.value.code == code


def test_an_error_in_a_list_names_its_line():
    with pytest.raises(RuleError, match="line 3: A one-way rule needs at least one target"):
        parse_rules("# list\nsneakers, trainers\nmobile =>\n")


def test_the_words_of_the_list_have_their_plural_or_singular_only():
    assert own_forms("duvet") == ("duvet", "duvets")
    assert own_forms("hoodies") == ("hoodie", "hoodies", "hoody")
    assert own_forms("cherry") == ("cherries", "cherry")
    assert own_forms("comforter") == ("comforter", "comforters")
    assert own_forms("glasses") == ("glass", "glasses")
    assert own_forms("cases") == ("case", "cases")
    assert own_forms("watch") == ("watch", "watches")
    assert own_forms("耳机") == ("耳机",)
    assert own_forms("5g") == ("5g",)


# --- Expansion ------------------------------------------------------------------------------------
def expand(table: SynonymTable, text: str) -> list:
    return table.expand(analysis.parse(text)).clauses


def test_the_longest_run_of_words_that_is_a_term_is_expanded():
    table = SynonymTable(parse_rules("cell phone => smartphone\nphone, handset"))

    clauses = expand(table, "cell phone case")

    assert [c.word for c in clauses] == ["cell phone", "case"]
    own = clauses[0]
    assert [p.word for p in own.parts] == ["cell", "phone"]
    assert [s.word for s in own.synonyms] == ["smartphone"]
    assert own.exact and not clauses[1].synonyms


def test_a_word_of_the_list_is_exact_and_its_synonyms_are_phrases():
    table = SynonymTable(parse_rules("comforter, duvet, 被子, down quilt"))

    (clause,) = expand(table, "Comforters")

    assert clause.exact
    assert clause.alternatives == ("comforter", "comforters")
    synonyms = {s.word: s for s in clause.synonyms}
    assert set(synonyms) == {"duvet", "被子", "down quilt"}
    assert synonyms["duvet"].alternatives == ("duvet", "duvets")
    assert synonyms["down quilt"].phrase == ("down", "quilt")


def test_a_one_way_target_does_not_find_the_terms():
    table = SynonymTable(parse_rules("mtb => mountain bike"))

    assert expand(table, "mtb")[0].synonyms
    assert not any(c.synonyms for c in expand(table, "mountain bike"))


def test_a_quoted_phrase_is_left_as_typed():
    table = SynonymTable(parse_rules("running shoes, 跑鞋"))

    (clause,) = expand(table, '"running shoes"')

    assert clause.is_phrase and not clause.synonyms


def test_a_term_is_found_in_the_plural_or_singular():
    table = SynonymTable(parse_rules("running shoes, 跑鞋\nsneakers, trainers"))

    assert [s.word for s in expand(table, "running shoe")[0].synonyms] == ["跑鞋"]
    assert [s.word for s in expand(table, "sneaker")[0].synonyms] == ["trainers"]


def test_a_term_in_two_rules_finds_both_rules_terms():
    table = SynonymTable(parse_rules("sweatshirt, 卫衣\nhoodie, 卫衣"))

    (clause,) = expand(table, "卫衣")

    assert {s.word for s in clause.synonyms} == {"sweatshirt", "hoodie"}


def test_the_shipped_list_reads_and_keeps_different_things_apart():
    rules = parse_rules(DEFAULT_LIST.read_text(encoding="utf-8"))
    table = SynonymTable(rules)

    assert len(rules) > 100
    found = {" ".join(s.word for s in c.synonyms) for c in expand(table, "充电线")}
    assert "数据线" in found.pop()
    for term in ("charging cable", "充电线", "数据线"):
        assert ("power", "bank") not in table.alternatives[tuple(term.split())]
        assert ("充电宝",) not in table.alternatives[tuple(term.split())]


# --- The table of a process -----------------------------------------------------------------------
@pytest.mark.django_db
def test_the_table_is_read_once_until_a_rule_is_saved(django_assert_num_queries):
    selectors.synonym_table()
    with django_assert_num_queries(0):
        selectors.synonym_table()

    Synonym.objects.create(terms="zorbs, marbles")

    with django_assert_num_queries(1):
        table = selectors.synonym_table()
    assert ("marbles",) in table.alternatives[("zorbs",)]


@pytest.mark.django_db
def test_a_deleted_rule_leaves_the_table():
    rule = Synonym.objects.create(terms="zorbs, marbles")
    assert ("zorbs",) in selectors.synonym_table().alternatives

    rule.delete()

    assert ("zorbs",) not in selectors.synonym_table().alternatives


@pytest.mark.django_db
def test_a_rule_saved_around_the_admin_that_cannot_be_read_is_skipped():
    Synonym.objects.create(kind=Synonym.Kind.ONE_WAY, terms="zorbs", targets="")
    Synonym.objects.create(terms="qwop, marbles")

    table = selectors.synonym_table()

    assert ("zorbs",) not in table.alternatives
    assert ("qwop",) in table.alternatives


# --- The shipped list -----------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_migration_loads_the_shipped_list_into_an_empty_list_only():
    migration = importlib.import_module("search.migrations.0010_default_synonyms")
    rules = parse_rules(DEFAULT_LIST.read_text(encoding="utf-8"))
    Synonym.objects.all().delete()

    migration.load_default_list(apps, None)
    migration.load_default_list(apps, None)

    assert Synonym.objects.count() == len(rules)
    assert Synonym.objects.filter(terms__startswith="sneakers, trainers").exists()
    assert Synonym.objects.filter(kind=Synonym.Kind.ONE_WAY, terms__contains="cell phone").exists()
    migration.remove_default_list(apps, None)
    assert not Synonym.objects.exists()


@pytest.mark.django_db
def test_load_synonyms_adds_only_missing_rules(shipped_synonyms):
    Synonym.objects.filter(terms__startswith="sneakers").delete()
    out = StringIO()

    call_command("load_synonyms", stdout=out)
    call_command("load_synonyms", stdout=out)

    assert Synonym.objects.filter(terms__startswith="sneakers").count() == 1
    assert out.getvalue().splitlines()[-1].startswith("0 synonym rules added")


@pytest.mark.django_db
def test_load_synonyms_replace_puts_a_file_in_place_of_the_list(tmp_path):
    path = tmp_path / "synonyms.txt"
    path.write_text("# ours\nzorbs, marbles\nmtb => mountain bike\n", encoding="utf-8")

    call_command("load_synonyms", str(path), "--replace", stdout=StringIO())

    assert sorted(Synonym.objects.values_list("terms", "targets")) == [
        ("mtb", "mountain bike"), ("zorbs, marbles", "")
    ]  # fmt: skip
    assert ("marbles",) in selectors.synonym_table().alternatives[("zorbs",)]


@pytest.mark.django_db
def test_load_synonyms_refuses_a_list_it_cannot_read(tmp_path, shipped_synonyms):
    path = tmp_path / "synonyms.txt"
    path.write_text("zorbs, marbles\nmtb =>\n", encoding="utf-8")

    with pytest.raises(CommandError, match="line 2"):
        call_command("load_synonyms", str(path), "--replace", stdout=StringIO())
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_synonyms", str(tmp_path / "missing.txt"), stdout=StringIO())
    assert Synonym.objects.filter(terms__startswith="sneakers").exists()


@pytest.mark.django_db
def test_a_search_without_words_never_reads_the_synonym_list(shipped_synonyms):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search.backends.base import SearchQuery
    from search.services import database_backend

    cache.clear()  # the list is read again after any change of its version
    with CaptureQueriesContext(connection) as captured:
        database_backend().search(SearchQuery(in_stock=True))
    assert not [q for q in captured.captured_queries if Synonym._meta.db_table in q["sql"]]
    with CaptureQueriesContext(connection) as captured:
        database_backend().search(SearchQuery(text="trainers"))
    assert [q for q in captured.captured_queries if Synonym._meta.db_table in q["sql"]]
