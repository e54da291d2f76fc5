"""Admin access rules: per-merchant scoping and superuser-only admins.

A staff user with `user.merchant` set sees and edits only that merchant's rows; a superuser sees
everything; any other staff user sees nothing of a scoped model. Each scoped admin says where its
merchant is (`merchant_path`, e.g. "product__merchant"), and the same rule then filters:

- the changelist, object pages and list actions (`get_queryset`; an object outside it is a 404),
- foreign-key choices, raw-id and autocomplete inputs pointing at another scoped model
  (`get_field_queryset` asks the target's admin for its path, so a posted foreign id is a form
  error), and autocomplete results (`get_search_results`),
- saves: a model with a direct `merchant` FK is always saved with the staff user's merchant, and
  the merchant field, column and filter are hidden from merchant staff.
"""

from __future__ import annotations

from django.contrib.admin.exceptions import NotRegistered
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

from common.admin_input import GuardedAutocompleteAdmin, ValidInitialDataAdmin
from common.admin_money import MoneyAdmin

from .models import Merchant

MERCHANT_FIELD = "merchant"


def sees_every_merchant(user) -> bool:
    return user.is_active and user.is_superuser


def is_superuser(request) -> bool:
    return sees_every_merchant(request.user)


def _spans_many(model: type[Model], path: str) -> bool:
    """Whether following `path` from `model` crosses a one-to-many or many-to-many relation."""
    for part in path.split("__"):
        if part == "pk":
            return False
        field = model._meta.get_field(part)
        if not field.is_relation:
            return False
        if field.one_to_many or field.many_to_many:
            return True
        model = field.related_model
    return False


def scope_to_merchant(queryset: QuerySet, user, merchant_path: str) -> QuerySet:
    """The rows of `queryset` the user may see in admin."""
    if sees_every_merchant(user):
        return queryset
    merchant_id = getattr(user, "merchant_id", None)
    if merchant_id is None:
        return queryset.none()
    lookup = {merchant_path: merchant_id}
    if _spans_many(queryset.model, merchant_path):
        # A subquery rather than a join, so an order with three of the merchant's lines is
        # listed once.
        return queryset.filter(pk__in=queryset.model._default_manager.filter(**lookup).values("pk"))
    return queryset.filter(**lookup)


def _mentions_merchant(option) -> bool:
    """Whether a list_display / list_filter entry is (or goes through) the merchant field."""
    if isinstance(option, (tuple, list)):
        option = option[0]
    return isinstance(option, str) and MERCHANT_FIELD in option.split("__")


def _without_merchant(fields) -> list:
    """A fieldset's fields without the merchant, also inside a (field, field) row."""
    kept = []
    for field in fields:
        if isinstance(field, (tuple, list)):
            field = tuple(f for f in field if f != MERCHANT_FIELD)
            if field:
                kept.append(field)
        elif field != MERCHANT_FIELD:
            kept.append(field)
    return kept


def _is_autocomplete(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == "autocomplete"


class _MerchantScoping:
    """What ModelAdmin and InlineModelAdmin share: rows, FK choices and permissions."""

    merchant_path: str = MERCHANT_FIELD

    def scope(self, request, queryset: QuerySet) -> QuerySet:
        return scope_to_merchant(queryset, request.user, self.merchant_path)

    def get_queryset(self, request):
        return self.scope(request, super().get_queryset(request))

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        path = self._merchant_path_of(db_field.remote_field.model)
        if path is None:
            return queryset
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.using(db).all()
        return scope_to_merchant(queryset, request.user, path)

    def _merchant_path_of(self, model: type[Model]) -> str | None:
        """How rows of `model` are scoped: its own admin's path, or None if it is shared."""
        if model is Merchant:
            return "pk"
        try:
            related_admin = self.admin_site.get_model_admin(model)
        except NotRegistered:
            return None
        if isinstance(related_admin, _MerchantScoping):
            return related_admin.merchant_path
        return None

    def _in_scope(self, request) -> bool:
        user = request.user
        return sees_every_merchant(user) or getattr(user, "merchant_id", None) is not None

    # A staff user who belongs to no merchant has nothing to see or write here; without this a
    # crafted add POST would fail on the required merchant with an IntegrityError.
    def has_view_permission(self, request, obj=None):
        return self._in_scope(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args, **kwargs):
        return self._in_scope(request) and super().has_add_permission(request, *args, **kwargs)

    def has_change_permission(self, request, obj=None):
        return self._in_scope(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._in_scope(request) and super().has_delete_permission(request, obj)


class MerchantScopedAdmin(
    MoneyAdmin, ValidInitialDataAdmin, GuardedAutocompleteAdmin, _MerchantScoping
):
    """Mix into a ModelAdmin (before it): `class ProductAdmin(MerchantScopedAdmin, ModelAdmin)`."""

    def get_object(self, request, object_id, from_field=None):
        # Django redirects to the index with "doesn't exist" for rows outside get_queryset; a
        # plain 404 says the same without a second page, for change, delete and history alike.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} matches the given id.")
        return obj

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if _is_autocomplete(request):
            # Autocomplete starts from get_queryset already; scope again so that an admin
            # overriding get_queryset cannot widen what other admins' widgets offer.
            queryset = self.scope(request, queryset)
        return queryset, may_have_duplicates

    def _forces_merchant(self, request) -> bool:
        if sees_every_merchant(request.user):
            return False
        try:
            field = self.opts.get_field(MERCHANT_FIELD)
        except FieldDoesNotExist:
            return False
        return field.many_to_one and field.related_model is Merchant

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or ())
        if self._forces_merchant(request):
            exclude.append(MERCHANT_FIELD)
        return exclude

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._forces_merchant(request):
            return fieldsets
        return [
            (name, {**options, "fields": _without_merchant(options["fields"])})
            for name, options in fieldsets
        ]

    def get_list_display(self, request):
        options = super().get_list_display(request)
        if sees_every_merchant(request.user):
            return options
        return [option for option in options if not _mentions_merchant(option)]

    def get_list_filter(self, request):
        options = super().get_list_filter(request)
        if sees_every_merchant(request.user):
            return options
        return [option for option in options if not _mentions_merchant(option)]

    def save_model(self, request, obj, form, change):
        if self._forces_merchant(request):
            # Whatever was posted: the field is not in the form, and this is the last word.
            obj.merchant_id = request.user.merchant_id
        super().save_model(request, obj, form, change)


class MerchantScopedInline(MoneyAdmin, GuardedAutocompleteAdmin, _MerchantScoping):
    """Mix into an InlineModelAdmin (before it): rows of the inline and its FK choices."""


class SuperuserWritesAdmin(MoneyAdmin, ValidInitialDataAdmin, GuardedAutocompleteAdmin):
    """Shared reference data (categories, brands, warehouses): staff with the view permission may
    look; only superusers add, change or delete."""

    def has_add_permission(self, request, *args, **kwargs):
        return is_superuser(request)

    def has_change_permission(self, request, obj=None):
        return is_superuser(request)

    def has_delete_permission(self, request, obj=None):
        return is_superuser(request)


class SuperuserOnlyAdmin(SuperuserWritesAdmin):
    """Users, groups, merchants and raw data: invisible to everyone but superusers, whatever
    model permissions a staff user has been given, so merchant staff cannot raise their own
    privileges."""

    def has_module_permission(self, request):
        return is_superuser(request)

    def has_view_permission(self, request, obj=None):
        return is_superuser(request)
