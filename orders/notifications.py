"""Order emails, in the language the order was placed in (templates/orders/email/)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from .models import Order

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
