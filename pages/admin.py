"""The shop's pages in admin: operators (superusers) write them in both languages; staff with the
view permission may look. Saving goes through pages.services, so the footer follows at once."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from accounts.admin_scoping import SuperuserWritesAdmin

from . import services
from .models import Page


@admin.register(Page)
class PageAdmin(SuperuserWritesAdmin, TranslationAdmin):
    list_display = ("title", "slug", "position", "is_published", "updated_at")
    list_editable = ("position", "is_published")
    list_filter = ("is_published",)
    search_fields = ("title_en", "title_zh_hans", "slug")
    prepopulated_fields = {"slug": ("title_en",)}
    fields = ("title", "slug", "body", "position", "is_published")

    def save_model(self, request, obj, form, change):
        services.page_save(page=obj)

    def delete_model(self, request, obj):
        services.page_delete(page=obj)

    def delete_queryset(self, request, queryset):
        for page in queryset:
            services.page_delete(page=page)
