"""Abstract bases shared by every app's models."""

from typing import ClassVar

from django.core.cache import cache
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


class SingletonSettings(TimeStampedModel):
    """An app's settings edited in admin: one row (pk 1), created with the field defaults on
    first use and read through the cache. Whoever saves it deletes `cache_key`."""

    cache_key: ClassVar[str]
    cache_seconds: ClassVar[int] = 300

    class Meta:
        abstract = True

    @classmethod
    def load(cls):
        value = cache.get(cls.cache_key)
        if value is None:
            value, _created = cls.objects.get_or_create(pk=1)
            cache.set(cls.cache_key, value, cls.cache_seconds)
        return value


# Every money column in the project: up to 9,999,999,999.99, in the shop's currency.
MONEY = {"max_digits": 12, "decimal_places": 2}
