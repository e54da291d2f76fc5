from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("checkout/", views.checkout, name="checkout"),
    path("checkout/review/", views.checkout_review, name="checkout_review"),
    path("checkout/place/", views.place, name="place"),
    path(
        "checkout/delivery-options/",
        views.checkout_delivery_options,
        name="checkout_delivery_options",
    ),
    path("orders/", views.order_list, name="list"),
    path("orders/guest/<str:number>/<str:token>/", views.guest_detail, name="guest_detail"),
    path("orders/guest/<str:number>/<str:token>/cancel/", views.guest_cancel, name="guest_cancel"),
    path(
        "orders/guest/<str:number>/<str:token>/tracking/",
        views.guest_tracking,
        name="guest_tracking",
    ),
    path("orders/<str:number>/", views.order_detail, name="detail"),
    path("orders/<str:number>/tracking/", views.order_tracking, name="tracking"),
    path("orders/<str:number>/cancel/", views.cancel, name="cancel"),
    path("orders/<str:number>/reorder/", views.reorder, name="reorder"),
    path("orders/<str:number>/refund/", views.refund_request, name="refund_request"),
]
