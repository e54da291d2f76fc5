"""Admin for delivery: methods with their rate rows inline, zones, non-working days. Operators
(superusers) change them; other staff may only look (SuperuserWritesAdmin). The warehouses'
handling fields (handling days, cutoff time, weekends) are on the warehouse page."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from accounts import regions
from accounts.admin_scoping import SuperuserWritesAdmin
from common.admin_money import MoneyAdmin

from .models import NonWorkingDay, ShippingMethod, ShippingRate, ShippingZone


class ShippingRateInline(MoneyAdmin, admin.TabularInline):
    model = ShippingRate
    extra = 0
    fields = ("zone", "merchant", "max_weight_grams", "price", "per_kg_above", "free_above")

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(ShippingMethod)
class ShippingMethodAdmin(SuperuserWritesAdmin, TranslationAdmin):
    """Delivery options offered at checkout, named and described in both languages, with their
    speed and their rates by zone and weight."""

    list_display = ("name", "kind", "carrier", "base_days", "is_active", "position")
    list_editable = ("is_active", "position")  # Django offers them only to who may change
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name_en", "name_zh_hans")
    inlines = [ShippingRateInline]
    fieldsets = (
        (
            None,
            {"fields": ("code", "name", "description", "kind", "carrier", "is_active", "position")},
        ),
        (_("Speed"), {"fields": ("base_days", "base_km", "km_per_extra_day")}),
        (
            _("Local delivery"),
            {"fields": ("local_radius_km", "delivery_slots", "slot_lead_minutes")},
        ),
    )


class ShippingZoneForm(forms.ModelForm):
    """Provinces picked by name; stored as their codes."""

    province_choices = forms.MultipleChoiceField(
        label=_("provinces"),
        required=False,
        choices=[(p.code, p.name) for p in regions.provinces()],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ShippingZone
        fields = ("name", "extra_days", "position")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province_choices"].initial = list(self.instance.provinces or [])

    def save(self, commit=True):
        self.instance.provinces = sorted(self.cleaned_data.get("province_choices") or [])
        return super().save(commit)


@admin.register(ShippingZone)
class ShippingZoneAdmin(SuperuserWritesAdmin, TranslationAdmin):
    form = ShippingZoneForm
    list_display = ("name", "province_names", "extra_days", "position")
    fields = ("name", "province_choices", "extra_days", "position")
    search_fields = ("name_en", "name_zh_hans")

    @admin.display(description=_("provinces"))
    def province_names(self, zone: ShippingZone) -> str:
        return zone.province_names


@admin.register(NonWorkingDay)
class NonWorkingDayAdmin(SuperuserWritesAdmin, TranslationAdmin):
    list_display = ("date", "name")
    date_hierarchy = "date"
    search_fields = ("name_en", "name_zh_hans")
