"""HTTP face of the sandbox gateway: the cashier (page/WAP pay) and the server-side API.
A developer tool imitating Alipay's pages, so its few strings are English only."""

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import gateway
from .tasks import deliver_notification


def _params(request: HttpRequest) -> dict[str, str]:
    # The SDK puts common params in the query string and biz_content in the body (or all in the
    # query string for page_execute GET); Alipay reads both.
    return {**request.GET.dict(), **request.POST.dict()}


QR_MODULES = 25  # a version-2 QR code's size, so the picture reads as one at a glance
QR_QUIET = 2


def _qr_like_cells(seed: str) -> list[tuple[int, int]]:
    """Dark modules of a picture that looks like a QR code (three finder squares and noise
    derived from the trade), labelled as not scannable: a sandbox has nothing to scan."""
    size = QR_MODULES
    bits = "".join(f"{byte:08b}" for byte in hashlib.sha256(seed.encode()).digest() * 3)
    cells = set()
    for row in range(size):
        for col in range(size):
            if bits[(row * size + col) % len(bits)] == "1":
                cells.add((col, row))
    for ox, oy in ((0, 0), (size - 7, 0), (0, size - 7)):
        for row in range(-1, 8):
            for col in range(-1, 8):
                cells.discard((ox + col, oy + row))  # clear the finder and its separator
        for row in range(7):
            for col in range(7):
                ring = max(abs(row - 3), abs(col - 3))
                if ring != 2:
                    cells.add((ox + col, oy + row))
    return sorted((x + QR_QUIET, y + QR_QUIET) for x, y in cells if 0 <= x < size and 0 <= y < size)


def _cashier(request: HttpRequest, trade: dict) -> HttpResponse:
    context = {
        "trade": trade,
        "merchant_name": settings.SHOP_NAME,
        "qr_cells": _qr_like_cells(trade["trade_no"]),
        "qr_size": QR_MODULES + 2 * QR_QUIET,
    }
    return render(request, "alipay_sandbox/cashier.html", context)


def _error_page(request: HttpRequest, exc: gateway.SandboxError) -> HttpResponse:
    return render(request, "alipay_sandbox/error.html", {"error": exc}, status=400)


@csrf_exempt  # called by the SDK from the shop's server, signed instead
@require_http_methods(["GET", "POST"])
def gateway_do(request: HttpRequest) -> HttpResponse:
    params = _params(request)
    method = params.get("method", "")
    if method in gateway.PAGE_METHODS:
        try:
            biz = gateway.check_page_request(params)
            trade = gateway.open_trade(params, biz)
        except gateway.SandboxError as exc:
            return _error_page(request, exc)
        return _cashier(request, trade)
    if method in gateway.API_METHODS:
        body = gateway.signed_response(method, gateway.api_call(params))
        return HttpResponse(body, content_type="application/json; charset=utf-8")
    return _error_page(
        request, gateway._invalid("isv.invalid-method", f"method {method[:60]!r} not supported")
    )


@require_POST
def cashier_action(request: HttpRequest, out_trade_no: str) -> HttpResponse:
    trade = gateway.get_trade(out_trade_no)
    if trade is None:
        return _error_page(request, gateway._business("ACQ.TRADE_NOT_EXIST", "no such trade"))
    if request.POST.get("action") != "pay":
        return render(request, "alipay_sandbox/cancelled.html", {"trade": trade})
    try:
        trade = gateway.pay_trade(out_trade_no)
        notify = gateway.notification_params(trade)
        back = gateway.return_params(trade)
    except gateway.SandboxError as exc:
        return _error_page(request, exc)

    def send_notification() -> None:
        deliver_notification.delay(trade["notify_url"], notify)

    # robust: a shop that does not answer must not stop the buyer's redirect; the task retries.
    transaction.on_commit(send_notification, robust=True)
    if not trade["return_url"]:  # app pay: the buyer goes back to the app by hand
        return render(request, "alipay_sandbox/paid.html", {"trade": trade})
    separator = "&" if "?" in trade["return_url"] else "?"
    return HttpResponseRedirect(trade["return_url"] + separator + urlencode(back))
