"""Sign-in for apps and partners (tokens from djangorestframework-simplejwt), and the shopper's
own account: register, profile, addresses."""

from django.urls import path

from . import views
from .tokens import TokenObtainApi

urlpatterns = [
    path("auth/token/", TokenObtainApi.as_view(), name="token"),
    path("auth/token/refresh/", views.TokenRefreshApi.as_view(), name="token-refresh"),
    path("auth/token/revoke/", views.TokenRevokeApi.as_view(), name="token-revoke"),
    path("account/register/", views.AccountRegisterApi.as_view(), name="account-register"),
    path("account/profile/", views.AccountProfileApi.as_view(), name="account-profile"),
    path(
        "account/addresses/", views.AccountAddressCollectionApi.as_view(), name="account-addresses"
    ),
    path(
        "account/addresses/<int:pk>/",
        views.AccountAddressItemApi.as_view(),
        name="account-address",
    ),
    path(
        "account/addresses/<int:pk>/default/",
        views.AccountAddressMakeDefaultApi.as_view(),
        name="account-address-default",
    ),
    path("account/regions/", views.AccountRegionListApi.as_view(), name="account-regions"),
]
