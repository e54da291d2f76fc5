"""Money in admin as the storefront writes it: ¥1,299.00, not 1299.00.

Django's admin shows a DecimalField's value as a bare number wherever it has no input: list
columns and read-only fields (and every field of a page the user may only view). Mixed into an
admin, MoneyAdmin shows each money field of its model there through the storefront's one
formatter (common.money.money_format), in the row's own currency when the row records one; the
inputs of editable money fields stay plain numbers.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models

from .money import money_format

SHOWN_SUFFIX = "_shown_money"


def is_money_field(field) -> bool:
    """The project's money columns: two decimal places, at least MONEY's twelve digits."""
    return (
        isinstance(field, models.DecimalField)
        and field.decimal_places == 2
        and field.max_digits >= 12
    )


def money_display(name: str, label, *, currency_field: str | None = None) -> Callable:
    """An admin display function (`fn(obj)`) showing `obj.<name>` formatted, ordered by it."""

    def show(obj) -> str:
        currency = getattr(obj, currency_field, None) if currency_field else None
        return money_format(getattr(obj, name), currency or None) or "-"

    show.short_description = label
    show.admin_order_field = name
    show.__name__ = f"{name}{SHOWN_SUFFIX}"
    return show


class MoneyAdmin:
    """Mix into a ModelAdmin or InlineModelAdmin (before it)."""

    currency_field = "currency"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [f for f in self.model._meta.concrete_fields if is_money_field(f)]
        field_names = {f.name for f in self.model._meta.concrete_fields}
        currency = self.currency_field if self.currency_field in field_names else None
        self._money_shown: dict[str, str] = {}
        for field in fields:
            shown = f"{field.name}{SHOWN_SUFFIX}"
            setattr(
                self, shown, money_display(field.name, field.verbose_name, currency_field=currency)
            )
            self._money_shown[field.name] = shown

    def _shown(self, names, keep=()) -> list:
        return [
            self._money_shown.get(name, name)
            if isinstance(name, str) and name not in keep
            else name
            for name in names
        ]

    def get_list_display(self, request):
        keep = set(getattr(self, "list_editable", ()) or ())
        return self._shown(super().get_list_display(request), keep)

    def get_list_display_links(self, request, list_display):
        links = super().get_list_display_links(request, list_display)
        return links if links is None else self._shown(links)

    def get_readonly_fields(self, request, obj=None):
        return self._shown(super().get_readonly_fields(request, obj))

    def get_exclude(self, request, obj=None):
        # A read-only money field is shown by its display function: the form must not have it.
        excluded = super().get_exclude(request, obj)
        readonly = set(super().get_readonly_fields(request, obj))
        if not self._can_change(request, obj):
            readonly |= set(self._money_shown)
        extra = [
            name
            for field, shown in self._money_shown.items()
            if field in readonly
            for name in (field, shown)
        ]
        if not extra:
            return excluded
        exclude = list(excluded or ())
        form_meta = getattr(self.form, "_meta", None)
        if excluded is None and form_meta is not None and form_meta.exclude:
            exclude.extend(form_meta.exclude)  # what Django does when an admin excludes nothing
        return [*exclude, *extra]

    def get_fieldsets(self, request, obj=None):
        readonly = set(super().get_readonly_fields(request, obj))
        if not self._can_change(request, obj):
            readonly |= set(self._money_shown)  # a page the user may only view
        keep = set(self._money_shown) - readonly
        return [
            (name, {**options, "fields": self._shown_row(options.get("fields", ()), keep)})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def _shown_row(self, fields, keep) -> list:
        rows = []
        for field in fields:
            if isinstance(field, (list, tuple)):
                rows.append(tuple(self._shown(field, keep)))
            else:
                rows.extend(self._shown([field], keep))
        return rows

    def _can_change(self, request, obj) -> bool:
        has_change = getattr(self, "has_change_permission", None)
        return has_change is None or has_change(request, obj)
