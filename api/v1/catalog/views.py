"""The catalog for apps: categories, products (listing and page), search, suggestions and
recommendations. Read-only and open to everyone; each view calls the selector or service the
storefront page calls. What is the same for every shopper (categories, listings, product
pages) is cached like the pages' fragments: keyed by language and catalog version, so any change
to a product, price, stock or category is seen at once (catalog/caching.py)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from drf_standardized_errors.openapi_serializers import ValidationErrorResponseSerializer
from rest_framework import exceptions
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api.channels import reported_channel
from api.pagination import Pages
from catalog import selectors
from catalog.caching import canonical_query, fragment_key
from catalog.selectors import ListingParams
from catalog.signals import product_viewed
from recommendations import selectors as recommendations
from search import selectors as search_selectors
from search import services as search
from search import understanding
from search.backends.base import FACETS
from search.facets import understood_label
from search.forms import AutocompleteForm, SearchForm

from . import serializers as s
from .schema import CARD_EXAMPLE, PRODUCT_EXAMPLE, SEARCH_EXAMPLE

TAG = ["catalog"]
# What the product list reads from its query string (the rest makes no difference to it).
LIST_PARAMS = (*s.ProductListInput().fields, "page", "page_size")
BAD_QUERY = {400: OpenApiResponse(ValidationErrorResponseSerializer, description="Bad parameter")}


class CatalogApi(APIView):
    """Open to everyone, read-only; no session is read or made."""

    permission_classes = [AllowAny]


def _whole_key(request: HttpRequest, name: str, params: tuple[str, ...]) -> str:
    query = canonical_query(request, params).urlencode()
    return fragment_key(f"api:{name}", (request.get_host(), request.path, query))


class AnonymousFastPath:
    """An anonymous caller with no session cookie and no token, asking for JSON, is answered
    from the whole cached body before DRF reads the request (as the storefront serves such a
    visitor its cached page): a cache hit costs less than the throttle's own bookkeeping, and
    the same body is on the unthrottled HTML pages anyway. Everyone else, and every miss, goes
    the whole way, throttled."""

    cache_name = ""
    cache_params: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        accept = request.headers.get("Accept", "*/*")
        if (
            settings.STOREFRONT_CACHE_SECONDS > 0
            and request.method == "GET"
            and "Authorization" not in request.headers
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and ("application/json" in accept or accept in ("*/*", ""))
        ):
            hit = cache.get(_whole_key(request, self.cache_name, self.cache_params))
            if hit is not None:
                response = HttpResponse(hit[0], content_type="application/json")
                patch_vary_headers(response, ("Accept", "Cookie", "Authorization"))
                return response
        return super().dispatch(request, *args, **kwargs)


def _whole(request, name: str, params: tuple[str, ...], render) -> tuple[HttpResponse, object]:
    """The JSON body `render()` answers (a Response and something to keep with it), cached whole
    as bytes like the storefront's anonymous pages: keyed by host, path, the query parameters
    the endpoint reads (in canonical order: junk ones make no new entry), language and catalog
    version. The body is the same for every caller (nothing per user is in it); the request
    still went through authentication, throttling and content negotiation."""
    seconds = settings.STOREFRONT_CACHE_SECONDS
    if seconds <= 0:
        response, extra = render()
        return response, extra
    key = _whole_key(request._request, name, params)
    hit = cache.get(key)
    if hit is None:
        response, extra = render()
        if response.status_code != 200:
            return response, extra
        hit = (JSONRenderer().render(response.data), extra)
        cache.set(key, hit, seconds)
    content, extra = hit
    return HttpResponse(content, content_type="application/json"), extra


def _absolute(request, name: str) -> str | None:
    return request.build_absolute_uri(default_storage.url(name)) if name else None


class CategoryTreeApi(CatalogApi):
    @extend_schema(
        operation_id="catalog_categories",
        tags=TAG,
        summary="The category tree",
        description="Active categories, top level first, each with its subcategories.",
        responses={200: s.CategoryOutput(many=True)},
        examples=[
            OpenApiExample(
                "Tree",
                value=[
                    {
                        "id": 1,
                        "slug": "shoes",
                        "name": "Shoes",
                        "description": "",
                        "children": [
                            {
                                "id": 4,
                                "slug": "running-shoes",
                                "name": "Running shoes",
                                "description": "",
                                "children": [],
                            }
                        ],
                    }
                ],
                response_only=True,
            )
        ],
    )
    def get(self, request):
        tree = selectors.category_tree()
        return Response(s.CategoryOutput(tree.roots, many=True).data)


class ProductListApi(AnonymousFastPath, ListAPIView):
    cache_name = "products"
    cache_params = LIST_PARAMS
    permission_classes = [AllowAny]
    pagination_class = Pages
    serializer_class = s.ProductCardOutput

    @extend_schema(
        operation_id="catalog_products_list",
        tags=TAG,
        summary="Products, filtered and sorted like a category page",
        description="Active products (of a category and its subcategories when `category` is "
        "given), filtered by brand, price range and stock, sorted; paginated.",
        parameters=[s.ProductListInput],
        responses={200: s.ProductCardOutput(many=True), **BAD_QUERY},
        examples=[OpenApiExample("Page", value=[CARD_EXAMPLE], response_only=True)],
    )
    def get(self, request):
        response, _nothing = _whole(
            request, "products", LIST_PARAMS, lambda: (self._list(request), None)
        )
        return response

    def _list(self, request) -> Response:
        query = s.ProductListInput(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        tree = selectors.category_tree()
        category = None
        if "category" in data:
            category = tree.by_slug.get(data["category"])
            if category is None:
                raise exceptions.ValidationError({"category": [_("There is no such category.")]})
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None and low > high:
            low, high = high, low  # a range typed the wrong way round, as the page reads it
        params = ListingParams(
            sort=data["sort"],
            price_min=low,
            price_max=high,
            brands=tuple(sorted(set(data.get("brand", ()))))[: s.MAX_BRANDS],
            in_stock=data["in_stock"],
        )
        listing = selectors.product_listing(tree=tree, category=category, params=params)
        rows = selectors.card_rows(listing)  # paged as rows: no model instances
        page = selectors.card_list(self.paginator.paginate_queryset(rows, request, view=self))
        cards = s.ProductCardOutput(page, many=True, context={"request": request}).data
        return self.paginator.get_paginated_response(cards)


def _product_body(request, slug: str) -> dict:
    page = selectors.product_page(slug=slug)
    product = page.product
    tree = selectors.category_tree()
    category = tree.by_id.get(product.category_id)
    chain = [*tree.ancestors(category), category] if category else []
    body = {
        "id": product.pk,
        "slug": product.slug,
        "name": product.name,
        "description": product.description,
        "price": product.price,
        "in_stock": product.in_stock,
        "rating_avg": product.rating_avg,
        "rating_count": product.rating_count,
        "brand": product.brand,
        "merchant": product.merchant.name,
        "categories": chain,
        "selected_variant": page.selected.pk if page.selected else None,
        "variants": page.variants,
        "images": [
            {
                "alt": image.alt,
                "url": _absolute(request, image.image.name),
                "large": _absolute(request, image.large.name),
                "thumb": _absolute(request, image.thumb.name),
            }
            for image in page.images
        ],
        "rating_histogram": [
            {"stars": stars, "count": count, "percent": percent}
            for stars, count, percent in page.rating_histogram
        ],
        "reviews": [
            {
                "rating": r.rating,
                "title": r.title,
                "body": r.body,
                "author": r.user.display_name,
                "created_at": r.created_at,
            }
            for r in page.reviews
        ],
    }
    return dict(s.ProductDetailOutput(body).data)


def _viewer(request) -> tuple[object | None, str]:
    """Who is looking: the signed-in user, or the browser session's key (an app without a
    session is recorded as nobody's, as a cookie-less visitor of the page is)."""
    user = request.user if request.user.is_authenticated else None
    session = getattr(request._request, "session", None)
    key = "" if user is not None or session is None else (session.session_key or "")
    return user, key


class ProductDetailApi(AnonymousFastPath, CatalogApi):
    # A cookie-less anonymous view is recorded by nobody (interaction_record_view), so a hit
    # answered on the fast path misses no recording.
    cache_name = "product"

    @extend_schema(
        operation_id="catalog_products_retrieve",
        tags=TAG,
        summary="A product with its variants, prices and stock per variant",
        description="What the product page shows: variants with their price and the units "
        "available across warehouses, images, the rating histogram and the latest reviews. "
        "Only published products; anything else is a 404.",
        responses={200: s.ProductDetailOutput},
        examples=[OpenApiExample("Product", value=PRODUCT_EXAMPLE, response_only=True)],
    )
    def get(self, request, slug: str):
        def render():
            body = _product_body(request, slug)
            return Response(body), body["id"]

        response, product_id = _whole(request, self.cache_name, self.cache_params, render)
        user, session_key = _viewer(request)
        product_viewed.send(
            sender=None,
            product_id=product_id,
            variant_id=None,
            user_id=user.pk if user else None,
            session_key=session_key,
            from_search=request.query_params.get("src") == "search",
            channel=reported_channel(request),
        )
        return response


def _facets(result) -> list[dict]:
    tree = selectors.category_tree()
    facets = []
    for name in FACETS:
        values = []
        for v in result.facets.get(name, []):
            depth = 0
            if name == "category":
                node = tree.by_slug.get(v.value)
                if node is None:
                    continue
                depth = len(tree.ancestors(node))
            values.append(
                {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected,
                 "depth": depth}
            )  # fmt: skip
        if values:
            facets.append({"name": name, "values": values})
    return facets


class SearchApi(CatalogApi):
    @extend_schema(
        operation_id="catalog_search",
        tags=TAG,
        summary="Search with facets, as the storefront's search page",
        description="The storefront's search service: ranked results, facets (category, brand, "
        "price band, rating, in stock: send a value back in its parameter to filter), what the "
        'words were read as (a price range, "cheap", a colour), "did you mean", the words '
        "left out when no product has them all. Unknown filter values are ignored and said so "
        "in `notices`, as on the page. Without words or filters: no results.",
        parameters=[s.SearchInput],
        responses={200: s.SearchOutput},
        examples=[OpenApiExample("Results", value=SEARCH_EXAMPLE, response_only=True)],
    )
    def get(self, request):
        form = SearchForm(request.query_params)
        per_page = Pages().get_page_size(request)
        query = form.search_query(
            language=get_language() or settings.LANGUAGE_CODE, per_page=per_page
        )
        filtered = bool(
            query.categories or query.brands or query.price_bands or query.min_rating
            or query.in_stock or query.price_min is not None or query.price_max is not None
        )  # fmt: skip
        body = {
            "query": query.text,
            "count": 0,
            "page": query.page,
            "page_size": per_page,
            "pages": 0,
            "results": [],
            "facets": [],
            "understood": [],
            "did_you_mean": None,
            "instead": None,
            "dropped": [],
            "related": [],
            "notices": [str(n) for n in form.notices],
        }
        if query.text or filtered:
            result = search.run_search(query)
            cards = search_selectors.hit_cards(result.hits)  # each with its highlights
            body.update(
                count=result.total,
                pages=-(-result.total // per_page),
                results=cards,
                facets=_facets(result),
                understood=[
                    {
                        "kind": part.kind,
                        "label": understood_label(part),
                        "price_min": part.price_min,
                        "price_max": part.price_max,
                        "colour": part.colour,
                        "query_without": understanding.without(query.text, part),
                    }
                    for part in result.understood
                ],
                did_you_mean=result.did_you_mean,
                instead=result.instead,
                dropped=list(result.dropped) if result.total else [],
                related=list(result.related),
            )
        return Response(s.SearchOutput(body, context={"request": request}).data)


class SuggestApi(CatalogApi):
    @extend_schema(
        operation_id="catalog_suggest",
        tags=TAG,
        summary="Suggestions for a search box as the shopper types",
        description="Products, categories and brands for a partial, possibly misspelt, query "
        "(the storefront's autocomplete).",
        parameters=[s.SuggestInput],
        responses={200: s.SuggestOutput},
        examples=[
            OpenApiExample(
                "Suggestions",
                value={
                    "query": "runn",
                    "suggestions": [
                        {"kind": "category", "label": "Running shoes", "url": "/c/running-shoes/"}
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request):
        text = AutocompleteForm(request.query_params).text()
        language = get_language() or settings.LANGUAGE_CODE
        suggestions = search.autocomplete(text, language=language) if text.strip() else []
        body = {"query": text, "suggestions": [vars(x) for x in suggestions]}
        return Response(s.SuggestOutput(body).data)


def _cards(request, slot) -> list[dict]:
    """The catalog's cards of a slot's products, in the slot's order (one query)."""
    ids = [card.pk for card in slot]
    found = {p.pk: p for p in selectors.cards_by_id(ids)}
    cards = [found[i] for i in ids if i in found]
    return s.ProductCardOutput(cards, many=True, context={"request": request}).data


class RecommendationsForYouApi(CatalogApi):
    @extend_schema(
        operation_id="catalog_recommendations",
        tags=TAG,
        summary="Recommendations for the current shopper",
        description="The home page's slots: picks for a signed-in shopper the model knows (else "
        "what is trending, nudged by what they viewed) and what they viewed last. Personal: "
        "never cached.",
        responses={200: s.ForYouOutput},
        examples=[
            OpenApiExample(
                "For you",
                value={"personal": True, "products": [CARD_EXAMPLE], "recently_viewed": []},
                response_only=True,
            )
        ],
    )
    def get(self, request):
        body = {"personal": False, "products": [], "recently_viewed": []}
        if settings.RECOMMENDATIONS_ENABLED:
            user, session_key = _viewer(request)
            state = recommendations.serving_state(user=user, session_key=session_key or None)
            slot = recommendations.for_you(
                user=user, session_key=session_key or None, limit=6, state=state
            )
            viewed = recommendations.recently_viewed(
                user=user, session_key=session_key or None, limit=6, state=state
            )
            body = {
                "personal": slot.personal,
                "products": _cards(request, slot.products),
                "recently_viewed": _cards(request, viewed),
            }
        response = Response(body)
        response["Cache-Control"] = "private, no-store"
        return response


class ProductRecommendationsApi(CatalogApi):
    @extend_schema(
        operation_id="catalog_products_recommendations",
        tags=TAG,
        summary="Recommendations on a product's page",
        description="What its buyers also bought, similar products, and what the current "
        "shopper viewed last. 404 for an unknown or unpublished product.",
        responses={200: s.ProductRecommendationsOutput},
        examples=[
            OpenApiExample(
                "Slots",
                value={"also_bought": [CARD_EXAMPLE], "similar": [], "recently_viewed": []},
                response_only=True,
            )
        ],
    )
    def get(self, request, slug: str):
        product_id = selectors.published_product_id(slug=slug)
        body = {"also_bought": [], "similar": [], "recently_viewed": []}
        if settings.RECOMMENDATIONS_ENABLED:
            user, session_key = _viewer(request)
            slots = recommendations.product_slots(
                product_id=product_id, user=user, session_key=session_key or None, limit=6
            )
            body = {
                "also_bought": _cards(request, slots.also_bought),
                "similar": _cards(request, slots.similar),
                "recently_viewed": _cards(request, slots.recently_viewed),
            }
        response = Response(body)
        response["Cache-Control"] = "private, no-store"
        return response
