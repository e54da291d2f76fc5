from django.urls import path

from . import views

app_name = "alipay_sandbox"

urlpatterns = [
    path("gateway.do", views.gateway_do, name="gateway"),
    path("cashier/<str:out_trade_no>/", views.cashier_action, name="cashier-action"),
]
