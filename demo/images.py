"""Product pictures for the demo shop, drawn locally with Pillow.

Each leaf category gets a small pool of 800x800 JPEGs: a soft gradient in the top category's
palette and a stylised object (a tee, a running shoe, a phone, a mug...). Products share pool files,
so a catalog of 100,000 products needs only a hundred pictures and a hundred sets of thumbnails.

Pictures do not depend on the seed: a pool file, once written, is reused by every later run
(its name carries a version, bumped when the drawings change).
"""

from __future__ import annotations

import io
import logging
import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageColor, ImageDraw, ImageFilter

from catalog.images import generate_sizes

logger = logging.getLogger(__name__)

POOL_DIR = "products/demo/v1"
SIZE = 800
_SCALE = 2  # drawn at twice the size and scaled down, for smooth edges
_CANVAS = SIZE * _SCALE

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class PoolImage:
    name: str  # storage name, e.g. "products/demo/v1/running-shoes-2.jpg"
    shape: str
    background: tuple[str, str]
    ink: str
    accent: str
    seed: int


def pool_for_leaf(
    *,
    leaf_slug: str,
    shape: str,
    backgrounds: tuple[tuple[str, str], ...],
    inks: tuple[str, ...],
    count: int,
) -> list[PoolImage]:
    """The pool of one leaf: `count` pictures in different colourways."""
    rng = random.Random(f"{POOL_DIR}:{leaf_slug}")
    pool = []
    for n in range(1, count + 1):
        ink, accent = rng.sample(inks, 2)
        pool.append(
            PoolImage(
                name=f"{POOL_DIR}/{leaf_slug}-{n}.jpg",
                shape=shape,
                background=backgrounds[(n - 1) % len(backgrounds)],
                ink=ink,
                accent=accent,
                seed=rng.randrange(1 << 30),
            )
        )
    return pool


# --- Drawing ------------------------------------------------------------------------------------
class _Pen:
    """Draws in unit coordinates (0..1 across the canvas), shifted and scaled per picture."""

    def __init__(self, draw: ImageDraw.ImageDraw, rng: random.Random):
        self.draw = draw
        self.scale = rng.uniform(0.9, 1.05)
        self.dx = rng.uniform(-0.03, 0.03)
        self.dy = rng.uniform(-0.02, 0.02)

    def p(self, x: float, y: float) -> tuple[float, float]:
        return (
            (0.5 + (x - 0.5) * self.scale + self.dx) * _CANVAS,
            (0.5 + (y - 0.5) * self.scale + self.dy) * _CANVAS,
        )

    def pts(self, points: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
        return [self.p(x, y) for x, y in points]

    def box(self, x0: float, y0: float, x1: float, y1: float) -> list[float]:
        a, b = self.p(x0, y0), self.p(x1, y1)
        return [a[0], a[1], b[0], b[1]]

    def w(self, width: float) -> int:
        return max(1, int(width * _CANVAS * self.scale))

    def poly(self, points, fill) -> None:
        self.draw.polygon(self.pts(points), fill=fill)

    def rect(self, x0, y0, x1, y1, fill, radius: float = 0.0) -> None:
        self.draw.rounded_rectangle(self.box(x0, y0, x1, y1), radius=self.w(radius), fill=fill)

    def ellipse(self, x0, y0, x1, y1, fill=None, outline=None, width: float = 0.0) -> None:
        self.draw.ellipse(
            self.box(x0, y0, x1, y1),
            fill=fill,
            outline=outline,
            width=self.w(width) if width else 0,
        )

    def line(self, points, fill, width: float) -> None:
        self.draw.line(self.pts(points), fill=fill, width=self.w(width), joint="curve")

    def arc(self, x0, y0, x1, y1, start, end, fill, width: float) -> None:
        self.draw.arc(self.box(x0, y0, x1, y1), start, end, fill=fill, width=self.w(width))


CLEAR = (0, 0, 0, 0)
WHITE = (250, 250, 248, 255)


def _shade(colour: RGB, factor: float) -> tuple[int, int, int, int]:
    """Lighter (factor > 1) or darker (factor < 1) version of a colour, opaque."""
    if factor >= 1:
        mix = factor - 1
        r, g, b = (int(c + (255 - c) * mix) for c in colour)
    else:
        r, g, b = (int(c * factor) for c in colour)
    return (r, g, b, 255)


def _tee(pen: _Pen, ink, accent, rng) -> None:
    pen.poly(
        [(0.38, 0.2), (0.24, 0.26), (0.12, 0.42), (0.23, 0.49), (0.3, 0.42), (0.3, 0.82),
         (0.7, 0.82), (0.7, 0.42), (0.77, 0.49), (0.88, 0.42), (0.76, 0.26), (0.62, 0.2)],
        ink,
    )  # fmt: skip
    pen.ellipse(0.4, 0.13, 0.6, 0.27, fill=CLEAR)
    pen.arc(0.4, 0.13, 0.6, 0.27, 20, 160, accent, 0.012)
    if rng.random() < 0.5:
        pen.rect(0.3, 0.52, 0.7, 0.58, accent)
    else:
        pen.rect(0.56, 0.36, 0.64, 0.45, _shade(ink[:3], 0.8), 0.01)


def _sweater(pen: _Pen, ink, accent, rng) -> None:
    pen.poly(
        [(0.38, 0.2), (0.25, 0.25), (0.16, 0.4), (0.11, 0.76), (0.21, 0.78), (0.27, 0.48),
         (0.29, 0.82), (0.71, 0.82), (0.73, 0.48), (0.79, 0.78), (0.89, 0.76), (0.84, 0.4),
         (0.75, 0.25), (0.62, 0.2)],
        ink,
    )  # fmt: skip
    pen.ellipse(0.41, 0.14, 0.59, 0.26, fill=CLEAR)
    rib = _shade(ink[:3], 0.75)
    pen.arc(0.41, 0.14, 0.59, 0.26, 10, 170, rib, 0.02)
    pen.poly([(0.29, 0.77), (0.71, 0.77), (0.71, 0.82), (0.29, 0.82)], rib)
    pen.poly([(0.11, 0.72), (0.21, 0.74), (0.21, 0.78), (0.11, 0.76)], rib)
    pen.poly([(0.79, 0.74), (0.89, 0.72), (0.89, 0.76), (0.79, 0.78)], rib)
    for y in (0.45, 0.55):
        pen.line([(0.29, y), (0.71, y)], accent, 0.012)


def _jacket(pen: _Pen, ink, accent, rng) -> None:
    _sweater(pen, ink, ink, rng)
    pen.line([(0.5, 0.22), (0.5, 0.82)], accent, 0.01)
    pen.poly(
        [(0.4, 0.19), (0.5, 0.3), (0.6, 0.19), (0.56, 0.16), (0.5, 0.22), (0.44, 0.16)], accent
    )
    pen.rect(0.33, 0.6, 0.44, 0.63, _shade(ink[:3], 0.7))
    pen.rect(0.56, 0.6, 0.67, 0.63, _shade(ink[:3], 0.7))


def _trousers(pen: _Pen, ink, accent, rng) -> None:
    pen.poly(
        [(0.32, 0.16), (0.68, 0.16), (0.72, 0.86), (0.53, 0.86), (0.5, 0.42), (0.47, 0.86),
         (0.28, 0.86)],
        ink,
    )  # fmt: skip
    pen.rect(0.32, 0.16, 0.68, 0.21, _shade(ink[:3], 0.75))
    pen.line([(0.5, 0.21), (0.5, 0.33)], accent, 0.006)
    pen.arc(0.33, 0.15, 0.45, 0.3, 0, 90, accent, 0.006)
    pen.arc(0.55, 0.15, 0.67, 0.3, 90, 180, accent, 0.006)


def _sneaker(pen: _Pen, ink, accent, rng) -> None:
    sole = WHITE if rng.random() < 0.7 else accent
    pen.poly(
        [(0.14, 0.66), (0.16, 0.44), (0.3, 0.38), (0.42, 0.41), (0.5, 0.5), (0.7, 0.54),
         (0.84, 0.58), (0.87, 0.66)],
        ink,
    )  # fmt: skip
    pen.rect(0.12, 0.64, 0.89, 0.72, sole, 0.035)
    pen.line([(0.12, 0.69), (0.89, 0.69)], _shade(sole[:3], 0.85), 0.006)
    pen.line([(0.3, 0.58), (0.5, 0.5), (0.72, 0.6)], accent, 0.025)
    for i in range(4):
        x = 0.36 + i * 0.045
        pen.line([(x, 0.44 + i * 0.02), (x + 0.04, 0.47 + i * 0.02)], WHITE, 0.008)
    pen.ellipse(0.15, 0.45, 0.22, 0.52, fill=_shade(ink[:3], 0.7))


def _boot(pen: _Pen, ink, accent, rng) -> None:
    pen.poly(
        [(0.26, 0.7), (0.27, 0.18), (0.47, 0.18), (0.48, 0.5), (0.66, 0.55), (0.8, 0.6),
         (0.82, 0.7)],
        ink,
    )  # fmt: skip
    pen.rect(0.24, 0.68, 0.84, 0.77, _shade(ink[:3], 0.45), 0.015)
    pen.rect(0.27, 0.18, 0.47, 0.23, _shade(ink[:3], 0.8))
    pen.rect(0.43, 0.26, 0.5, 0.5, accent, 0.02)
    pen.line([(0.26, 0.66), (0.82, 0.66)], _shade(ink[:3], 1.3), 0.006)


def _sandal(pen: _Pen, ink, accent, rng) -> None:
    for x in (0.28, 0.52):
        pen.ellipse(x, 0.2, x + 0.2, 0.82, fill=_shade(ink[:3], 1.35))
        pen.ellipse(x + 0.02, 0.22, x + 0.18, 0.8, fill=ink)
        pen.rect(x - 0.01, 0.36, x + 0.21, 0.46, accent, 0.04)


def _phone(pen: _Pen, ink, accent, rng) -> None:
    pen.rect(0.34, 0.12, 0.66, 0.88, ink, 0.05)
    pen.rect(0.355, 0.14, 0.645, 0.86, (24, 28, 36, 255), 0.04)
    screen = _shade(accent[:3], 1.2)
    pen.rect(0.37, 0.16, 0.63, 0.84, screen, 0.03)
    for i in range(3):
        for j in range(4):
            x, y = 0.39 + i * 0.08, 0.22 + j * 0.08
            pen.rect(x, y, x + 0.05, y + 0.05, (255, 255, 255, 170), 0.012)
    pen.ellipse(0.49, 0.165, 0.51, 0.18, fill=(10, 10, 10, 255))


def _headphones(pen: _Pen, ink, accent, rng) -> None:
    pen.arc(0.26, 0.16, 0.74, 0.7, 180, 360, ink, 0.045)
    pen.rect(0.2, 0.42, 0.34, 0.7, ink, 0.06)
    pen.rect(0.66, 0.42, 0.8, 0.7, ink, 0.06)
    pen.rect(0.24, 0.46, 0.32, 0.66, accent, 0.04)
    pen.rect(0.68, 0.46, 0.76, 0.66, accent, 0.04)


def _laptop(pen: _Pen, ink, accent, rng) -> None:
    pen.rect(0.22, 0.2, 0.78, 0.6, ink, 0.02)
    pen.rect(0.24, 0.22, 0.76, 0.58, _shade(accent[:3], 1.25), 0.01)
    pen.rect(0.27, 0.26, 0.5, 0.3, (255, 255, 255, 200), 0.005)
    pen.rect(0.27, 0.33, 0.7, 0.5, (255, 255, 255, 120), 0.01)
    pen.poly([(0.18, 0.61), (0.82, 0.61), (0.88, 0.68), (0.12, 0.68)], _shade(ink[:3], 1.2))
    pen.rect(0.44, 0.62, 0.56, 0.64, _shade(ink[:3], 0.8), 0.005)


def _charger(pen: _Pen, ink, accent, rng) -> None:
    pen.rect(0.28, 0.3, 0.72, 0.6, ink, 0.05)
    pen.rect(0.33, 0.36, 0.45, 0.4, accent, 0.01)
    for i in range(4):
        pen.ellipse(0.6 + i * 0.025, 0.37, 0.615 + i * 0.025, 0.385, fill=accent)
    pen.line([(0.5, 0.6), (0.5, 0.68), (0.4, 0.76), (0.3, 0.74), (0.24, 0.8)], WHITE, 0.014)
    pen.rect(0.2, 0.78, 0.27, 0.84, WHITE, 0.01)


def _watch(pen: _Pen, ink, accent, rng) -> None:
    pen.rect(0.42, 0.12, 0.58, 0.4, ink, 0.03)
    pen.rect(0.42, 0.6, 0.58, 0.88, ink, 0.03)
    pen.rect(0.34, 0.3, 0.66, 0.7, _shade(ink[:3], 0.6), 0.07)
    pen.rect(0.36, 0.32, 0.64, 0.68, (20, 22, 28, 255), 0.06)
    pen.arc(0.4, 0.36, 0.6, 0.64, 200, 520, accent, 0.02)
    pen.rect(0.66, 0.45, 0.68, 0.52, _shade(ink[:3], 0.6), 0.005)


def _pan(pen: _Pen, ink, accent, rng) -> None:
    pen.line([(0.62, 0.5), (0.92, 0.5)], _shade(accent[:3], 0.6), 0.05)
    pen.ellipse(0.12, 0.18, 0.68, 0.82, fill=ink)
    pen.ellipse(0.16, 0.22, 0.64, 0.78, fill=_shade(ink[:3], 0.55))
    pen.ellipse(0.22, 0.28, 0.46, 0.44, fill=(255, 255, 255, 40))


def _mug(pen: _Pen, ink, accent, rng) -> None:
    pen.ellipse(0.56, 0.36, 0.8, 0.64, outline=ink, width=0.045)
    pen.rect(0.24, 0.28, 0.64, 0.8, ink, 0.05)
    pen.ellipse(0.24, 0.24, 0.64, 0.32, fill=_shade(ink[:3], 0.7))
    pen.rect(0.24, 0.5, 0.64, 0.56, accent)
    for x in (0.36, 0.44, 0.52):
        pen.arc(x - 0.03, 0.08, x + 0.03, 0.2, 90, 270, (255, 255, 255, 160), 0.008)


def _pillow(pen: _Pen, ink, accent, rng) -> None:
    pen.rect(0.14, 0.26, 0.86, 0.74, ink, 0.14)
    pen.rect(0.18, 0.3, 0.82, 0.7, _shade(ink[:3], 1.15), 0.12)
    for i in range(5):
        x = 0.26 + i * 0.12
        pen.line([(x, 0.34), (x, 0.66)], accent, 0.006)


def _box(pen: _Pen, ink, accent, rng) -> None:
    pen.rect(0.2, 0.36, 0.8, 0.8, ink, 0.02)
    pen.rect(0.17, 0.28, 0.83, 0.38, _shade(ink[:3], 0.8), 0.02)
    pen.rect(0.42, 0.48, 0.58, 0.53, _shade(ink[:3], 0.55), 0.02)
    pen.rect(0.2, 0.7, 0.8, 0.73, accent)


def _bottle(pen: _Pen, ink, accent, rng) -> None:
    pen.rect(0.45, 0.12, 0.6, 0.16, accent, 0.01)
    pen.rect(0.46, 0.16, 0.5, 0.22, accent)
    pen.rect(0.44, 0.2, 0.56, 0.3, accent, 0.01)
    pen.rect(0.36, 0.3, 0.64, 0.86, ink, 0.06)
    pen.rect(0.39, 0.48, 0.61, 0.7, WHITE, 0.01)
    pen.rect(0.42, 0.54, 0.58, 0.56, accent)
    pen.rect(0.42, 0.6, 0.54, 0.61, _shade(accent[:3], 1.2))


def _lipstick(pen: _Pen, ink, accent, rng) -> None:
    gold = (201, 164, 76, 255)
    pen.poly([(0.44, 0.4), (0.44, 0.22), (0.56, 0.14), (0.56, 0.4)], accent)
    pen.rect(0.42, 0.38, 0.58, 0.5, gold, 0.005)
    pen.rect(0.4, 0.5, 0.6, 0.84, ink, 0.02)
    pen.rect(0.4, 0.56, 0.6, 0.58, gold)


def _tube(pen: _Pen, ink, accent, rng) -> None:
    pen.poly([(0.34, 0.16), (0.66, 0.16), (0.6, 0.74), (0.4, 0.74)], ink)
    pen.rect(0.34, 0.14, 0.66, 0.19, _shade(ink[:3], 0.85))
    pen.rect(0.4, 0.74, 0.6, 0.86, accent, 0.02)
    pen.rect(0.42, 0.36, 0.58, 0.5, WHITE, 0.01)


def _sportbottle(pen: _Pen, ink, accent, rng) -> None:
    pen.rect(0.44, 0.1, 0.56, 0.18, accent, 0.02)
    pen.rect(0.4, 0.16, 0.6, 0.24, _shade(accent[:3], 0.8), 0.02)
    pen.rect(0.36, 0.24, 0.64, 0.88, ink, 0.07)
    pen.rect(0.36, 0.46, 0.64, 0.56, accent)
    pen.rect(0.4, 0.3, 0.44, 0.82, (255, 255, 255, 60), 0.02)


def _dumbbell(pen: _Pen, ink, accent, rng) -> None:
    pen.rect(0.22, 0.47, 0.78, 0.53, (150, 154, 160, 255), 0.01)
    for x in (0.16, 0.72):
        pen.rect(x, 0.3, x + 0.12, 0.7, ink, 0.03)
        pen.rect(x + 0.02, 0.36, x + 0.1, 0.64, _shade(ink[:3], 0.8), 0.02)
    pen.rect(0.44, 0.46, 0.56, 0.54, accent, 0.01)


def _tent(pen: _Pen, ink, accent, rng) -> None:
    pen.poly([(0.12, 0.78), (0.5, 0.2), (0.88, 0.78)], ink)
    pen.poly([(0.5, 0.2), (0.88, 0.78), (0.7, 0.78)], _shade(ink[:3], 0.8))
    pen.poly([(0.38, 0.78), (0.5, 0.46), (0.6, 0.78)], accent)
    pen.line([(0.08, 0.79), (0.92, 0.79)], _shade(ink[:3], 0.5), 0.01)
    pen.line([(0.5, 0.2), (0.5, 0.12)], _shade(ink[:3], 0.5), 0.008)


def _wheel(pen: _Pen, ink, accent, rng) -> None:
    pen.ellipse(0.18, 0.18, 0.82, 0.82, outline=(35, 35, 38, 255), width=0.05)
    pen.ellipse(0.22, 0.22, 0.78, 0.78, outline=ink, width=0.02)
    for i in range(12):
        angle = i * math.pi / 6
        pen.line(
            [(0.5, 0.5), (0.5 + 0.27 * math.cos(angle), 0.5 + 0.27 * math.sin(angle))],
            (190, 192, 196, 255),
            0.004,
        )
    pen.ellipse(0.46, 0.46, 0.54, 0.54, fill=accent)


def _tin(pen: _Pen, ink, accent, rng) -> None:
    pen.rect(0.3, 0.28, 0.7, 0.82, ink, 0.02)
    pen.ellipse(0.3, 0.76, 0.7, 0.86, fill=ink)
    pen.rect(0.29, 0.22, 0.71, 0.32, _shade(ink[:3], 0.75), 0.01)
    pen.ellipse(0.29, 0.18, 0.71, 0.26, fill=_shade(ink[:3], 0.9))
    pen.rect(0.3, 0.46, 0.7, 0.62, accent)
    pen.ellipse(0.44, 0.48, 0.56, 0.6, fill=WHITE)
    pen.ellipse(0.47, 0.51, 0.53, 0.57, fill=_shade(ink[:3], 0.9))


def _bag(pen: _Pen, ink, accent, rng) -> None:
    pen.poly([(0.3, 0.18), (0.7, 0.18), (0.73, 0.84), (0.27, 0.84)], ink)
    pen.rect(0.3, 0.18, 0.7, 0.24, _shade(ink[:3], 0.8))
    pen.rect(0.36, 0.4, 0.64, 0.68, WHITE, 0.01)
    pen.rect(0.4, 0.46, 0.6, 0.5, accent)
    pen.ellipse(0.46, 0.56, 0.54, 0.64, fill=accent)
    pen.ellipse(0.47, 0.28, 0.53, 0.34, fill=_shade(ink[:3], 0.6))


def _jar(pen: _Pen, ink, accent, rng) -> None:
    pen.rect(0.3, 0.3, 0.7, 0.84, (255, 255, 255, 110), 0.07)
    pen.rect(0.32, 0.42, 0.68, 0.82, ink, 0.06)
    pen.rect(0.32, 0.2, 0.68, 0.31, accent, 0.02)
    pen.rect(0.36, 0.5, 0.64, 0.66, WHITE, 0.01)
    pen.rect(0.4, 0.56, 0.6, 0.59, accent)


def _notebook(pen: _Pen, ink, accent, rng) -> None:
    pen.rect(0.3, 0.16, 0.74, 0.84, (238, 236, 230, 255), 0.015)
    pen.rect(0.26, 0.14, 0.72, 0.84, ink, 0.015)
    pen.rect(0.26, 0.14, 0.31, 0.84, _shade(ink[:3], 0.75))
    pen.rect(0.64, 0.14, 0.66, 0.84, accent)
    pen.rect(0.38, 0.3, 0.58, 0.36, _shade(ink[:3], 1.3), 0.005)


def _pen(pen: _Pen, ink, accent, rng) -> None:
    a, b = (0.22, 0.78), (0.74, 0.26)
    pen.line([a, b], ink, 0.05)
    pen.line([(0.62, 0.38), (0.74, 0.26)], accent, 0.052)
    pen.poly([(0.19, 0.77), (0.23, 0.81), (0.14, 0.86)], (201, 164, 76, 255))
    pen.line([(0.58, 0.36), (0.7, 0.24)], (201, 164, 76, 255), 0.01)


def _book(pen: _Pen, ink, accent, rng) -> None:
    pen.rect(0.28, 0.16, 0.74, 0.84, (240, 236, 226, 255), 0.01)
    pen.rect(0.24, 0.14, 0.7, 0.84, ink, 0.01)
    pen.rect(0.24, 0.14, 0.28, 0.84, _shade(ink[:3], 0.7))
    pen.rect(0.34, 0.26, 0.62, 0.29, accent)
    pen.rect(0.34, 0.33, 0.56, 0.35, _shade(ink[:3], 1.4))
    pen.ellipse(0.4, 0.48, 0.56, 0.64, fill=accent)


SHAPES: dict[str, Callable] = {
    "tee": _tee,
    "sweater": _sweater,
    "jacket": _jacket,
    "trousers": _trousers,
    "sneaker": _sneaker,
    "boot": _boot,
    "sandal": _sandal,
    "phone": _phone,
    "headphones": _headphones,
    "laptop": _laptop,
    "charger": _charger,
    "watch": _watch,
    "pan": _pan,
    "mug": _mug,
    "pillow": _pillow,
    "box": _box,
    "bottle": _bottle,
    "lipstick": _lipstick,
    "tube": _tube,
    "sportbottle": _sportbottle,
    "dumbbell": _dumbbell,
    "tent": _tent,
    "wheel": _wheel,
    "tin": _tin,
    "bag": _bag,
    "jar": _jar,
    "notebook": _notebook,
    "pen": _pen,
    "book": _book,
}


def _gradient(top: str, bottom: str) -> Image.Image:
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


def render(image: PoolImage) -> bytes:
    """The JPEG bytes of one pool picture."""
    rng = random.Random(image.seed)
    picture = _gradient(*image.background)
    layer = Image.new("RGBA", (_CANVAS, _CANVAS), CLEAR)
    pen = _Pen(ImageDraw.Draw(layer), rng)
    ink = (*ImageColor.getrgb(image.ink), 255)
    accent = (*ImageColor.getrgb(image.accent), 255)
    SHAPES[image.shape](pen, ink, accent, rng)
    layer = layer.reduce(_SCALE)
    alpha = layer.getchannel("A")
    shadow = alpha.filter(ImageFilter.GaussianBlur(14)).point(lambda a: a * 35 // 100)
    picture.paste((40, 38, 36), (10, 22), shadow)
    picture.paste(layer, (0, 0), alpha)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=88, optimize=True, progressive=True)
    return out.getvalue()


def ensure_pool(pool: Iterable[PoolImage]) -> tuple[int, int]:
    """Write the pool pictures that are not in storage yet. Returns (written, already there)."""
    written = existing = 0
    for image in pool:
        if default_storage.exists(image.name):
            existing += 1
            continue
        saved = default_storage.save(image.name, ContentFile(render(image)))
        if saved != image.name:  # pragma: no cover - a race with another seeding process
            logger.warning("pool picture saved as %s instead of %s", saved, image.name)
        written += 1
    return written, existing


def ensure_sizes(source_names: Iterable[str]) -> int:
    """Generate the thumb, card and large sizes of each pool picture (catalog/images.py); the
    files already there are kept. Returns how many sources were checked."""
    count = 0
    for name in source_names:
        generate_sizes(name)
        count += 1
    return count
