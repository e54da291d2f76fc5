"""The cart: cart/ and its lines (cart/lines/<variant id>/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("cart/", views.CartDetailApi.as_view(), name="cart"),
    path("cart/lines/", views.CartLineAddApi.as_view(), name="cart-lines"),
    path("cart/lines/<int:variant_id>/", views.CartLineApi.as_view(), name="cart-line"),
]
