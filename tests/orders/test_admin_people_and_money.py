"""Admin shows money as the storefront writes it (¥1,299.00) and an order's customer by name and
email."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from insights.models import CustomerProfile
from logistics.models import ShippingMethod, ShippingRate
from payments.models import Payment
from tests.accounts.factories import StaffFactory, UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.orders.test_admin import in_stock, place, place_paid

pytestmark = pytest.mark.django_db


@pytest.fixture
def method() -> ShippingMethod:
    method = ShippingMethod.objects.create(code="std", name_en="Standard", name_zh_hans="标准快递")
    ShippingRate.objects.create(method=method, max_weight_grams=1000, price=Decimal("12.00"))
    return method


@pytest.fixture
def staff_a(merchant_a):
    return StaffFactory(merchant=merchant_a, email="staff@alpha.example")


@pytest.fixture
def operator():
    return UserFactory(email="operator@example.com", is_staff=True, is_superuser=True)


@pytest.fixture
def variant_a(merchant_a):
    return in_stock(merchant_a, "ALPHA-1")


@pytest.fixture
def customer():
    return UserFactory(first_name="Wei", last_name="Li", email="li.wei@example.com")


def test_the_order_page_names_the_customer_and_shows_money(
    client, staff_a, method, variant_a, customer
):
    order = place_paid(method, (variant_a, 2), user=customer)
    client.force_login(staff_a)

    html = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()

    assert "Wei Li &lt;buyer@example.com&gt;" in html
    assert "Account" not in html
    assert f"¥{order.total:,.2f}" in html  # the Payment fieldset
    line = order.lines.get()
    assert f"¥{line.unit_price:,.2f}" in html and f"¥{line.line_total:,.2f}" in html


def test_a_guests_order_names_the_recipient(client, staff_a, method, variant_a):
    order = place(method, (variant_a, 1))
    client.force_login(staff_a)

    html = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()

    assert "王小明 &lt;buyer@example.com&gt; (guest)" in html


def test_the_order_list_shows_the_customer_and_the_total_with_its_currency(
    client, staff_a, method, variant_a, customer
):
    order = place_paid(method, (variant_a, 3), user=customer)
    client.force_login(staff_a)

    response = client.get(reverse("admin:orders_order_changelist"))

    html = response.content.decode()
    assert "Wei Li &lt;buyer@example.com&gt;" in html
    assert f"¥{order.total:,.2f}" in html
    assert response.context["cl"].list_display[-2] == "total_shown_money"


def test_the_payment_list_shows_amounts_with_their_currency(
    client, operator, method, variant_a, customer
):
    order = place(method, (variant_a, 1), user=customer)
    Payment.objects.create(order=order, amount=Decimal("1234.5"), out_trade_no="T-1")
    client.force_login(operator)

    html = client.get(reverse("admin:payments_payment_changelist")).content.decode()

    assert "¥1,234.50" in html


def test_product_prices_in_the_catalog_admin_read_as_money(client, staff_a):
    product = ProductFactory(merchant=staff_a.merchant, price=Decimal("1299.00"))
    VariantFactory(product=product, price=Decimal("1299.00"))
    client.force_login(staff_a)

    listing = client.get(reverse("admin:catalog_product_changelist")).content.decode()
    page = client.get(reverse("admin:catalog_product_change", args=[product.pk]))

    assert "¥1,299.00" in listing
    assert "¥1,299.00" in page.content.decode()  # the from-price, read-only
    # The variant's price stays an input with a plain number.
    assert 'name="variants-0-price" value="1299.00"' in page.content.decode()


def test_a_view_only_page_shows_its_money_formatted(client, operator, customer):
    today = timezone.localdate()
    profile = CustomerProfile.objects.create(
        user=customer,
        monetary=Decimal("2500.5"),
        frequency=2,
        recency_days=3,
        first_purchase=today,
        last_purchase=today,
        r_score=5,
        f_score=3,
        m_score=4,
        segment="champions",
        price_band="mid",
        computed_at=timezone.now(),
    )
    client.force_login(operator)

    response = client.get(reverse("admin:insights_customerprofile_change", args=[profile.pk]))

    assert response.status_code == 200
    assert "¥2,500.50" in response.content.decode()
