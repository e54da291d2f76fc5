"""The merchant API: for a merchant's staff (is_staff with a merchant), scoped like the
merchant admin (accounts.admin_scoping.scope_to_merchant): their products and variants, their
stock per warehouse, their orders awaiting shipment, creating shipments and marking them
shipped. Every change goes through the service the admin calls (catalog.services,
logistics.services.stock, orders.fulfilment), which records its event. A shopper, or a staff
member without a merchant, is refused (403); another merchant's object is a 404."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.admin_scoping import scope_to_merchant
from accounts.permissions import merchant_acting_for
from api.openapi import BAD_INPUT, SIGN_IN, page_example
from catalog import services as catalog_services
from catalog.models import Product, ProductVariant
from logistics.models import Carrier, Shipment, Stock
from logistics.services import stock as stock_services
from orders import fulfilment
from orders import selectors as order_selectors
from orders.models import Order, OrderLine

MONEY = {"max_digits": 12, "decimal_places": 2}
FORBIDDEN = OpenApiResponse(description="Not a merchant's staff.")
REFUSED = OpenApiResponse(description="A business rule refuses it (the service's message).")


class IsMerchantStaff(permissions.BasePermission):
    """Active staff acting for a merchant (an operator, a superuser, uses the admin)."""

    message = _("Only a merchant's staff may use the merchant API.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and merchant_acting_for(user))


class MerchantApi(APIView):
    permission_classes = [IsMerchantStaff]

    def scoped(self, queryset, merchant_path: str):
        return scope_to_merchant(queryset, self.request.user, merchant_path)

    def one(self, queryset, merchant_path: str, message, **lookup):
        found = self.scoped(queryset, merchant_path).filter(**lookup).first()
        if found is None:
            raise exceptions.NotFound(message)
        return found


# --- Products ------------------------------------------------------------------------------------


class VariantOutput(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    attributes = serializers.JSONField()
    price = serializers.DecimalField(**MONEY)
    compare_at_price = serializers.DecimalField(**MONEY, allow_null=True)
    is_active = serializers.BooleanField()


class ProductOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    is_active = serializers.BooleanField(help_text="Published on the storefront.")
    price = serializers.DecimalField(**MONEY, help_text="The lowest active variant's price.")
    variants = VariantOutput(many=True)


VARIANT_EXAMPLE = {
    "id": 7,
    "sku": "MUG-1",
    "attributes": {"colour": "blue"},
    "price": "88.00",
    "compare_at_price": None,
    "is_active": True,
}
PRODUCT_EXAMPLE = {
    "id": 3,
    "name": "Stoneware Mug",
    "slug": "stoneware-mug",
    "is_active": True,
    "price": "88.00",
    "variants": [VARIANT_EXAMPLE],
}
NO_PRODUCT = OpenApiResponse(description="No such product of your merchant.")


def _products(queryset):
    return queryset.prefetch_related(
        Prefetch("variants", queryset=ProductVariant.objects.order_by("position", "id"))
    ).order_by("-created_at", "-id")


class ProductListApi(MerchantApi, ListAPIView):
    serializer_class = ProductOutput

    def get_queryset(self):
        return _products(self.scoped(Product.objects.all(), "merchant"))

    @extend_schema(
        operation_id="merchant_products_list",
        summary="Your merchant's products, newest first",
        responses={200: ProductOutput(many=True), 401: SIGN_IN, 403: FORBIDDEN},
        examples=[page_example(PRODUCT_EXAMPLE)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ProductDetailApi(MerchantApi):
    def _product(self, pk: int) -> Product:
        return self.one(_products(Product.objects.all()), "merchant", _("No such product."), pk=pk)

    @extend_schema(
        operation_id="merchant_products_detail",
        summary="One of your merchant's products",
        responses={200: ProductOutput, 401: SIGN_IN, 403: FORBIDDEN, 404: NO_PRODUCT},
        examples=[OpenApiExample("A product", value=PRODUCT_EXAMPLE, response_only=True)],
    )
    def get(self, request, pk: int):
        return Response(ProductOutput(self._product(pk)).data)


class ProductPublishApi(ProductDetailApi):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "MerchantProductPublishInput"

        is_active = serializers.BooleanField(help_text="Show (true) or hide the product.")

    @extend_schema(
        operation_id="merchant_products_publish",
        summary="Publish or hide one of your products",
        request=InputSerializer,
        responses={
            200: ProductOutput,
            400: BAD_INPUT,
            401: SIGN_IN,
            403: FORBIDDEN,
            404: NO_PRODUCT,
        },
        examples=[
            OpenApiExample("Hide it", value={"is_active": False}, request_only=True),
            OpenApiExample("The product", value=PRODUCT_EXAMPLE, response_only=True),
        ],
    )
    def patch(self, request, pk: int):
        product = self._product(pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        catalog_services.product_set_active(
            products=Product.objects.filter(pk=product.pk),
            active=data.validated_data["is_active"],
            actor=request.user,
        )
        return Response(ProductOutput(self._product(pk)).data)


class ProductCollectionItemApi(ProductPublishApi):
    """GET: one product; PATCH: publish or hide it (one path, two operations)."""


class VariantPriceApi(MerchantApi):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "MerchantVariantPriceInput"

        price = serializers.DecimalField(**MONEY, min_value=0)
        compare_at_price = serializers.DecimalField(
            **MONEY, min_value=0, allow_null=True, required=False, help_text="null clears it."
        )

    @extend_schema(
        operation_id="merchant_variants_price",
        summary="Set a variant's price (its product's from-price follows)",
        request=InputSerializer,
        responses={
            200: VariantOutput,
            400: BAD_INPUT,
            401: SIGN_IN,
            403: FORBIDDEN,
            404: OpenApiResponse(description="No such variant of your merchant."),
        },
        examples=[
            OpenApiExample("A price", value={"price": "79.00"}, request_only=True),
            OpenApiExample("The variant", value=VARIANT_EXAMPLE, response_only=True),
        ],
    )
    def patch(self, request, pk: int):
        variant = self.one(
            ProductVariant.objects.select_related("product"),
            "product__merchant",
            _("No such variant."),
            pk=pk,
        )
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        extra = {}
        if "compare_at_price" in data.validated_data:
            extra["compare_at_price"] = data.validated_data["compare_at_price"]
        variant = catalog_services.variant_price_set(
            variant=variant, price=data.validated_data["price"], actor=request.user, **extra
        )
        return Response(VariantOutput(variant).data)


# --- Stock ---------------------------------------------------------------------------------------


class StockOutput(serializers.Serializer):
    id = serializers.IntegerField()
    warehouse = serializers.CharField(source="warehouse.code")
    warehouse_name = serializers.CharField(source="warehouse.name")
    variant = serializers.IntegerField(source="variant_id")
    sku = serializers.CharField(source="variant.sku")
    product = serializers.CharField(source="variant.product.name")
    quantity = serializers.IntegerField(help_text="On hand.")
    allocated = serializers.IntegerField(help_text="Held for orders not shipped yet.")
    available = serializers.IntegerField()


STOCK_EXAMPLE = {
    "id": 12,
    "warehouse": "sh-pudong",
    "warehouse_name": "Shanghai Pudong",
    "variant": 7,
    "sku": "MUG-1",
    "product": "Stoneware Mug",
    "quantity": 40,
    "allocated": 3,
    "available": 37,
}


def _stock(queryset):
    return queryset.select_related("warehouse", "variant__product").order_by(
        "warehouse__code", "variant__sku", "pk"
    )


class StockListApi(MerchantApi, ListAPIView):
    serializer_class = StockOutput

    def get_queryset(self):
        return _stock(self.scoped(Stock.objects.all(), "variant__product__merchant"))

    @extend_schema(
        operation_id="merchant_stock_list",
        summary="Your merchant's stock, per warehouse and variant",
        responses={200: StockOutput(many=True), 401: SIGN_IN, 403: FORBIDDEN},
        examples=[page_example(STOCK_EXAMPLE)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class StockAdjustApi(MerchantApi):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "MerchantStockAdjustInput"

        quantity = serializers.IntegerField(
            min_value=0, max_value=2**31 - 1, help_text="The count on hand (never below allocated)."
        )
        reason = serializers.CharField(max_length=200, help_text="Recorded in the stock history.")

    @extend_schema(
        operation_id="merchant_stock_adjust",
        summary="Set what a stock row holds on hand (a count, a correction)",
        description="Recorded as an adjusted stock movement with your reason; refused (409) "
        "below the units allocated to orders.",
        request=InputSerializer,
        responses={
            200: StockOutput,
            400: BAD_INPUT,
            401: SIGN_IN,
            403: FORBIDDEN,
            404: OpenApiResponse(description="No such stock row of your merchant."),
            409: REFUSED,
        },
        examples=[
            OpenApiExample(
                "A count", value={"quantity": 40, "reason": "Counted"}, request_only=True
            ),
            OpenApiExample("The row", value=STOCK_EXAMPLE, response_only=True),
        ],
    )
    def post(self, request, pk: int):
        row = self.one(
            Stock.objects.all(), "variant__product__merchant", _("No such stock row."), pk=pk
        )
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        stock_services.stock_adjust(
            stock=row,
            quantity=data.validated_data["quantity"],
            actor=request.user,
            reason=data.validated_data["reason"],
        )
        return Response(StockOutput(_stock(Stock.objects.filter(pk=row.pk)).get()).data)


# --- Orders to ship and shipments ----------------------------------------------------------------


class MerchantLineOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="product_name")
    sku = serializers.CharField()
    quantity = serializers.IntegerField()
    quantity_shipped = serializers.IntegerField()
    cancelled = serializers.SerializerMethodField()

    def get_cancelled(self, line: OrderLine) -> bool:
        return line.cancelled_at is not None


class MerchantShipmentOutput(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    warehouse = serializers.CharField(source="warehouse.code")
    carrier = serializers.CharField(source="carrier.code", allow_null=True, default=None)
    tracking_number = serializers.CharField()
    shipped_at = serializers.DateTimeField(allow_null=True)


class MerchantOrderOutput(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    paid_at = serializers.DateTimeField(allow_null=True)
    recipient = serializers.CharField()
    city = serializers.CharField()
    district = serializers.CharField()
    lines = MerchantLineOutput(many=True, source="merchant_lines", help_text="Yours only.")
    shipments = MerchantShipmentOutput(
        many=True, source="merchant_shipments", help_text="Yours only."
    )


SHIPMENT_EXAMPLE = {
    "number": "SP2703040001",
    "status": "packing",
    "warehouse": "sh-pudong",
    "carrier": None,
    "tracking_number": "",
    "shipped_at": None,
}
ORDER_EXAMPLE = {
    "number": "LM7Q2X9K4P",
    "status": "paid",
    "paid_at": "2027-03-04T09:12:00+08:00",
    "recipient": "林小姐",
    "city": "杭州市",
    "district": "西湖区",
    "lines": [
        {
            "id": 31,
            "name": "Stoneware Mug",
            "sku": "MUG-1",
            "quantity": 2,
            "quantity_shipped": 0,
            "cancelled": False,
        }
    ],
    "shipments": [SHIPMENT_EXAMPLE],
}
NO_ORDER = OpenApiResponse(description="No such order with your merchant's lines.")


def _merchant_orders(queryset, merchant_id: int):
    return queryset.prefetch_related(
        Prefetch(
            "lines",
            queryset=OrderLine.objects.filter(merchant_id=merchant_id).order_by("id"),
            to_attr="merchant_lines",
        ),
        Prefetch(
            "shipments",
            queryset=Shipment.objects.filter(merchant_id=merchant_id)
            .select_related("warehouse", "carrier")
            .order_by("created_at", "id"),
            to_attr="merchant_shipments",
        ),
    )


class OrderToShipListApi(MerchantApi, ListAPIView):
    serializer_class = MerchantOrderOutput

    def get_queryset(self):
        merchant_id = merchant_acting_for(self.request.user)
        orders = order_selectors.orders_awaiting_shipment(merchant_id=merchant_id)
        return _merchant_orders(orders.order_by("paid_at", "id"), merchant_id)

    @extend_schema(
        operation_id="merchant_orders_to_ship",
        summary="Paid orders with your lines still to ship, the longest waiting first",
        responses={200: MerchantOrderOutput(many=True), 401: SIGN_IN, 403: FORBIDDEN},
        examples=[page_example(ORDER_EXAMPLE)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class OrderShipmentsCreateApi(MerchantApi):
    @extend_schema(
        operation_id="merchant_orders_shipments_create",
        summary="Start packing: shipments for your lines of an order, one per warehouse",
        description="As the admin's Create shipments action: for your unshipped lines that no "
        "shipment holds yet. Nothing leaves the stock until a shipment is marked shipped.",
        request=None,
        responses={
            201: MerchantShipmentOutput(many=True),
            401: SIGN_IN,
            403: FORBIDDEN,
            404: NO_ORDER,
            409: REFUSED,
        },
        examples=[OpenApiExample("Created", value=[SHIPMENT_EXAMPLE], response_only=True)],
    )
    def post(self, request, number: str):
        order = self.one(Order.objects.all(), "lines__merchant", _("No such order."), number=number)
        created = fulfilment.order_shipments_create(order=order, actor=request.user)
        shipments = Shipment.objects.filter(pk__in=[s.pk for s in created]).select_related(
            "warehouse", "carrier"
        )
        return Response(
            MerchantShipmentOutput(shipments.order_by("id"), many=True).data,
            status=status.HTTP_201_CREATED,
        )


class ShipmentDispatchApi(MerchantApi):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "MerchantShipmentDispatchInput"

        carrier = serializers.SlugRelatedField(
            slug_field="code",
            queryset=Carrier.objects.filter(is_active=True),
            help_text="The carrier's code.",
        )
        tracking_number = serializers.CharField(
            max_length=40,
            required=False,
            allow_blank=True,
            default="",
            help_text="As the carrier gave it (the shop's own vans and the simulated carrier "
            "make one up when it is empty).",
        )

        def validate(self, data):
            carrier = data["carrier"]
            data["tracking_number"] = data["tracking_number"].strip()
            if not data["tracking_number"] and not (carrier.is_local or carrier.is_simulated):
                raise serializers.ValidationError(
                    {
                        "tracking_number": _(
                            "%(carrier)s needs the tracking number it gave the parcel."
                        )
                        % {"carrier": carrier.name}
                    }
                )
            return data

    @extend_schema(
        operation_id="merchant_shipments_dispatch",
        summary="Mark one of your shipments shipped, with its carrier and tracking number",
        description="As the admin's Mark shipped: its units leave the stock, the order becomes "
        "shipped (or partially shipped), the shopper is told.",
        request=InputSerializer,
        responses={
            200: MerchantShipmentOutput,
            400: BAD_INPUT,
            401: SIGN_IN,
            403: FORBIDDEN,
            404: OpenApiResponse(description="No such shipment of your merchant."),
            409: REFUSED,
        },
        examples=[
            OpenApiExample(
                "Handed to SF",
                value={"carrier": "sf", "tracking_number": "SF1234567890"},
                request_only=True,
            ),
            OpenApiExample(
                "Shipped",
                value={
                    **SHIPMENT_EXAMPLE,
                    "status": "shipped",
                    "carrier": "sf",
                    "tracking_number": "SF1234567890",
                    "shipped_at": "2027-03-04T15:00:00+08:00",
                },
                response_only=True,
            ),
        ],
    )
    def post(self, request, number: str):
        shipment = self.one(
            Shipment.objects.all(), "merchant", _("No such shipment."), number=number
        )
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fulfilment.order_shipment_dispatch(
            shipment=shipment,
            actor=request.user,
            carrier=data.validated_data["carrier"],
            tracking_number=data.validated_data["tracking_number"],
        )
        shipment = Shipment.objects.select_related("warehouse", "carrier").get(pk=shipment.pk)
        return Response(MerchantShipmentOutput(shipment).data)
