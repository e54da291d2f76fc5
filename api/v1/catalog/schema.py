"""Examples of the catalog endpoints' documentation."""

CARD_EXAMPLE = {
    "id": 42,
    "slug": "trail-runner-2",
    "name": "Trail Runner 2",
    "price": "399.00",
    "rating_avg": "4.50",
    "rating_count": 12,
    "in_stock": True,
    "brand": {"slug": "stride", "name": "Stride"},
    "image": "https://shop.example.com/media/products/2026/11/trail-runner-2-card.webp",
}

PRODUCT_EXAMPLE = {
    **{k: v for k, v in CARD_EXAMPLE.items() if k != "image"},
    "description": "A light trail shoe.",
    "merchant": "Alpha Sports",
    "categories": [{"slug": "shoes", "name": "Shoes"}, {"slug": "running", "name": "Running"}],
    "selected_variant": 7,
    "variants": [
        {
            "id": 7,
            "sku": "TR2-42-RED",
            "attributes": {"size": "42", "colour": "red"},
            "price": "399.00",
            "compare_at_price": "459.00",
            "available": 5,
            "in_stock": True,
        }
    ],
    "images": [
        {
            "alt": "Side view",
            "url": "https://shop.example.com/media/products/2026/11/tr2.jpg",
            "large": "https://shop.example.com/media/products/2026/11/tr2-large.webp",
            "thumb": "https://shop.example.com/media/products/2026/11/tr2-thumb.webp",
        }
    ],
    "rating_histogram": [{"stars": 5, "count": 8, "percent": 67}],
    "reviews": [
        {
            "rating": 5,
            "title": "Grippy",
            "body": "Good on wet rock.",
            "author": "Mei",
            "created_at": "2026-11-20T08:00:00Z",
        }
    ],
}

SEARCH_EXAMPLE = {
    "query": "red running shoes under 500",
    "count": 1,
    "page": 1,
    "page_size": 20,
    "pages": 1,
    "results": [{**CARD_EXAMPLE, "highlights": {"name": "Trail <mark>Runner</mark> 2"}}],
    "facets": [
        {
            "name": "brand",
            "values": [
                {"value": "stride", "label": "Stride", "count": 1, "selected": False, "depth": 0}
            ],
        }
    ],
    "understood": [
        {
            "kind": "price",
            "label": "Under ¥500",
            "price_min": None,
            "price_max": "500.00",
            "colour": "",
            "query_without": "red running shoes",
        }
    ],
    "did_you_mean": None,
    "instead": None,
    "dropped": [],
    "related": [],
    "notices": [],
}
