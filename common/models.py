"""Abstract bases shared by every app's models."""

import builtins  # the status choices' annotation: `type` is a field name in Event
from typing import ClassVar

from django.conf import settings
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


class Event(models.Model):
    """The abstract base of every audit trail (order, payment, refund and, later, shipment
    events): who did it (None for the system or a gateway), when, from which status to which,
    what happened (`type`, a TextChoices value of the subclass) with the values its sentence
    shows (`params`), and, in `note`, free text a person wrote. The pages word an event from its
    type and params in the reader's language; nothing other code matches is stored as prose.

    A subclass adds the foreign key to its subject and redeclares `type` with its own choices.
    """

    created_at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    from_status = models.CharField(_("from"), max_length=24, blank=True)
    to_status = models.CharField(_("to"), max_length=24)
    type = models.CharField(_("type"), max_length=24)
    params = models.JSONField(_("details"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    # The subclass's status choices, so the change reads in the reader's language.
    statuses: "ClassVar[builtins.type[models.TextChoices] | None]" = None

    class Meta:
        abstract = True

    def status_change(self) -> str:
        """ "Paid → Shipped" in the active language ("-" for no status before)."""

        def label(value: str) -> str:
            if self.statuses is not None and value in self.statuses.values:
                return str(self.statuses(value).label)
            return value or "-"

        return f"{label(self.from_status)} → {label(self.to_status)}"
