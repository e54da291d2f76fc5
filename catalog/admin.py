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
from .forms import (
    VariantOptions,
    VariantOptionsForm,
    VariantOptionsFormSet,
    parse_variant_id,
    variant_options_for,
    variant_options_form,
)
from .models import (
    Brand,
    Category,
    Product,
    ProductAttribute,
    ProductImage,
    ProductType,
    ProductVariant,
    Review,
)


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


@admin.register(ProductAttribute)
class ProductAttributeAdmin(SuperuserWritesAdmin, TranslationAdmin):
    list_display = ("name", "code", "values_shown", "position")
    search_fields = ("name_en", "name_zh_hans", "code")
    fields = ("name", "code", "values", "position")

    @admin.display(description=_("allowed values"))
    def values_shown(self, obj: ProductAttribute) -> str:
        return ", ".join(obj.allowed_values) or _("any text")


@admin.register(ProductType)
class ProductTypeAdmin(SuperuserWritesAdmin, TranslationAdmin):
    list_display = ("name", "options_shown")
    search_fields = ("name_en", "name_zh_hans")
    fields = ("name", "attributes")
    filter_horizontal = ("attributes",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("attributes")

    @admin.display(description=_("variant options"))
    def options_shown(self, obj: ProductType) -> str:
        return ", ".join(str(attribute) for attribute in obj.attributes.all())


def _product_type_from(request, obj: Product | None) -> ProductType | None:
    """The type whose options the variants are edited with: the one being posted (a changed type
    applies to the variants saved with it), else the product's, else ?product_type= on an add
    page (the editor reloads itself with it when a type is chosen)."""
    raw = request.POST.get("product_type") if request.method == "POST" else None
    if raw is None and obj is not None:
        return obj.product_type
    if raw is None:
        raw = request.GET.get("product_type")
    type_id = parse_variant_id(raw)
    return ProductType.objects.filter(pk=type_id).first() if type_id else None


def _variant_options(request, product: Product | None) -> VariantOptions:
    """Worked out once per request and product: the fields and the form class must agree."""
    cache = request.__dict__.setdefault("_variant_options", {})
    key = product.pk if product is not None else None
    if key not in cache:
        variants = product.variants.values_list("attributes", flat=True) if product else []
        product_type = _product_type_from(request, product)
        cache[key] = variant_options_for(product_type, variants)
    return cache[key]


VARIANT_FIELDS = ("sku", "price", "compare_at_price", "weight_grams", "is_active", "position")


class ProductVariantInline(MerchantScopedInline, admin.TabularInline):
    """The variants of the product editor: one field per option of the product's type (a list of
    its values, or text), instead of the options' JSON."""

    model = ProductVariant
    merchant_path = "product__merchant"
    form = VariantOptionsForm
    formset = VariantOptionsFormSet
    fields = VARIANT_FIELDS
    show_change_link = True  # stock is edited on the variant's own page

    def get_fields(self, request, obj=None):
        options = _variant_options(request, obj)
        return ("sku", *options.field_names, *VARIANT_FIELDS[1:])

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = variant_options_form(_variant_options(request, obj))
        return super().get_formset(request, obj, **kwargs)

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
    list_filter = ("is_active", "is_featured", "merchant", "product_type", "category", "brand")
    list_select_related = ("merchant", "category", "brand")
    search_fields = ("name_en", "name_zh_hans", "slug", "variants__sku")
    autocomplete_fields = ("category", "brand")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("price", "rating_avg", "rating_count", "sales_count")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "merchant",
                    "product_type",
                    "name",
                    "slug",
                    "category",
                    "brand",
                    "description",
                )
            },
        ),
        (_("Storefront"), {"fields": ("is_active", "is_featured")}),
        (_("Figures"), {"fields": ("price", "rating_avg", "rating_count", "sales_count")}),
    )
    inlines = (ProductVariantInline, ProductImageInline)
    actions = ("activate", "deactivate")

    class Media:
        css = {"all": ("css/admin_catalog.css",)}
        js = ("js/admin_product_type.js",)

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
    form = VariantOptionsForm
    fields = ("product", *VARIANT_FIELDS)
    # Its stock rows are listed here too: logistics registers this admin again with them.

    def _options(self, request, obj: ProductVariant | None) -> VariantOptions:
        cache = request.__dict__.setdefault("_variant_page_options", {})
        if "options" not in cache:
            product = obj.product if obj is not None else self._posted_product(request)
            if product is None:
                cache["options"] = VariantOptions()
            else:
                cache["options"] = variant_options_for(
                    product.product_type,
                    [obj.attributes] if obj is not None else [],
                )
        return cache["options"]

    def _posted_product(self, request) -> Product | None:
        data = request.POST if request.method == "POST" else request.GET
        product_id = parse_variant_id(data.get("product"))
        if product_id is None:
            return None
        products = self.get_field_queryset(None, ProductVariant._meta.get_field("product"), request)
        products = products if products is not None else Product.objects.all()
        return products.select_related("product_type").filter(pk=product_id).first()

    def get_fields(self, request, obj=None):
        options = self._options(request, obj)
        return ("product", "sku", *options.field_names, *VARIANT_FIELDS[1:])

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = variant_options_form(self._options(request, obj), check_siblings=True)
        return super().get_form(request, obj, change, **kwargs)

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
