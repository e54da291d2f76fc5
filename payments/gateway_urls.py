"""Called by Alipay's servers: mounted without a language prefix and without CSRF (the
signature authenticates it)."""

from django.urls import path

from . import views

app_name = "payments_gateway"

urlpatterns = [
    path("alipay/notify/", views.alipay_notify, name="alipay_notify"),
]
