"""Payments in the admin: read-only audit for the shop operator (superusers). Changes go through
payments.services, never through a form."""

from django.contrib import admin

from .models import NotifyRecord, Payment, PaymentEvent


class _ReadOnlySuperuserAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PaymentEventInline(admin.TabularInline):
    model = PaymentEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "actor", "from_status", "to_status", "note")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(_ReadOnlySuperuserAdmin):
    list_display = ("out_trade_no", "order", "gateway", "amount", "status", "paid_at", "created_at")
    list_filter = ("status", "gateway")
    search_fields = ("out_trade_no", "trade_no", "order__number")
    list_select_related = ("order",)
    inlines = [PaymentEventInline]


@admin.register(NotifyRecord)
class NotifyRecordAdmin(_ReadOnlySuperuserAdmin):
    list_display = ("created_at", "out_trade_no", "trade_status", "verified", "outcome")
    list_filter = ("verified", "trade_status")
    search_fields = ("out_trade_no", "notify_id")
