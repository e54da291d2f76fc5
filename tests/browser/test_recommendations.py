"""A shopper with a history sees the recommendation slots in a real browser: personal picks on
the home page, what buyers also bought and similar items on a product page, what goes with the
cart, and what they viewed."""

import pytest
from django.contrib.auth import get_user_model

from recommendations.models import ProductNeighbours, UserRecommendation
from recommendations.services.training import recommender_train
from tests.recommendations.conftest import seeded_shop  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "recommend-me"


def slot(page, name: str):
    return page.locator(f'[data-testid="recs-{name}"]')


def card_names(locator) -> list[str]:
    return locator.locator(".product-card-title").all_inner_texts()


def test_a_shopper_with_history_sees_every_slot(page, screenshot, seeded_shop):  # noqa: F811
    # Given a live model trained on the seeded shop, and a shopper it knows
    version = recommender_train()
    assert version.is_live, version.note
    user_id = (
        UserRecommendation.objects.filter(version=version)
        .exclude(product_ids=[])
        .values_list("user_id", flat=True)
        .first()
    )
    shopper = get_user_model().objects.get(pk=user_id)
    shopper.set_password(PASSWORD)
    shopper.save()
    product = (
        ProductNeighbours.objects.filter(version=version, source="als", product__in_stock=True)
        .exclude(also_bought=[])
        .select_related("product")
        .first()
        .product
    )
    base = page.base_url

    # When they log in, the home page has picks for them
    page.goto(base + "/account/login/")
    page.fill("input[name=username]", shopper.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.goto(base + "/")
    for_you = slot(page, "for-you")
    assert for_you.get_by_role("heading", name="Recommended for you").is_visible()
    assert len(card_names(for_you)) >= 4
    screenshot(page, "home")

    # A product page shows what its buyers also bought and similar items, never itself
    page.goto(base + product.get_absolute_url())
    also = slot(page, "also-bought")
    similar = slot(page, "similar")
    assert also.get_by_role("heading", name="Customers who bought this also bought").is_visible()
    assert similar.get_by_role("heading", name="Similar items").is_visible()
    assert card_names(also) and card_names(similar)
    assert product.name not in card_names(also) + card_names(similar)
    screenshot(page, "product")

    # Following a suggestion, the product just left is among the recently viewed
    link = also.locator(".product-card-link").first
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(f"**{href}")
    viewed = slot(page, "recently-viewed")
    assert product.name in card_names(viewed)

    # The cart suggests what goes with it
    page.click("[data-add-button]")
    page.wait_for_selector("[data-add-status]:not([hidden])")
    page.goto(base + "/cart/")
    complete = slot(page, "complete")
    assert complete.get_by_role("heading", name="Complete your purchase").is_visible()
    in_cart = page.locator(".cart-line-name").all_inner_texts()
    assert in_cart and card_names(complete)
    assert not set(card_names(complete)) & set(in_cart)
    screenshot(page, "cart")

    # And back home, the recently viewed slot lists both products, newest first
    page.goto(base + "/")
    viewed = card_names(slot(page, "recently-viewed"))
    assert product.name in viewed[:2]
    screenshot(page, "home-recently-viewed")
