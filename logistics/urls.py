"""Called by carriers' servers: mounted without a language prefix and without CSRF (each event's
signature authenticates it)."""

from django.urls import path

from . import views

app_name = "logistics"

urlpatterns = [
    path("carriers/<str:code>/events/", views.carrier_event, name="carrier_event"),
]
