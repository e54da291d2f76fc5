"""The merchant API, under /api/v1/merchant/: products, variants' prices, stock, orders to ship,
shipments."""

from django.urls import path

from . import views

urlpatterns = [
    path("products/", views.ProductListApi.as_view(), name="merchant-products"),
    path("products/<int:pk>/", views.ProductCollectionItemApi.as_view(), name="merchant-product"),
    path(
        "variants/<int:pk>/price/", views.VariantPriceApi.as_view(), name="merchant-variant-price"
    ),
    path("stock/", views.StockListApi.as_view(), name="merchant-stock"),
    path("stock/<int:pk>/adjust/", views.StockAdjustApi.as_view(), name="merchant-stock-adjust"),
    path("orders/", views.OrderToShipListApi.as_view(), name="merchant-orders"),
    path(
        "orders/<str:number>/shipments/",
        views.OrderShipmentsCreateApi.as_view(),
        name="merchant-order-shipments",
    ),
    path(
        "shipments/<str:number>/ship/",
        views.ShipmentDispatchApi.as_view(),
        name="merchant-shipment-dispatch",
    ),
]
