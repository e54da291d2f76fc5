"""The raw interaction log the recommender learns from: superusers only, read-only."""

from django.contrib import admin

from accounts.admin_scoping import SuperuserOnlyAdmin

from .models import Interaction


@admin.register(Interaction)
class InteractionAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ("created_at", "kind", "product", "user", "session_key", "value")
    list_filter = ("kind",)
    list_select_related = ("product", "user")
    raw_id_fields = ("user", "product")
    date_hierarchy = "created_at"
    # The table is large: no COUNT(*) of the whole table on every page.
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
