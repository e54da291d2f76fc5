"""Catalog admin. Categories and brands are shared (superusers edit them); products, variants,
images and reviews are each merchant's own (accounts/admin_scoping.py). Names and descriptions are
edited in both languages (modeltranslation)."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from accounts.admin_scoping import MerchantScopedAdmin, MerchantScopedInline, SuperuserWritesAdmin

from . import services
from .models import Brand, Category, Product, ProductImage, ProductVariant, Review


@admin.register(Category)
class CategoryAdmin(SuperuserWritesAdmin, TranslationAdmin):
    list_display = ("name", "parent", "position", "is_active")
    list_filter = ("is_active",)
    list_select_related = ("parent",)
    search_fields = ("name_en", "name_zh_hans", "slug")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "parent", "description", "position", "is_active")


@admin.register(Brand)
class BrandAdmin(SuperuserWritesAdmin, admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


class ProductVariantInline(MerchantScopedInline, admin.TabularInline):
    model = ProductVariant
    merchant_path = "product__merchant"
    fields = (
        "sku",
        "attributes",
        "price",
        "compare_at_price",
        "weight_grams",
        "is_active",
        "position",
    )
    show_change_link = True  # stock is edited on the variant's own page

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None else 0


class ProductImageInline(MerchantScopedInline, admin.TabularInline):
    model = ProductImage
    merchant_path = "product__merchant"
    fields = ("preview", "image", "variant", "alt", "position")
    readonly_fields = ("preview",)
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # A picture may show one of this product's variants (e.g. the red one), no other's.
        field = formset.form.base_fields.get("variant")
        if field is not None:
            field.queryset = (
                ProductVariant.objects.filter(product=obj) if obj else field.queryset.none()
            )
        return formset

    @admin.display(description=_("preview"))
    def preview(self, obj: ProductImage) -> str:
        if not obj.pk or not obj.image:
            return "-"
        return format_html('<img src="{}" width="60" height="60" alt="">', obj.thumb.url)


@admin.register(Product)
class ProductAdmin(MerchantScopedAdmin, TranslationAdmin):
    list_display = (
        "name",
        "merchant",
        "category",
        "brand",
        "price",
        "is_active",
        "is_featured",
        "rating_avg",
        "sales_count",
    )
    list_filter = ("is_active", "is_featured", "merchant", "category", "brand")
    list_select_related = ("merchant", "category", "brand")
    search_fields = ("name_en", "name_zh_hans", "slug", "variants__sku")
    autocomplete_fields = ("category", "brand")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("price", "rating_avg", "rating_count", "sales_count")
    fieldsets = (
        (None, {"fields": ("merchant", "name", "slug", "category", "brand", "description")}),
        (_("Storefront"), {"fields": ("is_active", "is_featured")}),
        (_("Figures"), {"fields": ("price", "rating_avg", "rating_count", "sales_count")}),
    )
    inlines = (ProductVariantInline, ProductImageInline)
    actions = ("activate", "deactivate")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the variant inline is saved, so the from-price follows the variants.
        services.product_price_sync(product=form.instance)
        for image in form.instance.images.all():
            services.product_image_sizes_refresh(image=image)

    @admin.action(description=_("Activate selected products"), permissions=["change"])
    def activate(self, request, queryset):
        self._set_active(request, queryset, active=True)

    @admin.action(description=_("Deactivate selected products"), permissions=["change"])
    def deactivate(self, request, queryset):
        self._set_active(request, queryset, active=False)

    def _set_active(self, request, queryset, *, active: bool) -> None:
        count = services.product_set_active(products=queryset, active=active, actor=request.user)
        if active:
            message = ngettext("%d product activated.", "%d products activated.", count)
        else:
            message = ngettext("%d product deactivated.", "%d products deactivated.", count)
        self.message_user(request, message % count)


@admin.register(ProductVariant)
class ProductVariantAdmin(MerchantScopedAdmin, admin.ModelAdmin):
    merchant_path = "product__merchant"
    list_display = ("sku", "product", "price", "compare_at_price", "is_active", "position")
    list_filter = ("is_active", "product__merchant")
    list_select_related = ("product",)
    search_fields = ("sku", "product__name_en", "product__name_zh_hans")
    autocomplete_fields = ("product",)
    fields = (
        "product",
        "sku",
        "attributes",
        "price",
        "compare_at_price",
        "weight_grams",
        "is_active",
        "position",
    )
    # Its stock rows are listed here too: logistics registers this admin again with them.

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        # Order lines point at both the variant and its product: a variant stays where it is.
        return (*readonly, "product") if obj is not None else readonly

    def save_model(self, request, obj, form, change):
        # The service keeps the product's from-price in step with the variant's price.
        services.variant_save(variant=obj, actor=request.user)

    def delete_model(self, request, obj):
        product = obj.product
        super().delete_model(request, obj)
        services.product_price_sync(product=product)

    def delete_queryset(self, request, queryset):
        product_ids = set(queryset.values_list("product_id", flat=True))
        super().delete_queryset(request, queryset)
        for product in Product.objects.filter(pk__in=product_ids):
            services.product_price_sync(product=product)


@admin.register(Review)
class ReviewAdmin(MerchantScopedAdmin, admin.ModelAdmin):
    """Moderation: a review's text is the shopper's; staff only publish or unpublish it."""

    merchant_path = "product__merchant"
    list_display = ("product", "user", "rating", "title", "is_published", "created_at")
    list_filter = ("is_published", "rating", "product__merchant")
    list_select_related = ("product", "user")
    search_fields = ("title", "body", "product__name_en", "product__name_zh_hans", "user__email")
    date_hierarchy = "created_at"
    fields = ("product", "user", "rating", "title", "body", "is_published", "created_at")
    readonly_fields = ("product", "user", "rating", "title", "body", "created_at")
    actions = ("publish", "unpublish")

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        # Through the service, which also recomputes the product's rating; nothing else on the
        # form is editable.
        if "is_published" in form.changed_data:
            services.review_set_published(
                reviews=Review.objects.filter(pk=obj.pk),
                published=obj.is_published,
                actor=request.user,
            )

    @admin.action(description=_("Publish selected reviews"), permissions=["change"])
    def publish(self, request, queryset):
        count = services.review_set_published(reviews=queryset, published=True, actor=request.user)
        self.message_user(
            request, ngettext("%d review published.", "%d reviews published.", count) % count
        )

    @admin.action(description=_("Unpublish selected reviews"), permissions=["change"])
    def unpublish(self, request, queryset):
        count = services.review_set_published(reviews=queryset, published=False, actor=request.user)
        self.message_user(
            request, ngettext("%d review unpublished.", "%d reviews unpublished.", count) % count
        )
