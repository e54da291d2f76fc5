"""Sign-in for apps and partners (tokens from djangorestframework-simplejwt), and the shopper's
own account: register, profile, addresses."""

from django.urls import path
from rest_framework_simplejwt.views import (
    TokenBlacklistView,
    TokenRefreshView,
)

from .tokens import TokenObtainApi

urlpatterns = [
    path("auth/token/", TokenObtainApi.as_view(), name="token"),
    path("auth/token/refresh/", TokenRefreshView.as_view(), name="token-refresh"),
    path("auth/token/revoke/", TokenBlacklistView.as_view(), name="token-revoke"),
]
