"""The cart pages. Each view parses its form, calls one service and reports the outcome: as a
message and a redirect for a plain form post, or as JSON for the product page's fetch()."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from common.origin import local_path, same_origin_required

from . import selectors, services
from .errors import CartError
from .forms import AddToCartForm, UpdateQuantityForm


def _wants_json(request: HttpRequest) -> bool:
    return (
        "application/json" in request.headers.get("Accept", "")
        or "X-Requested-With" in request.headers
    )


def _safe_next(request: HttpRequest) -> str | None:
    return local_path(request, request.POST.get("next", ""))


def _done(request: HttpRequest, *, message: str, redirect_to: str) -> HttpResponse:
    if _wants_json(request):
        count = selectors.cart_count(user=request.user, session=request.session)
        return JsonResponse({"ok": True, "count": count, "message": message})
    messages.success(request, message)
    return redirect(redirect_to)


def _refused(request: HttpRequest, *, error: str, redirect_to: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"ok": False, "error": error}, status=400)
    messages.error(request, error)
    return redirect(redirect_to)


@require_safe
@never_cache
def detail(request: HttpRequest) -> HttpResponse:
    cart = selectors.cart_view(user=request.user, session=request.session)
    # The header's count comes from the cart just read rather than from another query.
    return render(request, "cart/detail.html", {"cart": cart, "cart_count": cart.count})


# Exempt from the CSRF token so the product page can carry this form without one: a token would
# set the CSRF cookie, and a response that sets a cookie is never served from the anonymous page
# cache (catalog/caching.py). A cross-site POST is still refused, before any session is made: it
# arrives without the shopper's SameSite=Lax session cookie, so a fresh session's cookie in the
# answer would replace theirs and its cart would merge into their account at the next login
# (shop/origin.py). Every other cart view keeps Django's full CSRF protection.
@csrf_exempt
@require_POST
@same_origin_required
def add(request: HttpRequest) -> HttpResponse:
    back = _safe_next(request) or reverse("cart:detail")
    form = AddToCartForm(request.POST)
    if not form.is_valid():
        return _refused(request, error=form.first_error(), redirect_to=back)
    try:
        services.cart_add(
            user=request.user,
            session=request.session,
            variant_id=form.cleaned_data["variant"],
            quantity=form.cleaned_data["quantity"],
        )
    except CartError as error:
        return _refused(request, error=str(error), redirect_to=back)
    if request.POST.get("buy_now"):
        # "Buy now" is the same form as "Add to cart", sent with the button's name: the item is
        # in the cart like any other, and the shopper goes straight on to checkout.
        return redirect("orders:checkout")
    return _done(request, message=_("Added to your cart."), redirect_to=back)


@require_POST
def update(request: HttpRequest, variant_id: int) -> HttpResponse:
    back = reverse("cart:detail")
    form = UpdateQuantityForm(request.POST)
    if not form.is_valid():
        return _refused(request, error=form.first_error(), redirect_to=back)
    try:
        quantity = services.cart_set_quantity(
            user=request.user,
            session=request.session,
            variant_id=variant_id,
            quantity=form.cleaned_data["quantity"],
        )
    except CartError as error:
        return _refused(request, error=str(error), redirect_to=back)
    if quantity == 0:
        message = _("The item has been removed from your cart.")
    else:
        message = _("The quantity has been updated.")
    return _done(request, message=message, redirect_to=back)


@require_POST
def remove(request: HttpRequest, variant_id: int) -> HttpResponse:
    back = reverse("cart:detail")
    try:
        services.cart_remove(user=request.user, session=request.session, variant_id=variant_id)
    except CartError as error:
        return _refused(request, error=str(error), redirect_to=back)
    return _done(request, message=_("The item has been removed from your cart."), redirect_to=back)
