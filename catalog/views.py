"""Storefront pages. Each parses its input, asks a selector, and renders; the expensive middle of
each page is a cached fragment (see caching.py). The middle is rendered from its own context
alone (no request, so no context processors); the page around it once, with the request."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from common.page_holes import page_note

from . import selectors
from .caching import anonymous_page_cache, cached_fragment
from .forms import LISTING_QUERY_PARAMS, SORT_LABELS, parse_listing, parse_variant_id
from .fragments import home_categories, page
from .signals import product_viewed

# What the product page reads from its query string (the chosen variant; arrival from search).
PRODUCT_QUERY_PARAMS = ("variant", "src")


@require_safe
@anonymous_page_cache("home")
def home(request: HttpRequest) -> HttpResponse:
    tree = selectors.category_tree()
    body = cached_fragment(
        "home",
        (),
        lambda: render_to_string(
            "catalog/_home_body.html",
            {
                "categories": home_categories(tree),
                "featured": selectors.featured_products(limit=12),
                "best_sellers": selectors.best_sellers(limit=8),
            },
        ),
    )
    return page(
        request, "catalog/home.html", {"tree": tree}, parts={"body": mark_safe(body)}, key=()
    )


@require_safe
@anonymous_page_cache("category", params=LISTING_QUERY_PARAMS)
def category(request: HttpRequest, slug: str) -> HttpResponse:
    tree = selectors.category_tree()
    node = tree.by_slug.get(slug)
    if node is None:
        raise Http404("No such category")
    params, errors = parse_listing(request.GET)
    body = cached_fragment(
        "category",
        (node.id, *params.cache_parts()),
        lambda: render_to_string(
            "catalog/_category_body.html",
            {
                "tree": tree,
                "category": node,
                "listing": selectors.category_listing(tree=tree, category=node, params=params),
                "params": params,
                "sort_labels": SORT_LABELS,
            },
        ),
    )
    return page(
        request,
        "catalog/category.html",
        {
            "tree": tree,
            "category": node,
            "ancestors": tree.ancestors(node),
            "filter_errors": errors,
        },
        parts={"body": mark_safe(body)},
        key=(node.id, tuple(str(e) for e in errors)),
    )


def _product_seen(
    request: HttpRequest, product_id: int, variant_id: int | None, merchant_id: int | None
) -> None:
    # A visitor without a session is sent with no key: saving one here would set a cookie (and
    # defeat the page cache) for a mere look.
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    session = getattr(request, "session", None)
    product_viewed.send(
        sender=None,
        product_id=product_id,
        variant_id=variant_id,
        merchant_id=merchant_id,
        user_id=user.pk if signed_in else None,
        session_key="" if signed_in or session is None else (session.session_key or ""),
        from_search=request.GET.get("src") == "search",
        channel="web",
    )


def _product_seen_again(request: HttpRequest, notes: dict) -> None:
    """A product page served from the cache kept with holes is a view all the same."""
    if notes.get("product_id"):
        variant_id = parse_variant_id(request.GET.get("variant"))
        _product_seen(request, notes["product_id"], variant_id, notes.get("merchant_id"))


@require_safe
@anonymous_page_cache("product", params=PRODUCT_QUERY_PARAMS, replay=_product_seen_again)
def product(request: HttpRequest, slug: str) -> HttpResponse:
    tree = selectors.category_tree()
    variant_id = parse_variant_id(request.GET.get("variant"))

    def render_body() -> dict:
        page = selectors.product_page(slug=slug, variant_id=variant_id)
        category = tree.by_id.get(page.product.category_id)
        ancestors = [*tree.ancestors(category), category] if category else []
        html = render_to_string(
            "catalog/_product_body.html",
            {
                "p": page,
                "ancestors": ancestors,
                "CART_MAX_LINE_QUANTITY": settings.CART_MAX_LINE_QUANTITY,
            },
        )
        return {
            "html": html,
            "title": page.product.name,
            "category_id": page.product.category_id,
            "product_id": page.product.pk,
            "merchant_id": page.product.merchant_id,
        }

    body = cached_fragment("product", (slug, variant_id), render_body)
    product_id = body.get("product_id")
    if product_id:
        _product_seen(request, product_id, variant_id, body.get("merchant_id"))
        page_note(request, "product_id", product_id)
        page_note(request, "merchant_id", body.get("merchant_id"))
    return page(
        request,
        "catalog/product.html",
        {"tree": tree},
        parts={"body": mark_safe(body["html"]), "title": body["title"], "product_id": product_id},
        key=(),
    )
