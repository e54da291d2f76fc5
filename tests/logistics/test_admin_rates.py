"""Delivery in admin: operators set zones by province, rates inline on their method, and
non-working days; merchant staff may look at the methods but change nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from logistics.models import ShippingMethod, ShippingRate, ShippingZone
from tests.accounts.factories import StaffFactory, UserFactory
from tests.accounts.test_admin_scoping import admin_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_an_operator_makes_a_zone_by_picking_provinces(client, operator):
    url = reverse("admin:logistics_shippingzone_add")
    data = admin_form_data(
        client.get(url), name_en="Northeast", province_choices=["210000", "220000", "230000"]
    )

    response = client.post(url, data)

    assert response.status_code == 302
    zone = ShippingZone.objects.get(name_en="Northeast")
    assert zone.provinces == ["210000", "220000", "230000"]
    listing = client.get(reverse("admin:logistics_shippingzone_changelist")).content.decode()
    assert "辽宁省、吉林省、黑龙江省" in listing


def test_an_operator_adds_a_weight_band_inline_and_bad_slots_are_a_form_error(client, operator):
    method = ShippingMethod.objects.create(code="t-std", name="Standard")
    url = reverse("admin:logistics_shippingmethod_change", args=[method.pk])
    page = client.get(url)
    data = admin_form_data(
        page,
        **{
            "rates-TOTAL_FORMS": "1",
            "rates-0-max_weight_grams": "3000",
            "rates-0-price": "10.00",
            "rates-0-per_kg_above": "2.00",
        },
    )

    saved = client.post(url, data)
    refused = client.post(url, {**data, "delivery_slots": "18:00-09:00", "rates-TOTAL_FORMS": "0"})

    assert saved.status_code == 302
    rate = ShippingRate.objects.get(method=method)
    assert (rate.max_weight_grams, rate.price) == (3000, Decimal("10.00"))
    assert rate.per_kg_above == Decimal("2.00")
    assert refused.status_code == 200
    assert "Write slots as HH:MM-HH:MM" in refused.content.decode()


def test_merchant_staff_see_the_methods_but_cannot_change_their_rates(client):
    method = ShippingMethod.objects.create(code="t-std", name="Standard")
    ShippingRate.objects.create(method=method, max_weight_grams=1000, price=Decimal("8.00"))
    client.force_login(StaffFactory())
    url = reverse("admin:logistics_shippingmethod_change", args=[method.pk])

    page = client.get(url)
    post = client.post(url, {"code": "t-std", "name_en": "Mine", "rates-TOTAL_FORMS": "0"})

    assert page.status_code == 200
    assert post.status_code == 403
    assert ShippingRate.objects.get(method=method).price == Decimal("8.00")
