"""Dates in one format per language (shop/formats/): the same moment reads the same on the
order list, the order page, the product page's reviews and in the order emails."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from catalog.models import Review
from orders import notifications
from orders.models import Order
from tests.accounts.factories import UserFactory
from tests.orders.factories import place_order, variant_in_stock

pytestmark = pytest.mark.django_db

MOMENT = dt.datetime(2026, 3, 7, 14, 5, tzinfo=dt.UTC)  # 22:05 in Shanghai
SHOWN = {
    "en": ("7 Mar 2026", "7 Mar 2026, 22:05"),
    "zh-hans": ("2026年3月7日", "2026年3月7日 22:05"),
}


def url_in(language: str, name: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_order_list_and_order_page_show_the_moment_in_the_languages_one_format(client, language):
    user = UserFactory()
    order = place_order((variant_in_stock(price="30.00"), 1), user=user, language=language)
    Order.objects.filter(pk=order.pk).update(created_at=MOMENT)
    client.force_login(user)
    moment = SHOWN[language][1]

    listing = client.get(url_in(language, "orders:list")).text
    detail = client.get(url_in(language, "orders:detail", order.number)).text

    assert f">{moment}</time>" in listing
    assert moment in detail
    assert "03/07/2026" not in listing and "2026/03/07" not in listing


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_order_email_says_the_pay_by_moment_in_the_same_format(language):
    order = place_order((variant_in_stock(price="30.00"), 1), language=language)
    Order.objects.filter(pk=order.pk).update(expires_at=MOMENT)
    order.refresh_from_db()
    mail.outbox.clear()

    notifications.send_order_email(order=order, kind="placed")

    assert SHOWN[language][1] in mail.outbox[0].body


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_reviews_date_is_the_languages_date_format(client, make_product, language):
    product = make_product()
    review = Review.objects.create(
        product=product, user=UserFactory(), rating=5, title="Good", body="Very good."
    )
    Review.objects.filter(pk=review.pk).update(created_at=MOMENT)

    page = client.get(url_in(language, "catalog:product", product.slug)).text

    assert f"· {SHOWN[language][0]}</p>" in page
    assert "2026-03-07" not in page


def test_every_language_has_each_format_it_shows_dates_in():
    from django.utils.formats import get_format

    for language in ("en", "zh-hans"):
        with translation.override(language):
            assert get_format("SHORT_DATETIME_FORMAT") == get_format("DATETIME_FORMAT")
            assert get_format("SHORT_DATE_FORMAT") == get_format("DATE_FORMAT")
            assert get_format("TIME_FORMAT") == "H:i"
    assert timezone.get_current_timezone_name() == "Asia/Shanghai"
