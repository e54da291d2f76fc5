"""The recommendation slots (`home_recommendations`, `product_recommendations` and
`cart_recommendations` in the storefront's Jinja2 templates, settings.TEMPLATES). Each is
rendered per request, outside the page's cached body, so a personal slot never reaches another
shopper through the storefront cache (in a page kept with holes, common.page_holes, each is a
hole filled for every request). The cards inside come
rendered from the cache (see selectors.cards), so a slot is its heading around them."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from common.page_holes import per_shopper

from .. import selectors


def _who(context):
    request = context.get("request")
    if request is None:
        return None, None
    session = getattr(request, "session", None)
    return getattr(request, "user", None), session.session_key if session is not None else None


# The frame around each slot's cards (its heading and grid): rendered once per process, slot,
# language and what else the slot template is given (personal or not), as the HTML before and
# after the cards; only the cards change from one shopper to the next. Not kept with DEBUG on
# (templates edited while the server runs).
_frames: dict[tuple, tuple[str, str] | None] = {}
_CARDS = "recsslotcards0f3b9c"


def _frame(name: str, context: dict) -> tuple[str, str] | None:
    key = (name, get_language(), tuple(sorted(context.items())))
    if key in _frames:
        return _frames[key]
    html = render_to_string(
        f"recommendations/_{name}.html", {**context, "cards_html": mark_safe(_CARDS)}
    )
    head, found, tail = html.partition(_CARDS)
    # A template that shows the cards other than once, as they are, is rendered each time.
    frame = (head, tail) if found and _CARDS not in tail else None
    if not settings.DEBUG:
        _frames[key] = frame
    return frame


def _render(name: str, context: dict, products: list) -> SafeString:
    if not products:
        return mark_safe("")
    cards_html = "".join(p.html for p in products)
    frame = _frame(name, context)
    if frame is None:
        context = {**context, "cards_html": mark_safe(cards_html)}
        return mark_safe(render_to_string(f"recommendations/_{name}.html", context))
    return mark_safe(frame[0] + cards_html + frame[1])  # the slot templates escape what they print


@per_shopper
def home_slots(request) -> SafeString:
    """The home page's slots (for the storefront's Jinja2 templates: `home_recommendations`)."""
    if not settings.RECOMMENDATIONS_ENABLED:
        return mark_safe("")
    user, session_key = _who({"request": request})
    state = selectors.serving_state(user=user, session_key=session_key, kept=["home"])

    def render() -> str:
        slot = selectors.for_you(user=user, session_key=session_key, limit=6, state=state)
        viewed = selectors.recently_viewed(user=user, session_key=session_key, limit=6, state=state)
        return str(
            _render("for_you", {"personal": slot.personal}, slot.products)
            + _render("recently_viewed", {}, viewed)
        )

    return mark_safe(selectors.kept_slots(state, "home", render))


@per_shopper
def product_slots(request, product_id) -> SafeString:
    """The product page's slots (`product_recommendations` in the Jinja2 templates)."""
    if not product_id or not settings.RECOMMENDATIONS_ENABLED:
        return mark_safe("")
    user, session_key = _who({"request": request})
    slots = selectors.product_slots(
        product_id=product_id, user=user, session_key=session_key, limit=6
    )
    return (
        _render("also_bought", {}, slots.also_bought)
        + _render("similar", {}, slots.similar)
        + _render("recently_viewed", {}, slots.recently_viewed)
    )


def cart_slots(request, cart) -> SafeString:
    """The cart page's slot (`cart_recommendations` in the Jinja2 templates)."""
    if not settings.RECOMMENDATIONS_ENABLED:
        return mark_safe("")
    user, session_key = _who({"request": request})
    product_ids = [line.product.pk for line in getattr(cart, "lines", [])]
    products = selectors.complete_purchase(
        product_ids=product_ids, user=user, session_key=session_key, limit=6
    )
    return _render("complete", {}, products)
