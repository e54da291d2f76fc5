"""The demo's pictures match their products: each shows the product's own type, in the colour of
the variant it belongs to; and no two demo products share a name."""

import io
from collections import Counter
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image, ImageColor

from catalog.attributes import SWATCHES
from catalog.images import size_names
from catalog.models import Category, Product, ProductImage, ProductVariant
from demo import images, vocabulary
from demo.drawings import SHAPES

TINY = ["--products", "60", "--users", "30", "--interactions", "2000", "--orders", "100"]
TINY += ["--images-per-leaf", "2", "--no-train"]


def seed(*extra: str) -> None:
    call_command("seed_demo", *TINY, *extra, stdout=StringIO())


def kinds_by_leaf() -> dict[str, tuple[vocabulary.Kind, ...]]:
    return {leaf.slug: leaf.kinds for _, leaf in vocabulary.leaves()}


def product_type(product: Product, kinds: tuple[vocabulary.Kind, ...]) -> vocabulary.Kind:
    """What the product is, read from its own name: the longest of its category's product types
    named in it ("Running T-Shirt" rather than "T-Shirt")."""
    named = [kind for kind in kinds if kind.term.en in product.name_en]
    assert named, f"{product.name_en!r} names none of its category's types"
    return max(named, key=lambda kind: len(kind.term.en))


# --- Without a database -------------------------------------------------------------------------
def test_every_product_type_has_a_drawing():
    for _, leaf in vocabulary.leaves():
        for kind in leaf.kinds:
            assert (kind.shape or leaf.shape) in SHAPES, kind.term.en


def test_types_once_drawn_as_another_have_their_own_drawing():
    shapes = {kind.term.en: kind.shape for _, leaf in vocabulary.leaves() for kind in leaf.kinds}

    mixed_up = ["Charging Cable", "Phone Case", "Power Bank", "Wireless Mouse", "Laptop"]
    assert len({shapes[name] for name in mixed_up}) == len(mixed_up)


def colour_share(jpeg: bytes, colour: str) -> float:
    """The share of a picture's pixels within a small distance of `colour`."""
    target = ImageColor.getrgb(colour)
    raw = Image.open(io.BytesIO(jpeg)).convert("RGB").resize((100, 100)).tobytes()
    pixels = (raw[i : i + 3] for i in range(0, len(raw), 3))
    near = sum(
        1 for pixel in pixels if sum(abs(a - b) for a, b in zip(pixel, target, strict=True)) < 30
    )
    return near / 10_000


@pytest.mark.parametrize("kind_name", ["Charging Cable", "Low-Top Sneakers", "T-Shirt"])
def test_a_picture_is_drawn_in_its_colour(kind_name):
    top, kind = next(
        (top, kind)
        for top in vocabulary.TOPS
        for leaf in top.leaves
        for kind in leaf.kinds
        if kind.term.en == kind_name
    )
    drawn = {
        colour: images.render(images.picture(top=top, kind=kind, shape=kind.shape, colour=colour))
        for colour in ("red", "black", "blue")
    }

    for colour, jpeg in drawn.items():
        assert colour_share(jpeg, SWATCHES[colour]) > 0.03, colour
        others = [c for c in drawn if c != colour]
        assert all(colour_share(jpeg, SWATCHES[c]) < 0.01 for c in others), colour


def test_a_pictures_name_records_its_type_and_colour():
    top, leaf = vocabulary.leaves()[0]
    kind = leaf.kinds[0]

    coloured = images.picture(top=top, kind=kind, shape=leaf.shape, colour="navy")
    plain = images.picture(top=top, kind=kind, shape=leaf.shape, n=2)

    assert images.picture_source(coloured.name) == (kind.slug, "navy")
    assert images.picture_source(plain.name) == (kind.slug, "")
    with pytest.raises(ValueError):
        images.picture_source("products/2026/01/upload.jpg")


def test_unique_name_numbers_a_repeated_name_and_leaves_a_new_one_alone():
    taken: set[str] = set()
    term = vocabulary.Term("Lumen Cotton T-Shirt", "Lumen 纯棉T恤")

    names = [vocabulary.unique_name(term, taken) for _ in range(3)]
    other = vocabulary.unique_name(vocabulary.Term("Lumen Linen Shirt", "Lumen 亚麻衬衫"), taken)

    assert [n.en for n in names] == [
        "Lumen Cotton T-Shirt",
        "Lumen Cotton T-Shirt II",
        "Lumen Cotton T-Shirt III",
    ]
    assert names[1].zh == "Lumen 纯棉T恤 II"
    assert other.en == "Lumen Linen Shirt"


# --- The seeded shop ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_each_products_pictures_show_its_own_type_and_each_variant_its_colour():
    seed()
    kinds = kinds_by_leaf()
    leaf_slug = dict(Category.objects.values_list("pk", "slug"))
    pictures = list(ProductImage.objects.select_related("product", "variant"))
    assert pictures

    for picture in pictures:
        product = picture.product
        kind = product_type(product, kinds[leaf_slug[product.category_id]])
        source_kind, source_colour = images.picture_source(picture.image.name)
        assert source_kind == kind.slug, (product.name_en, picture.image.name)
        if picture.variant is not None:
            assert source_colour == picture.variant.attributes["colour"]
        else:
            assert source_colour == ""
        assert default_storage.exists(picture.image.name)
        assert default_storage.exists(picture.card.name)
        assert default_storage.exists(picture.large.name)


@pytest.mark.django_db
def test_every_colour_variant_has_a_picture_of_its_colour_and_the_others_a_plain_one():
    seed()

    coloured = ProductVariant.objects.filter(attributes__has_key="colour")
    assert coloured.exists()
    for variant in coloured:
        sources = [images.picture_source(p.image.name) for p in variant.images.all()]
        assert [colour for _, colour in sources] == [variant.attributes["colour"]]
    plain = Product.objects.exclude(variants__attributes__has_key="colour")
    assert plain.exists()
    assert all(p.images.filter(variant=None).exists() for p in plain)


@pytest.mark.django_db
def test_a_white_variant_and_a_black_one_of_one_product_differ_in_picture():
    seed()
    products = Product.objects.filter(
        variants__attributes__colour="white"
    ) & Product.objects.filter(variants__attributes__colour="black")
    product = products.first()
    assert product is not None

    white = product.images.filter(variant__attributes__colour="white").first()
    black = product.images.filter(variant__attributes__colour="black").first()

    with default_storage.open(white.card.name) as f:
        white_share = colour_share(f.read(), SWATCHES["black"])
    with default_storage.open(black.card.name) as f:
        black_share = colour_share(f.read(), SWATCHES["black"])
    assert black_share > 0.03 > white_share


@pytest.mark.django_db
def test_no_two_demo_products_share_a_name():
    call_command(
        "seed_demo",
        *["--products", "400", "--users", "20", "--interactions", "0", "--orders", "0"],
        *["--images-per-leaf", "1", "--no-train"],
        stdout=StringIO(),
    )

    for field in ("name_en", "name_zh_hans"):
        counts = Counter(Product.objects.values_list(field, flat=True))
        assert counts.most_common(1)[0][1] == 1, counts.most_common(3)


@pytest.mark.parametrize("workers", [1, 2])
def test_pictures_are_drawn_once_with_their_sizes_and_then_reused(
    settings, tmp_path, monkeypatch, workers
):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(images, "PARALLEL_FROM", 2)
    top, leaf = vocabulary.leaves()[0]
    pool = [
        images.picture(top=top, kind=kind, shape=kind.shape or leaf.shape, colour="black")
        for kind in leaf.kinds[:3]
    ]

    first = images.ensure_pool(pool, workers=workers)
    again = images.ensure_pool(pool, workers=workers)

    assert (first, again) == ((3, 0), (0, 3))
    for picture in pool:
        assert default_storage.exists(picture.name)
        for size, name in size_names(picture.name).items():
            with default_storage.open(name) as f:
                assert Image.open(f).size == {"thumb": (120, 120), "card": (480, 480)}.get(
                    size, (800, 800)
                )
