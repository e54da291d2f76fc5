"""change_address: before anything of the order left, deliver it somewhere else. The new address
is a saved one (picked) or typed, checked as checkout checks it (AddressForm: a real district,
a mobile number, a recipient); the order's delivery method must still serve it at the same
price (logistics.selectors.delivery_options, quoted from the warehouses that hold the order's
stock); confirmed, then orders.services.order_address_change."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from accounts.models import Address
from common.errors import DomainError
from logistics import selectors as logistics_selectors
from logistics.quoting import Take
from orders import services as order_services
from orders.forms import CheckoutAddressForm
from orders.models import Order
from orders.services import ShippingAddress

from ..nlu import entities
from ..nlu.addresses import parse_address
from .base import Ctx, choice, money, sentences
from .orders import yes_no

FIELDS = ("recipient", "phone", "province", "city", "district", "street", "postal_code")


class ChatAddressForm(CheckoutAddressForm):
    """Checkout's address rules; a postal code is optional in the chat (people rarely know it,
    and the courier goes by the district)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postal_code"].required = False

    def clean_postal_code(self) -> str:
        code = (self.cleaned_data.get("postal_code") or "").strip()
        return super().clean_postal_code() if code else ""


def _one_line(address: ShippingAddress | Address) -> str:
    city = "" if address.city == address.province else address.city
    return (
        f"{address.recipient} {address.phone} "
        f"{address.province}{city}{address.district}{address.street}"
    )


def _saved(ctx: Ctx) -> list[Address]:
    if not ctx.signed_in:
        return []
    return list(Address.objects.filter(user=ctx.user)[:5])


def _refusal(order: Order) -> str | None:
    if order.status not in order_services.ADDRESS_CHANGEABLE or (
        logistics_selectors.order_has_shipments(order_id=order.pk)
    ):
        return _(
            "The delivery address of order %(number)s can no longer be changed: it is already "
            "being packed or on its way."
        ) % {"number": order.number}
    return None


def change_address(ctx: Ctx, order: Order, extra: dict) -> Any:
    refusal = _refusal(order)
    if refusal:
        ctx.done()
        return ctx.say(refusal, order_id=order.pk, choices=[_person_choice()])
    if parse_address(ctx.text):
        return _typed(ctx, order)
    saved = _saved(ctx)
    ctx.ask("address", order_id=order.pk, options=[a.pk for a in saved])
    text = _(
        "Where should order %(number)s go instead? Type the new address, e.g. "
        '"张三 13800138000 浙江省杭州市西湖区文三路100号".'
    ) % {"number": order.number}
    if saved:
        text = sentences(text, _("Or pick one of your saved addresses."))
    return ctx.say(
        text,
        order_id=order.pk,
        choices=[choice(_one_line(a), str(i)) for i, a in enumerate(saved, 1)],
    )


def answer_address(ctx: Ctx, pending: dict) -> Any | None:
    from .orders import accessible_order

    order = accessible_order(ctx, pending.get("order_id"))
    if order is None:
        ctx.done()
        return None
    if parse_address(ctx.text):
        return _typed(ctx, order)
    options = [i for i in pending.get("options", []) if isinstance(i, int)]
    picked = entities.pick(ctx.text)
    if picked is None or not options:
        return None
    saved = {a.pk: a for a in _saved(ctx)}
    ordered = [saved[i] for i in options if i in saved]
    index = 1 if picked == entities.LATEST else picked
    if not 1 <= index <= len(ordered):
        return None
    return _check(ctx, order, ShippingAddress.from_address(ordered[index - 1]))


def _typed(ctx: Ctx, order: Order) -> Any:
    fields = parse_address(ctx.text)
    # What the shopper did not type stays as it was: who receives it, and their number.
    data = {
        "recipient": fields.get("recipient") or order.recipient,
        "phone": fields.get("phone") or order.phone,
        **{f: fields.get(f, "") for f in FIELDS if f not in ("recipient", "phone")},
    }
    form = ChatAddressForm(data=data)
    if not form.is_valid():
        problems = [str(m) for errors in form.errors.values() for m in errors]
        ctx.ask("address", order_id=order.pk, options=[])
        return ctx.say(
            _("I could not use that address: %(problems)s Please type it again.")
            % {"problems": sentences(*problems)},
            order_id=order.pk,
        )
    clean = form.cleaned_data
    address = ShippingAddress(
        **{f: clean.get(f, "") or "" for f in FIELDS}, region_code=clean.get("region_code", "")
    )
    return _check(ctx, order, address)


def _person_choice() -> dict:
    return choice(_("Talk to a person"), _("I want to talk to a person"))


def _check(ctx: Ctx, order: Order, address: ShippingAddress) -> Any:
    """Whether the order's delivery can go there at the price paid; if so, ask to confirm."""
    ctx.done()
    code = order_services.address_region_code(address)
    lines = [line for line in order.lines.all() if line.cancelled_at is None and line.variant_id]
    items = [
        logistics_selectors.QuoteItem(
            line.variant_id, line.merchant_id, line.quantity, line.line_total
        )
        for line in lines
    ]
    takes = [
        Take(a.stock.warehouse_id, a.stock.variant_id, a.quantity)
        for a in logistics_selectors.allocations_of_lines(line_ids=[line.pk for line in lines])
    ]
    method = order.shipping_method
    options = []
    if code and method is not None and items:
        options = logistics_selectors.delivery_options(
            region_code=code, items=items, method_id=method.pk, shipped_from=takes or None
        )
    place = order_services.place_name(address.province, address.city, address.district)
    if not options:
        return ctx.say(
            _(
                "%(method)s, the delivery chosen for order %(number)s, does not deliver to "
                "%(place)s. A member of our team can help you find another way."
            )
            % {"method": order.shipping_method_name, "number": order.number, "place": place},
            order_id=order.pk,
            choices=[_person_choice()],
        )
    option = options[0]
    slot_gone = (
        option.is_local
        and order.delivery_window_start is not None
        and not any(s.start == order.delivery_window_start for s in option.slots)
    )
    if option.price != order.shipping_total or slot_gone:
        return ctx.say(
            _(
                "Delivering order %(number)s to %(place)s would cost %(new)s instead of "
                "%(old)s, so I cannot change it here. A member of our team can help."
            )
            % {
                "number": order.number,
                "place": place,
                "new": money(option.price, order.currency),
                "old": money(order.shipping_total, order.currency),
            }
            if not slot_gone
            else _(
                "The delivery slot of order %(number)s is not available at %(place)s, so I "
                "cannot change it here. A member of our team can help."
            )
            % {"number": order.number, "place": place},
            order_id=order.pk,
            choices=[_person_choice()],
        )
    ctx.ask(
        "confirm",
        action="address",
        order_id=order.pk,
        address={**address.__dict__, "region_code": code},
    )
    return ctx.say(
        _("Send order %(number)s to %(address)s instead? Please answer yes or no.")
        % {"number": order.number, "address": _one_line(address)},
        order_id=order.pk,
        choices=yes_no(),
    )


def do_address_change(ctx: Ctx, order: Order, pending: dict) -> Any:
    raw = pending.get("address") if isinstance(pending.get("address"), dict) else {}
    address = ShippingAddress(
        **{f: str(raw.get(f, "")) for f in FIELDS}, region_code=str(raw.get("region_code", ""))
    )
    try:
        order_services.order_address_change(order=order, actor=ctx.user, address=address)
    except DomainError as error:
        return ctx.say(str(error), order_id=order.pk)
    return ctx.say(
        _("Done: order %(number)s now goes to %(address)s.")
        % {"number": order.number, "address": _one_line(address)},
        order_id=order.pk,
    )
