from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("alipay/notify/", views.alipay_notify, name="alipay_notify"),
]
