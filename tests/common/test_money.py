from decimal import Decimal

import pytest
from django.template import Context, Template

from common.money import money_format


@pytest.mark.parametrize(
    ("value", "currency", "shown"),
    [
        (Decimal("1299"), None, "¥1,299.00"),
        ("0.005", None, "¥0.01"),  # half up, as a till would
        (Decimal("12.5"), "USD", "$12.50"),
        (3, "XYZ", "3.00"),  # a currency without a sign: the amount alone
        (None, None, ""),
        ("", None, ""),
        ("not a number", None, ""),
    ],
)
def test_money_format(value, currency, shown):
    assert money_format(value, currency) == shown


def test_the_money_filter_formats_in_templates_as_in_python():
    template = Template("{% load money %}{{ amount|money }} {{ amount|money:'EUR' }}")

    assert template.render(Context({"amount": Decimal("1234.5")})) == "¥1,234.50 €1,234.50"
