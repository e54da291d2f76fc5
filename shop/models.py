"""Abstract bases shared by every app's models."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    # A default rather than auto_now_add, so imported history (demo data, migrations from another
    # shop) keeps its real dates.
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


# Every money column in the project: up to 9,999,999,999.99, in the shop's currency.
MONEY = {"max_digits": 12, "decimal_places": 2}
