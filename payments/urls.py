"""The shopper's payment pages (inside i18n_patterns). Alipay's notify is in gateway_urls.py."""

from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("pay/return/", views.alipay_return, name="alipay_return"),
    path("pay/status/<str:number>/", views.payment_status, name="status"),
    path(
        "pay/status/guest/<str:number>/<str:token>/",
        views.payment_status_guest,
        name="status_guest",
    ),
    path(
        "pay/guest/<str:number>/<str:token>/", views.alipay_start_guest, name="alipay_start_guest"
    ),
    path("pay/<str:number>/", views.alipay_start, name="alipay_start"),
]
