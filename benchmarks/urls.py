from decimal import Decimal

from django.shortcuts import render
from django.urls import path

from shop.urls import handler400, handler404  # noqa: F401
from shop.urls import urlpatterns as shop_urlpatterns

ITEMS = [
    {
        "name": f"Static item {n}",
        "brand": "Brand",
        "url": f"/p/static-{n}/",
        "image": f"/media/static-{n}.jpg",
        "price": Decimal("99.00") + n,
        "rating": 4.5,
    }
    for n in range(24)
]


def ceiling(request):
    """The ceiling: a bare Django view rendering a template of 24 static items."""
    return render(request, "benchmarks/ceiling.html", {"items": ITEMS})


urlpatterns = [path("__bench__/ceiling/", ceiling), *shop_urlpatterns]
