import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cart import services
from cart.models import CartLine
from cart.storage import SESSION_KEY
from logistics.models import Stock
from tests.accounts.factories import PASSWORD, UserFactory
from tests.conftest import SAME_ORIGIN

pytestmark = pytest.mark.django_db

ADD_URL = "/cart/add/"
CART_URL = "/cart/"


def header_count(response) -> int:
    match = re.search(r"data-cart-count>(\d+)<", response.content.decode())
    assert match, "the header shows no cart count"
    return int(match.group(1))


def session_lines(client) -> dict:
    return client.session.get(SESSION_KEY, {})


def saved_quantities(user) -> dict[int, int]:
    return dict(CartLine.objects.filter(cart__user=user).values_list("variant_id", "quantity"))


@pytest.fixture
def variant(make_product):
    """One variant at ¥50.00 with 5 in stock."""
    return make_product(name_en="Tea Bowl", prices=(Decimal("50.00"),), stock=5).variants.get()


def test_the_url_names_are_the_agreed_ones():
    assert reverse("cart:detail") == CART_URL
    assert reverse("cart:add") == ADD_URL
    assert reverse("cart:update", args=[7]) == "/cart/lines/7/"
    assert reverse("cart:remove", args=[7]) == "/cart/lines/7/remove/"


# --- Adding ------------------------------------------------------------------------------------
def test_adding_through_the_form_goes_to_the_cart_and_shows_the_count(client, variant):
    response = client.post(ADD_URL, {"variant": variant.pk, "quantity": 2}, follow=True)

    assert response.redirect_chain == [(CART_URL, 302)]
    assert header_count(response) == 2
    html = response.content.decode()
    assert "Added to your cart." in html
    assert "Tea Bowl" in html


def test_adding_without_a_quantity_adds_one(client, variant):
    client.post(ADD_URL, {"variant": variant.pk})

    assert session_lines(client)[str(variant.pk)]["q"] == 1


def test_adding_returns_to_a_same_site_next_page(client, variant):
    back = f"{variant.product.get_absolute_url()}?variant={variant.pk}"

    response = client.post(ADD_URL, {"variant": variant.pk, "quantity": 1, "next": back})

    assert response.status_code == 302
    assert response.url == back


def test_buy_now_adds_the_item_and_goes_to_checkout(client, variant):
    back = f"{variant.product.get_absolute_url()}?variant={variant.pk}"

    response = client.post(
        ADD_URL, {"variant": variant.pk, "quantity": 2, "next": back, "buy_now": "1"}
    )

    assert response.status_code == 302
    assert response.url == reverse("orders:checkout")
    assert session_lines(client)[str(variant.pk)]["q"] == 2


def test_a_refused_buy_now_goes_back_to_the_product_with_the_reason(client, variant):
    back = f"{variant.product.get_absolute_url()}?variant={variant.pk}"

    response = client.post(
        ADD_URL, {"variant": variant.pk, "quantity": 9, "next": back, "buy_now": "1"}, follow=True
    )

    assert response.redirect_chain == [(back, 302)]
    assert session_lines(client) == {}


@pytest.mark.parametrize("next_url", ["abc", "cart:detail", "javascript:alert(1)"])
def test_a_next_page_that_is_not_a_path_goes_to_the_cart(client, variant, next_url):
    response = client.post(ADD_URL, {"variant": variant.pk, "quantity": 1, "next": next_url})

    assert response.status_code == 302
    assert response.url == CART_URL
    assert session_lines(client)[str(variant.pk)]["q"] == 1


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/p/x/"])
def test_an_offsite_next_page_is_ignored(client, variant, next_url):
    response = client.post(ADD_URL, {"variant": variant.pk, "quantity": 1, "next": next_url})

    assert response.url == CART_URL


@pytest.mark.parametrize(
    "headers", [{"HTTP_ACCEPT": "application/json"}, {"HTTP_X_REQUESTED_WITH": "fetch"}]
)
def test_adding_by_fetch_answers_with_the_new_count(client, variant, headers):
    client.post(ADD_URL, {"variant": variant.pk, "quantity": 1})

    response = client.post(ADD_URL, {"variant": variant.pk, "quantity": 2}, **headers)

    assert response.status_code == 200
    assert response.json() == {"ok": True, "count": 3, "message": "Added to your cart."}


GONE = "Sorry, this product is no longer available."
BAD_ADDS = {
    "quantity is not a number": ({"quantity": "abc"}, "Enter the quantity as a whole number."),
    "quantity zero": ({"quantity": "0"}, "Choose a quantity of at least 1."),
    "quantity negative": ({"quantity": "-1"}, "Choose a quantity of at least 1."),
    "quantity too large": ({"quantity": "999"}, "You can buy at most 20 of one item per order."),
    "more than in stock": ({"quantity": "6"}, "Only 5 of this item are left."),
    "missing variant": ({"variant": None}, "Choose an option before adding to your cart."),
    "variant not a number": ({"variant": "x"}, GONE),
    "nonexistent variant": ({"variant": "987654321"}, GONE),
    "id too large for the database": ({"variant": "9" * 30}, GONE),
}


def bad_post(variant, change: dict) -> dict:
    data = {"variant": variant.pk, "quantity": "1", **change}
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize(("change", "message"), BAD_ADDS.values(), ids=BAD_ADDS.keys())
def test_a_bad_add_says_what_is_wrong_and_changes_nothing(client, variant, change, message):
    response = client.post(ADD_URL, bad_post(variant, change), follow=True)

    assert response.redirect_chain == [(CART_URL, 302)]
    assert message in response.content.decode()
    assert header_count(response) == 0
    assert session_lines(client) == {}


@pytest.mark.parametrize(("change", "message"), BAD_ADDS.values(), ids=BAD_ADDS.keys())
def test_a_bad_add_by_fetch_is_a_400_with_the_reason(client, variant, change, message):
    response = client.post(ADD_URL, bad_post(variant, change), HTTP_ACCEPT="application/json")

    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": message}
    assert session_lines(client) == {}


@pytest.mark.parametrize("retired", ["variant", "product"])
def test_an_item_no_longer_sold_cannot_be_added(client, variant, retired):
    target = variant if retired == "variant" else variant.product
    target.is_active = False
    target.save()

    response = client.post(ADD_URL, {"variant": variant.pk, "quantity": 1}, follow=True)

    assert "Sorry, this product is no longer available." in response.content.decode()
    assert session_lines(client) == {}


def test_a_tampered_price_is_ignored(client, variant):
    client.post(ADD_URL, {"variant": variant.pk, "quantity": 2, "price": "0.01"})

    response = client.get(CART_URL)

    assert session_lines(client) == {str(variant.pk): {"q": 2, "p": "50.00"}}
    assert response.context["cart"].subtotal == Decimal("100.00")
    assert "¥100.00" in response.content.decode()


# --- Changing and removing ---------------------------------------------------------------------
def test_updating_a_quantity(client, variant):
    client.post(ADD_URL, {"variant": variant.pk, "quantity": 1})

    response = client.post(reverse("cart:update", args=[variant.pk]), {"quantity": 3}, follow=True)

    assert response.redirect_chain == [(CART_URL, 302)]
    assert "The quantity has been updated." in response.content.decode()
    assert header_count(response) == 3


def test_updating_to_zero_removes_the_line(client, variant):
    client.post(ADD_URL, {"variant": variant.pk, "quantity": 1})

    response = client.post(reverse("cart:update", args=[variant.pk]), {"quantity": 0}, follow=True)

    assert "The item has been removed from your cart." in response.content.decode()
    assert "Your cart is empty." in response.content.decode()
    assert session_lines(client) == {}


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("abc", "Enter the quantity as a whole number."),
        ("-1", "Choose a quantity of at least 0."),
        ("999", "You can buy at most 20 of one item per order."),
        ("6", "Only 5 of this item are left."),
    ],
)
def test_a_bad_update_says_what_is_wrong_and_changes_nothing(client, variant, quantity, message):
    client.post(ADD_URL, {"variant": variant.pk, "quantity": 2})

    response = client.post(
        reverse("cart:update", args=[variant.pk]), {"quantity": quantity}, follow=True
    )

    assert message in response.content.decode()
    assert session_lines(client)[str(variant.pk)]["q"] == 2


def test_removing_a_line(client, variant):
    client.post(ADD_URL, {"variant": variant.pk, "quantity": 2})

    response = client.post(reverse("cart:remove", args=[variant.pk]), follow=True)

    assert "The item has been removed from your cart." in response.content.decode()
    assert header_count(response) == 0


def test_removing_an_item_not_in_the_cart_says_so(client, variant):
    response = client.post(reverse("cart:remove", args=[variant.pk]), follow=True)

    assert "That item is not in your cart." in response.content.decode()


@pytest.mark.parametrize("name", ["cart:add", "cart:update", "cart:remove"])
def test_cart_changes_need_a_post(client, variant, name):
    url = ADD_URL if name == "cart:add" else reverse(name, args=[variant.pk])

    assert client.get(url).status_code == 405


def test_adding_works_without_a_csrf_token_but_updating_and_removing_do_not(variant):
    client = Client(enforce_csrf_checks=True, headers=SAME_ORIGIN)

    added = client.post(ADD_URL, {"variant": variant.pk, "quantity": 2})
    updated = client.post(reverse("cart:update", args=[variant.pk]), {"quantity": 1})
    removed = client.post(reverse("cart:remove", args=[variant.pk]))

    assert added.status_code == 302
    assert (updated.status_code, removed.status_code) == (403, 403)
    assert session_lines(client)[str(variant.pk)]["q"] == 2


def test_updating_works_with_the_token_from_the_cart_page(variant):
    client = Client(enforce_csrf_checks=True, headers=SAME_ORIGIN)
    client.post(ADD_URL, {"variant": variant.pk, "quantity": 2})
    page = client.get(CART_URL).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    response = client.post(
        reverse("cart:update", args=[variant.pk]),
        {"quantity": 1, "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302
    assert session_lines(client)[str(variant.pk)]["q"] == 1


# --- Requests from other sites ------------------------------------------------------------------
def test_a_cross_site_add_is_refused_without_a_session_or_a_cart(variant):
    # Given another site's page posting to the shop on a visitor's behalf
    attacker = Client(headers={"Origin": "https://evil.example"})

    # When it posts an item to the cart
    response = attacker.post(ADD_URL, {"variant": variant.pk, "quantity": 3})

    # Then nothing is added and no cookie could replace the shopper's session
    assert response.status_code == 403
    assert "did not come from our shop" in response.content.decode()
    assert not response.cookies
    assert not Session.objects.exists()
    assert not CartLine.objects.exists()


def test_a_cross_site_add_by_fetch_is_a_403_with_a_json_error(variant):
    attacker = Client(headers={"Origin": "https://evil.example"})

    response = attacker.post(
        ADD_URL, {"variant": variant.pk}, headers={"Accept": "application/json"}
    )

    assert response.status_code == 403
    assert response.json()["ok"] is False
    assert "did not come from our shop" in response.json()["error"]
    assert not response.cookies


def test_a_cross_site_add_cannot_log_a_shopper_out(variant):
    # Given a signed-in shopper whose SameSite=Lax cookie the cross-site POST does not carry
    shopper = UserFactory()
    browser = Client(headers=SAME_ORIGIN)
    browser.force_login(shopper)
    own_cookie = browser.cookies[settings.SESSION_COOKIE_NAME].value
    cross_site = Client(headers={"Origin": "https://evil.example"})

    response = cross_site.post(ADD_URL, {"variant": variant.pk, "quantity": 3})

    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert browser.cookies[settings.SESSION_COOKIE_NAME].value == own_cookie
    assert saved_quantities(shopper) == {}


def test_an_add_without_origin_or_referer_is_refused(variant):
    response = Client().post(ADD_URL, {"variant": variant.pk, "quantity": 1})

    assert response.status_code == 403
    assert not response.cookies
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [{"Referer": "https://evil.example/p/x/"}, {"Origin": "null"}, {"Referer": "not a url"}],
)
def test_an_add_from_another_referer_or_a_null_origin_is_refused(variant, headers):
    response = Client(headers=headers).post(ADD_URL, {"variant": variant.pk})

    assert response.status_code == 403
    assert not response.cookies


def test_an_add_with_only_a_same_site_referer_is_accepted(variant):
    browser = Client(headers={"Referer": f"http://testserver{variant.product.get_absolute_url()}"})

    response = browser.post(ADD_URL, {"variant": variant.pk, "quantity": 1})

    assert response.status_code == 302
    assert session_lines(browser)[str(variant.pk)]["q"] == 1


def test_an_add_from_a_trusted_origin_is_accepted(variant, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://shop.example.com"]
    browser = Client(headers={"Origin": "https://shop.example.com"})

    response = browser.post(ADD_URL, {"variant": variant.pk, "quantity": 1})

    assert response.status_code == 302
    assert session_lines(browser)[str(variant.pk)]["q"] == 1


# --- Signing in --------------------------------------------------------------------------------
def test_logging_in_through_the_login_form_merges_the_session_cart(client, make_product, variant):
    user = UserFactory()
    saved = make_product(name_en="Saved Cup").variants.get()
    services.cart_add(user=user, session=client.session, variant_id=saved.pk, quantity=1)
    services.cart_add(user=user, session=client.session, variant_id=variant.pk, quantity=1)
    client.post(ADD_URL, {"variant": variant.pk, "quantity": 2})

    client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    response = client.get(CART_URL)

    assert saved_quantities(user) == {saved.pk: 1, variant.pk: 3}
    assert session_lines(client) == {}
    assert header_count(response) == 4


def test_a_merge_capped_by_stock_is_explained_after_logging_in(client, variant):
    user = UserFactory()
    services.cart_add(user=user, session=client.session, variant_id=variant.pk, quantity=4)
    client.post(ADD_URL, {"variant": variant.pk, "quantity": 3})

    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}, follow=True
    )

    assert "Tea Bowl: quantity lowered to 5, what is in stock." in response.content.decode()
    assert saved_quantities(user) == {variant.pk: 5}


def test_the_saved_cart_follows_the_shopper_to_another_device(variant):
    user = UserFactory()
    laptop, phone = Client(headers=SAME_ORIGIN), Client(headers=SAME_ORIGIN)
    laptop.force_login(user)
    phone.force_login(user)

    laptop.post(ADD_URL, {"variant": variant.pk, "quantity": 2})
    response = phone.get(CART_URL)

    assert [(line.variant.pk, line.quantity) for line in response.context["cart"].lines] == [
        (variant.pk, 2)
    ]
    assert header_count(response) == 2


# --- The cart page -----------------------------------------------------------------------------
def test_the_cart_page_shows_each_line_the_subtotal_and_checkout(client, make_product):
    bowl = make_product(name_en="Tea Bowl", prices=(Decimal("50.00"),)).variants.get()
    pot = make_product(name_en="Tea Pot", prices=(Decimal("120.00"),), images=1).variants.get()
    client.post(ADD_URL, {"variant": bowl.pk, "quantity": 2})
    client.post(ADD_URL, {"variant": pot.pk, "quantity": 1})

    response = client.get(CART_URL)

    html = response.content.decode()
    for text in ("Tea Bowl", "Tea Pot", bowl.sku, pot.sku, "Red / M", "¥50.00", "¥100.00"):
        assert text in html
    assert "data-cart-subtotal>¥220.00<" in html
    assert 'href="/checkout/"' in html
    assert "<img" in html.split(f'data-cart-line="{pot.pk}"', 1)[1]


def test_an_empty_cart_links_back_to_the_shop(client):
    response = client.get(CART_URL)

    html = response.content.decode()
    assert "Your cart is empty." in html
    assert f'href="{reverse("catalog:home")}"' in html
    assert "/checkout/" not in html


def test_a_line_whose_product_was_withdrawn_is_flagged_and_left_out_of_the_subtotal(
    client, make_product, variant
):
    other = make_product(prices=(Decimal("10.00"),)).variants.get()
    client.post(ADD_URL, {"variant": variant.pk, "quantity": 1})
    client.post(ADD_URL, {"variant": other.pk, "quantity": 1})
    variant.product.is_active = False
    variant.product.save()

    response = client.get(CART_URL)

    html = response.content.decode()
    assert "This item is no longer available and is not included in the subtotal." in html
    assert "data-cart-subtotal>¥10.00<" in html
    assert "Checkout</button>" in html and "disabled" in html.split("Checkout</button>")[0][-80:]
    assert 'href="/checkout/"' not in html


def test_a_changed_price_is_pointed_out(client, variant):
    client.post(ADD_URL, {"variant": variant.pk, "quantity": 1})
    variant.price = Decimal("60.00")
    variant.save()

    response = client.get(CART_URL)

    html = response.content.decode()
    assert "The price changed from ¥50.00 to ¥60.00 since you added this item." in html
    assert "data-cart-subtotal>¥60.00<" in html
    assert 'href="/checkout/"' in html  # a new price needs no fixing, only the shopper's eye


def test_a_line_short_of_stock_is_flagged_and_blocks_checkout(client, variant):
    client.post(ADD_URL, {"variant": variant.pk, "quantity": 4})
    Stock.objects.filter(variant=variant).update(quantity=1)

    response = client.get(CART_URL)

    html = response.content.decode()
    assert "Only 1 left: lower the quantity to check out." in html
    assert "Some items need your attention" in html
    assert 'href="/checkout/"' not in html


def test_the_cart_page_is_in_chinese_under_its_prefix(client, variant):
    client.post(ADD_URL, {"variant": variant.pk, "quantity": 1})

    with translation.override("zh-hans"):
        url = reverse("cart:detail")
    response = client.get(url)

    assert url == "/zh-hans/cart/"
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"


def test_the_cart_page_needs_the_same_queries_for_one_line_as_for_ten(
    client, make_product, django_assert_max_num_queries
):
    # The user, the saved lines, the variants with their product and image, the stock.
    queries = 4
    user = UserFactory()
    client.force_login(user)
    first = make_product(images=1).variants.get()
    client.post(ADD_URL, {"variant": first.pk, "quantity": 1})
    client.get(CART_URL)  # warm the category tree and session caches alike for both counts
    with django_assert_max_num_queries(queries) as one_line:
        client.get(CART_URL)
    for _ in range(9):
        client.post(ADD_URL, {"variant": make_product(images=1).variants.get().pk})
    client.get(CART_URL)

    with django_assert_max_num_queries(queries) as ten_lines:
        response = client.get(CART_URL)

    assert len(response.context["cart"].lines) == 10
    assert len(ten_lines) == len(one_line)


# --- Header and product page -------------------------------------------------------------------
def test_a_cookieless_visitor_sees_an_empty_cart_count_and_gets_no_session(client, variant):
    response = client.get(reverse("catalog:home"))

    assert header_count(response) == 0
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_the_product_page_offers_the_chosen_variant_to_add(client, variant):
    response = client.get(variant.product.get_absolute_url())

    html = response.content.decode()
    form = html.split('action="/cart/add/"', 1)[1].split("</form>", 1)[0]
    assert f'name="variant" value="{variant.pk}"' in form
    assert 'name="quantity" value="1" min="1" max="20"' in form
    assert "Add to cart</button>" in form
    assert "csrfmiddlewaretoken" not in html


def test_a_sold_out_variant_cannot_be_added_from_the_product_page(client, make_product):
    product = make_product(stock=0)

    html = client.get(product.get_absolute_url()).content.decode()

    form = html.split('action="/cart/add/"', 1)[1].split("</form>", 1)[0]
    assert re.search(r"<button[^>]*disabled[^>]*>Out of stock</button>", form)


def test_the_product_page_is_still_served_whole_from_the_page_cache(
    client, storefront_cache, variant, django_assert_max_num_queries
):
    first = client.get(variant.product.get_absolute_url())
    assert not first.cookies
    assert 'action="/cart/add/"' in first.content.decode()

    with django_assert_max_num_queries(0):
        second = client.get(variant.product.get_absolute_url())

    assert 'action="/cart/add/"' in second.content.decode()
