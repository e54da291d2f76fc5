from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Merchant
from common.models import MONEY, TimeStampedModel


class Category(TimeStampedModel):
    """A node of the category tree. Name and description are bilingual (see translation.py)."""

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:category", args=[self.slug])


class Brand(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("brand")
        verbose_name_plural = _("brands")

    def __str__(self) -> str:
        return self.name


class ProductAttribute(TimeStampedModel):
    """An option a variant can have (colour, size ...). `code` is its key in a variant's
    `attributes`; `values` lists the values merchants choose from, one per line (none: any text)."""

    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("The option's key in each variant's options, e.g. colour."),
    )
    name = models.CharField(_("name"), max_length=120)
    values = models.TextField(
        _("allowed values"),
        blank=True,
        help_text=_("One value per line. Leave empty to let merchants type any value."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("product attribute")
        verbose_name_plural = _("product attributes")

    def __str__(self) -> str:
        return self.name or self.code

    @property
    def allowed_values(self) -> list[str]:
        seen: dict[str, None] = {}
        for line in self.values.splitlines():
            if line.strip():
                seen.setdefault(line.strip(), None)
        return list(seen)


class ProductType(TimeStampedModel):
    """A kind of product (T-shirt, phone case ...) and the options its variants are told apart
    by."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    attributes = models.ManyToManyField(
        ProductAttribute,
        blank=True,
        related_name="product_types",
        verbose_name=_("variant options"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("product type")
        verbose_name_plural = _("product types")

    def __str__(self) -> str:
        return self.name


class Product(TimeStampedModel):
    """A product a merchant sells. What is bought is one of its variants (its own SKU, price and
    stock). `price` is the lowest active variant price and `rating_avg`, `rating_count`,
    `sales_count` are aggregates; services and the stats task keep them current."""

    merchant = models.ForeignKey(
        Merchant, on_delete=models.PROTECT, related_name="products", verbose_name=_("merchant")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    product_type = models.ForeignKey(
        ProductType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("product type"),
        help_text=_("Its variants are told apart by this type's options."),
    )
    brand = models.ForeignKey(
        Brand,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="products",
        verbose_name=_("brand"),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_featured = models.BooleanField(_("featured"), default=False)
    price = models.DecimalField(_("from price"), default=0, editable=False, **MONEY)
    rating_avg = models.DecimalField(
        _("average rating"), max_digits=3, decimal_places=2, default=0, editable=False
    )
    rating_count = models.PositiveIntegerField(_("ratings"), default=0, editable=False)
    sales_count = models.PositiveIntegerField(_("units sold"), default=0, editable=False)
    # Whether any active variant has stock available in some warehouse; kept by
    # services.product_availability_refresh whenever stock changes, and re-checked periodically.
    in_stock = models.BooleanField(_("in stock"), default=False, editable=False)
    # The card's picture (a file name in storage, its card size when generated): one a shopper
    # can buy (see services.card_image_expression); kept with `in_stock` by
    # services.product_availability_refresh, and when a picture or a variant changes.
    card_image = models.CharField(
        _("card image"), max_length=255, blank=True, default="", editable=False
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [
            models.Index(fields=["category", "is_active", "price"], name="product_cat_price"),
            models.Index(fields=["category", "is_active", "-created_at"], name="product_cat_new"),
            models.Index(
                fields=["category", "is_active", "-rating_avg"], name="product_cat_rating"
            ),
            models.Index(
                fields=["category", "is_active", "-sales_count"], name="product_cat_sales"
            ),
            # Brand facet and page count, filtered or not by stock, from the index alone.
            models.Index(
                fields=["category", "is_active", "in_stock", "brand"],
                name="product_cat_stock_brand",
            ),
            # Whole-catalog orders: a parent category (many leaves) or the home page walks these
            # in order and stops after one page, instead of sorting every matching row.
            models.Index(
                fields=["-sales_count", "-id"],
                condition=models.Q(is_active=True),
                name="product_best_sellers",
            ),
            # The home page's slots: buyable best sellers first, sold-out ones only after.
            models.Index(
                fields=["-in_stock", "-sales_count", "-id"],
                condition=models.Q(is_active=True),
                name="product_buyable_best",
            ),
            models.Index(
                fields=["price", "id"], condition=models.Q(is_active=True), name="product_by_price"
            ),
            models.Index(
                fields=["-created_at", "-id"],
                condition=models.Q(is_active=True),
                name="product_by_newest",
            ),
            models.Index(
                fields=["-rating_avg", "-rating_count", "-id"],
                condition=models.Q(is_active=True),
                name="product_by_rating",
            ),
            models.Index(fields=["is_featured", "is_active"], name="product_featured"),
            models.Index(fields=["merchant", "-created_at"], name="product_merchant"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:product", args=[self.slug])


class ProductVariant(TimeStampedModel):
    """One buyable version of a product (e.g. size M in red), with its own SKU, price and stock.
    `attributes` maps an option to its value, e.g. {"colour": "red", "size": "M"}."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="variants", verbose_name=_("product")
    )
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    price = models.DecimalField(_("price"), **MONEY, validators=[MinValueValidator(0)])
    compare_at_price = models.DecimalField(
        _("compare-at price"), null=True, blank=True, **MONEY, validators=[MinValueValidator(0)]
    )
    weight_grams = models.PositiveIntegerField(_("weight (g)"), default=500)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")

    def __str__(self) -> str:
        return f"{self.product} ({self.sku})"


class ProductImage(TimeStampedModel):
    """A picture of a product. One with a variant shows that variant (e.g. the red one): the
    product page leads with the chosen variant's pictures; one without shows every variant."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="images", verbose_name=_("product")
    )
    variant = models.ForeignKey(
        ProductVariant,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="images",
        verbose_name=_("variant"),
        help_text=_("Leave empty for a picture of the product as a whole."),
    )
    image = models.ImageField(_("image"), upload_to="products/%Y/%m/")
    alt = models.CharField(_("alternative text"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    # The sizes the pages use (catalog/images.py), written by services.product_image_sizes_refresh.
    thumb = models.ImageField(_("thumbnail"), max_length=255, blank=True, editable=False)
    card = models.ImageField(_("card image"), max_length=255, blank=True, editable=False)
    large = models.ImageField(_("large image"), max_length=255, blank=True, editable=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("product image")
        verbose_name_plural = _("product images")

    def __str__(self) -> str:
        return self.alt or f"{self.product} #{self.position}"


class Review(TimeStampedModel):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("product")
    )
    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="reviews", verbose_name=_("user")
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    title = models.CharField(_("title"), max_length=120, blank=True)
    body = models.TextField(_("review"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["product", "user"], name="catalog_review_one_per_user"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="catalog_review_rating_1_5"
            ),
        ]
        indexes = [models.Index(fields=["product", "is_published", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.product}"


class CategoryFacetCount(models.Model):
    """How many active products one category holds of one brand (0: none) and stock state: a
    listing's brand facets and total, summed over the category's subtree, without visiting its
    products. Kept exact by the database itself: triggers on the product table (migration 0008)
    apply every insert, delete and change of category, brand, activity or stock in the same
    statement's transaction, whatever wrote it (a service, an admin save, a bulk UPDATE, an
    import). `manage.py catalog_facet_counts` recomputes them from the products and compares."""

    pk = models.CompositePrimaryKey("category_id", "brand_id", "in_stock")
    category_id = models.BigIntegerField()
    brand_id = models.BigIntegerField()
    in_stock = models.BooleanField()
    n = models.IntegerField(default=0)

    class Meta:
        ordering = ["category_id", "brand_id", "in_stock"]

    def __str__(self) -> str:
        return f"{self.category_id}/{self.brand_id}/{int(self.in_stock)}: {self.n}"
