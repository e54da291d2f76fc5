"""Output (and query input) of the catalog endpoints. Money is a string of a Decimal ("129.00");
image addresses are absolute."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from catalog.forms import MAX_BRANDS, MAX_PAGE, SLUG_RE
from catalog.selectors import DEFAULT_SORT, SORTS
from search.backends.base import FACETS
from search.backends.base import SORTS as SEARCH_SORTS

MONEY = {"max_digits": 12, "decimal_places": 2, "coerce_to_string": True}


class BrandOutput(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class CategoryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()


# A tree: each category's subcategories are shaped like it.
CategoryOutput._declared_fields["children"] = CategoryOutput(many=True, source="child_nodes")


class ProductCardOutput(serializers.Serializer):
    """A product as a listing, search result or recommendation shows it."""

    id = serializers.IntegerField(source="pk")
    slug = serializers.CharField()
    name = serializers.CharField()
    price = serializers.DecimalField(**MONEY, help_text=_("The lowest price of its variants."))
    rating_avg = serializers.DecimalField(max_digits=3, decimal_places=2, coerce_to_string=True)
    rating_count = serializers.IntegerField()
    in_stock = serializers.BooleanField()
    brand = BrandOutput(source="card_brand", allow_null=True)
    image = serializers.SerializerMethodField()

    def get_image(self, product) -> str | None:
        if not product.card_url:
            return None
        return self.context["request"].build_absolute_uri(product.card_url)


class ProductListInput(serializers.Serializer):
    category = serializers.RegexField(
        SLUG_RE, required=False, help_text=_("A category's slug; its subcategories included.")
    )
    brand = serializers.ListField(
        child=serializers.RegexField(SLUG_RE),
        required=False,
        max_length=MAX_BRANDS,
        help_text=_("Brand slugs (repeat the parameter for several)."),
    )
    price_min = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False
    )
    price_max = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False
    )
    in_stock = serializers.BooleanField(required=False, default=False)
    sort = serializers.ChoiceField(choices=list(SORTS), default=DEFAULT_SORT, required=False)
    page = serializers.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=100, required=False)


class CatalogVariantOutput(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    attributes = serializers.DictField(child=serializers.CharField())
    price = serializers.DecimalField(**MONEY)
    compare_at_price = serializers.DecimalField(**MONEY, allow_null=True)
    available = serializers.IntegerField(help_text=_("Units available across warehouses."))
    in_stock = serializers.SerializerMethodField()

    def get_in_stock(self, variant) -> bool:
        return variant.available > 0


class ImageOutput(serializers.Serializer):
    alt = serializers.CharField()
    url = serializers.CharField()
    large = serializers.CharField(allow_null=True)
    thumb = serializers.CharField(allow_null=True)


class ReviewOutput(serializers.Serializer):
    rating = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    author = serializers.CharField()
    created_at = serializers.DateTimeField()


class RatingBarOutput(serializers.Serializer):
    stars = serializers.IntegerField()
    count = serializers.IntegerField()
    percent = serializers.IntegerField()


class CategoryRefOutput(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class ProductDetailOutput(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    price = serializers.DecimalField(**MONEY, help_text=_("The lowest price of its variants."))
    in_stock = serializers.BooleanField()
    rating_avg = serializers.DecimalField(max_digits=3, decimal_places=2, coerce_to_string=True)
    rating_count = serializers.IntegerField()
    brand = BrandOutput(allow_null=True)
    merchant = serializers.CharField()
    categories = CategoryRefOutput(many=True, help_text=_("From the top category down."))
    selected_variant = serializers.IntegerField(
        allow_null=True, help_text=_("The variant shown first: the first one in stock.")
    )
    variants = CatalogVariantOutput(many=True)
    images = ImageOutput(many=True)
    rating_histogram = RatingBarOutput(many=True)
    reviews = ReviewOutput(many=True, help_text=_("The ten latest."))


class SearchInput(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, trim_whitespace=True)
    category = serializers.ListField(child=serializers.CharField(), required=False)
    brand = serializers.ListField(child=serializers.CharField(), required=False)
    price = serializers.ListField(child=serializers.CharField(), required=False)
    rating = serializers.IntegerField(required=False)
    in_stock = serializers.BooleanField(required=False)
    min_price = serializers.DecimalField(max_digits=10, decimal_places=2, required=False)
    max_price = serializers.DecimalField(max_digits=10, decimal_places=2, required=False)
    sort = serializers.ChoiceField(choices=list(SEARCH_SORTS), required=False)
    page = serializers.IntegerField(required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=100, required=False)


class FacetValueOutput(serializers.Serializer):
    value = serializers.CharField(help_text=_("What to send back in the facet's parameter."))
    label = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()
    depth = serializers.IntegerField(help_text=_("Indentation of a subcategory."))


class FacetOutput(serializers.Serializer):
    name = serializers.ChoiceField(choices=list(FACETS))
    values = FacetValueOutput(many=True)


class UnderstoodOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["price", "cheap", "colour"])
    label = serializers.CharField()
    price_min = serializers.DecimalField(**MONEY, allow_null=True)
    price_max = serializers.DecimalField(**MONEY, allow_null=True)
    colour = serializers.CharField(allow_blank=True)
    query_without = serializers.CharField(
        allow_blank=True, help_text=_("The words to search for without this part.")
    )


class SearchHitOutput(ProductCardOutput):
    highlights = serializers.DictField(
        child=serializers.CharField(),
        help_text=_("name / description: HTML-escaped snippets, matched words in <mark>."),
    )


class SearchOutput(serializers.Serializer):
    query = serializers.CharField()
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = SearchHitOutput(many=True)
    facets = FacetOutput(many=True)
    understood = UnderstoodOutput(many=True, help_text=_("What the words were read as."))
    did_you_mean = serializers.CharField(allow_null=True)
    instead = serializers.CharField(
        allow_null=True, help_text=_("Nothing strong enough matched: words to search instead.")
    )
    dropped = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("No product has every word: the results leave these out."),
    )
    related = serializers.ListField(child=serializers.CharField())
    notices = serializers.ListField(
        child=serializers.CharField(), help_text=_("Filters that were ignored, a query cut short.")
    )


class SuggestInput(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)


class SuggestionOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["product", "category", "brand"])
    label = serializers.CharField()
    url = serializers.CharField(help_text=_("The storefront page it leads to."))


class SuggestOutput(serializers.Serializer):
    query = serializers.CharField(allow_blank=True)
    suggestions = SuggestionOutput(many=True)


class ForYouOutput(serializers.Serializer):
    personal = serializers.BooleanField(
        help_text=_("Picked for this shopper (else what is trending).")
    )
    products = ProductCardOutput(many=True)
    recently_viewed = ProductCardOutput(many=True)


class ProductRecommendationsOutput(serializers.Serializer):
    also_bought = ProductCardOutput(many=True)
    similar = ProductCardOutput(many=True)
    recently_viewed = ProductCardOutput(many=True)
