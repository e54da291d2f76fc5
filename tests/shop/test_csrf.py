"""The storefront's CSRF token (shop.csrf): Django's, its mask drawn from one read of the random
source; Django's middleware accepts it, and refuses anything else."""

import re

import pytest
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    _unmask_cipher_token,
)
from django.test import Client
from django.urls import reverse

from shop import csrf
from tests.accounts.factories import UserFactory
from tests.conftest import SAME_ORIGIN

pytestmark = pytest.mark.django_db

SECRET = "s3cr3tS3CR3Tabcdefghij0123456789"


def test_the_token_is_djangos_form_of_the_secret(rf):
    request = rf.get("/")
    request.META["CSRF_COOKIE"] = SECRET

    tokens = {csrf.get_token(request) for _ in range(50)}

    assert len(tokens) == 50  # a fresh mask every time
    for token in tokens:
        assert len(token) == 2 * CSRF_SECRET_LENGTH
        assert set(token) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == SECRET
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_every_letter_of_the_mask_is_as_likely(monkeypatch):
    """Each byte value once, the highest first: those below 248 map four times onto each of the
    62 letters, the eight above are dropped."""
    every_byte = bytes(range(248, 256)) + bytes(range(248))
    monkeypatch.setattr(csrf.secrets, "token_bytes", lambda n: every_byte)
    monkeypatch.setattr(csrf, "CSRF_SECRET_LENGTH", 248)

    drawn = csrf._mask()

    assert len(drawn) == 248
    assert all(drawn.count(letter) == 4 for letter in range(len(CSRF_ALLOWED_CHARS)))


def test_without_a_secret_yet_djangos_own_makes_one(rf):
    request = rf.get("/")

    token = csrf.get_token(request)

    assert _unmask_cipher_token(token) == request.META["CSRF_COOKIE"]


@pytest.mark.parametrize("page_cache", [False, True])
def test_a_form_posted_with_the_pages_token_is_accepted_and_a_forged_one_refused(
    make_product, settings, page_cache
):
    """Through a page rendered afresh, and through one kept with holes (the token a hole)."""
    settings.STOREFRONT_CACHE_SECONDS = 300 if page_cache else 0
    product = make_product(stock=5)
    variant = product.variants.get()
    client = Client(enforce_csrf_checks=True, headers=SAME_ORIGIN)
    client.force_login(UserFactory())
    client.post("/cart/add/", {"variant": variant.pk, "quantity": 2})  # needs no token
    for _ in range(2):  # the second from the kept page, when it is kept
        html = client.get(product.get_absolute_url()).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    update = reverse("cart:update", args=[variant.pk])

    forged = token[:-1] + ("a" if token[-1] != "a" else "b")
    assert client.post(update, {"quantity": 1, "csrfmiddlewaretoken": forged}).status_code == 403
    assert client.post(update, {"quantity": 1, "csrfmiddlewaretoken": token}).status_code == 302
