"""The cart for apps: read it, add a variant, change or remove a line. The same services as the
cart page (cart.services: the per-line limit, stock checked now, a refusal's message) and the same
selector (cart.selectors.cart_view: prices as they are now). A signed-in app uses its account's
cart; an anonymous one a cart of its own named by the `X-Cart-Token` it was given (tokens.py).

A line is named by its variant's id: a cart holds at most one line per variant."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.channels import reported_channel
from api.openapi import BAD_INPUT
from cart import selectors, services
from cart.forms import MAX_ID
from cart.storage import storage_for

from .tokens import CART_TOKEN_PARAMETER, HEADER, cart_session, cart_session_new

MONEY = {"max_digits": 12, "decimal_places": 2}


class CartLineOutput(serializers.Serializer):
    id = serializers.IntegerField(source="variant.pk", help_text="The variant's id: the line's.")
    variant = serializers.IntegerField(source="variant.pk")
    product = serializers.IntegerField(source="product.pk")
    name = serializers.CharField(source="product.name")
    sku = serializers.CharField(source="variant.sku")
    attributes = serializers.JSONField(source="variant.attributes")
    image_url = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(**MONEY)
    price_when_added = serializers.DecimalField(**MONEY)
    line_total = serializers.DecimalField(**MONEY)
    available = serializers.IntegerField(help_text="Units in stock now.")
    unavailable = serializers.BooleanField(help_text="No longer sold: remove it to check out.")
    short_of_stock = serializers.BooleanField(help_text="More than the stock: lower it.")
    price_changed = serializers.BooleanField()


class CartOutput(serializers.Serializer):
    token = serializers.CharField(
        allow_null=True,
        help_text="An anonymous app's cart token, to send back as X-Cart-Token; null when "
        "signed in (or for an anonymous app without a cart yet).",
    )
    lines = CartLineOutput(many=True)
    count = serializers.IntegerField()
    subtotal = serializers.DecimalField(**MONEY)
    blocking_problems = serializers.BooleanField(
        help_text="Some line must be fixed before checking out."
    )


CART_EXAMPLE = OpenApiExample(
    "A cart",
    value={
        "token": "q1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6",
        "lines": [
            {
                "id": 42,
                "variant": 42,
                "product": 7,
                "name": "Linen shirt",
                "sku": "SHIRT-L-BLUE",
                "attributes": {"size": "L", "colour": "blue"},
                "image_url": "/media/products/shirt.jpg",
                "quantity": 2,
                "unit_price": "129.00",
                "price_when_added": "129.00",
                "line_total": "258.00",
                "available": 9,
                "unavailable": False,
                "short_of_stock": False,
                "price_changed": False,
            }
        ],
        "count": 2,
        "subtotal": "258.00",
        "blocking_problems": False,
    },
    response_only=True,
)

REFUSED = OpenApiResponse(
    description="The cart services refuse: out of stock, more than is left, more than the "
    "per-line limit, a product no longer sold, a line not in the cart."
)


class _CartApi(APIView):
    permission_classes = [AllowAny]

    def _shopper(self, request, *, create: bool):
        """(user, session) the cart services take. For an anonymous app: its token's cart, a new
        one when `create` and it has none."""
        if request.user.is_authenticated:
            return request.user, request.session if hasattr(request, "session") else None
        session = cart_session(request.headers.get(HEADER))
        if session is None and create:
            session = cart_session_new()
        return None, session

    def _answer(self, user, session, *, code: int = status.HTTP_200_OK) -> Response:
        token = None
        if user is None and session is not None:
            if session.modified or not session.session_key:
                session.save()
            token = session.session_key
        if user is None and session is None:
            cart = selectors.CartView(lines=[])
        else:
            cart = selectors.cart_view(user=user, session=session)
        data = CartOutput(
            {
                "token": token,
                "lines": cart.lines,
                "count": cart.count,
                "subtotal": cart.subtotal,
                "blocking_problems": cart.blocking_problems,
            }
        ).data
        headers = {HEADER: token} if token else {}
        return Response(data, status=code, headers=headers)


class CartDetailApi(_CartApi):
    @extend_schema(
        operation_id="cart_detail",
        summary="The cart, at today's prices and stock",
        parameters=[CART_TOKEN_PARAMETER],
        responses={200: CartOutput},
        examples=[CART_EXAMPLE],
    )
    def get(self, request):
        user, session = self._shopper(request, create=False)
        return self._answer(user, session)


class CartLineAddApi(_CartApi):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "CartLineAddInput"

        variant = serializers.IntegerField(min_value=1, max_value=MAX_ID)
        quantity = serializers.IntegerField(
            min_value=1, max_value=settings.CART_MAX_LINE_QUANTITY, default=1
        )

    @extend_schema(
        operation_id="cart_line_add",
        summary="Add a variant to the cart (to what the cart holds of it already)",
        parameters=[CART_TOKEN_PARAMETER],
        request=InputSerializer,
        responses={201: CartOutput, 400: BAD_INPUT, 409: REFUSED},
        examples=[
            OpenApiExample(
                "Two of a variant", value={"variant": 42, "quantity": 2}, request_only=True
            ),
            CART_EXAMPLE,
        ],
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user, session = self._shopper(request, create=True)
        services.cart_add(
            user=user,
            session=session,
            variant_id=data.validated_data["variant"],
            quantity=data.validated_data["quantity"],
            channel=reported_channel(request),
        )
        return self._answer(user, session, code=status.HTTP_201_CREATED)


class _LineApi(_CartApi):
    def _line_shopper(self, request, variant_id: int):
        """The cart holding this line; 404 when it holds none (or there is no cart)."""
        user, session = self._shopper(request, create=False)
        if (user is None and session is None) or variant_id not in storage_for(
            user, session
        ).lines():
            raise NotFound(_("That item is not in your cart."))
        return user, session


class CartLineUpdateApi(_LineApi):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "CartLineUpdateInput"

        quantity = serializers.IntegerField(
            min_value=0,
            max_value=settings.CART_MAX_LINE_QUANTITY,
            help_text="The line's new quantity; 0 removes it.",
        )

    @extend_schema(
        operation_id="cart_line_update",
        summary="Change a line's quantity (0 removes it)",
        parameters=[CART_TOKEN_PARAMETER],
        request=InputSerializer,
        responses={
            200: CartOutput,
            400: BAD_INPUT,
            404: OpenApiResponse(description="No such line in the cart."),
            409: REFUSED,
        },
        examples=[OpenApiExample("Three", value={"quantity": 3}, request_only=True), CART_EXAMPLE],
    )
    def patch(self, request, variant_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user, session = self._line_shopper(request, variant_id)
        services.cart_set_quantity(
            user=user,
            session=session,
            variant_id=variant_id,
            quantity=data.validated_data["quantity"],
        )
        return self._answer(user, session)


class CartLineRemoveApi(_LineApi):
    @extend_schema(
        operation_id="cart_line_remove",
        summary="Remove a line",
        parameters=[CART_TOKEN_PARAMETER],
        request=None,
        responses={
            200: CartOutput,
            404: OpenApiResponse(description="No such line in the cart."),
            409: REFUSED,
        },
        examples=[CART_EXAMPLE],
    )
    def delete(self, request, variant_id: int):
        user, session = self._line_shopper(request, variant_id)
        services.cart_remove(user=user, session=session, variant_id=variant_id)
        return self._answer(user, session)


class CartLineApi(CartLineUpdateApi, CartLineRemoveApi):
    """cart/lines/<variant id>/: PATCH changes (CartLineUpdateApi), DELETE removes
    (CartLineRemoveApi)."""
