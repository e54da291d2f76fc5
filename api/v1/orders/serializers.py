"""Output serializers shared by the orders API's views (each view keeps its own input)."""

from __future__ import annotations

from rest_framework import serializers

from orders import selectors

MONEY = {"max_digits": 12, "decimal_places": 2}


class OrderSummaryOutput(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    channel = serializers.CharField()
    created_at = serializers.DateTimeField()
    currency = serializers.CharField()
    total = serializers.DecimalField(**MONEY)
    item_count = serializers.IntegerField(allow_null=True)


class OrderLineOutput(serializers.Serializer):
    name = serializers.CharField()
    sku = serializers.CharField()
    attributes = serializers.JSONField()
    unit_price = serializers.DecimalField(**MONEY)
    quantity = serializers.IntegerField()
    quantity_shipped = serializers.IntegerField()
    line_total = serializers.DecimalField(**MONEY)
    cancelled = serializers.BooleanField()


class AddressOutput(serializers.Serializer):
    recipient = serializers.CharField()
    phone = serializers.CharField()
    province = serializers.CharField()
    city = serializers.CharField()
    district = serializers.CharField()
    street = serializers.CharField()
    postal_code = serializers.CharField()


class OrderActionsOutput(serializers.Serializer):
    can_cancel = serializers.BooleanField()
    can_request_refund = serializers.BooleanField()
    awaiting_payment = serializers.BooleanField()
    under_review = serializers.BooleanField()


class OrderDetailOutput(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    channel = serializers.CharField()
    created_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True, help_text="Pay by.")
    currency = serializers.CharField()
    subtotal = serializers.DecimalField(**MONEY)
    shipping_total = serializers.DecimalField(**MONEY)
    discount_total = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)
    shipping_method = serializers.SerializerMethodField()
    promised_date = serializers.DateField(allow_null=True)
    delivery_window_start = serializers.DateTimeField(allow_null=True)
    delivery_window_end = serializers.DateTimeField(allow_null=True)
    address = serializers.SerializerMethodField()
    lines = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    def get_shipping_method(self, order) -> str:
        return selectors.order_shipping_method_name(order)

    def get_address(self, order) -> AddressOutput:
        return AddressOutput(order).data

    def get_lines(self, order) -> OrderLineOutput(many=True):
        return OrderLineOutput(selectors.order_line_rows(order), many=True).data

    def get_actions(self, order) -> OrderActionsOutput:
        return OrderActionsOutput(selectors.order_actions(order)).data


ORDER_EXAMPLE = {
    "number": "LM7Q2X9K4P",
    "status": "pending_payment",
    "status_label": "Pending payment",
    "channel": "app",
    "created_at": "2027-03-04T09:12:00+08:00",
    "paid_at": None,
    "expires_at": "2027-03-04T09:42:00+08:00",
    "currency": "CNY",
    "subtotal": "258.00",
    "shipping_total": "0.00",
    "discount_total": "0.00",
    "total": "258.00",
    "shipping_method": "Standard delivery",
    "promised_date": "2027-03-07",
    "delivery_window_start": None,
    "delivery_window_end": None,
    "address": {
        "recipient": "王小明",
        "phone": "13812345678",
        "province": "浙江省",
        "city": "杭州市",
        "district": "西湖区",
        "street": "文三路 90 号 3 幢 201 室",
        "postal_code": "310012",
    },
    "lines": [
        {
            "name": "Linen shirt",
            "sku": "SHIRT-L-BLUE",
            "attributes": {"size": "L"},
            "unit_price": "129.00",
            "quantity": 2,
            "quantity_shipped": 0,
            "line_total": "258.00",
            "cancelled": False,
        }
    ],
    "actions": {
        "can_cancel": True,
        "can_request_refund": False,
        "awaiting_payment": True,
        "under_review": False,
    },
}
