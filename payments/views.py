"""Alipay's notify endpoint, and the shopper's pages: start paying an order, and the page Alipay
sends the buyer back to. Only the signed notify (or the reconciliation) ever marks anything paid;
the return page just reports what we already know."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from orders import selectors as order_selectors
from orders import services as order_services
from orders.models import Order

from .errors import PaymentError
from .models import Payment
from .models import PaymentStatus as P
from .notify_limits import notify_rejection_count, notify_rejections_exceeded
from .services import payment_handle_notification, payment_start

logger = logging.getLogger(__name__)

# User-Agent fragments of phones and tablets, which get Alipay's mobile (WAP) cashier. Deliberately
# simple: a wrong guess still reaches a working cashier, just the other layout.
MOBILE_UA_MARKERS = ("Mobile", "Android", "iPhone")
# The guest orders this browser started paying, so the return page may link to them.
GUEST_PAYMENTS_SESSION_KEY = "alipay_guest_orders"


@csrf_exempt
@require_POST
def alipay_notify(request):
    """Alipay's asynchronous notification. The answer is protocol, not text for people: "success"
    stops Alipay's retries, anything else makes it try again later, so errors answer "failure".
    A body larger than any notification is refused unread and counts as a rejection."""
    # The connecting address, never a forwarded header a client could write itself.
    client_ip = request.META.get("REMOTE_ADDR") or ""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if not 0 <= length <= settings.PAYMENTS_NOTIFY_MAX_BYTES:
        if not notify_rejections_exceeded(client_ip=client_ip):
            logger.warning("alipay notify refused: body of %s bytes from %s", length, client_ip)
            notify_rejection_count(client_ip=client_ip)
        return _notify_answer(False)
    try:
        ok = payment_handle_notification(params=request.POST.dict(), client_ip=client_ip)
    except Exception:
        logger.exception("alipay notify failed")
        ok = False
    return _notify_answer(ok)


def _notify_answer(ok: bool) -> HttpResponse:
    return HttpResponse("success" if ok else "failure", content_type="text/plain")


def is_mobile(request: HttpRequest) -> bool:
    user_agent = request.headers.get("User-Agent", "")
    return any(marker in user_agent for marker in MOBILE_UA_MARKERS)


def _order_url(order: Order) -> str:
    if order.user_id:
        return order.get_absolute_url()
    return reverse("orders:guest_detail", args=[order.number, order.guest_token])


def _start(request: HttpRequest, order: Order) -> HttpResponse:
    notify_url = settings.SHOP_BASE_URL.rstrip("/") + reverse("payments_gateway:alipay_notify")
    return_url = request.build_absolute_uri(reverse("payments:alipay_return"))
    try:
        _payment, gateway_url = payment_start(
            order=order, mobile=is_mobile(request), return_url=return_url, notify_url=notify_url
        )
    except PaymentError as error:
        messages.error(request, str(error))
        return redirect(_order_url(order))
    return redirect(gateway_url)


@require_POST
@login_required
def alipay_start(request: HttpRequest, number: str) -> HttpResponse:
    order = order_selectors.order_owned_by(user=request.user, number=number)
    if order is None:
        raise Http404("No such order")
    return _start(request, order)


@require_POST
def alipay_start_guest(request: HttpRequest, number: str, token: str) -> HttpResponse:
    order = order_services.order_for_guest(number=number, token=token)
    if order is None:
        raise Http404("No such order")
    started = request.session.get(GUEST_PAYMENTS_SESSION_KEY, [])
    if order.pk not in started:
        request.session[GUEST_PAYMENTS_SESSION_KEY] = [*started, order.pk][-20:]
    return _start(request, order)


def _viewer_owns(request: HttpRequest, order: Order) -> bool:
    if order.user_id:
        return request.user.is_authenticated and request.user.pk == order.user_id
    return order.pk in request.session.get(GUEST_PAYMENTS_SESSION_KEY, [])


@require_safe
@never_cache
def alipay_return(request: HttpRequest) -> HttpResponse:
    """Where Alipay sends the buyer after paying. Its parameters are never trusted: the page
    only reports the payment's state as the notify left it, and only to the order's owner."""
    payment = (
        Payment.objects.select_related("order")
        .filter(out_trade_no=request.GET.get("out_trade_no", "")[:64])
        .first()
    )
    order = payment.order if payment is not None else None
    if order is not None and not _viewer_owns(request, order):
        order = None
    context = {
        "order": order,
        "order_url": _order_url(order) if order is not None else "",
        "paid": order is not None and payment.status == P.PAID,
    }
    return render(request, "payments/return.html", context)
