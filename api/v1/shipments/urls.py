"""Shipments and tracking: orders/<number>/shipments/, shipments/<number>/. Included at "" after
the orders package: `orders/<number>/` there takes no slash in <number>, so the longer
`orders/<number>/shipments/` reaches this package (tests/api/shipments prove it)."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "orders/<str:number>/shipments/",
        views.OrderShipmentListApi.as_view(),
        name="order-shipments",
    ),
    path("shipments/<str:number>/", views.ShipmentDetailApi.as_view(), name="shipment"),
]
