"""Order emails, in the language the order was placed in (templates/orders/email/)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from logistics.models import Shipment

from .models import Order, ShipmentNotice, ShipmentNoticeKind

KINDS = ("placed", "paid", "cancelled", "shipped", "approved", "refunded")


def order_link(order: Order) -> str:
    """The link in the email: the order page, or for a guest the secret guest link."""
    from django.urls import reverse

    with translation.override(order.language):
        if order.user_id:
            path = reverse("orders:detail", args=[order.number])
        else:
            path = reverse("orders:guest_detail", args=[order.number, order.guest_token])
    return settings.SHOP_BASE_URL.rstrip("/") + path


def tracking_link(order: Order) -> str:
    """The link in a parcel's email: the order's tracking page (a guest's with its secret)."""
    from django.urls import reverse

    with translation.override(order.language):
        if order.user_id:
            path = reverse("orders:tracking", args=[order.number])
        else:
            path = reverse("orders:guest_tracking", args=[order.number, order.guest_token])
    return settings.SHOP_BASE_URL.rstrip("/") + path


def send_order_email(*, order: Order, kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown order email {kind!r}")
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "link": order_link(order),
        "shop_name": settings.SHOP_NAME,
    }
    with translation.override(order.language):
        subject = render_to_string(f"orders/email/{kind}_subject.txt", context).strip()
        body = render_to_string(f"orders/email/{kind}.txt", context)
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [order.email])


def send_shipment_email(*, shipment: Shipment, kind: str) -> bool:
    """Tell the shopper that a parcel is on its way (`kind` "shipped") or was delivered
    ("delivered"), in the order's language, with its carrier, tracking number and items. Sent
    once per shipment and kind: a repeat finds the notice already recorded and sends nothing
    (returns False). The notice and the email go together: if sending fails, nothing is
    recorded and a retry sends it."""
    if kind not in ShipmentNoticeKind.values:
        raise ValueError(f"unknown shipment email {kind!r}")
    order = shipment.order
    items = [
        (part.order_line.product_name, part.order_line.sku, part.quantity)
        for part in shipment.lines.select_related("order_line").order_by("pk")
    ]
    context = {
        "order": order,
        "shipment": shipment,
        "items": items,
        "link": order_link(order),
        "tracking_link": tracking_link(order),
        "shop_name": settings.SHOP_NAME,
    }
    with transaction.atomic():
        try:
            with transaction.atomic():
                ShipmentNotice.objects.create(shipment=shipment, kind=kind, sent_at=timezone.now())
        except IntegrityError:
            return False
        with translation.override(order.language):
            subject = render_to_string(f"orders/email/shipment_{kind}_subject.txt", context)
            body = render_to_string(f"orders/email/shipment_{kind}.txt", context)
        send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [order.email])
    return True
