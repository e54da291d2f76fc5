"""Version 1 of the API: one module per area (catalog, cart, orders ...), each its own urls."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.Root.as_view(), name="root"),
]
