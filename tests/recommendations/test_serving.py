"""What the slots show: never inactive, out-of-stock or the current product; purchases hidden;
diversity; personal slots kept out of the shared caches."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import Product
from recommendations import selectors
from recommendations.models import (
    Interaction,
    InteractionKind,
    ModelVersion,
    ProductNeighbours,
    RecommenderSettings,
    UserRecommendation,
    VersionStatus,
)
from recommendations.services.serving import model_version_publish, recommender_settings_changed
from recommendations.services.trending import recommender_refresh_trending
from recommendations.tasks import flush_interactions
from tests.accounts.factories import UserFactory
from tests.catalog.factories import CategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(make_product):
    """Six products in stock in two categories, one inactive and one sold out."""
    shoes, socks = CategoryFactory(), CategoryFactory()
    items = [make_product(category=shoes if i % 2 else socks) for i in range(6)]
    inactive = make_product(category=shoes)
    Product.objects.filter(pk=inactive.pk).update(is_active=False)
    sold_out = make_product(category=shoes, stock=0)
    return {"items": items, "inactive": inactive, "sold_out": sold_out}


def live_version_with(*, user=None, top=(), neighbours=None) -> ModelVersion:
    version = ModelVersion.objects.create(
        status=VersionStatus.TRAINING, trained_until=timezone.now(), params={}
    )
    model_version_publish(version=version)
    if user is not None:
        UserRecommendation.objects.create(version=version, user=user, product_ids=list(top))
    for product_id, (also, similar) in (neighbours or {}).items():
        ProductNeighbours.objects.create(
            version=version, product_id=product_id, also_bought=also, similar=similar, source="als"
        )
    return version


def test_inactive_out_of_stock_and_current_products_are_never_recommended(client, shelf):
    items, inactive, sold_out = shelf["items"], shelf["inactive"], shelf["sold_out"]
    current = items[0]
    candidates = [current.pk, inactive.pk, sold_out.pk, *(p.pk for p in items[1:])]
    live_version_with(neighbours={current.pk: (candidates, candidates)})

    slots = selectors.product_slots(product_id=current.pk)
    shown = {p.pk for p in slots.also_bought + slots.similar}
    assert shown and shown <= {p.pk for p in items[1:]}

    html = client.get(current.get_absolute_url()).content.decode()
    assert 'data-testid="recs-also-bought"' in html
    for hidden in (inactive, sold_out):
        assert hidden.get_absolute_url() not in html.split('data-testid="recs-also-bought"')[1]


def test_personal_list_hides_purchases_and_limits_runs_of_one_category(shelf):
    items = shelf["items"]
    shopper = UserFactory()
    same_category = [p for p in items if p.category_id == items[1].category_id]
    other = [p for p in items if p.category_id != items[1].category_id]
    top = [p.pk for p in same_category] + [p.pk for p in other] + [shelf["inactive"].pk]
    live_version_with(user=shopper, top=top)
    bought = other[0]
    # Bought before the model was trained (the stored list knows nothing of it)
    Interaction.objects.create(
        user=shopper,
        product=bought,
        kind=InteractionKind.PURCHASE,
        created_at=timezone.now() - timedelta(days=1),
    )

    slot = selectors.for_you(user=shopper, session_key=None, limit=8)

    ids = [p.pk for p in slot.products]
    assert slot.personal
    assert bought.pk not in ids and shelf["inactive"].pk not in ids
    runs = [p.category_id for p in slot.products]
    max_run = RecommenderSettings.load().max_per_category_run
    assert all(len(set(runs[i : i + max_run + 1])) > 1 for i in range(len(runs) - max_run))


def test_purchases_shown_again_when_the_setting_allows(shelf):
    items = shelf["items"]
    shopper = UserFactory()
    Interaction.objects.create(user=shopper, product=items[0], kind=InteractionKind.PURCHASE)
    live_version_with(user=shopper, top=[p.pk for p in items])
    RecommenderSettings.objects.update_or_create(pk=1, defaults={"exclude_purchased": False})
    recommender_settings_changed()

    slot = selectors.for_you(user=shopper, session_key=None, limit=8)

    assert slot.personal
    assert items[0].pk in [p.pk for p in slot.products]


def test_diversified_keeps_order_but_breaks_long_runs():
    class P:
        def __init__(self, pk, category_id):
            self.pk, self.category_id = pk, category_id

    products = [P(1, "a"), P(2, "a"), P(3, "a"), P(4, "b"), P(5, "a")]
    result = selectors.diversified(products, max_run=2, limit=5)
    assert [p.pk for p in result] == [1, 2, 4, 3, 5]


def test_home_slot_is_personal_per_shopper_and_not_leaked_through_the_page_cache(
    client, shelf, storefront_cache
):
    items = shelf["items"]
    alice, bob = UserFactory(), UserFactory()
    live_version_with(user=alice, top=[items[1].pk, items[2].pk, items[3].pk, items[4].pk])
    UserRecommendation.objects.create(
        version=ModelVersion.objects.get(),
        user=bob,
        product_ids=[items[5].pk, items[0].pk, items[2].pk, items[3].pk],
    )

    client.force_login(alice)
    alice_page = client.get(reverse("catalog:home")).content.decode()
    client.force_login(bob)
    bob_page = client.get(reverse("catalog:home")).content.decode()

    assert "Recommended for you" in alice_page
    alice_slot = alice_page.split('data-testid="recs-for-you"')[1]
    assert items[1].get_absolute_url() in alice_slot
    bob_slot = bob_page.split('data-testid="recs-for-you"')[1]
    assert items[1].get_absolute_url() not in bob_slot.split("</section>")[0]


def test_anonymous_visitors_see_trending_nudged_by_the_categories_they_viewed(client, shelf):
    items = shelf["items"]
    version = live_version_with()
    shoes = items[1].category_id
    socks = items[0].category_id
    version.trending = {
        "all": [p.pk for p in items if p.category_id == socks],
        "by_category": {str(shoes): [p.pk for p in items if p.category_id == shoes]},
    }
    version.save()
    # A session that viewed a pair of shoes
    client.get(reverse("cart:detail"))  # any page that starts a session
    session = client.session
    session["seen"] = True
    session.save()
    Interaction.objects.create(session_key=session.session_key, product=items[1], kind="view")

    slot = selectors.for_you(user=None, session_key=session.session_key, limit=4)

    assert not slot.personal
    assert slot.products[0].category_id == shoes


def test_cart_page_suggests_products_that_go_with_the_cart(client, shelf):
    items = shelf["items"]
    live_version_with(neighbours={items[0].pk: ([items[2].pk], [items[3].pk, items[0].pk])})
    variant = items[0].variants.first()
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})

    html = client.get(reverse("cart:detail")).content.decode()

    slot = html.split('data-testid="recs-complete"')[1]
    assert items[2].get_absolute_url() in slot and items[3].get_absolute_url() in slot
    assert items[0].get_absolute_url() not in slot


def test_a_product_newer_than_the_model_gets_its_category_best_sellers(client, shelf):
    items = shelf["items"]
    live_version_with()
    html = client.get(items[1].get_absolute_url()).content.decode()
    similar = html.split('data-testid="recs-similar"')[1]
    same = [p for p in items[2:] if p.category_id == items[1].category_id]
    assert any(p.get_absolute_url() in similar for p in same)
    assert shelf["sold_out"].get_absolute_url() not in similar


def test_before_any_model_the_product_and_cart_pages_show_no_slots(client, shelf):
    product = shelf["items"][1]
    client.post(reverse("cart:add"), {"variant": product.variants.first().pk, "quantity": 1})

    product_page = client.get(product.get_absolute_url()).content.decode()
    cart_page = client.get(reverse("cart:detail")).content.decode()

    assert "recs-similar" not in product_page and "recs-also-bought" not in product_page
    assert product.get_absolute_url() in cart_page  # the cart holds it ...
    assert "recs-complete" not in cart_page  # ... and has nothing to suggest with it


def test_recently_viewed_follows_each_view_through_the_cached_history(client, shelf):
    items = shelf["items"]
    live_version_with()
    client.force_login(UserFactory())

    client.get(items[0].get_absolute_url())  # builds the cached history
    client.get(items[1].get_absolute_url())  # its view is folded into the cached entry
    html = client.get(items[2].get_absolute_url()).content.decode()

    viewed = html.split('data-testid="recs-recently-viewed"')[1]
    first, second = (viewed.index(p.get_absolute_url()) for p in (items[1], items[0]))
    assert first < second  # newest first
    assert items[2].get_absolute_url() not in viewed  # not the product being viewed
    flush_interactions()  # views wait in Redis until then in services mode
    assert Interaction.objects.filter(kind=InteractionKind.VIEW).count() == 3


def test_trending_follows_the_latest_demand_between_retrains(
    shelf, django_capture_on_commit_callbacks
):
    items = shelf["items"]
    version = live_version_with()
    ModelVersion.objects.filter(pk=version.pk).update(
        trending={"all": [items[0].pk], "by_category": {}}
    )
    assert selectors.for_you(user=None, session_key=None).products[0].pk == items[0].pk
    buyer = UserFactory()
    for _ in range(3):
        Interaction.objects.create(
            user=buyer, product=items[3], kind=InteractionKind.PURCHASE, value=1
        )
    Interaction.objects.create(  # bought in bulk, but too long ago to trend
        user=buyer,
        product=items[4],
        kind=InteractionKind.PURCHASE,
        value=50,
        created_at=timezone.now() - timedelta(days=40),
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert recommender_refresh_trending() == 1

    trending = ModelVersion.objects.get(pk=version.pk).trending
    assert trending["all"] == [items[3].pk]
    assert selectors.for_you(user=None, session_key=None).products[0].pk == items[3].pk


def test_refreshing_trending_without_a_live_version_does_nothing():
    assert recommender_refresh_trending() == 0


def test_a_product_the_shopper_rated_one_star_is_never_served_back_to_them(
    shelf, django_capture_on_commit_callbacks
):
    from recommendations.services.recording import interaction_record

    items = shelf["items"]
    shopper, other = UserFactory(), UserFactory()
    disliked = items[0]
    top = [p.pk for p in items]
    version = live_version_with(
        user=shopper, top=top, neighbours={items[1].pk: ([disliked.pk], [disliked.pk])}
    )
    UserRecommendation.objects.create(version=version, user=other, product_ids=top)
    selectors.for_you(user=shopper, session_key=None)  # the history is cached before the review
    with django_capture_on_commit_callbacks(execute=True):
        interaction_record(
            user=shopper, product_ids=[disliked.pk], kind=InteractionKind.REVIEW, value=1
        )

    home = [p.pk for p in selectors.for_you(user=shopper, session_key=None, limit=8).products]
    page = selectors.product_slots(product_id=items[1].pk, user=shopper)
    cart = selectors.complete_purchase(product_ids=[items[1].pk], user=shopper)

    assert disliked.pk not in home
    assert disliked.pk not in [p.pk for p in page.also_bought + page.similar]
    assert disliked.pk not in [p.pk for p in cart]
    # Another shopper still gets it.
    assert disliked.pk in [p.pk for p in selectors.for_you(user=other, session_key=None).products]


def test_a_later_good_review_lifts_a_one_star_one(shelf):
    items = shelf["items"]
    shopper = UserFactory()
    live_version_with(user=shopper, top=[p.pk for p in items])
    now = timezone.now()
    for rating, at in ((1, now - timedelta(days=3)), (5, now - timedelta(days=2))):
        Interaction.objects.create(
            user=shopper, product=items[0], kind=InteractionKind.REVIEW, value=rating,
            created_at=at,
        )  # fmt: skip

    slot = selectors.for_you(user=shopper, session_key=None, limit=8)

    assert items[0].pk in [p.pk for p in slot.products]


def test_a_recalculated_history_leaves_out_what_the_shopper_rated_negatively():
    from recommendations import als
    from recommendations.selectors.lists import positive_history

    now = timezone.now()
    rows = [
        (1, InteractionKind.VIEW, 1, now - timedelta(days=3)),
        (1, InteractionKind.REVIEW, 2, now - timedelta(days=2)),  # viewed, then two stars
        (2, InteractionKind.REVIEW, 1, now - timedelta(days=2)),
        (2, InteractionKind.REVIEW, 4, now - timedelta(days=1)),  # then four stars
        (3, InteractionKind.PURCHASE, 1, now),
    ]

    kept, disliked = positive_history(rows, als.Params())

    assert disliked == {1}
    assert [r[0] for r in kept] == [2, 2, 3]


def test_a_slot_renders_only_the_cards_it_shows(make_product, storefront_cache, monkeypatch):
    import importlib

    card_module = importlib.import_module("recommendations.selectors.cards")

    products = [make_product() for _ in range(12)]
    rendered: list[int] = []
    real_render = card_module._render_cards

    def counting(items):
        rendered.extend(p.pk for p in items)
        return real_render(items)

    monkeypatch.setattr(card_module, "_render_cards", counting)

    shown = selectors.pick([p.pk for p in products], limit=3)

    assert [c.pk for c in shown] == [p.pk for p in products[:3]]
    assert sorted(rendered) == sorted(p.pk for p in products[:3])
    assert all('class="product-card' in c.html for c in shown)
    # Shown once, cached: the next slot renders none of them again.
    assert [c.html for c in selectors.pick([p.pk for p in products], limit=3)] == [
        c.html for c in shown
    ]
    assert len(rendered) == 3


def test_cards_read_but_not_shown_are_kept_for_the_next_slot(
    make_product, storefront_cache, django_assert_num_queries
):
    products = [make_product() for _ in range(12)]
    ids = [p.pk for p in products]
    first = selectors.pick(ids, limit=3)  # reads 12 cards, shows 3

    with django_assert_num_queries(0):
        again = selectors.pick(ids, limit=3)

    assert [c.pk for c in again] == [c.pk for c in first] == ids[:3]
    # Kept without their rows: one shown later is read to be rendered, then kept rendered.
    with django_assert_num_queries(1):
        later = selectors.pick(list(reversed(ids)), limit=3)
    assert [c.pk for c in later] == ids[::-1][:3]
    assert all('class="product-card' in c.html for c in later)
    with django_assert_num_queries(0):
        assert [c.html for c in selectors.pick(list(reversed(ids)), limit=3)] == [
            c.html for c in later
        ]


def test_recently_viewed_reads_only_the_cards_it_shows(client, make_product, monkeypatch):
    """Without diversifying, a slot shows the first `limit` that qualify: it reads those, and
    more only when one of them does not (here a product taken off sale since)."""
    from recommendations.selectors import slots

    viewed = [make_product() for _ in range(9)]
    shopper = UserFactory()
    client.force_login(shopper)
    for product in viewed:
        client.get(product.get_absolute_url())
    read: list[list[int]] = []
    original = slots.cards

    def counting(ids, **kwargs):
        read.append(list(ids))
        return original(ids, **kwargs)

    monkeypatch.setattr(slots, "cards", counting)

    shown = selectors.recently_viewed(user=shopper, session_key=None, limit=4)
    assert [card.pk for card in shown] == [p.pk for p in reversed(viewed)][:4]
    assert [len(ids) for ids in read] == [4]

    Product.objects.filter(pk=viewed[-2].pk).update(is_active=False)
    read.clear()
    shown = selectors.recently_viewed(user=shopper, session_key=None, limit=4)
    newest_first = [p.pk for p in reversed(viewed) if p.pk != viewed[-2].pk]
    assert [card.pk for card in shown] == newest_first[:4]
    assert [len(ids) for ids in read] == [4, 5]


def test_a_card_shown_is_kept_in_the_process_for_its_catalog_version(
    make_product, storefront_cache, cache_round_trips
):
    products = [make_product() for _ in range(4)]
    ids = [p.pk for p in products]
    shown = selectors.pick(ids, limit=3)
    cache_round_trips.clear()

    again = selectors.pick(ids, limit=3)

    assert [c.html for c in again] == [c.html for c in shown]
    read = [key for keys in cache_round_trips for key in keys]
    assert not any(key.startswith("recs:card:") for key in read)


def test_a_catalog_change_shows_the_card_afresh(
    make_product, storefront_cache, django_capture_on_commit_callbacks
):
    product = make_product(name_en="Plain Mug")
    assert "Plain Mug" in selectors.pick([product.pk], limit=1)[0].html

    with django_capture_on_commit_callbacks(execute=True):
        product.name_en = "Glazed Mug"
        product.save()

    assert "Glazed Mug" in selectors.pick([product.pk], limit=1)[0].html


def test_the_process_keeps_a_bounded_number_of_cards(make_product, storefront_cache, monkeypatch):
    import importlib

    card_module = importlib.import_module("recommendations.selectors.cards")
    monkeypatch.setattr(card_module, "KEPT_CARDS", 2)
    products = [make_product() for _ in range(4)]

    selectors.pick([p.pk for p in products], limit=4)

    assert len(card_module._kept[1]) == 2
