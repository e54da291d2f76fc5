"""Version 1 of the API: one package per area, each with its own urls, views (one API class per
operation, calling the same services and selectors as the pages) and serializers."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.Root.as_view(), name="root"),
    # auth/ (tokens) and account/ (register, profile, addresses, regions)
    path("", include("api.v1.account.urls")),
    # categories/, products/, search/, suggest/, recommendations/
    path("", include("api.v1.catalog.urls")),
    # cart/
    path("", include("api.v1.cart.urls")),
    # checkout/, orders/, payments/
    path("", include("api.v1.orders.urls")),
    # orders/<number>/shipments/, shipments/<number>/
    path("", include("api.v1.shipments.urls")),
    # support/
    path("", include("api.v1.support.urls")),
    # merchant/: a merchant's staff, scoped like admin
    path("merchant/", include("api.v1.merchant.urls")),
]
