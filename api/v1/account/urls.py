"""Sign-in for apps and partners (tokens from djangorestframework-simplejwt), and the shopper's
own account: register, profile, addresses."""

from django.urls import path
from rest_framework_simplejwt.views import (
    TokenBlacklistView,
    TokenObtainPairView,
    TokenRefreshView,
)

urlpatterns = [
    path("auth/token/", TokenObtainPairView.as_view(), name="token"),
    path("auth/token/refresh/", TokenRefreshView.as_view(), name="token-refresh"),
    path("auth/token/revoke/", TokenBlacklistView.as_view(), name="token-revoke"),
]
