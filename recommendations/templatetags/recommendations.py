"""The recommendation slots. Each is rendered per request, outside the page's cached body, so a
personal slot never reaches another shopper through the storefront cache. The cards inside come
rendered from the cache (see selectors.cards), so a slot is its heading around them."""

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from .. import selectors

register = template.Library()


def _who(context):
    request = context.get("request")
    if request is None:
        return None, None
    session = getattr(request, "session", None)
    return getattr(request, "user", None), session.session_key if session is not None else None


def _render(name: str, context: dict, products: list) -> SafeString:
    if not products:
        return mark_safe("")
    cards_html = mark_safe("".join(p.html for p in products))
    return render_to_string(f"recommendations/_{name}.html", {**context, "cards_html": cards_html})


@register.simple_tag(takes_context=True)
def home_recommendations(context) -> str:
    if not settings.RECOMMENDATIONS_ENABLED:
        return ""
    user, session_key = _who(context)
    state = selectors.serving_state(user=user, session_key=session_key)
    slot = selectors.for_you(user=user, session_key=session_key, limit=6, state=state)
    viewed = selectors.recently_viewed(user=user, session_key=session_key, limit=6, state=state)
    return _render("for_you", {"personal": slot.personal}, slot.products) + _render(
        "recently_viewed", {}, viewed
    )


@register.simple_tag(takes_context=True)
def product_recommendations(context, product_id) -> str:
    if not product_id or not settings.RECOMMENDATIONS_ENABLED:
        return ""
    user, session_key = _who(context)
    slots = selectors.product_slots(
        product_id=product_id, user=user, session_key=session_key, limit=6
    )
    return (
        _render("also_bought", {}, slots.also_bought)
        + _render("similar", {}, slots.similar)
        + _render("recently_viewed", {}, slots.recently_viewed)
    )


@register.simple_tag(takes_context=True)
def cart_recommendations(context, cart) -> str:
    if not settings.RECOMMENDATIONS_ENABLED:
        return ""
    user, session_key = _who(context)
    product_ids = [line.product.pk for line in getattr(cart, "lines", [])]
    products = selectors.complete_purchase(
        product_ids=product_ids, user=user, session_key=session_key, limit=6
    )
    return _render("complete", {}, products)
