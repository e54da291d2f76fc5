"""Admin forms that answer bad input with a form error, never a server error.

Django's admin fills an add form from its query string (?product=3 preselects a product, as the
"add another" links do), and its autocomplete inputs look up the chosen rows when a form is shown
again with errors. A value that is not a valid value of its field (a word, or a number past the
column's range, for a foreign key) reaches those database lookups as it is, and they fail with a
server error. Here such a value is dropped before the lookup: the form starts empty, or shows the
field's own error.
"""

from __future__ import annotations

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Field, Model

from .admin_money import MoneyAdmin


def _is_valid_value(field: Field, value) -> bool:
    try:
        field.clean(value, None)
    except (ValidationError, TypeError, ValueError, OverflowError):
        return False
    return True


def _is_valid_initial(model: type[Model], name: str, value) -> bool:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return True  # not a model field: the form ignores it or validates it itself
    target = field.target_field if field.is_relation else field
    return all(_is_valid_value(target, v) for v in (value if isinstance(value, list) else [value]))


class ValidInitialDataAdmin:
    """Mix into a ModelAdmin (before it): invalid initial values from the query string dropped."""

    def get_changeform_initial_data(self, request) -> dict:
        initial = super().get_changeform_initial_data(request)
        return {
            name: value
            for name, value in initial.items()
            if _is_valid_initial(self.model, name, value)
        }


class _ValidChoicesOnly:
    """An autocomplete widget that looks up only well-formed ids of its target."""

    def optgroups(self, name, value, attr=None):
        target = self.field.target_field
        valid = [v for v in value if v in ("", None) or _is_valid_value(target, v)]
        return super().optgroups(name, valid, attr)


class GuardedAutocompleteSelect(_ValidChoicesOnly, AutocompleteSelect):
    pass


class GuardedAutocompleteSelectMultiple(_ValidChoicesOnly, AutocompleteSelectMultiple):
    pass


class GuardedAutocompleteAdmin:
    """Mix into a ModelAdmin or InlineModelAdmin (before it): its autocomplete inputs shown again
    with a malformed posted id give the field's error instead of failing."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = GuardedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = GuardedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ViewOnlyAdmin(MoneyAdmin):
    """Mix into a ModelAdmin or an inline (before it) whose rows are written by a service or a
    computation, never by a form: admin may view them, never add, change or delete them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
