"""The shopper's own account: register, profile, addresses, and the region table for an app's
address pickers. Each view validates its input, calls the accounts service the pages call, and
answers with its output serializer."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from drf_standardized_errors.openapi_serializers import ErrorResponse401Serializer
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.serializers import (
    TokenBlacklistSerializer,
    TokenRefreshSerializer,
)
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenBlacklistView, TokenRefreshView

from accounts import regions, selectors, services
from api.pagination import Pages

from . import serializers as s
from .schema import ADDRESS_EXAMPLE

TAG = ["account"]


class AccountRegisterApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        operation_id="account_register",
        tags=TAG,
        summary="Create a shopper account",
        description="Creates the account (the registration page's rules: a unique email, the "
        "password validators) and returns it with a token pair, so the app is signed in. "
        + s.password_help(),
        request=s.RegisterInput,
        responses={201: s.RegisterOutput},
        examples=[
            OpenApiExample(
                "New shopper",
                value={
                    "email": "mei@example.com",
                    "password": "a long pass phrase",
                    "first_name": "Mei",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Created",
                value={
                    "user": {
                        "id": 7,
                        "email": "mei@example.com",
                        "first_name": "Mei",
                        "last_name": "",
                        "phone": "",
                    },
                    "tokens": {"access": "eyJ...", "refresh": "eyJ..."},
                },
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    def post(self, request):
        data = s.RegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_register(
            email=data.validated_data["email"],
            password=data.validated_data["password"],
            first_name=data.validated_data.get("first_name", ""),
            last_name=data.validated_data.get("last_name", ""),
        )
        refresh = RefreshToken.for_user(user)
        body = {
            "user": user,
            "tokens": {"access": str(refresh.access_token), "refresh": str(refresh)},
        }
        return Response(s.RegisterOutput(body).data, status=status.HTTP_201_CREATED)


PROFILE_EXAMPLE = OpenApiExample(
    "Profile",
    value={
        "id": 7,
        "email": "mei@example.com",
        "first_name": "Mei",
        "last_name": "Wang",
        "phone": "13812345678",
    },
    response_only=True,
)


class AccountProfileApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="account_profile",
        tags=TAG,
        summary="The signed-in shopper's profile",
        responses={200: s.UserOutput},
        examples=[PROFILE_EXAMPLE],
    )
    def get(self, request):
        return Response(s.UserOutput(request.user).data)

    @extend_schema(
        operation_id="account_profile_update",
        tags=TAG,
        summary="Change name or mobile number",
        description="Only the fields sent change. The mobile number is normalised "
        '("+86 138-1234-5678" → "13812345678").',
        request=s.ProfileInput,
        responses={200: s.UserOutput},
        examples=[
            OpenApiExample("New number", value={"phone": "+86 138-1234-5678"}, request_only=True),
            PROFILE_EXAMPLE,
        ],
    )
    def patch(self, request):
        data = s.ProfileInput(data=request.data, context={"user": request.user})
        data.is_valid(raise_exception=True)
        user = services.user_profile_update(user=request.user, **data.validated_data)
        return Response(s.UserOutput(user).data)


class AccountAddressListApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    pagination_class = Pages
    serializer_class = s.AccountAddressOutput

    def get_queryset(self):
        return selectors.address_list(user=self.request.user)

    @extend_schema(
        operation_id="account_addresses_list",
        tags=TAG,
        summary="The shopper's addresses, the default first",
        examples=[OpenApiExample("Addresses", value=[ADDRESS_EXAMPLE], response_only=True)],
    )
    def get(self, request):
        return super().get(request)


class AccountAddressCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="account_addresses_create",
        tags=TAG,
        summary="Add an address",
        description="Province, city and district are names from the region table "
        "(account/regions/); the first address, or one marked default, becomes the default.",
        request=s.AddressInput,
        responses={201: s.AccountAddressOutput},
        examples=[
            OpenApiExample(
                "Address",
                value={k: v for k, v in ADDRESS_EXAMPLE.items() if k not in ("id", "region_code")},
                request_only=True,
            ),
            OpenApiExample(
                "Created", value=ADDRESS_EXAMPLE, response_only=True, status_codes=["201"]
            ),
        ],
    )
    def post(self, request):
        data = s.AddressInput(data=request.data)
        data.is_valid(raise_exception=True)
        address = services.address_save(user=request.user, address=data.validated_data["address"])
        return Response(s.AccountAddressOutput(address).data, status=status.HTTP_201_CREATED)


class AccountAddressCollectionApi(AccountAddressListApi, AccountAddressCreateApi):
    """GET lists the shopper's addresses, POST adds one."""


class AccountAddressDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="account_addresses_retrieve",
        tags=TAG,
        summary="One of the shopper's addresses",
        description="Anyone else's address is a 404.",
        responses={200: s.AccountAddressOutput},
        examples=[OpenApiExample("Address", value=ADDRESS_EXAMPLE, response_only=True)],
    )
    def get(self, request, pk: int):
        return Response(
            s.AccountAddressOutput(selectors.address_get(user=request.user, pk=pk)).data
        )


class AccountAddressUpdateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="account_addresses_update",
        tags=TAG,
        summary="Change an address",
        description="Only the fields sent change; the whole address is checked again against "
        "the region table.",
        request=s.AddressInput(partial=True),
        responses={200: s.AccountAddressOutput},
        examples=[
            OpenApiExample("New street", value={"street": "世纪大道 200 号"}, request_only=True),
            OpenApiExample("Changed", value=ADDRESS_EXAMPLE, response_only=True),
        ],
    )
    def patch(self, request, pk: int):
        address = selectors.address_get(user=request.user, pk=pk)
        data = s.AddressInput(data=request.data, partial=True, context={"address": address})
        data.is_valid(raise_exception=True)
        address = services.address_save(user=request.user, address=data.validated_data["address"])
        return Response(s.AccountAddressOutput(address).data)


class AccountAddressDeleteApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="account_addresses_destroy",
        tags=TAG,
        summary="Delete an address",
        description="When it was the default, the newest remaining address becomes the default.",
        responses={204: None},
    )
    def delete(self, request, pk: int):
        address = selectors.address_get(user=request.user, pk=pk)
        services.address_delete(user=request.user, address=address)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AccountAddressItemApi(
    AccountAddressDetailApi, AccountAddressUpdateApi, AccountAddressDeleteApi
):
    """account/addresses/<id>/: GET reads, PATCH changes, DELETE deletes (one class each)."""


class AccountAddressMakeDefaultApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="account_addresses_make_default",
        tags=TAG,
        summary="Make an address the default",
        request=None,
        responses={200: s.AccountAddressOutput},
        examples=[OpenApiExample("Default", value=ADDRESS_EXAMPLE, response_only=True)],
    )
    def post(self, request, pk: int):
        address = selectors.address_get(user=request.user, pk=pk)
        address = services.address_make_default(user=request.user, address=address)
        return Response(s.AccountAddressOutput(address).data)


class AccountRegionListApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        operation_id="account_regions_list",
        tags=TAG,
        summary="Provinces, or the cities or districts inside one",
        description="Without `parent`: the provinces. With a province's code: its cities; with "
        "a city's: its districts. Names are what an address takes; not paginated (a few dozen "
        "at most).",
        parameters=[
            OpenApiParameter(
                "parent",
                OpenApiTypes.STR,
                description="A province's or city's six-digit code",
                pattern=r"^\d{6}$",
            )
        ],
        responses={200: s.RegionOutput(many=True)},
        examples=[
            OpenApiExample(
                "Cities of 广东省",
                value=[{"code": "440100", "name": "广州市"}, {"code": "440300", "name": "深圳市"}],
                response_only=True,
            )
        ],
    )
    def get(self, request):
        parent = request.query_params.get("parent")
        places = regions.provinces() if not parent else regions.children(parent)
        if places is None:
            raise Http404(_("There is no province or city with this code."))
        response = Response(s.RegionOutput(places, many=True).data)
        # The table changes with a deploy, never per user.
        response["Cache-Control"] = "public, max-age=86400"
        return response


# --- Token sign-in (djangorestframework-simplejwt), documented with its 401 -----------------------
TOKEN_PAIR_EXAMPLE = OpenApiExample(
    "Token pair", value={"access": "eyJ...", "refresh": "eyJ..."}, response_only=True
)


class TokenRefreshApi(TokenRefreshView):
    @extend_schema(
        operation_id="auth_token_refresh",
        tags=["auth"],
        summary="A new token pair for a refresh token",
        description="The refresh token sent is revoked: it works once.",
        request=TokenRefreshSerializer,
        responses={200: s.TokenPairOutput, 401: ErrorResponse401Serializer},
        examples=[TOKEN_PAIR_EXAMPLE],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class TokenRevokeApi(TokenBlacklistView):
    @extend_schema(
        operation_id="auth_token_revoke",
        tags=["auth"],
        summary="Sign out: revoke a refresh token",
        request=TokenBlacklistSerializer,
        responses={200: s.RevokedOutput, 401: ErrorResponse401Serializer},
        examples=[OpenApiExample("Revoked", value={}, response_only=True)],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
