"""Carriers in admin: shared reference data (the operator adds and edits them; merchant staff
look, to choose one when they mark a shipment shipped). The webhook secret is shown only to the
operator, who gives it to the carrier. Imported at the end of admin.py."""

from django.contrib import admin

from accounts.admin_scoping import SuperuserWritesAdmin, is_superuser

from .models import Carrier


@admin.register(Carrier)
class CarrierAdmin(SuperuserWritesAdmin, admin.ModelAdmin):
    list_display = ("name", "code", "tracking_url", "is_local", "is_simulated", "is_active")
    list_filter = ("is_active", "is_local", "is_simulated")
    search_fields = ("code", "name")

    def get_fields(self, request, obj=None):
        fields = ["code", "name", "tracking_url", "is_local", "is_simulated", "is_active"]
        if obj is not None and is_superuser(request):
            fields.append("webhook_secret")
        return fields

    def get_readonly_fields(self, request, obj=None):
        return ("webhook_secret",) if obj is not None and is_superuser(request) else ()
