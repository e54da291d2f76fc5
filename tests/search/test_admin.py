from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from search.models import SearchQueryLog, SearchSettings, Synonym
from tests.accounts.factories import StaffFactory

pytestmark = pytest.mark.django_db


def log(query: str, results: int, days_ago: int = 0) -> None:
    SearchQueryLog.objects.create(
        query=query,
        language="en",
        result_count=results,
        backend="sqlite",
        created_at=timezone.now() - timedelta(days=days_ago),
    )


def test_report_lists_top_searches_and_searches_without_results(admin_client):
    for _ in range(3):
        log("yoga mat", 12)
    log("tent", 4)
    log("unicorn saddle", 0)
    log("unicorn saddle", 0)
    log("old query", 0, days_ago=40)

    response = admin_client.get(reverse("admin:search_searchquerylog_report"), {"days": "30"})

    report = response.context["report"]
    assert [(r["query"], r["searches"]) for r in report.top] == [
        ("yoga mat", 3), ("unicorn saddle", 2), ("tent", 1)
    ]  # fmt: skip
    assert [(r["query"], r["searches"]) for r in report.empty] == [("unicorn saddle", 2)]
    assert (report.total, report.without_results) == (6, 2)
    html = response.content.decode()
    assert "Searches with no results" in html and "unicorn saddle" in html


def test_report_period_is_selectable(admin_client):
    log("old query", 0, days_ago=40)

    response = admin_client.get(reverse("admin:search_searchquerylog_report"), {"days": "90"})

    assert [r["query"] for r in response.context["report"].empty] == ["old query"]
    bad = admin_client.get(reverse("admin:search_searchquerylog_report"), {"days": "abc"})
    assert bad.status_code == 200
    assert bad.context["report"].days == 30


RANKING = {"popularity_weight": "0.5", "rating_weight": "0.1", "out_of_stock_factor": "0.2"}


def test_merchant_staff_see_the_report(client):
    client.force_login(StaffFactory())
    log("tent", 0)

    report = client.get(reverse("admin:search_searchquerylog_report"))

    assert report.status_code == 200


def test_merchant_staff_are_not_shown_the_ranking_settings(client):
    client.force_login(StaffFactory())
    settings_url = reverse("admin:search_searchsettings_change", args=[SearchSettings.load().pk])

    index = client.get(reverse("admin:index")).content.decode()
    page = client.get(settings_url)

    assert reverse("admin:search_searchsettings_changelist") not in index
    assert page.status_code == 403


def test_merchant_staff_cannot_save_the_ranking_settings(client):
    client.force_login(StaffFactory())
    before = SearchSettings.load().out_of_stock_factor
    settings_url = reverse("admin:search_searchsettings_change", args=[SearchSettings.load().pk])

    response = client.post(settings_url, RANKING)

    assert response.status_code == 403
    assert SearchSettings.load().out_of_stock_factor == before


def test_the_operator_tunes_ranking(admin_client):
    settings_url = reverse("admin:search_searchsettings_change", args=[SearchSettings.load().pk])

    response = admin_client.post(settings_url, RANKING)

    assert response.status_code == 302
    assert str(SearchSettings.load().out_of_stock_factor) == "0.200"


def test_the_out_of_stock_factor_stays_within_zero_and_one(admin_client):
    url = reverse("admin:search_searchsettings_change", args=[SearchSettings.load().pk])

    response = admin_client.post(
        url, {"popularity_weight": "0.3", "rating_weight": "0.2", "out_of_stock_factor": "1.5"}
    )

    assert response.status_code == 200
    assert "out_of_stock_factor" in response.context["adminform"].form.errors


def test_settings_changelist_lists_the_one_row(admin_client):
    response = admin_client.get(reverse("admin:search_searchsettings_changelist"))

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [SearchSettings.load()]


# --- Synonyms -------------------------------------------------------------------------------------
SYNONYM = {
    "kind": "two_way",
    "terms": "Zorbs\uff0c marbles",  # a Chinese comma
    "targets": "",
    "is_active": "on",
    "note": "",
}


def test_the_operator_adds_a_synonym_rule_saved_normalised(admin_client):
    response = admin_client.post(reverse("admin:search_synonym_add"), SYNONYM)

    assert response.status_code == 302
    assert Synonym.objects.get(terms="zorbs, marbles").kind == Synonym.Kind.TWO_WAY


def test_the_operator_lists_searches_and_filters_the_synonyms(admin_client, shipped_synonyms):
    url = reverse("admin:search_synonym_changelist")

    listed = admin_client.get(url, {"q": "kicks", "kind__exact": "two_way"})
    one_way = admin_client.get(url, {"q": "kicks", "kind__exact": "one_way"})

    assert listed.status_code == 200
    assert [s.terms for s in listed.context["cl"].result_list] == [
        "sneakers, trainers, kicks, 运动鞋, 球鞋, 休闲鞋, 板鞋"
    ]
    assert list(one_way.context["cl"].result_list) == []


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"terms": " , "}, "terms", "Enter at least one term."),
        ({"kind": "one_way", "terms": "mtb"}, "targets", "A one-way rule needs at least one"),
        ({"targets": "glass"}, "targets", "Only a one-way rule has targets"),
        ({"terms": "zorbs, Zorbs"}, "terms", "at least two different terms"),
        ({"kind": "one_way", "terms": "mtb", "targets": "MTB"}, "terms", "both a term and"),
    ],
)
def test_a_synonym_rule_that_cannot_be_read_is_refused_with_a_reason(
    admin_client, data, field, message
):
    response = admin_client.post(reverse("admin:search_synonym_add"), {**SYNONYM, **data})

    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors[field])


def test_a_duplicate_synonym_rule_is_refused(admin_client):
    Synonym.objects.create(terms="zorbs, marbles")

    response = admin_client.post(reverse("admin:search_synonym_add"), SYNONYM)

    assert response.status_code == 200
    assert "already has this rule" in str(response.context["adminform"].form.non_field_errors())


def test_merchant_staff_neither_see_nor_add_synonyms(client):
    client.force_login(StaffFactory())
    rule = Synonym.objects.create(terms="qwop, marbles")

    index = client.get(reverse("admin:index")).content.decode()
    page = client.get(reverse("admin:search_synonym_change", args=[rule.pk]))
    added = client.post(reverse("admin:search_synonym_add"), SYNONYM)

    assert reverse("admin:search_synonym_changelist") not in index
    assert page.status_code == 403
    assert added.status_code == 403
    assert not Synonym.objects.filter(terms="zorbs, marbles").exists()
