"""The cart for apps: an anonymous app's cart by its token, a signed-in app's account cart, the
same limits and stock checks as the cart page, and the anonymous cart merged at sign-in."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from rest_framework.test import APIClient

from cart.selectors import cart_count
from cart.services import cart_add
from cart.storage import SessionStorage
from tests.accounts.factories import PASSWORD
from tests.api.conftest import bearer
from tests.orders.factories import variant_in_stock

pytestmark = pytest.mark.django_db


def token_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_CART_TOKEN=token)
    return client


def test_an_anonymous_app_without_a_cart_sees_an_empty_one(anon):
    body = anon.get("/api/v1/cart/").json()
    assert body == {
        "token": None,
        "lines": [],
        "count": 0,
        "subtotal": "0.00",
        "blocking_problems": False,
    }


def test_an_anonymous_app_adds_to_a_new_cart_and_finds_it_again_by_its_token(anon):
    variant = variant_in_stock(price="129.00")
    added = anon.post("/api/v1/cart/lines/", {"variant": variant.pk, "quantity": 2})
    assert added.status_code == 201, added.content
    token = added.json()["token"]
    assert token and added["X-Cart-Token"] == token
    body = token_client(token).get("/api/v1/cart/").json()
    assert body["token"] == token
    assert body["count"] == 2
    assert body["subtotal"] == "258.00"
    [line] = body["lines"]
    assert line["id"] == variant.pk
    assert line["unit_price"] == "129.00" and line["line_total"] == "258.00"


def test_adding_again_sums_the_quantities_in_the_same_cart(anon):
    variant = variant_in_stock()
    token = anon.post("/api/v1/cart/lines/", {"variant": variant.pk}).json()["token"]
    again = token_client(token).post("/api/v1/cart/lines/", {"variant": variant.pk, "quantity": 3})
    assert again.json()["token"] == token
    assert again.json()["lines"][0]["quantity"] == 4


def test_a_signed_in_app_uses_its_account_cart(shopper):
    variant = variant_in_stock()
    client = bearer(shopper)
    added = client.post("/api/v1/cart/lines/", {"variant": variant.pk, "quantity": 2})
    assert added.status_code == 201
    assert added.json()["token"] is None
    assert shopper.cart.lines.get().quantity == 2
    assert client.get("/api/v1/cart/").json()["count"] == 2


def test_one_shopper_never_sees_anothers_cart(shopper, other_shopper):
    variant = variant_in_stock()
    bearer(shopper).post("/api/v1/cart/lines/", {"variant": variant.pk})
    assert bearer(other_shopper).get("/api/v1/cart/").json()["lines"] == []
    gone = bearer(other_shopper).delete(f"/api/v1/cart/lines/{variant.pk}/")
    assert gone.status_code == 404
    assert shopper.cart.lines.count() == 1


def test_a_browsers_session_key_is_not_a_cart_token(anon):
    """A browser's cart lives in its session; its key sent as a token shows nothing of it."""
    variant = variant_in_stock()
    browser = SessionStore()
    cart_add(user=None, session=browser, variant_id=variant.pk, quantity=1)
    browser.save()
    body = token_client(browser.session_key).get("/api/v1/cart/").json()
    assert body["lines"] == [] and body["token"] is None
    # Adding with it starts a new cart: the browser's is left alone.
    added = token_client(browser.session_key).post("/api/v1/cart/lines/", {"variant": variant.pk})
    assert added.json()["token"] != browser.session_key
    assert SessionStorage(SessionStore(browser.session_key)).lines()[variant.pk][0] == 1


def test_an_unknown_token_is_no_cart(anon):
    body = token_client("not-a-token").get("/api/v1/cart/").json()
    assert body["lines"] == [] and body["token"] is None


def test_more_than_in_stock_is_a_409_with_the_cart_pages_message(anon):
    variant = variant_in_stock(quantity=3)
    refused = anon.post("/api/v1/cart/lines/", {"variant": variant.pk, "quantity": 4})
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["detail"] == "Only 3 of this item are left."


def test_out_of_stock_is_a_409(anon):
    variant = variant_in_stock(quantity=0)
    refused = anon.post("/api/v1/cart/lines/", {"variant": variant.pk})
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["detail"] == "Sorry, this item is out of stock."


def test_more_than_the_line_limit_is_a_400_on_the_quantity(anon, settings):
    variant = variant_in_stock(quantity=50)
    refused = anon.post("/api/v1/cart/lines/", {"variant": variant.pk, "quantity": 21})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["attr"] == "quantity"


def test_adding_past_the_line_limit_over_two_requests_is_a_409(shopper):
    variant = variant_in_stock(quantity=50)
    client = bearer(shopper)
    client.post("/api/v1/cart/lines/", {"variant": variant.pk, "quantity": 15})
    refused = client.post("/api/v1/cart/lines/", {"variant": variant.pk, "quantity": 6})
    assert refused.status_code == 409
    assert "at most 20" in refused.json()["errors"][0]["detail"]


def test_an_unknown_variant_is_a_409_no_longer_available(anon):
    refused = anon.post("/api/v1/cart/lines/", {"variant": 999999})
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["detail"] == "Sorry, this product is no longer available."


def test_malformed_input_is_a_400_with_field_errors(anon):
    refused = anon.post("/api/v1/cart/lines/", {"variant": "x", "quantity": 0})
    assert refused.status_code == 400
    assert {e["attr"] for e in refused.json()["errors"]} == {"variant", "quantity"}


def test_a_line_is_changed_then_removed(shopper):
    variant = variant_in_stock()
    client = bearer(shopper)
    client.post("/api/v1/cart/lines/", {"variant": variant.pk, "quantity": 2})
    changed = client.patch(f"/api/v1/cart/lines/{variant.pk}/", {"quantity": 5})
    assert changed.status_code == 200
    assert changed.json()["lines"][0]["quantity"] == 5
    removed = client.delete(f"/api/v1/cart/lines/{variant.pk}/")
    assert removed.status_code == 200 and removed.json()["lines"] == []


def test_quantity_zero_removes_the_line(anon):
    variant = variant_in_stock()
    token = anon.post("/api/v1/cart/lines/", {"variant": variant.pk}).json()["token"]
    changed = token_client(token).patch(f"/api/v1/cart/lines/{variant.pk}/", {"quantity": 0})
    assert changed.json()["lines"] == []


def test_changing_to_more_than_in_stock_is_a_409(anon):
    variant = variant_in_stock(quantity=3)
    token = anon.post("/api/v1/cart/lines/", {"variant": variant.pk}).json()["token"]
    refused = token_client(token).patch(f"/api/v1/cart/lines/{variant.pk}/", {"quantity": 4})
    assert refused.status_code == 409
    assert token_client(token).get("/api/v1/cart/").json()["count"] == 1


def test_a_line_not_in_the_cart_is_a_404(anon):
    variant = variant_in_stock()
    other = variant_in_stock()
    token = anon.post("/api/v1/cart/lines/", {"variant": variant.pk}).json()["token"]
    missing = token_client(token).patch(f"/api/v1/cart/lines/{other.pk}/", {"quantity": 1})
    assert missing.status_code == 404
    assert anon.delete(f"/api/v1/cart/lines/{variant.pk}/").status_code == 404


def test_signing_in_merges_the_anonymous_cart_into_the_account_cart(anon, shopper):
    variant = variant_in_stock()
    kept = variant_in_stock()
    cart_add(user=shopper, session=SessionStore(), variant_id=kept.pk, quantity=1)
    token = anon.post("/api/v1/cart/lines/", {"variant": variant.pk, "quantity": 2}).json()["token"]
    signed_in = token_client(token).post(
        "/api/v1/auth/token/", {"email": shopper.email, "password": PASSWORD}
    )
    assert signed_in.status_code == 200, signed_in.content
    assert signed_in.json()["cart_notes"] == []
    access = signed_in.json()["access"]
    assert {(line.variant_id, line.quantity) for line in shopper.cart.lines.all()} == {
        (kept.pk, 1),
        (variant.pk, 2),
    }
    # The token's cart is gone: it is the account's now.
    assert token_client(token).get("/api/v1/cart/").json()["lines"] == []
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    assert client.get("/api/v1/cart/").json()["count"] == 3


def test_a_merge_capped_by_stock_says_so(anon, shopper):
    variant = variant_in_stock(quantity=3)
    cart_add(user=shopper, session=SessionStore(), variant_id=variant.pk, quantity=2)
    token = anon.post("/api/v1/cart/lines/", {"variant": variant.pk, "quantity": 2}).json()["token"]
    signed_in = token_client(token).post(
        "/api/v1/auth/token/", {"email": shopper.email, "password": PASSWORD}
    )
    assert len(signed_in.json()["cart_notes"]) == 1
    assert shopper.cart.lines.get().quantity == 3


def test_a_wrong_password_merges_nothing(anon, shopper):
    variant = variant_in_stock()
    token = anon.post("/api/v1/cart/lines/", {"variant": variant.pk}).json()["token"]
    refused = token_client(token).post(
        "/api/v1/auth/token/", {"email": shopper.email, "password": "wrong"}
    )
    assert refused.status_code == 401
    assert token_client(token).get("/api/v1/cart/").json()["count"] == 1


def test_a_refused_first_addition_makes_no_cart(anon):
    from django.contrib.sessions.models import Session

    refused = anon.post("/api/v1/cart/lines/", {"variant": variant_in_stock(quantity=0).pk})
    assert refused.status_code == 409
    assert "X-Cart-Token" not in refused
    assert not Session.objects.exists()


def test_a_signed_in_app_sending_a_token_still_sees_only_its_account_cart(anon, shopper):
    variant = variant_in_stock()
    token = anon.post("/api/v1/cart/lines/", {"variant": variant.pk}).json()["token"]
    client = bearer(shopper)
    client.credentials(
        HTTP_AUTHORIZATION=client._credentials["HTTP_AUTHORIZATION"], HTTP_X_CART_TOKEN=token
    )
    body = client.get("/api/v1/cart/").json()
    assert body["lines"] == [] and body["token"] is None
    assert token_client(token).get("/api/v1/cart/").json()["count"] == 1


def header_count(user) -> int:
    """The count the storefront's header shows the shopper (kept in the cache between changes)."""
    return cart_count(user=user, session=SessionStore())


def test_the_storefront_s_kept_count_follows_the_app_s_changes(shopper):
    variant = variant_in_stock()
    client = bearer(shopper)
    assert header_count(shopper) == 0

    client.post("/api/v1/cart/lines/", {"variant": variant.pk, "quantity": 2})
    assert header_count(shopper) == 2
    client.patch(f"/api/v1/cart/lines/{variant.pk}/", {"quantity": 5})
    assert header_count(shopper) == 5
    client.delete(f"/api/v1/cart/lines/{variant.pk}/")
    assert header_count(shopper) == 0


def test_the_storefront_s_kept_count_follows_a_merge_at_the_app_s_sign_in(anon, shopper):
    variant = variant_in_stock()
    token = anon.post("/api/v1/cart/lines/", {"variant": variant.pk, "quantity": 2}).json()["token"]
    assert header_count(shopper) == 0

    token_client(token).post("/api/v1/auth/token/", {"email": shopper.email, "password": PASSWORD})

    assert header_count(shopper) == 2
