"""Shipments and tracking for apps: the same data as the order tracking page
(orders.selectors.order_tracking): each parcel with its carrier, tracking number, status,
items, progress steps and its timeline of events, newest first. A shopper only ever sees the
shipments of their own orders: anyone else's order or shipment number is a 404."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from api.openapi import SIGN_IN, page_example
from orders import selectors


class ShipmentItemOutput(serializers.Serializer):
    name = serializers.CharField()
    sku = serializers.CharField()
    attributes = serializers.JSONField()
    quantity = serializers.IntegerField()


class TrackingStepOutput(serializers.Serializer):
    label = serializers.CharField()
    done = serializers.BooleanField()
    current = serializers.BooleanField()


class TrackingEventOutput(serializers.Serializer):
    type = serializers.CharField()
    occurred_at = serializers.DateTimeField(source="when")
    text = serializers.CharField(help_text="The event in the request's language.")
    detail = serializers.CharField(help_text="The carrier's own words, as they came.")
    is_problem = serializers.BooleanField()


class ShipmentOutput(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    carrier = serializers.CharField(source="carrier_name", help_text="Empty until handed over.")
    carrier_link = serializers.CharField(help_text="The carrier's tracking page, if it has one.")
    tracking_number = serializers.CharField()
    warehouse_city = serializers.CharField()
    promised_date = serializers.DateField(allow_null=True)
    shipped_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    on_the_way = serializers.BooleanField()
    items = ShipmentItemOutput(many=True)
    steps = TrackingStepOutput(many=True)
    events = TrackingEventOutput(many=True, source="timeline", help_text="Newest first.")


SHIPMENT_EXAMPLE = {
    "number": "SP2703040001",
    "status": "in_transit",
    "status_label": "In transit",
    "carrier": "SF Express",
    "carrier_link": "https://track.example/SF1234567890",
    "tracking_number": "SF1234567890",
    "warehouse_city": "上海市",
    "promised_date": "2027-03-07",
    "shipped_at": "2027-03-04T15:00:00+08:00",
    "delivered_at": None,
    "on_the_way": True,
    "items": [{"name": "Stoneware Mug", "sku": "MUG-1", "attributes": {}, "quantity": 2}],
    "steps": [
        {"label": "Being packed", "done": True, "current": False},
        {"label": "Shipped", "done": True, "current": False},
        {"label": "In transit", "done": True, "current": True},
        {"label": "Out for delivery", "done": False, "current": False},
        {"label": "Delivered", "done": False, "current": False},
    ],
    "events": [
        {
            "type": "in_transit",
            "occurred_at": "2027-03-05T08:00:00+08:00",
            "text": "In transit at 杭州市",
            "detail": "",
            "is_problem": False,
        },
        {
            "type": "shipped",
            "occurred_at": "2027-03-04T15:00:00+08:00",
            "text": "Handed to SF Express, tracking number SF1234567890",
            "detail": "",
            "is_problem": False,
        },
    ],
}
NO_ORDER = OpenApiResponse(description="No such order of yours.")
NO_SHIPMENT = OpenApiResponse(description="No such shipment of yours.")


class OrderShipmentListApi(ListAPIView):
    """The parcels of one of your orders, oldest first."""

    serializer_class = ShipmentOutput

    def get_queryset(self):
        order = selectors.order_owned_by(user=self.request.user, number=self.kwargs["number"])
        if order is None:
            raise exceptions.NotFound(_("No such order."))
        return selectors.order_tracking(order)

    @extend_schema(
        operation_id="orders_shipments_list",
        summary="The shipments of one of your orders, with their tracking",
        responses={200: ShipmentOutput(many=True), 401: SIGN_IN, 404: NO_ORDER},
        examples=[page_example(SHIPMENT_EXAMPLE)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ShipmentDetailApi(APIView):
    @extend_schema(
        operation_id="shipments_detail",
        summary="One of your shipments, with its tracking events",
        responses={200: ShipmentOutput, 401: SIGN_IN, 404: NO_SHIPMENT},
        examples=[OpenApiExample("A parcel", value=SHIPMENT_EXAMPLE, response_only=True)],
    )
    def get(self, request, number: str):
        parcel = selectors.shipment_tracking_of_user(user=request.user, number=number)
        if parcel is None:
            raise exceptions.NotFound(_("No such shipment."))
        return Response(ShipmentOutput(parcel).data)
