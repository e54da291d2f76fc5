from decimal import Decimal

from django.db import migrations

# With the default review threshold of 60 (PAYMENTS_RISK_REVIEW_THRESHOLD): a large amount from a
# new account is held on its own; the other signals need company.
DEFAULTS = [
    {"code": "account_velocity", "score": 40, "max_count": 3, "window_hours": 1},
    {"code": "ip_velocity", "score": 40, "max_count": 5, "window_hours": 1},
    {
        "code": "new_account_large_amount",
        "score": 60,
        "account_age_days": 7,
        "amount": Decimal("2000.00"),
    },
    {"code": "failed_payments", "score": 30, "max_count": 3, "window_hours": 24 * 30},
    {"code": "far_address", "score": 30, "distance_km": 1500},
    {"code": "region_mismatch", "score": 20},
]


def create(apps, schema_editor):
    RiskRule = apps.get_model("payments", "RiskRule")
    for values in DEFAULTS:
        RiskRule.objects.get_or_create(code=values["code"], defaults=values)


def remove(apps, schema_editor):
    RiskRule = apps.get_model("payments", "RiskRule")
    RiskRule.objects.filter(code__in=[d["code"] for d in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("payments", "0002_riskrule_refund_refundline_riskassessment_and_more")]

    operations = [migrations.RunPython(create, remove)]
