"""The data migration that gives addresses saved before the region table their district code."""

import importlib

import pytest
from django.apps import apps

from accounts.models import Address
from tests.accounts.factories import AddressFactory

pytestmark = pytest.mark.django_db

fill_region_codes = importlib.import_module(
    "accounts.migrations.0003_address_region_code_from_names"
).fill_region_codes


def test_addresses_get_the_code_their_names_make_and_the_rest_stay_blank():
    # Given addresses saved without a code: two that the table has, one it does not
    shanghai = AddressFactory(region_code="")
    dongguan = AddressFactory(region_code="", province="广东省", city="东莞市", district="东莞市")
    mismatch = AddressFactory(region_code="", province="广东省", city="深圳市", district="朝阳区")
    coded = AddressFactory(region_code="310101")  # already has one: left alone

    # When the migration runs
    fill_region_codes(apps, None)

    # Then the resolvable ones have their district's code and the others are unchanged
    codes = dict(Address.objects.values_list("pk", "region_code"))
    assert codes[shanghai.pk] == "310115"
    assert codes[dongguan.pk] == "441900"
    assert codes[mismatch.pk] == ""
    assert codes[coded.pk] == "310101"
