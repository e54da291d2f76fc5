"""Clients of the API as an app uses it: a bearer access token for a user."""

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from tests.accounts.factories import StaffFactory, UserFactory


def bearer(user) -> APIClient:
    """A client sending `user`'s access token, as an app does after signing in."""
    client = APIClient()
    token = RefreshToken.for_user(user).access_token
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def shopper():
    return UserFactory(email="ann@example.com")


@pytest.fixture
def other_shopper():
    return UserFactory(email="bob@example.com")


@pytest.fixture
def staff_a(merchant_a):
    return StaffFactory(email="staff@alpha.example.com", merchant=merchant_a)


@pytest.fixture
def staff_b(merchant_b):
    return StaffFactory(email="staff@bravo.example.com", merchant=merchant_b)
