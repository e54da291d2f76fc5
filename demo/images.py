"""Product pictures for the demo shop, drawn locally with Pillow.

Every picture shows the product's own type (a charging cable, a phone case, a wireless mouse: see
demo/drawings.py and catalog.json's "kind_shapes") in one colour: a variant's colour for products
that come in colours, one of the top category's inks for the others. One 800x800 JPEG per (type,
colour) on a soft gradient in the top category's palette; products of the same type and colour
share the file and its sizes, so 100,000 products need about a thousand pictures.

Pictures do not depend on the seed: a file, once written, is reused by every later run (the
directory carries a version, bumped when the drawings change). Where a picture comes from is in
its name (products/demo/v2/<type>/<colour>.jpg), read back by `picture_source`.
"""

from __future__ import annotations

import io
import logging
import random
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageColor, ImageDraw, ImageFilter
from pilkit.processors import ProcessorPipeline

from catalog.attributes import SWATCHES
from catalog.images import SIZES, generate_sizes, size_names

from .drawings import CANVAS, CLEAR, SCALE, SHAPES, SIZE, Pen
from .vocabulary import Kind, Top

logger = logging.getLogger(__name__)

POOL_DIR = "products/demo/v2"
# The file stem of a picture of a type that comes in no colour: plain-1, plain-2...
PLAIN = "plain"
# Below this many missing pictures, drawing them in worker processes costs more than it saves.
PARALLEL_FROM = 24


@dataclass(frozen=True)
class PoolImage:
    name: str  # storage name, e.g. "products/demo/v2/charging-cable/white.jpg"
    kind: str  # the product type's slug, e.g. "charging-cable"
    colour: str  # the colour drawn (a catalog.attributes.SWATCHES key), "" for none
    shape: str
    background: tuple[str, str]
    ink: str
    accent: str
    seed: int


def _distance(a: str, b: str) -> int:
    return sum(abs(x - y) for x, y in zip(ImageColor.getrgb(a), ImageColor.getrgb(b), strict=True))


def picture(*, top: Top, kind: Kind, shape: str, colour: str = "", n: int = 1) -> PoolImage:
    """The picture of one product type in one colour (a SWATCHES key), or, for a type that comes
    in no colour, its n-th plain picture in one of the top category's inks."""
    stem = colour or f"{PLAIN}-{n}"
    name = f"{POOL_DIR}/{kind.slug}/{stem}.jpg"
    rng = random.Random(name)
    ink = SWATCHES[colour] if colour else rng.choice(top.inks)
    # A detail colour that stands out from the object's own.
    accents = [c for c in top.inks if _distance(c, ink) > 160] or ["#1f2328", "#f6f6f4"]
    return PoolImage(
        name=name,
        kind=kind.slug,
        colour=colour,
        shape=shape,
        background=rng.choice(top.backgrounds),
        ink=ink,
        accent=rng.choice(accents),
        seed=rng.randrange(1 << 30),
    )


def picture_source(name: str) -> tuple[str, str]:
    """(product type slug, colour) of a demo picture from its storage name; colour is "" for a
    plain picture. Raises ValueError for a name that is not a demo picture."""
    path = PurePosixPath(name)
    if (
        not name.startswith(f"{POOL_DIR}/")
        or len(path.parts) != len(PurePosixPath(POOL_DIR).parts) + 2
    ):
        raise ValueError(f"not a demo picture: {name}")
    stem = path.stem
    return path.parent.name, "" if stem.startswith(f"{PLAIN}-") else stem


# --- Rendering ----------------------------------------------------------------------------------
_BILINEAR = Image.Resampling.BILINEAR


@cache
def _gradient(top: str, bottom: str) -> Image.Image:
    """The background (shared by every picture in the same palette: copy before drawing on it)."""
    mask = Image.linear_gradient("L").resize((SIZE, SIZE), Image.Resampling.BILINEAR)
    upper = Image.new("RGB", (SIZE, SIZE), ImageColor.getrgb(top))
    lower = Image.new("RGB", (SIZE, SIZE), ImageColor.getrgb(bottom))
    picture = Image.composite(lower, upper, mask)
    # A soft light behind the object (blurred small, then scaled up: same look, far cheaper).
    small = SIZE // 8
    glow = Image.new("L", (small, small), 0)
    ImageDraw.Draw(glow).ellipse((19, 14, 81, 76), fill=120)
    glow = glow.filter(ImageFilter.GaussianBlur(11)).resize((SIZE, SIZE), Image.Resampling.BILINEAR)
    return Image.composite(Image.new("RGB", (SIZE, SIZE), (255, 255, 255)), picture, glow)


def draw(image: PoolImage) -> Image.Image:
    """One picture, as an RGB image of SIZE x SIZE."""
    rng = random.Random(image.seed)
    picture = _gradient(*image.background).copy()
    layer = Image.new("RGBA", (CANVAS, CANVAS), CLEAR)
    pen = Pen(ImageDraw.Draw(layer), rng)
    ink = (*ImageColor.getrgb(image.ink), 255)
    accent = (*ImageColor.getrgb(image.accent), 255)
    SHAPES[image.shape](pen, ink, accent, rng)
    layer = layer.reduce(SCALE)
    alpha = layer.getchannel("A")
    # Shadow and edge are blurred at a quarter of the size (the same look, far cheaper).
    quarter = alpha.resize((SIZE // 4, SIZE // 4), Image.Resampling.BOX)
    shadow = quarter.filter(ImageFilter.GaussianBlur(3.5)).resize((SIZE, SIZE), _BILINEAR)
    picture.paste((40, 38, 36), (10, 22), shadow.point(lambda a: a * 35 // 100))
    # A thin darker edge, so a white or beige object still stands out from a pale background.
    edge = quarter.filter(ImageFilter.GaussianBlur(0.6)).resize((SIZE, SIZE), _BILINEAR)
    picture.paste(_shade_hex(image.ink, 0.6), (0, 0), edge.point(lambda a: min(a * 3, 255) // 2))
    picture.paste(layer, (0, 0), alpha)
    return picture


def _jpeg(picture: Image.Image, **options) -> bytes:
    out = io.BytesIO()
    picture.save(out, "JPEG", **options)
    return out.getvalue()


def render(image: PoolImage) -> bytes:
    """The JPEG bytes of one picture."""
    return _jpeg(draw(image), quality=88, optimize=True, progressive=True)


def _shade_hex(colour: str, factor: float) -> tuple[int, int, int]:
    r, g, b = ImageColor.getrgb(colour)[:3]
    return int(r * factor), int(g * factor), int(b * factor)


def _render_with_sizes(image: PoolImage) -> tuple[bytes, dict[str, bytes]]:
    """A picture and its thumb, card and large sizes, as bytes: the part of the work a worker
    process can do without touching storage. The sizes are made by catalog/images.py's own specs
    (processors, format and options), from the drawn image rather than a decoded JPEG."""
    picture = draw(image)
    sizes = {}
    for size, spec in SIZES.items():
        sized = ProcessorPipeline(spec.processors).process(picture)
        sizes[size] = _jpeg(sized.convert("RGB"), **spec.options)
    return _jpeg(picture, quality=88, optimize=True, progressive=True), sizes


def _drawn(missing: list[PoolImage], workers: int) -> Iterator[tuple[PoolImage, tuple]]:
    """Each missing picture with its bytes, as they are drawn (so they are not all held)."""
    if len(missing) >= PARALLEL_FROM and workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as executor:
            drawn = executor.map(_render_with_sizes, missing, chunksize=8)
            yield from zip(missing, drawn, strict=True)
    else:
        for image in missing:
            yield image, _render_with_sizes(image)


def ensure_pool(pool: Iterable[PoolImage], *, workers: int = 2) -> tuple[int, int]:
    """Write the pictures (and their sizes) that are not in storage yet, drawing them in `workers`
    processes when there are many. Returns (written, already there)."""
    wanted = {image.name: image for image in pool}
    missing = [image for name, image in sorted(wanted.items()) if not default_storage.exists(name)]
    for image, (source, sizes) in _drawn(missing, workers):
        # The sizes first: a source in storage means its sizes are there too.
        for size, name in size_names(image.name).items():
            if not default_storage.exists(name):
                default_storage.save(name, ContentFile(sizes[size]))
        saved = default_storage.save(image.name, ContentFile(source))
        if saved != image.name:  # pragma: no cover - a race with another seeding process
            logger.warning("demo picture saved as %s instead of %s", saved, image.name)
    return len(missing), len(wanted) - len(missing)


def ensure_sizes(source_names: Iterable[str]) -> int:
    """Generate the thumb, card and large sizes of each picture that lacks them (catalog/images.py);
    the files already there are kept. Returns how many sources were checked."""
    count = 0
    for name in source_names:
        generate_sizes(name)
        count += 1
    return count
