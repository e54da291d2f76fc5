"""Alipay's notify endpoint, and the shopper's pages: start paying an order, the page Alipay
sends the buyer back to, and the payment state those pages poll. Nothing here trusts what a
browser carries: only what Alipay signed (the notify) or answers when asked (alipay.trade.query,
on a signed return, on polling, in the reconciliation) ever marks anything paid."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from orders import selectors as order_selectors
from orders.models import Order, OrderStatus

from . import selectors
from .errors import PaymentError
from .models import PaymentStatus as P
from .notify_limits import notify_rejection_count, notify_rejections_exceeded
from .selectors import PaymentState
from .services import (
    payment_handle_notification,
    payment_handle_return,
    payment_start,
    payments_refresh_pending,
)

logger = logging.getLogger(__name__)

# User-Agent fragments of phones and tablets, which get Alipay's mobile (WAP) cashier. Deliberately
# simple: a wrong guess still reaches a working cashier, just the other layout.
MOBILE_UA_MARKERS = ("Mobile", "Android", "iPhone")
# The guest orders this browser started paying, so the return page may link to them.
GUEST_PAYMENTS_SESSION_KEY = "alipay_guest_orders"
# The return page asks every 2 s for a minute, then tells the shopper to look at the order later.
RETURN_POLL_INTERVAL_MS = 2000
RETURN_POLL_LIMIT = 30


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
    order = order_selectors.order_for_guest(number=number, token=token)
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


def _status_url(order: Order) -> str:
    return reverse("payments:status", args=[order.number])


@require_safe
@never_cache
def alipay_return(request: HttpRequest) -> HttpResponse:
    """Where Alipay sends the buyer after paying. Its parameters are trusted only when Alipay's
    signature on them checks out, and even then only to ask Alipay about the trade (the
    answer goes through the notify's locked path); the page shows the order, and polls its
    payment state until it is paid, only to the order's owner."""
    payment_handle_return(params=request.GET.dict())
    payment = selectors.payment_for_reference(out_trade_no=request.GET.get("out_trade_no", ""))
    order = payment.order if payment is not None else None
    if order is not None and not _viewer_owns(request, order):
        order = None
    paid = order is not None and (
        payment.status == P.PAID
        or selectors.order_payment_state(order=order).state == PaymentState.PAID
    )
    context = {
        "order": order,
        "order_url": _order_url(order) if order is not None else "",
        "paid": paid,
        "status_url": _status_url(order) if order is not None and not paid else "",
        "poll_interval_ms": RETURN_POLL_INTERVAL_MS,
        "poll_limit": RETURN_POLL_LIMIT,
    }
    return render(request, "payments/return.html", context)


def _owned_order(request: HttpRequest, number: str) -> Order | None:
    """The order if this browser's user owns it, or this browser started paying it as a guest."""
    if request.user.is_authenticated:
        order = order_selectors.order_owned_by(user=request.user, number=number)
        if order is not None:
            return order
    return selectors.guest_order_among(
        number=number, order_ids=request.session.get(GUEST_PAYMENTS_SESSION_KEY, [])
    )


def _status(order: Order | None) -> JsonResponse:
    if order is None:
        return JsonResponse({"error": _("No such order.")}, status=404)
    if order.status == OrderStatus.PENDING_PAYMENT:
        payments_refresh_pending(order_id=order.pk, source="status")
        order.refresh_from_db()
    state = selectors.order_payment_state(order=order)
    return JsonResponse(
        {
            "order": order.number,
            "state": state.state,
            "order_status": order.status,
            "order_status_label": order.get_status_display(),
        }
    )


@require_safe
@never_cache
def payment_status(request: HttpRequest, number: str) -> JsonResponse:
    """The payment state of the viewer's own order, as JSON, for the pages that wait for it. A
    payment still pending is asked about at Alipay first (at most once every few seconds per
    payment); anyone else's order, or none, is a 404."""
    return _status(_owned_order(request, number))


@require_safe
@never_cache
def payment_status_guest(request: HttpRequest, number: str, token: str) -> JsonResponse:
    """payment_status for the holder of a guest order's secret link."""
    return _status(order_selectors.order_for_guest(number=number, token=token))
