"""product_search, product_question, recommendation, shipping_info, account_help and the short
answers: through the same search, catalog, recommender and delivery quotes as the pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Address
from search.services import search_index_products
from support.dialogue.shop import search_words
from support.models import ConversationStatus
from tests.accounts.factories import VALID_ADDRESS, UserFactory
from tests.orders.factories import shipping_method
from tests.support.dialogue_givens import Chat, fake_intents

pytestmark = pytest.mark.django_db


@pytest.fixture
def intents(monkeypatch):
    return fake_intents(monkeypatch)


@pytest.fixture
def mugs(make_product):
    products = [
        make_product(name_en="Stoneware Mug", name_zh_hans="石器马克杯", prices=(Decimal("88"),)),
        make_product(name_en="Glass Mug", name_zh_hans="玻璃马克杯", prices=(Decimal("45"),)),
        make_product(name_en="Linen Apron", name_zh_hans="亚麻围裙", prices=(Decimal("120"),)),
    ]
    search_index_products(product_ids=[p.pk for p in products])
    return products


def test_search_words_leave_out_what_only_asks():
    assert search_words("Do you have any stoneware mugs?") == "stoneware mugs"
    assert search_words("有没有玻璃马克杯？") == "玻璃马克杯"


def test_product_search_answers_with_cards(intents, mugs):
    message = Chat().send("do you have mugs?")[0]

    cards = message.payload["cards"]
    assert {c["name"] for c in cards} == {"Stoneware Mug", "Glass Mug"}
    card = next(c for c in cards if c["name"] == "Glass Mug")
    assert card["price"] == "¥45.00" and card["in_stock"] is True
    assert card["url"].endswith(f"/{mugs[1].slug}/")
    assert message.payload["link"].endswith("?q=mugs")


def test_product_search_in_chinese(intents, mugs):
    message = Chat(language="zh-hans").send("有没有亚麻围裙")[0]
    assert [c["name"] for c in message.payload["cards"]] == ["亚麻围裙"]


def test_nothing_found_says_so_and_links_the_search_page(intents, mugs):
    message = Chat().send("do you have telescopes?")[0]
    assert "found nothing" in message.text
    assert "cards" not in message.payload
    assert "q=telescopes" in message.payload["link"]


def test_product_question_answers_from_the_products_own_data(intents, make_product):
    product = make_product(name_en="Stoneware Mug", prices=(Decimal("88"), Decimal("98")))
    search_index_products(product_ids=[product.pk])
    sold_out = product.variants.order_by("price").last()
    sold_out.stock.update(quantity=0)

    reply = Chat().say("how much is the stoneware mug?")

    assert "Stoneware Mug: ¥88.00 to ¥98.00." in reply
    assert f"Brand: {product.brand.name}." in reply
    assert "(¥88.00, in stock)" in reply and "(¥98.00, out of stock)" in reply


def test_product_question_about_the_page_the_shopper_is_on(intents, make_product):
    product = make_product(name_en="Linen Apron", prices=(Decimal("120"),))
    chat = Chat()
    conversation = chat.conversation
    conversation.state = {"page_product": product.pk}
    conversation.save(update_fields=["state"])

    assert "Linen Apron: ¥120.00." in chat.say("tell me about it")


def test_product_question_falls_back_to_the_faq(intents, monkeypatch):
    from support import selectors

    class Hit:
        entry_id, question, answer, score = 7, "Are your mugs dishwasher safe?", "Yes, all.", 0.8

    monkeypatch.setattr(selectors, "faq_answer", lambda **kw: Hit(), raising=False)

    message = Chat().send("tell me about dishwasher safety")[0]

    assert message.text.startswith("Yes, all.")
    assert message.payload["faq"]["id"] == 7


def test_recommendations_are_best_sellers_without_a_model(intents, make_product, settings):
    top = make_product(name_en="Favourite", sales_count=50)
    make_product(name_en="Quiet", sales_count=1)
    message = Chat().send("can you recommend something?")[0]
    assert message.payload["cards"][0]["name"] == top.name


def test_shipping_info_quotes_each_method_for_the_named_place(intents, make_product):
    shipping_method(price="12.00", free_above=None)
    make_product(name_en="Stoneware Mug", prices=(Decimal("88"),))

    message = Chat(language="zh-hans").send("运费到浙江杭州多少")[0]

    assert "浙江省杭州市" in message.text
    assert message.payload["delivery"][0]["price"] == "¥12.00"
    assert message.payload["delivery"][0]["arrives"]


def test_shipping_info_uses_the_shoppers_default_address(intents, make_product):
    shipping_method(price="12.00", free_above=None)
    make_product(name_en="Stoneware Mug")
    shopper = UserFactory()
    Address.objects.create(user=shopper, is_default=True, region_code="330106", **VALID_ADDRESS)
    reply = Chat(shopper).say("how long does shipping take?")
    assert "西湖区" in reply and "¥12.00" in reply


def test_shipping_info_asks_where_and_takes_the_answer(intents, make_product):
    shipping_method(price="12.00", free_above=None)
    make_product(name_en="Stoneware Mug")
    chat = Chat()
    assert "province or city" in chat.say("shipping costs?")
    assert "¥12.00" in chat.say("上海")


def test_account_help_links_and_never_changes_credentials(intents):
    message = Chat().send("please change my password to hunter2")[0]
    assert "never change passwords" in message.text
    urls = [link["url"] for link in message.payload["links"]]
    assert urls == [
        reverse("accounts:password_reset"),
        reverse("accounts:profile"),
        reverse("accounts:addresses"),
    ]


def test_greeting_goodbye_and_out_of_scope_are_short_and_understood(intents):
    chat = Chat()
    assert chat.say("hello").startswith("Hello!")
    assert "Goodbye" in chat.say("bye")
    assert "only help with shopping" in chat.say("what is the weather like")
    assert chat.conversation.not_understood == 0


def test_asking_for_a_person_hands_over(intents):
    chat = Chat()
    messages = chat.send("I want to talk to a person")
    assert chat.conversation.status == ConversationStatus.WAITING
    assert "passed our conversation" in messages[-1].text


def test_two_turns_not_understood_hand_over(intents):
    chat = Chat()
    first = chat.say("blorp")
    assert "did not understand" in first
    assert chat.conversation.status == ConversationStatus.BOT
    chat.say("zzzz qqq")
    assert chat.conversation.status == ConversationStatus.WAITING
    assert chat.conversation.handoff_reason == "not_understood"


def test_the_handoff_goes_to_the_inbox_of_the_orders_merchant(intents, make_product):
    from tests.orders.factories import place_order, variant_in_stock

    shopper = UserFactory()
    order = place_order((variant_in_stock(), 1), user=shopper)
    chat = Chat(shopper)
    chat.say("my order")
    chat.say("talk to a person")
    conversation = chat.conversation
    assert conversation.order_id == order.pk
    assert conversation.merchant_id == order.lines.get().merchant_id


def test_an_faq_hit_answers_what_the_classifier_did_not_understand(intents, monkeypatch):
    from support import selectors

    class Hit:
        entry_id, question, answer, score = 3, "Do you ship abroad?", "Mainland China only.", 0.9

    monkeypatch.setattr(selectors, "faq_answer", lambda **kw: Hit(), raising=False)
    chat = Chat()
    message = chat.send("abroad?")[0]
    assert message.text == "Mainland China only.\n(From our FAQ: Do you ship abroad?)"
    assert message.payload["faq"] == {"id": 3, "question": "Do you ship abroad?", "score": 0.9}
    assert chat.conversation.not_understood == 0


def test_a_question_on_a_product_page_is_about_that_product(intents, make_product):
    on_page = make_product(name_en="Linen Apron", prices=(Decimal("120"),))
    red = make_product(name_en="Red Kettle", prices=(Decimal("200"),))
    search_index_products(product_ids=[on_page.pk, red.pk])
    chat = Chat()
    conversation = chat.conversation
    conversation.state = {"page_product": on_page.pk}
    conversation.save(update_fields=["state"])

    assert "Linen Apron" in chat.say("how much is it in red?")
    assert "Red Kettle: ¥200.00." in chat.say("how much is the red kettle?")


def test_an_faq_answer_about_passwords_still_says_credentials_stay_out_of_the_chat(
    intents, monkeypatch
):
    from support import selectors

    class Hit:
        entry_id, question, answer, score = 5, "How do I change my password?", "Use reset.", 0.9

    monkeypatch.setattr(selectors, "faq_answer", lambda **kw: Hit(), raising=False)
    message = Chat().send("change my password please")[0]
    assert message.text.startswith("Use reset.")
    assert "never change passwords" in message.text
    assert message.payload["faq"]["id"] == 5


def test_a_classifier_that_fails_is_not_understood_never_an_error(monkeypatch):
    def broken(text, *, language=None):
        raise RuntimeError("no model")

    monkeypatch.setattr("support.dialogue.engine.classify", broken)
    chat = Chat()
    assert "did not understand" in chat.say("hello")
    assert chat.conversation.not_understood == 1
