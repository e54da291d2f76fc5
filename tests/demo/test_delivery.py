"""The demo's delivery set-up: every mainland province in one zone, priced by both parcel
methods; the 2027 holidays named in both languages; writing it twice changes nothing."""

import pytest

from accounts import regions
from demo.delivery import HOLIDAYS_2027, delivery_setup
from logistics.models import NonWorkingDay, ShippingMethod, ShippingRate, ShippingZone

pytestmark = pytest.mark.django_db


def test_every_mainland_province_is_in_exactly_one_zone_priced_by_both_parcel_methods():
    delivery_setup()

    zoned = [code for zone in ShippingZone.objects.all() for code in zone.provinces]
    assert sorted(zoned) == sorted(p.code for p in regions.provinces())
    for code in ("standard", "express"):
        method = ShippingMethod.objects.get(code=code)
        assert ShippingRate.objects.filter(method=method).count() == ShippingZone.objects.count()


def test_the_holidays_are_labelled_and_seeding_twice_changes_nothing():
    delivery_setup()
    first = (ShippingRate.objects.count(), NonWorkingDay.objects.count())
    delivery_setup()

    assert (ShippingRate.objects.count(), NonWorkingDay.objects.count()) == first
    assert first[1] == len(HOLIDAYS_2027)
    spring = NonWorkingDay.objects.get(date="2027-02-06")
    assert (spring.name_en, spring.name_zh_hans) == ("Spring Festival", "春节")
