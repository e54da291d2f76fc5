"""Checkout and the shopper's order pages. Each view parses its input, calls one service or
selector and renders; services.py decides what may happen to an order.

Checkout keeps the shopper's choices in the session between its three steps (details, review,
place) under CHECKOUT_SESSION_KEY; prices are never stored there: the review page and
order_place compute them from the cart as it is at that moment."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.services import address_save
from cart.selectors import CartView, cart_view

from . import selectors, services
from .errors import CheckoutError, DeliveryUnavailable, OrderError
from .forms import NEW_ADDRESS, CheckoutForm, RefundRequestForm
from .models import Order, OrderChannel, OrderStatus

CHECKOUT_SESSION_KEY = "checkout"


# --- Checkout -----------------------------------------------------------------------------------


def _cart_not_ready(request: HttpRequest, cart: CartView) -> HttpResponse | None:
    """Back to the cart, with the reason, when it cannot be checked out as it is."""
    if cart.is_empty:
        messages.info(request, _("Your cart is empty."))
        return redirect("cart:detail")
    if cart.blocking_problems:
        messages.warning(
            request, _("Some items in your cart need your attention before you can order.")
        )
        return redirect("cart:detail")
    return None


def _checkout_initial(state: dict, saved_addresses: list) -> dict:
    initial: dict = {
        "shipping_method": state.get("shipping_method_id"),
        "delivery_slot": state.get("delivery_slot", ""),
    }
    if state.get("email"):
        initial["email"] = state["email"]
    saved_ids = {a.pk for a in saved_addresses}
    if state.get("address_id") in saved_ids:
        initial["address"] = str(state["address_id"])
    elif state.get("address"):
        initial["address"] = NEW_ADDRESS
        initial["new_address"] = state["address"]
    elif saved_addresses:
        initial["address"] = str(saved_addresses[0].pk)  # the default comes first
    return initial


_ADDRESS_FIELDS = services.ShippingAddress.__dataclass_fields__


def _address_to_quote(
    data, initial: dict, saved_addresses: list
) -> services.ShippingAddress | None:
    """The address the delivery options are quoted for: the saved one chosen, or the new one
    as typed so far (province, city and district are enough), from the posted or queried
    `data`, else from the form's initial values."""
    if data is not None and ("address" in data or not saved_addresses):
        choice = data.get("address", NEW_ADDRESS)
        typed = {f: data.get(f"new-{f}", "").strip() for f in _ADDRESS_FIELDS}
    else:
        choice = initial.get("address", NEW_ADDRESS)
        typed = {f: str((initial.get("new_address") or {}).get(f, "")) for f in _ADDRESS_FIELDS}
    if choice != NEW_ADDRESS:
        saved = next((a for a in saved_addresses if str(a.pk) == str(choice)), None)
        return services.ShippingAddress.from_address(saved) if saved is not None else None
    if not (typed["province"] and typed["city"] and typed["district"]):
        return None
    return services.ShippingAddress(**typed)


def _checkout_form(request: HttpRequest, cart: CartView, data) -> CheckoutForm:
    saved_addresses = selectors.checkout_saved_addresses(user=request.user)
    state = request.session.get(CHECKOUT_SESSION_KEY, {})
    initial = _checkout_initial(state, saved_addresses)
    address = _address_to_quote(data, initial, saved_addresses)
    options = services.checkout_delivery_options(cart=cart, address=address) if address else []
    if options and not initial["shipping_method"]:
        initial["shipping_method"] = options[0].method.pk
    form = CheckoutForm(
        data, user=request.user, saved_addresses=saved_addresses, options=options, initial=initial
    )
    form.address_known = address is not None
    return form


@require_http_methods(["GET", "POST"])
@never_cache
def checkout(request: HttpRequest) -> HttpResponse:
    cart = cart_view(user=request.user, session=request.session)
    if (back := _cart_not_ready(request, cart)) is not None:
        return back
    form = _checkout_form(request, cart, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        chosen = form.chosen_saved_address()
        to_save = form.address_to_save()
        if to_save is not None:
            chosen = address_save(user=request.user, address=to_save)
        slot = form.chosen_slot()
        request.session[CHECKOUT_SESSION_KEY] = {
            "email": request.user.email
            if request.user.is_authenticated
            else form.cleaned_data["email"],
            "address": form.shipping_address().__dict__,
            "address_id": chosen.pk if chosen else None,
            "shipping_method_id": form.cleaned_data["shipping_method"].method.pk,
            "delivery_slot": slot.key if slot else "",
        }
        return redirect("orders:checkout_review")
    return render(request, "orders/checkout.html", {"form": form, "cart": cart})


@require_safe
@never_cache
def checkout_delivery_options(request: HttpRequest) -> HttpResponse:
    """The delivery options for the address the checkout form holds now (its fields as query
    parameters): the HTML of the options list, which checkout.js puts in place of the old one
    when the shopper changes the address."""
    cart = cart_view(user=request.user, session=request.session)
    if cart.is_empty:
        return HttpResponse(_("Your cart is empty."), status=400, content_type="text/plain")
    form = _checkout_form(request, cart, request.GET)
    form.preselect_first_option = True
    return render(request, "orders/_delivery_options.html", {"form": form})


def _checkout_email(request: HttpRequest, state: dict) -> str:
    return request.user.email if request.user.is_authenticated else state.get("email", "")


@require_safe
@never_cache
def checkout_review(request: HttpRequest) -> HttpResponse:
    state = request.session.get(CHECKOUT_SESSION_KEY)
    cart = cart_view(user=request.user, session=request.session)
    if (back := _cart_not_ready(request, cart)) is not None:
        return back
    if not state or not _checkout_email(request, state):
        return redirect("orders:checkout")
    address = services.ShippingAddress(**state["address"])
    try:
        delivery = services.checkout_delivery(
            cart=cart,
            address=address,
            shipping_method_id=state.get("shipping_method_id"),
            slot_key=state.get("delivery_slot", ""),
        )
    except CheckoutError as error:
        messages.warning(request, str(error))
        return redirect("orders:checkout")
    # One key per review page: placing with it twice finds the first order (order_place).
    state["key"] = secrets.token_urlsafe(24)
    request.session[CHECKOUT_SESSION_KEY] = state
    return render(
        request,
        "orders/checkout_review.html",
        {
            "rows": selectors.cart_line_rows(cart),
            "totals": services.checkout_totals(cart=cart, delivery=delivery.option),
            "delivery": delivery,
            "shipping_method": delivery.option.method,
            "address": address,
            "email": _checkout_email(request, state),
            "checkout_key": state["key"],
            "payment_minutes": settings.ORDER_PAYMENT_TIMEOUT_MINUTES,
        },
    )


def _order_url(order: Order) -> str:
    if order.user_id:
        return order.get_absolute_url()
    return reverse("orders:guest_detail", args=[order.number, order.guest_token])


@require_POST
def place(request: HttpRequest) -> HttpResponse:
    state = request.session.get(CHECKOUT_SESSION_KEY) or {}
    key = request.POST.get("checkout_key", "")
    # Compared as bytes: compare_digest refuses str with non-ASCII characters (a forged post).
    if (
        not key
        or not state.get("key")
        or not secrets.compare_digest(key.encode(), state["key"].encode())
    ):
        messages.error(
            request,
            _("This order form is out of date. Please check your order and place it again."),
        )
        return redirect("orders:checkout_review")
    try:
        order = services.order_place(
            user=request.user,
            session=request.session,
            email=_checkout_email(request, state),
            address=services.ShippingAddress(**state["address"]),
            shipping_method_id=state["shipping_method_id"],
            delivery_slot=state.get("delivery_slot", ""),
            checkout_key=key,
            language=translation.get_language(),
            # The connecting address, never a forwarded header a client could write itself.
            client_ip=request.META.get("REMOTE_ADDR") or None,
            channel=OrderChannel.WEB,
        )
    except DeliveryUnavailable as error:
        messages.error(request, str(error))
        return redirect("orders:checkout")
    except CheckoutError as error:
        messages.error(request, str(error))
        return redirect("cart:detail")
    messages.success(
        request,
        _("Thank you! Your order %(number)s has been placed.") % {"number": order.number},
    )
    return redirect(_order_url(order))


# --- Order pages --------------------------------------------------------------------------------


class _PageLinks:
    """What includes/pagination.html asks of its `params`."""

    def query_for_page(self, number: int) -> str:
        return f"?page={number}"


@require_safe
@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    page = selectors.order_history(user=request.user, page_number=request.GET.get("page") or 1)
    return render(
        request,
        "orders/order_list.html",
        {"page": page, "orders": page.object_list, "params": _PageLinks(), "section": "orders"},
    )


def _detail_context(order: Order, **extra) -> dict:
    return {
        "order": order,
        "has_parcels": selectors.order_has_parcels(order),
        "rows": selectors.order_line_rows(order),
        "timeline": selectors.order_timeline(order),
        "shipping_method_name": selectors.order_shipping_method_name(order),
        **selectors.order_actions(order),
        **extra,
    }


@require_safe
@login_required
@never_cache
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = selectors.order_for_user(user=request.user, number=number)
    if order is None:
        raise Http404("No such order")
    context = _detail_context(
        order, refund_form=RefundRequestForm(), section="orders", is_guest_page=False
    )
    return render(request, "orders/order_detail.html", context)


@require_safe
@never_cache
def guest_detail(request: HttpRequest, number: str, token: str) -> HttpResponse:
    order = selectors.order_for_guest_link(number=number, token=token)
    if order is None:
        raise Http404("No such order")
    context = _detail_context(order, token=token, is_guest_page=True)
    return render(request, "orders/order_detail.html", context)


def _tracking(request: HttpRequest, order: Order, **extra) -> HttpResponse:
    parcels = selectors.order_tracking(order)
    context = {
        "order": order,
        "parcels": parcels,
        "live": any(parcel.on_the_way for parcel in parcels),
        "refresh_seconds": settings.TRACKING_REFRESH_SECONDS,
        **extra,
    }
    return render(request, "orders/order_tracking.html", context)


@require_safe
@login_required
@never_cache
def order_tracking(request: HttpRequest, number: str) -> HttpResponse:
    """Where the order's parcels are: each with its carrier, items and timeline."""
    order = selectors.order_owned_by(user=request.user, number=number)
    if order is None:
        raise Http404("No such order")
    return _tracking(request, order, section="orders", is_guest_page=False)


@require_safe
@never_cache
def guest_tracking(request: HttpRequest, number: str, token: str) -> HttpResponse:
    order = selectors.order_for_guest(number=number, token=token)
    if order is None:
        raise Http404("No such order")
    return _tracking(request, order, token=token, is_guest_page=True)


def _own_order(request: HttpRequest, number: str) -> Order:
    order = selectors.order_owned_by(user=request.user, number=number)
    if order is None:
        raise Http404("No such order")
    return order


def _cancel(request: HttpRequest, order: Order) -> None:
    was_paid = order.status == OrderStatus.PAID
    try:
        services.order_cancel(order=order, actor=request.user, by_customer=True)
    except OrderError as error:
        messages.error(request, str(error))
    else:
        done = _("Your order %(number)s has been cancelled.") % {"number": order.number}
        if was_paid:
            done += " " + _("What you paid is being refunded to the account you paid with.")
        messages.success(request, done)


@require_POST
@login_required
def cancel(request: HttpRequest, number: str) -> HttpResponse:
    order = _own_order(request, number)
    _cancel(request, order)
    return redirect(order.get_absolute_url())


@require_POST
def guest_cancel(request: HttpRequest, number: str, token: str) -> HttpResponse:
    order = selectors.order_for_guest(number=number, token=token)
    if order is None:
        raise Http404("No such order")
    _cancel(request, order)
    return redirect(_order_url(order))


@require_POST
@login_required
def refund_request(request: HttpRequest, number: str) -> HttpResponse:
    order = _own_order(request, number)
    form = RefundRequestForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(order.get_absolute_url())
    try:
        services.order_refund_request(
            order=order, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except OrderError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Your refund request has been sent. We will get back to you by email.")
        )
    return redirect(order.get_absolute_url())


@require_POST
@login_required
def reorder(request: HttpRequest, number: str) -> HttpResponse:
    """Put the order's lines back in the cart at today's prices. Lines that can no longer be
    bought as they were are skipped and named; cart_add checks each one."""
    order = _own_order(request, number)
    added, skipped = services.order_reorder(order=order, user=request.user, session=request.session)
    if added:
        messages.success(
            request,
            ngettext(
                "%(count)d item from order %(number)s is back in your cart.",
                "%(count)d items from order %(number)s are back in your cart.",
                added,
            )
            % {"count": added, "number": order.number},
        )
    if skipped:
        messages.warning(
            request,
            _("Not added to your cart: %(items)s") % {"items": "; ".join(skipped)},
        )
    return redirect("cart:detail")
