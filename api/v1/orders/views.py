"""Checkout, orders and payment start for apps: the same services and selectors as the checkout
and order pages (orders.services, orders.selectors, payments.services). A shopper only ever sees
their own orders: anyone else's order number is a 404.

Placing an order, asking for a refund and starting a payment honour an `Idempotency-Key`
(api/idempotency.py): a retry gets the first answer, also when both arrive at once."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import exceptions, serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import address_list
from api.channels import API_CHANNELS, CHANNEL_HEADER
from api.errors import Conflict
from api.idempotency import IDEMPOTENCY_PARAMETER, idempotent, request_key
from api.openapi import BAD_INPUT
from cart.forms import MAX_ID
from cart.selectors import cart_view
from orders import selectors, services
from orders.models import Order, OrderChannel
from payments.services import payment_start, payment_start_app

from .serializers import MONEY, ORDER_EXAMPLE, OrderDetailOutput, OrderSummaryOutput

CHANNEL_PARAMETER = OpenApiParameter(
    name=CHANNEL_HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    enum=[c.value for c in API_CHANNELS],
    description="Where the order is placed from (recorded on the order); app when left out.",
)
NOT_FOUND = OpenApiResponse(description="No such order of yours.")
REUSED_KEY = OpenApiResponse(description="The Idempotency-Key was used with another request.")


def client_channel(request) -> OrderChannel:
    value = request.headers.get(CHANNEL_HEADER, "").strip() or OrderChannel.APP
    if value not in API_CHANNELS:
        raise exceptions.ValidationError(
            {
                CHANNEL_HEADER: [
                    _("Say app, mini_program or partner (or leave the header out: app).")
                ]
            }
        )
    return OrderChannel(value)


def _own_order(request, number: str) -> Order:
    order = selectors.order_owned_by(user=request.user, number=number)
    if order is None:
        raise exceptions.NotFound(_("No such order."))
    return order


def _detail(request, number: str, *, code: int = status.HTTP_200_OK) -> Response:
    order = selectors.order_for_user(user=request.user, number=number)
    if order is None:
        raise exceptions.NotFound(_("No such order."))
    return Response(OrderDetailOutput(order).data, status=code)


def _saved_address(request, pk: int):
    address = address_list(user=request.user).filter(pk=pk).first()
    if address is None:
        raise exceptions.ValidationError({"address": [_("No such address in your address book.")]})
    return services.ShippingAddress.from_address(address)


# --- Checkout -----------------------------------------------------------------------------------


class SlotOutput(serializers.Serializer):
    key = serializers.CharField(help_text="What to send as delivery_slot.")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class DeliveryOptionOutput(serializers.Serializer):
    shipping_method = serializers.IntegerField(source="method.pk")
    name = serializers.CharField(source="method.name")
    description = serializers.CharField(source="method.description")
    is_local = serializers.BooleanField()
    price = serializers.DecimalField(**MONEY)
    eta = serializers.DateField(help_text="The promised delivery date.")
    slots = SlotOutput(many=True, help_text="Local delivery: the slot to choose from.")


class DeliveryOptionListApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "DeliveryOptionListInput"

        address = serializers.IntegerField(min_value=1, max_value=MAX_ID)

    @extend_schema(
        operation_id="checkout_delivery_options",
        summary="The delivery options for the cart to one of your addresses, priced and dated",
        parameters=[
            OpenApiParameter("address", OpenApiTypes.INT, required=True, description="Its id.")
        ],
        responses={
            200: DeliveryOptionOutput(many=True),
            400: BAD_INPUT,
            409: OpenApiResponse(description="The cart is empty."),
        },
        examples=[
            OpenApiExample(
                "Standard delivery",
                value=[
                    {
                        "shipping_method": 1,
                        "name": "Standard delivery",
                        "description": "Two to four days.",
                        "is_local": False,
                        "price": "12.00",
                        "eta": "2027-03-07",
                        "slots": [],
                    }
                ],
                response_only=True,
            )
        ],
    )
    def get(self, request):
        query = self.InputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        address = _saved_address(request, query.validated_data["address"])
        cart = cart_view(user=request.user, session=request.session)
        if cart.is_empty:
            raise Conflict(_("Your cart is empty."))
        options = services.checkout_delivery_options(cart=cart, address=address)
        return Response(DeliveryOptionOutput(options, many=True).data)


# --- Orders -------------------------------------------------------------------------------------


class OrderListApi(ListAPIView):
    serializer_class = OrderSummaryOutput

    def get_queryset(self):
        return selectors.orders_of_user(user=self.request.user)

    @extend_schema(
        operation_id="orders_list",
        summary="Your orders, newest first",
        examples=[
            OpenApiExample(
                "A page",
                value={
                    "count": 1,
                    "next": None,
                    "previous": None,
                    "results": [
                        {
                            "number": "LM7Q2X9K4P",
                            "status": "paid",
                            "status_label": "Paid",
                            "channel": "app",
                            "created_at": "2027-03-04T09:12:00+08:00",
                            "currency": "CNY",
                            "total": "258.00",
                            "item_count": 2,
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class OrderPlaceApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "OrderPlaceInput"

        address = serializers.IntegerField(
            min_value=1, max_value=MAX_ID, help_text="One of your addresses."
        )
        shipping_method = serializers.IntegerField(
            min_value=1, max_value=MAX_ID, help_text="From checkout/delivery-options/."
        )
        delivery_slot = serializers.CharField(
            required=False, default="", allow_blank=True, max_length=32
        )

    @extend_schema(
        operation_id="orders_place",
        summary="Place an order from the cart (Idempotency-Key honoured)",
        parameters=[IDEMPOTENCY_PARAMETER, CHANNEL_PARAMETER],
        request=InputSerializer,
        responses={
            201: OrderDetailOutput,
            400: BAD_INPUT,
            409: OpenApiResponse(
                description="The cart is empty or needs attention, not enough stock, or the "
                "delivery option does not serve the address."
            ),
            422: REUSED_KEY,
        },
        examples=[
            OpenApiExample(
                "From the cart", value={"address": 3, "shipping_method": 1}, request_only=True
            ),
            OpenApiExample("The order placed", value=ORDER_EXAMPLE, response_only=True),
        ],
    )
    def post(self, request):
        channel = client_channel(request)
        return idempotent(request, scope="orders-place", work=lambda: self._place(request, channel))

    def _place(self, request, channel: OrderChannel) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key = request_key(request)
        # The same key also names the order itself (orders' own guard against a double submit).
        checkout_key = (
            "api-" + hashlib.sha256(f"{request.user.pk}:{key}".encode()).hexdigest()[:56]
            if key
            else secrets.token_urlsafe(24)
        )
        order = services.order_place(
            user=request.user,
            session=request.session,
            email=request.user.email,
            address=_saved_address(request, data.validated_data["address"]),
            shipping_method_id=data.validated_data["shipping_method"],
            delivery_slot=data.validated_data["delivery_slot"],
            checkout_key=checkout_key,
            language=translation.get_language(),
            client_ip=request.META.get("REMOTE_ADDR") or None,
            channel=channel,
        )
        return _detail(request, order.number, code=status.HTTP_201_CREATED)


class OrderDetailApi(APIView):
    @extend_schema(
        operation_id="orders_detail",
        summary="One of your orders",
        responses={200: OrderDetailOutput, 404: NOT_FOUND},
        examples=[OpenApiExample("An order", value=ORDER_EXAMPLE, response_only=True)],
    )
    def get(self, request, number: str):
        return _detail(request, number)


class OrderCancelApi(APIView):
    @extend_schema(
        operation_id="orders_cancel",
        summary="Cancel an order that has not shipped (a paid one is refunded)",
        request=None,
        responses={
            200: OrderDetailOutput,
            404: NOT_FOUND,
            409: OpenApiResponse(description="It can no longer be cancelled."),
        },
        examples=[OpenApiExample("Cancelled", value=ORDER_EXAMPLE, response_only=True)],
    )
    def post(self, request, number: str):
        order = _own_order(request, number)
        services.order_cancel(order=order, actor=request.user, by_customer=True)
        return _detail(request, number)


class OrderRefundRequestApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "OrderRefundRequestInput"

        reason = serializers.CharField(max_length=1000)

    @extend_schema(
        operation_id="orders_refund_request",
        summary="Ask for your money back on a shipped order (Idempotency-Key honoured)",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=InputSerializer,
        responses={
            200: OrderDetailOutput,
            400: BAD_INPUT,
            404: NOT_FOUND,
            409: OpenApiResponse(description="A refund cannot be requested in this status."),
            422: REUSED_KEY,
        },
        examples=[
            OpenApiExample("Why", value={"reason": "Too small."}, request_only=True),
            OpenApiExample("Requested", value=ORDER_EXAMPLE, response_only=True),
        ],
    )
    def post(self, request, number: str):
        return idempotent(
            request, scope=f"orders-refund:{number}", work=lambda: self._request(request, number)
        )

    def _request(self, request, number: str) -> Response:
        order = _own_order(request, number)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.order_refund_request(
            order=order, actor=request.user, reason=data.validated_data["reason"]
        )
        return _detail(request, number)


# --- Payment ------------------------------------------------------------------------------------


class PaymentStartApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "PaymentStartInput"

        method = serializers.ChoiceField(
            choices=[
                ("alipay_wap", "Alipay's mobile web cashier: a URL to open"),
                ("alipay_app", "Alipay app pay: an order string for the Alipay SDK"),
            ]
        )

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "PaymentStartOutput"

        method = serializers.CharField()
        out_trade_no = serializers.CharField()
        amount = serializers.DecimalField(**MONEY)
        pay_url = serializers.CharField(
            allow_null=True, help_text="alipay_wap: open it in a browser or web view."
        )
        order_string = serializers.CharField(
            allow_null=True, help_text="alipay_app: hand it to the Alipay SDK's pay call."
        )

    @extend_schema(
        operation_id="orders_payment_start",
        summary="Start paying an order with Alipay (Idempotency-Key honoured)",
        parameters=[IDEMPOTENCY_PARAMETER],
        request=InputSerializer,
        responses={
            200: OutputSerializer,
            400: BAD_INPUT,
            404: NOT_FOUND,
            409: OpenApiResponse(description="The order is not awaiting payment."),
            422: REUSED_KEY,
        },
        examples=[
            OpenApiExample("App pay", value={"method": "alipay_app"}, request_only=True),
            OpenApiExample(
                "App pay started",
                value={
                    "method": "alipay_app",
                    "out_trade_no": "LM7Q2X9K4P-1",
                    "amount": "258.00",
                    "pay_url": None,
                    "order_string": "app_id=2021000000000000&biz_content=...&sign=...",
                },
                response_only=True,
            ),
        ],
    )
    def post(self, request, number: str):
        return idempotent(
            request, scope=f"orders-payment:{number}", work=lambda: self._start(request, number)
        )

    def _start(self, request, number: str) -> Response:
        order = _own_order(request, number)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        method = data.validated_data["method"]
        notify_url = settings.SHOP_BASE_URL.rstrip("/") + reverse("payments_gateway:alipay_notify")
        pay_url = order_string = None
        if method == "alipay_app":
            payment, order_string = payment_start_app(order=order, notify_url=notify_url)
        else:
            return_url = request.build_absolute_uri(reverse("payments:alipay_return"))
            payment, pay_url = payment_start(
                order=order, mobile=True, return_url=return_url, notify_url=notify_url
            )
        return Response(
            self.OutputSerializer(
                {
                    "method": method,
                    "out_trade_no": payment.out_trade_no,
                    "amount": payment.amount,
                    "pay_url": pay_url,
                    "order_string": order_string,
                }
            ).data
        )


class OrderCollectionApi(OrderListApi, OrderPlaceApi):
    """orders/: GET lists (OrderListApi), POST places (OrderPlaceApi)."""
