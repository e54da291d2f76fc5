"""The intents about the shop rather than an order: product_search, product_question,
recommendation, shipping_info. They read through the same selectors and services as the pages
(search, catalog, recommendations, logistics), and answer with product cards:
{id, name, url, price, image, in_stock}."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.models import Address
from catalog.models import Product, ProductVariant
from catalog.selectors import best_sellers, cards_by_id, product_page
from logistics import selectors as logistics_selectors
from orders.models import Order

from ..nlu.addresses import place_named
from .base import Ctx, day, money, sentences
from .faq import faq_outcome

CARDS_SHOWN = 4

_EN_FILLER = re.compile(
    r"\b(i|i'm|im|me|my|we|you|your|do|does|did|have|has|had|any|some|a|an|the|please|pls|"
    r"search|searching|find|finding|show|looking|look|for|want|wanna|would|like|to|buy|need|"
    r"can|could|sell|selling|is|are|there|of|with|get|help|recommend|suggest|about|what|which|"
    r"how|much|tell|info|information|on|this|that|it|product|products|item|items|in|stock|"
    r"available|price|cost|costs|does|shop|store|here|got|one|ones|some|good|best)\b",
    re.IGNORECASE,
)
_ZH_FILLER = re.compile(
    r"(我想买|我想要|我要买|我想找|想买|想要|我要|帮我找|帮我搜|帮我|请问|有没有|有吗|有没|搜索|搜一下|"
    r"找一下|看看|给我|推荐|一下|一些|一个|一款|什么|哪些|哪个|多少钱|价格|库存|有货|的|吗|呢|吧|请|"
    r"你们|这里|卖|买|找|搜|些|款|个)"
)


def search_words(text: str) -> str:
    """The message minus the words that only ask (so "do you have red mugs?" searches "red
    mugs", "有没有保温杯" searches "保温杯")."""
    words = _ZH_FILLER.sub(" ", _EN_FILLER.sub(" ", text))
    words = re.sub(r"[?？!！,，.。:：;；\"“”]+", " ", words)
    return " ".join(words.split())[:200]


def product_cards(ids: list[int]) -> list[dict[str, Any]]:
    """The cards of these products (active ones, in this order), as the widget draws them."""
    found = {p.pk: p for p in cards_by_id(ids)}
    cards = []
    for pk in ids:
        product = found.get(pk)
        if product is None:
            continue
        cards.append(
            {
                "id": product.pk,
                "name": product.name,
                "url": product.card_href,
                "price": money(product.price),
                "image": product.card_url,
                "in_stock": bool(product.in_stock),
            }
        )
    return cards


def _search_ids(ctx: Ctx, words: str, limit: int = CARDS_SHOWN) -> list[int]:
    from search.backends.base import SearchQuery
    from search.services import run_search

    if not words:
        return []
    query = SearchQuery(text=words, language=ctx.turn.language, per_page=limit)
    return [hit.product_id for hit in run_search(query).hits[:limit]]


def _search_link(words: str) -> str:
    return reverse("search:results") + ("?" + urlencode({"q": words}) if words else "")


def product_search(ctx: Ctx) -> Any:
    words = search_words(ctx.text)
    cards = product_cards(_search_ids(ctx, words))
    link = _search_link(words)
    if not cards:
        return ctx.say(
            _('I found nothing for "%(words)s". Try other words, or browse the search page.')
            % {"words": words or ctx.text}
            if words
            else _("What are you looking for? Tell me a product, a brand or a category."),
            link=link,
        )
    return ctx.say(_("Here is what I found:"), cards=cards, link=link)


def _page_product(ctx: Ctx) -> Product | None:
    product_id = ctx.state.get("page_product")
    if isinstance(product_id, int):
        return Product.objects.filter(pk=product_id, is_active=True).first()
    return None


def product_question(ctx: Ctx) -> Any:
    """About the product the message names (the search's top hit) or, when it names none, the
    one on the shopper's page: "is it dishwasher safe?" on a mug's page is about that mug."""
    named = None
    words = search_words(ctx.text)
    ids = _search_ids(ctx, words, limit=1) if len(words) >= 2 else []
    if ids:
        named = Product.objects.filter(pk=ids[0], is_active=True).first()
    page = _page_product(ctx)
    if page is not None and (named is None or named.name.lower() not in ctx.text.lower()):
        product = page
    else:
        product = named
    if product is None:
        faq = faq_outcome(ctx)
        if faq is not None:
            return faq
        return ctx.say(
            _("Which product do you mean? Tell me its name, or ask me from its page."),
            link=_search_link(words),
        )
    return _product_answer(ctx, product)


def _product_answer(ctx: Ctx, product: Product) -> Any:
    page = product_page(slug=product.slug)
    variants = page.variants
    prices = [v.price for v in variants]
    if prices and min(prices) != max(prices):
        price = _("%(low)s to %(high)s") % {"low": money(min(prices)), "high": money(max(prices))}
    else:
        price = money(prices[0] if prices else product.price)
    parts = [
        _("%(name)s: %(price)s.") % {"name": product.name, "price": price},
    ]
    if product.brand_id:
        parts.append(_("Brand: %(brand)s.") % {"brand": product.brand.name})
    options = []
    for variant in variants:
        label = ", ".join(f"{k}: {v}" for k, v in (variant.attributes or {}).items()) or variant.sku
        state = _("in stock") if variant.available > 0 else _("out of stock")
        options.append(f"{label} ({money(variant.price)}, {state})")
    if options:
        parts.append(_("Options: %(options)s.") % {"options": _("; ").join(options)})
    elif not product.in_stock:
        parts.append(_("It is out of stock at the moment."))
    faq = faq_outcome(ctx, merchant_id=product.merchant_id, quiet=True)
    text = sentences(*parts)
    payload: dict[str, Any] = {"cards": product_cards([product.pk])}
    if faq is not None:
        faq_reply = faq.replies[0]
        text += "\n" + faq_reply.text
        payload["faq"] = faq_reply.payload.get("faq")
    return ctx.say(text, **payload)


def recommendation(ctx: Ctx) -> Any:
    ids: list[int] = []
    if settings.RECOMMENDATIONS_ENABLED:
        from recommendations import selectors as recs

        user = ctx.user if ctx.signed_in else None
        session_key = ctx.turn.conversation.session_key or None
        product = _page_product(ctx)
        if product is not None:
            slots = recs.product_slots(product_id=product.pk, user=user, session_key=session_key)
            ids = [c.pk for c in [*slots.also_bought, *slots.similar]]
        if not ids:
            slot = recs.for_you(user=user, session_key=session_key, limit=CARDS_SHOWN)
            ids = [c.pk for c in slot.products]
    if not ids:
        ids = [p.pk for p in best_sellers(limit=CARDS_SHOWN)]
    cards = product_cards(list(dict.fromkeys(ids))[:CARDS_SHOWN])
    if not cards:
        return ctx.say(_("I have nothing to suggest right now. Tell me what you are looking for?"))
    return ctx.say(_("You might like these:"), cards=cards)


# --- Delivery -------------------------------------------------------------------------------------


def _region_for(ctx: Ctx) -> str:
    named = place_named(ctx.text)
    if named:
        return named
    if ctx.signed_in:
        address = Address.objects.filter(user=ctx.user).first()
        if address and address.region_code:
            return address.region_code
        order = Order.objects.filter(user=ctx.user).exclude(region_code="").first()
        if order is not None:
            return order.region_code
    return ""


def _typical_variant(ctx: Ctx) -> ProductVariant | None:
    variants = ProductVariant.objects.filter(is_active=True, product__is_active=True)
    product = _page_product(ctx)
    if product is not None:
        found = variants.filter(product=product, stock__quantity__gt=0).first()
        if found:
            return found
    return (
        variants.filter(product__in_stock=True, stock__quantity__gt=0)
        .select_related("product")
        .order_by("-product__sales_count", "pk")
        .first()
    )


def shipping_info(ctx: Ctx) -> Any:
    region = _region_for(ctx)
    if not region:
        faq = faq_outcome(ctx)
        if faq is not None:
            return faq
        ctx.ask("region")
        return ctx.say(_("Where should it go? Tell me the province or city, e.g. 浙江省杭州市."))
    return _delivery_answer(ctx, region)


def answer_region(ctx: Ctx, pending: dict) -> Any | None:
    region = place_named(ctx.text)
    if not region:
        return None
    ctx.done()
    return _delivery_answer(ctx, region)


def _delivery_answer(ctx: Ctx, region: str) -> Any:
    from accounts import regions

    variant = _typical_variant(ctx)
    district = regions.district(region)
    place = ""
    if district is not None:
        city = regions.city(district.parent)
        province = regions.province_of(region)
        place = "".join(dict.fromkeys(r.name for r in (province, city, district) if r is not None))
    if variant is None:
        return ctx.say(_("I cannot quote delivery right now: nothing is in stock."))
    item = logistics_selectors.QuoteItem(
        variant.pk, variant.product.merchant_id, 1, Decimal(variant.price)
    )
    options = logistics_selectors.delivery_options(region_code=region, items=[item])
    if not options:
        return ctx.say(
            _("Sorry, we do not deliver %(product)s to %(place)s at the moment.")
            % {"product": variant.product.name, "place": place}
        )
    lines = [
        _("%(method)s: %(price)s, arrives %(date)s")
        % {
            "method": option.method.name,
            "price": money(option.price) if option.price else _("free"),
            "date": day(option.eta),
        }
        for option in options
    ]
    return ctx.say(
        sentences(
            _("Delivery of %(product)s to %(place)s:")
            % {"product": variant.product.name, "place": place},
            _("; ").join(str(line) for line in lines) + _("."),
        ),
        delivery=[
            {
                "method": option.method.name,
                "price": money(option.price),
                "arrives": option.eta.isoformat(),
            }
            for option in options
        ],
    )
