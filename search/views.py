"""The search results page and the autocomplete endpoint of the header's search box."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from catalog.selectors import category_tree

from . import selectors, services, understanding
from .backends.base import FACETS, SearchQuery, SearchResult
from .facets import price_range_label, understood_label
from .forms import SORT_LABELS, AutocompleteForm, SearchForm


def _params(query: SearchQuery, **changes) -> str:
    """The query string of `query` with some parameters changed (page resets to 1)."""
    values = {
        "q": query.text,
        "category": list(query.categories),
        "brand": list(query.brands),
        "price": list(query.price_bands),
        "rating": query.min_rating,
        "in_stock": "1" if query.in_stock else None,
        "min_price": query.price_min,
        "max_price": query.price_max,
        "sort": query.sort if query.sort != "relevance" else None,
        "page": None,
    }
    values.update(changes)
    pairs = []
    for key, value in values.items():
        if isinstance(value, list | tuple):
            pairs.extend((key, v) for v in value)
        elif value not in (None, ""):
            pairs.append((key, value))
    return "?" + urlencode(pairs)


def _toggle(query: SearchQuery, facet: str, value: str) -> str:
    """The link that selects or clears one facet value."""
    if facet == "rating":
        return _params(query, rating=None if query.min_rating == int(value) else value)
    if facet == "in_stock":
        return _params(query, in_stock=None if query.in_stock else "1")
    current = {"category": query.categories, "brand": query.brands, "price": query.price_bands}[
        facet
    ]
    chosen = [v for v in current if v != value] if value in current else [*current, value]
    return _params(query, **{facet: chosen})


@require_safe
def results(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.search_query(
        language=get_language() or settings.LANGUAGE_CODE, per_page=settings.SHOP_PRODUCTS_PER_PAGE
    )
    filtered = query.filter_count > 0
    result = None
    cards = []
    if query.text or filtered:
        result = services.run_search(query)
        pages = max(1, -(-result.total // query.per_page))
        if query.page > pages and result.total:
            # Past the last page (an old link): show the last one.
            query = SearchQuery(**{**query.__dict__, "page": pages})
            result = services.run_search(query, log=False)
        cards = selectors.hit_cards(result.hits)
    facets = []
    if result is not None:
        tree = category_tree()
        for name in FACETS:
            values = [
                {"value": v, "link": _toggle(query, name, v.value), "depth": 0}
                for v in result.facets.get(name, [])
            ]
            if name == "category":
                values = _category_values(values, query, tree)
            if values:
                facets.append({"name": name, "values": values})
    context = {
        "query": query,
        "result": result,
        "cards": cards,
        "facets": facets,
        "notices": form.notices,
        "sort_labels": SORT_LABELS,
        "filtered": filtered,
        "page": _page_info(query, result),
        "clear_link": _params(
            query,
            category=[],
            brand=[],
            price=[],
            rating=None,
            in_stock=None,
            min_price=None,
            max_price=None,
        ),
        "chips": _chips(query, result) if result is not None else [],
        "instead_link": _params(query, q=result.instead) if result and result.instead else "",
        "did_you_mean_link": _params(query, q=result.did_you_mean)
        if result and result.did_you_mean
        else "",
        "related_links": [
            (text, _params(query, q=text, category=[], brand=[], price=[]))
            for text in (result.related if result else [])
        ],
    }
    return render(request, "search/results.html", context)


def _chips(query: SearchQuery, result: SearchResult) -> list[dict]:
    """What was read from the words (and a price range from the URL), each with the link that
    searches again without it."""
    chips = []
    for part in result.understood:
        label = understood_label(part)
        chips.append(
            {"label": label, "link": _params(query, q=understanding.without(query.text, part))}
        )
    if query.price_min is not None or query.price_max is not None:
        chips.append(
            {
                "label": price_range_label(query.price_min, query.price_max),
                "link": _params(query, min_price=None, max_price=None),
            }
        )
    return chips


def _category_values(values: list[dict], query: SearchQuery, tree) -> list[dict]:
    """Top-level categories, and the subcategories of a chosen one (or of a chosen one's
    parent), indented under it."""
    chosen = {tree.by_slug[s].id for s in query.categories if s in tree.by_slug}
    open_ids = chosen | {tree.by_id[i].parent_id for i in chosen if tree.by_id[i].parent_id}
    shown = []
    for item in values:
        node = tree.by_slug.get(item["value"].value)
        if node is None:
            continue
        if node.parent_id is None or node.parent_id in open_ids:
            item["depth"] = len(tree.ancestors(node))
            shown.append(item)
    return shown


def _page_info(query: SearchQuery, result) -> dict | None:
    if result is None or result.total <= query.per_page:
        return None
    pages = -(-result.total // query.per_page)
    numbers = sorted({1, pages, *range(max(1, query.page - 2), min(pages, query.page + 2) + 1)})
    items, last = [], 0
    for n in numbers:
        if n - last > 1:
            items.append(None)
        items.append({"number": n, "link": _params(query, page=n), "current": n == query.page})
        last = n
    return {
        "items": items,
        "previous": _params(query, page=query.page - 1) if query.page > 1 else "",
        "next": _params(query, page=query.page + 1) if query.page < pages else "",
        "pages": pages,
    }


@require_safe
def autocomplete(request: HttpRequest) -> JsonResponse:
    text = AutocompleteForm(request.GET).text()
    language = get_language() or settings.LANGUAGE_CODE
    suggestions = services.autocomplete(text, language=language) if text.strip() else []
    return JsonResponse(
        {
            "query": text,
            "suggestions": [{"kind": s.kind, "label": s.label, "url": s.url} for s in suggestions],
        }
    )
