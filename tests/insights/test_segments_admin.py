"""The segments in admin: every page, export and button scoped per merchant."""

import csv
import io

import pytest
from django.urls import reverse

from accounts.permissions import grant_merchant_staff_permissions
from insights.models import CustomerProfile, InsightJob, JobKind, SegmentRun
from insights.segments.services import segments_compute
from tests.accounts.factories import StaffFactory, UserFactory

from .segments_givens import TODAY, order, product

pytestmark = pytest.mark.django_db

SEGMENTS = "/admin/insights/customerprofile/segments/"
PROFILES = "/admin/insights/customerprofile/"
SNAPSHOTS = "/admin/insights/segmentsnapshot/"


@pytest.fixture
def shop(merchant_a, merchant_b):
    """Alice buys from A only, Bruno from B only, Carla from both (in one order)."""
    a_thing, b_thing = product(merchant_a), product(merchant_b)
    alice = UserFactory(email="alice@example.com")
    bruno = UserFactory(email="bruno@example.com")
    carla = UserFactory(email="carla@example.com")
    order(alice, 5, (a_thing, "11.11", 1))
    order(bruno, 50, (b_thing, "987654.32", 1))
    order(carla, 9, (a_thing, "22.22", 1), (b_thing, "555.55", 2))
    segments_compute(today=TODAY)
    staff_a = StaffFactory(merchant=merchant_a)
    staff_b = StaffFactory(merchant=merchant_b)
    operator = UserFactory(is_staff=True, is_superuser=True, email="operator@example.com")
    return {
        "a": merchant_a,
        "b": merchant_b,
        "alice": alice,
        "bruno": bruno,
        "carla": carla,
        "staff_a": staff_a,
        "staff_b": staff_b,
        "operator": operator,
    }


def _export(client, url, fmt_index=0):
    """Through import-export's form, every field chosen, as a person would."""
    form = client.get(url + "export/").context["form"]
    data = {"format": str(fmt_index)}
    for name, field in form.fields.items():
        if getattr(field, "is_selectable_field", False):
            data[name] = "on"
        elif name == "resource":
            data[name] = "0"
    response = client.post(url + "export/", data)
    assert response.status_code == 200, response.content[:500]
    return response


# --- profiles -----------------------------------------------------------------------------


def test_merchant_staff_list_only_their_customers(client, shop):
    client.force_login(shop["staff_a"])
    page = client.get(PROFILES)
    assert page.status_code == 200
    shown = {p.user.email for p in page.context["cl"].result_list}
    assert shown == {"alice@example.com", "carla@example.com"}
    assert {p.merchant_id for p in page.context["cl"].result_list} == {shop["a"].pk}
    assert b"bruno@example.com" not in page.content
    assert b"555.55" not in page.content  # Carla's spending with B


def test_the_profile_list_filters_by_segment_and_searches_by_email(client, shop):
    client.force_login(shop["staff_a"])
    carla = CustomerProfile.objects.get(user=shop["carla"], merchant=shop["a"])
    page = client.get(PROFILES, {"segment__exact": carla.segment, "q": "carla@"})
    assert [p.pk for p in page.context["cl"].result_list] == [carla.pk]


def test_the_profile_list_is_a_fixed_number_of_queries(client, shop):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(shop["operator"])

    def queries() -> int:
        client.get(PROFILES)  # the signed-in user kept in the cache again, after the changes
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PROFILES).status_code == 200
        return len(captured)

    few = queries()
    for days_ago in range(10):
        order(UserFactory(), days_ago + 1, (product(shop["b"]), "3.00", 1))
    segments_compute(today=TODAY)
    assert CustomerProfile.objects.count() > 20
    assert queries() == few


def test_the_operator_lists_the_whole_shops_profiles_from_the_segments_page(client, shop):
    client.force_login(shop["operator"])
    page = client.get(PROFILES, {"merchant__isnull": "True"})
    assert {p.merchant_id for p in page.context["cl"].result_list} == {None}
    assert len(page.context["cl"].result_list) == 3


def test_merchant_staff_open_their_customers_profile_but_not_anothers(client, shop):
    own = CustomerProfile.objects.get(user=shop["carla"], merchant=shop["a"])
    other = CustomerProfile.objects.get(user=shop["carla"], merchant=shop["b"])
    shop_wide = CustomerProfile.objects.get(user=shop["carla"], merchant=None)
    client.force_login(shop["staff_a"])
    page = client.get(reverse("admin:insights_customerprofile_change", args=[own.pk]))
    assert page.status_code == 200
    assert b"carla@example.com" in page.content and b"22.22" in page.content
    for hidden in (other, shop_wide):
        url = reverse("admin:insights_customerprofile_change", args=[hidden.pk])
        assert client.get(url).status_code == 404


def test_nobody_edits_or_deletes_a_profile(client, shop):
    profile = CustomerProfile.objects.get(user=shop["alice"], merchant=shop["a"])
    segment = profile.segment
    other = "champions" if segment != "champions" else "lost"
    client.force_login(shop["operator"])
    url = reverse("admin:insights_customerprofile_change", args=[profile.pk])
    assert client.post(url, {"segment": other}).status_code == 403
    delete = reverse("admin:insights_customerprofile_delete", args=[profile.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    profile.refresh_from_db()
    assert profile.segment == segment


# --- exports --------------------------------------------------------------------------------


def test_a_merchants_customer_export_holds_only_its_customers(client, shop):
    client.force_login(shop["staff_a"])
    response = _export(client, PROFILES)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(row["email"] for row in rows) == ["alice@example.com", "carla@example.com"]
    assert {row["merchant"] for row in rows} == {"alpha"}
    assert "bruno" not in response.content.decode()
    spent = {row["email"]: row["spent"] for row in rows}
    assert spent["carla@example.com"] == "22.22"


def test_the_customer_export_as_excel(client, shop):
    from openpyxl import load_workbook

    client.force_login(shop["staff_b"])
    response = _export(client, PROFILES, fmt_index=1)
    sheet = load_workbook(io.BytesIO(response.content)).active
    emails = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert emails == {"bruno@example.com", "carla@example.com"}


def test_a_merchants_segment_export_holds_only_its_segments(client, shop):
    client.force_login(shop["staff_a"])
    response = _export(client, SNAPSHOTS)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows and {row["merchant"] for row in rows} == {"alpha"}
    assert sum(int(row["customers"]) for row in rows) == 2
    assert "987654.32" not in response.content.decode()


def test_an_export_with_an_unknown_filter_goes_back_to_the_list(client, shop):
    client.force_login(shop["staff_a"])
    for url in (PROFILES, SNAPSHOTS):
        response = client.get(url + "export/", {"post": "1"})
        assert response.status_code == 302
        assert response["Location"].endswith(url + "?e=1")


# --- the segments page ------------------------------------------------------------------------


def test_merchant_staff_see_their_segments_whatever_they_ask_for(client, shop):
    client.force_login(shop["staff_a"])
    page = client.get(SEGMENTS, {"merchant": shop["b"].pk})
    assert page.status_code == 200
    assert page.context["merchant"] == shop["a"]
    assert page.context["page"].run.merchant_id == shop["a"].pk
    assert page.context["merchants"] is None  # no scope choice
    assert sum(line.size for line in page.context["page"].lines) == 2
    assert b"987654.32" not in page.content and b"Bravo" not in page.content


def test_the_operator_chooses_the_scope(client, shop):
    client.force_login(shop["operator"])
    whole = client.get(SEGMENTS)
    assert whole.context["page"].run.merchant_id is None
    assert whole.context["page"].run.customers == 3
    of_b = client.get(SEGMENTS, {"merchant": shop["b"].pk})
    assert of_b.context["page"].run.merchant_id == shop["b"].pk


def test_a_bad_scope_is_a_message_not_an_error(client, shop):
    client.force_login(shop["operator"])
    for value in ("abc", "999999", "²", "9" * 40):
        page = client.get(SEGMENTS, {"merchant": value}, follow=True)
        assert page.status_code == 200
        assert "No such merchant" in " ".join(str(m) for m in page.context["messages"])


def test_the_page_shows_the_trend_against_the_previous_run(client, shop):
    client.force_login(shop["staff_a"])
    first = client.get(SEGMENTS).context["page"]
    assert first.previous is None and all(line.size_change is None for line in first.lines)
    order(UserFactory(), 1, (product(shop["a"]), "5.00", 1))
    segments_compute(merchant=shop["a"], today=TODAY)
    page = client.get(SEGMENTS).context["page"]
    assert page.previous is not None
    assert sum(line.size_change for line in page.lines) == 1
    assert sum(line.size for line in page.lines) == 3


def test_the_chart_is_inline_svg_without_script_or_style(client, shop):
    client.force_login(shop["staff_a"])
    html = client.get(SEGMENTS).content.decode()
    start = html.index('<figure class="insights-segments-chart insights-chart">')
    chart = html[start : html.index("</figure>", start)]
    assert "<svg" in chart
    assert "<script" not in chart and "<style" not in chart and "style=" not in chart


def test_a_merchant_with_nothing_computed_is_told_so(client, merchant_a):
    staff = StaffFactory(merchant=merchant_a)
    client.force_login(staff)
    page = client.get(SEGMENTS)
    assert page.status_code == 200 and page.context["page"].run is None


def test_staff_of_no_merchant_and_shoppers_cannot_see_segments(client, shop):
    loose = UserFactory(is_staff=True)
    grant_merchant_staff_permissions(loose)
    client.force_login(loose)
    assert client.get(SEGMENTS).status_code == 403
    assert client.get(PROFILES).status_code == 403
    client.force_login(shop["alice"])
    assert client.get(SEGMENTS).status_code == 302  # to the login page


def test_the_page_words_why_there_is_no_lifetime_model(client, shop):
    client.force_login(shop["staff_a"])
    page = client.get(SEGMENTS)
    assert "the lifetime model needs at least 20" in page.content.decode()


# --- recompute now ------------------------------------------------------------------------------


def test_recompute_now_queues_a_job_for_the_staffs_merchant(
    client, shop, django_capture_on_commit_callbacks
):
    client.force_login(shop["staff_a"])
    before = SegmentRun.objects.filter(merchant=shop["a"]).count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SEGMENTS + "recompute/", {"merchant": shop["b"].pk})
    assert response.status_code == 302
    assert "/admin/insights/insightjob/" in response["Location"]
    job = InsightJob.objects.get()
    assert job.kind == JobKind.SEGMENTS and job.merchant == shop["a"]
    assert job.requested_by == shop["staff_a"]
    assert SegmentRun.objects.filter(merchant=shop["a"]).count() == before + 1
    assert SegmentRun.objects.filter(merchant=shop["b"]).count() == 1


def test_recompute_now_does_not_queue_twice(client, shop):
    client.force_login(shop["staff_a"])
    client.post(SEGMENTS + "recompute/")  # queued; in a test transaction it never runs
    page = client.post(SEGMENTS + "recompute/", follow=True)
    assert InsightJob.objects.count() == 1
    assert "already being computed" in " ".join(str(m) for m in page.context["messages"])


def test_recompute_is_a_post(client, shop):
    client.force_login(shop["staff_a"])
    assert client.get(SEGMENTS + "recompute/").status_code == 405


# --- the operator's user page -------------------------------------------------------------------


def test_the_users_page_shows_the_customers_profiles_per_merchant(client, shop):
    client.force_login(shop["operator"])
    page = client.get(reverse("admin:accounts_user_change", args=[shop["carla"].pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Customer insights" in html
    assert "Whole shop" in html and "Alpha" in html and "Bravo" in html
    for profile in CustomerProfile.objects.filter(user=shop["carla"]):
        assert profile.get_absolute_url() in html


def test_merchant_staff_still_cannot_open_user_pages(client, shop):
    client.force_login(shop["staff_a"])
    url = reverse("admin:accounts_user_change", args=[shop["carla"].pk])
    assert client.get(url).status_code in (302, 403)


def test_top_categories_are_named_in_the_readers_language(client, merchant_a):
    from tests.catalog.factories import CategoryFactory

    tea = CategoryFactory(name_en="Tea", name_zh_hans="茶叶")
    customer = UserFactory()
    order(customer, 2, (product(merchant_a, category=tea), "8.00", 1))
    segments_compute(merchant=merchant_a, today=TODAY)
    profile = CustomerProfile.objects.get(user=customer, merchant=merchant_a)
    client.force_login(StaffFactory(merchant=merchant_a))
    url = reverse("admin:insights_customerprofile_change", args=[profile.pk])
    assert "Tea" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True)  # to /zh-hans/admin/...
    assert "茶叶" in page.content.decode() and "Tea" not in page.content.decode()


def test_the_segments_page_shows_money_in_the_shops_currency(client, shop):
    client.force_login(shop["staff_b"])
    page = client.get(SEGMENTS).content.decode()
    # Bruno's 987,654.32 and Carla's 2 x 555.55 on B's lines: B's revenue, with currency.
    assert "¥988,765.42" in page
    assert "988765.42" not in page
