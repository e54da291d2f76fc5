"""Checkout, orders and payment start: checkout/delivery-options/, orders/ ..."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "checkout/delivery-options/",
        views.DeliveryOptionListApi.as_view(),
        name="checkout-delivery-options",
    ),
    path("orders/", views.OrderCollectionApi.as_view(), name="orders"),
    path("orders/<str:number>/", views.OrderDetailApi.as_view(), name="order"),
    path("orders/<str:number>/cancel/", views.OrderCancelApi.as_view(), name="order-cancel"),
    path(
        "orders/<str:number>/refund/",
        views.OrderRefundRequestApi.as_view(),
        name="order-refund-request",
    ),
    path("orders/<str:number>/payment/", views.PaymentStartApi.as_view(), name="order-payment"),
]
