"""Users, groups and merchants: superusers only, so merchant staff cannot raise their privileges."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from .admin_scoping import SuperuserOnlyAdmin
from .models import Address, Merchant, User


class ShopUserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class ShopUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class AddressInline(admin.StackedInline):
    model = Address
    extra = 0
    fields = (
        ("recipient", "phone"),
        ("province", "city", "district"),
        "street",
        ("postal_code", "is_default"),
    )


@admin.register(User)
class ShopUserAdmin(SuperuserOnlyAdmin, UserAdmin):
    form = ShopUserChangeForm
    add_form = ShopUserCreationForm
    list_display = ("email", "first_name", "last_name", "merchant", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "merchant", "groups")
    list_select_related = ("merchant",)
    search_fields = ("email", "first_name", "last_name", "phone")
    ordering = ("email",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Personal info"),
            {"fields": ("first_name", "last_name", "phone", "preferred_language")},
        ),
        (_("Merchant"), {"fields": ("merchant",)}),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")
    inlines = (AddressInline,)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()


@admin.register(Merchant)
class MerchantAdmin(SuperuserOnlyAdmin, admin.ModelAdmin):
    list_display = ("name", "slug", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


# Group permissions are privileges too: the stock Group admin would let anyone holding the
# auth.change_group permission widen the "Merchant staff" group.
admin.site.unregister(Group)


@admin.register(Group)
class ShopGroupAdmin(SuperuserOnlyAdmin, GroupAdmin):
    pass
