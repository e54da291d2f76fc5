"""The drawings of the demo's product pictures: one function per kind of object (a tee, a running
shoe, a charging cable, a wireless mouse...), drawn in unit coordinates with Pillow. `ink` is
the object's own colour (a variant's colour when it has one), `accent` a detail colour.

Plain drawing: no Django imports.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable

from PIL import ImageDraw

SIZE = 800
SCALE = 2  # drawn at twice the size and scaled down, for smooth edges
CANVAS = SIZE * SCALE

RGB = tuple[int, int, int]


class Pen:
    """Draws in unit coordinates (0..1 across the canvas), shifted and scaled per picture."""

    def __init__(self, draw: ImageDraw.ImageDraw, rng: random.Random):
        self.draw = draw
        self.scale = rng.uniform(0.9, 1.05)
        self.dx = rng.uniform(-0.03, 0.03)
        self.dy = rng.uniform(-0.02, 0.02)

    def p(self, x: float, y: float) -> tuple[float, float]:
        return (
            (0.5 + (x - 0.5) * self.scale + self.dx) * CANVAS,
            (0.5 + (y - 0.5) * self.scale + self.dy) * CANVAS,
        )

    def pts(self, points: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
        return [self.p(x, y) for x, y in points]

    def box(self, x0: float, y0: float, x1: float, y1: float) -> list[float]:
        a, b = self.p(x0, y0), self.p(x1, y1)
        return [a[0], a[1], b[0], b[1]]

    def w(self, width: float) -> int:
        return max(1, int(width * CANVAS * self.scale))

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


def _tee(pen: Pen, ink, accent, rng) -> None:
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


def _sweater(pen: Pen, ink, accent, rng) -> None:
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


def _jacket(pen: Pen, ink, accent, rng) -> None:
    _sweater(pen, ink, ink, rng)
    pen.line([(0.5, 0.22), (0.5, 0.82)], accent, 0.01)
    pen.poly(
        [(0.4, 0.19), (0.5, 0.3), (0.6, 0.19), (0.56, 0.16), (0.5, 0.22), (0.44, 0.16)], accent
    )
    pen.rect(0.33, 0.6, 0.44, 0.63, _shade(ink[:3], 0.7))
    pen.rect(0.56, 0.6, 0.67, 0.63, _shade(ink[:3], 0.7))


def _trousers(pen: Pen, ink, accent, rng) -> None:
    pen.poly(
        [(0.32, 0.16), (0.68, 0.16), (0.72, 0.86), (0.53, 0.86), (0.5, 0.42), (0.47, 0.86),
         (0.28, 0.86)],
        ink,
    )  # fmt: skip
    pen.rect(0.32, 0.16, 0.68, 0.21, _shade(ink[:3], 0.75))
    pen.line([(0.5, 0.21), (0.5, 0.33)], accent, 0.006)
    pen.arc(0.33, 0.15, 0.45, 0.3, 0, 90, accent, 0.006)
    pen.arc(0.55, 0.15, 0.67, 0.3, 90, 180, accent, 0.006)


def _sneaker(pen: Pen, ink, accent, rng) -> None:
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


def _boot(pen: Pen, ink, accent, rng) -> None:
    pen.poly(
        [(0.26, 0.7), (0.27, 0.18), (0.47, 0.18), (0.48, 0.5), (0.66, 0.55), (0.8, 0.6),
         (0.82, 0.7)],
        ink,
    )  # fmt: skip
    pen.rect(0.24, 0.68, 0.84, 0.77, _shade(ink[:3], 0.45), 0.015)
    pen.rect(0.27, 0.18, 0.47, 0.23, _shade(ink[:3], 0.8))
    pen.rect(0.43, 0.26, 0.5, 0.5, accent, 0.02)
    pen.line([(0.26, 0.66), (0.82, 0.66)], _shade(ink[:3], 1.3), 0.006)


def _sandal(pen: Pen, ink, accent, rng) -> None:
    for x in (0.28, 0.52):
        pen.ellipse(x, 0.2, x + 0.2, 0.82, fill=_shade(ink[:3], 1.35))
        pen.ellipse(x + 0.02, 0.22, x + 0.18, 0.8, fill=ink)
        pen.rect(x - 0.01, 0.36, x + 0.21, 0.46, accent, 0.04)


def _phone(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.34, 0.12, 0.66, 0.88, ink, 0.05)
    pen.rect(0.355, 0.14, 0.645, 0.86, (24, 28, 36, 255), 0.04)
    screen = _shade(accent[:3], 1.2)
    pen.rect(0.37, 0.16, 0.63, 0.84, screen, 0.03)
    for i in range(3):
        for j in range(4):
            x, y = 0.39 + i * 0.08, 0.22 + j * 0.08
            pen.rect(x, y, x + 0.05, y + 0.05, (255, 255, 255, 170), 0.012)
    pen.ellipse(0.49, 0.165, 0.51, 0.18, fill=(10, 10, 10, 255))


def _headphones(pen: Pen, ink, accent, rng) -> None:
    pen.arc(0.26, 0.16, 0.74, 0.7, 180, 360, ink, 0.045)
    pen.rect(0.2, 0.42, 0.34, 0.7, ink, 0.06)
    pen.rect(0.66, 0.42, 0.8, 0.7, ink, 0.06)
    pen.rect(0.24, 0.46, 0.32, 0.66, accent, 0.04)
    pen.rect(0.68, 0.46, 0.76, 0.66, accent, 0.04)


def _laptop(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.22, 0.2, 0.78, 0.6, ink, 0.02)
    pen.rect(0.24, 0.22, 0.76, 0.58, _shade(accent[:3], 1.25), 0.01)
    pen.rect(0.27, 0.26, 0.5, 0.3, (255, 255, 255, 200), 0.005)
    pen.rect(0.27, 0.33, 0.7, 0.5, (255, 255, 255, 120), 0.01)
    pen.poly([(0.18, 0.61), (0.82, 0.61), (0.88, 0.68), (0.12, 0.68)], _shade(ink[:3], 1.2))
    pen.rect(0.44, 0.62, 0.56, 0.64, _shade(ink[:3], 0.8), 0.005)


def _charger(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.28, 0.3, 0.72, 0.6, ink, 0.05)
    pen.rect(0.33, 0.36, 0.45, 0.4, accent, 0.01)
    for i in range(4):
        pen.ellipse(0.6 + i * 0.025, 0.37, 0.615 + i * 0.025, 0.385, fill=accent)
    pen.line([(0.5, 0.6), (0.5, 0.68), (0.4, 0.76), (0.3, 0.74), (0.24, 0.8)], WHITE, 0.014)
    pen.rect(0.2, 0.78, 0.27, 0.84, WHITE, 0.01)


def _watch(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.42, 0.12, 0.58, 0.4, ink, 0.03)
    pen.rect(0.42, 0.6, 0.58, 0.88, ink, 0.03)
    pen.rect(0.34, 0.3, 0.66, 0.7, _shade(ink[:3], 0.6), 0.07)
    pen.rect(0.36, 0.32, 0.64, 0.68, (20, 22, 28, 255), 0.06)
    pen.arc(0.4, 0.36, 0.6, 0.64, 200, 520, accent, 0.02)
    pen.rect(0.66, 0.45, 0.68, 0.52, _shade(ink[:3], 0.6), 0.005)


def _pan(pen: Pen, ink, accent, rng) -> None:
    pen.line([(0.62, 0.5), (0.92, 0.5)], _shade(accent[:3], 0.6), 0.05)
    pen.ellipse(0.12, 0.18, 0.68, 0.82, fill=ink)
    pen.ellipse(0.16, 0.22, 0.64, 0.78, fill=_shade(ink[:3], 0.55))
    pen.ellipse(0.22, 0.28, 0.46, 0.44, fill=(255, 255, 255, 40))


def _mug(pen: Pen, ink, accent, rng) -> None:
    pen.ellipse(0.56, 0.36, 0.8, 0.64, outline=ink, width=0.045)
    pen.rect(0.24, 0.28, 0.64, 0.8, ink, 0.05)
    pen.ellipse(0.24, 0.24, 0.64, 0.32, fill=_shade(ink[:3], 0.7))
    pen.rect(0.24, 0.5, 0.64, 0.56, accent)
    for x in (0.36, 0.44, 0.52):
        pen.arc(x - 0.03, 0.08, x + 0.03, 0.2, 90, 270, (255, 255, 255, 160), 0.008)


def _pillow(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.14, 0.26, 0.86, 0.74, ink, 0.14)
    pen.rect(0.18, 0.3, 0.82, 0.7, _shade(ink[:3], 1.15), 0.12)
    for i in range(5):
        x = 0.26 + i * 0.12
        pen.line([(x, 0.34), (x, 0.66)], accent, 0.006)


def _box(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.2, 0.36, 0.8, 0.8, ink, 0.02)
    pen.rect(0.17, 0.28, 0.83, 0.38, _shade(ink[:3], 0.8), 0.02)
    pen.rect(0.42, 0.48, 0.58, 0.53, _shade(ink[:3], 0.55), 0.02)
    pen.rect(0.2, 0.7, 0.8, 0.73, accent)


def _bottle(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.45, 0.12, 0.6, 0.16, accent, 0.01)
    pen.rect(0.46, 0.16, 0.5, 0.22, accent)
    pen.rect(0.44, 0.2, 0.56, 0.3, accent, 0.01)
    pen.rect(0.36, 0.3, 0.64, 0.86, ink, 0.06)
    pen.rect(0.39, 0.48, 0.61, 0.7, WHITE, 0.01)
    pen.rect(0.42, 0.54, 0.58, 0.56, accent)
    pen.rect(0.42, 0.6, 0.54, 0.61, _shade(accent[:3], 1.2))


def _lipstick(pen: Pen, ink, accent, rng) -> None:
    gold = (201, 164, 76, 255)
    pen.poly([(0.44, 0.4), (0.44, 0.22), (0.56, 0.14), (0.56, 0.4)], accent)
    pen.rect(0.42, 0.38, 0.58, 0.5, gold, 0.005)
    pen.rect(0.4, 0.5, 0.6, 0.84, ink, 0.02)
    pen.rect(0.4, 0.56, 0.6, 0.58, gold)


def _tube(pen: Pen, ink, accent, rng) -> None:
    pen.poly([(0.34, 0.16), (0.66, 0.16), (0.6, 0.74), (0.4, 0.74)], ink)
    pen.rect(0.34, 0.14, 0.66, 0.19, _shade(ink[:3], 0.85))
    pen.rect(0.4, 0.74, 0.6, 0.86, accent, 0.02)
    pen.rect(0.42, 0.36, 0.58, 0.5, WHITE, 0.01)


def _sportbottle(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.44, 0.1, 0.56, 0.18, accent, 0.02)
    pen.rect(0.4, 0.16, 0.6, 0.24, _shade(accent[:3], 0.8), 0.02)
    pen.rect(0.36, 0.24, 0.64, 0.88, ink, 0.07)
    pen.rect(0.36, 0.46, 0.64, 0.56, accent)
    pen.rect(0.4, 0.3, 0.44, 0.82, (255, 255, 255, 60), 0.02)


def _dumbbell(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.22, 0.47, 0.78, 0.53, (150, 154, 160, 255), 0.01)
    for x in (0.16, 0.72):
        pen.rect(x, 0.3, x + 0.12, 0.7, ink, 0.03)
        pen.rect(x + 0.02, 0.36, x + 0.1, 0.64, _shade(ink[:3], 0.8), 0.02)
    pen.rect(0.44, 0.46, 0.56, 0.54, accent, 0.01)


def _tent(pen: Pen, ink, accent, rng) -> None:
    pen.poly([(0.12, 0.78), (0.5, 0.2), (0.88, 0.78)], ink)
    pen.poly([(0.5, 0.2), (0.88, 0.78), (0.7, 0.78)], _shade(ink[:3], 0.8))
    pen.poly([(0.38, 0.78), (0.5, 0.46), (0.6, 0.78)], accent)
    pen.line([(0.08, 0.79), (0.92, 0.79)], _shade(ink[:3], 0.5), 0.01)
    pen.line([(0.5, 0.2), (0.5, 0.12)], _shade(ink[:3], 0.5), 0.008)


def _wheel(pen: Pen, ink, accent, rng) -> None:
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


def _tin(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.3, 0.28, 0.7, 0.82, ink, 0.02)
    pen.ellipse(0.3, 0.76, 0.7, 0.86, fill=ink)
    pen.rect(0.29, 0.22, 0.71, 0.32, _shade(ink[:3], 0.75), 0.01)
    pen.ellipse(0.29, 0.18, 0.71, 0.26, fill=_shade(ink[:3], 0.9))
    pen.rect(0.3, 0.46, 0.7, 0.62, accent)
    pen.ellipse(0.44, 0.48, 0.56, 0.6, fill=WHITE)
    pen.ellipse(0.47, 0.51, 0.53, 0.57, fill=_shade(ink[:3], 0.9))


def _bag(pen: Pen, ink, accent, rng) -> None:
    pen.poly([(0.3, 0.18), (0.7, 0.18), (0.73, 0.84), (0.27, 0.84)], ink)
    pen.rect(0.3, 0.18, 0.7, 0.24, _shade(ink[:3], 0.8))
    pen.rect(0.36, 0.4, 0.64, 0.68, WHITE, 0.01)
    pen.rect(0.4, 0.46, 0.6, 0.5, accent)
    pen.ellipse(0.46, 0.56, 0.54, 0.64, fill=accent)
    pen.ellipse(0.47, 0.28, 0.53, 0.34, fill=_shade(ink[:3], 0.6))


def _jar(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.3, 0.3, 0.7, 0.84, (255, 255, 255, 110), 0.07)
    pen.rect(0.32, 0.42, 0.68, 0.82, ink, 0.06)
    pen.rect(0.32, 0.2, 0.68, 0.31, accent, 0.02)
    pen.rect(0.36, 0.5, 0.64, 0.66, WHITE, 0.01)
    pen.rect(0.4, 0.56, 0.6, 0.59, accent)


def _notebook(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.3, 0.16, 0.74, 0.84, (238, 236, 230, 255), 0.015)
    pen.rect(0.26, 0.14, 0.72, 0.84, ink, 0.015)
    pen.rect(0.26, 0.14, 0.31, 0.84, _shade(ink[:3], 0.75))
    pen.rect(0.64, 0.14, 0.66, 0.84, accent)
    pen.rect(0.38, 0.3, 0.58, 0.36, _shade(ink[:3], 1.3), 0.005)


def _pen(pen: Pen, ink, accent, rng) -> None:
    a, b = (0.22, 0.78), (0.74, 0.26)
    pen.line([a, b], ink, 0.05)
    pen.line([(0.62, 0.38), (0.74, 0.26)], accent, 0.052)
    pen.poly([(0.19, 0.77), (0.23, 0.81), (0.14, 0.86)], (201, 164, 76, 255))
    pen.line([(0.58, 0.36), (0.7, 0.24)], (201, 164, 76, 255), 0.01)


def _book(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.28, 0.16, 0.74, 0.84, (240, 236, 226, 255), 0.01)
    pen.rect(0.24, 0.14, 0.7, 0.84, ink, 0.01)
    pen.rect(0.24, 0.14, 0.28, 0.84, _shade(ink[:3], 0.7))
    pen.rect(0.34, 0.26, 0.62, 0.29, accent)
    pen.rect(0.34, 0.33, 0.56, 0.35, _shade(ink[:3], 1.4))
    pen.ellipse(0.4, 0.48, 0.56, 0.64, fill=accent)


# --- Drawings of single product types (catalog.json "kind_shapes") ------------------------------
def _longsleeve(pen: Pen, ink, accent, rng) -> None:
    pen.poly(
        [(0.38, 0.2), (0.25, 0.25), (0.16, 0.42), (0.12, 0.78), (0.21, 0.79), (0.27, 0.48),
         (0.29, 0.82), (0.71, 0.82), (0.73, 0.48), (0.79, 0.79), (0.88, 0.78), (0.84, 0.42),
         (0.75, 0.25), (0.62, 0.2)],
        ink,
    )  # fmt: skip
    pen.ellipse(0.41, 0.14, 0.59, 0.26, fill=CLEAR)
    pen.arc(0.41, 0.14, 0.59, 0.26, 20, 160, _shade(ink[:3], 0.8), 0.01)


def _polo(pen: Pen, ink, accent, rng) -> None:
    _tee(pen, ink, ink, rng)
    dark = _shade(ink[:3], 0.75)
    pen.poly([(0.4, 0.19), (0.5, 0.27), (0.44, 0.31), (0.36, 0.22)], dark)
    pen.poly([(0.6, 0.19), (0.5, 0.27), (0.56, 0.31), (0.64, 0.22)], dark)
    pen.line([(0.5, 0.27), (0.5, 0.4)], dark, 0.006)
    for y in (0.31, 0.36):
        pen.ellipse(0.51, y, 0.525, y + 0.015, fill=accent)


def _shirt(pen: Pen, ink, accent, rng) -> None:
    _longsleeve(pen, ink, accent, rng)
    dark = _shade(ink[:3], 0.78)
    pen.poly([(0.4, 0.18), (0.5, 0.27), (0.43, 0.32), (0.35, 0.22)], dark)
    pen.poly([(0.6, 0.18), (0.5, 0.27), (0.57, 0.32), (0.65, 0.22)], dark)
    pen.line([(0.5, 0.27), (0.5, 0.82)], dark, 0.005)
    for i in range(5):
        y = 0.33 + i * 0.1
        pen.ellipse(0.51, y, 0.527, y + 0.017, fill=WHITE)
    pen.rect(0.34, 0.36, 0.44, 0.38, dark)


def _tank(pen: Pen, ink, accent, rng) -> None:
    pen.poly(
        [(0.36, 0.14), (0.42, 0.14), (0.44, 0.26), (0.56, 0.26), (0.58, 0.14), (0.64, 0.14),
         (0.66, 0.34), (0.7, 0.42), (0.7, 0.84), (0.3, 0.84), (0.3, 0.42), (0.34, 0.34)],
        ink,
    )  # fmt: skip
    pen.rect(0.3, 0.78, 0.7, 0.84, _shade(ink[:3], 0.8))


def _turtleneck(pen: Pen, ink, accent, rng) -> None:
    _longsleeve(pen, ink, accent, rng)
    pen.rect(0.41, 0.1, 0.59, 0.24, _shade(ink[:3], 0.82), 0.02)
    for x in (0.45, 0.5, 0.55):
        pen.line([(x, 0.11), (x, 0.23)], _shade(ink[:3], 0.68), 0.004)


def _cardigan(pen: Pen, ink, accent, rng) -> None:
    _sweater(pen, ink, ink, rng)
    pen.poly([(0.41, 0.2), (0.5, 0.5), (0.59, 0.2)], CLEAR)
    pen.line([(0.5, 0.5), (0.5, 0.82)], _shade(ink[:3], 0.7), 0.006)
    for i in range(4):
        y = 0.53 + i * 0.07
        pen.ellipse(0.515, y, 0.54, y + 0.025, fill=accent)


def _quarterzip(pen: Pen, ink, accent, rng) -> None:
    _sweater(pen, ink, ink, rng)
    pen.rect(0.41, 0.12, 0.59, 0.22, _shade(ink[:3], 0.8), 0.02)
    pen.line([(0.5, 0.12), (0.5, 0.42)], accent, 0.01)
    pen.rect(0.49, 0.4, 0.52, 0.45, (200, 200, 204, 255), 0.005)


def _hoodie(pen: Pen, ink, accent, rng) -> None:
    _sweater(pen, ink, ink, rng)
    pen.ellipse(0.36, 0.06, 0.64, 0.3, fill=_shade(ink[:3], 0.85))
    pen.ellipse(0.41, 0.11, 0.59, 0.28, fill=_shade(ink[:3], 0.55))
    pen.poly([(0.36, 0.58), (0.64, 0.58), (0.68, 0.72), (0.32, 0.72)], _shade(ink[:3], 0.88))
    for x in (0.46, 0.54):
        pen.line([(x, 0.28), (x, 0.42)], accent, 0.007)


def _puffer(pen: Pen, ink, accent, rng) -> None:
    _sweater(pen, ink, ink, rng)
    dark = _shade(ink[:3], 0.75)
    for y in (0.34, 0.46, 0.58, 0.7):
        pen.line([(0.29, y), (0.71, y)], dark, 0.008)
        pen.line([(0.15, y + 0.02), (0.25, y)], dark, 0.006)
        pen.line([(0.75, y), (0.85, y + 0.02)], dark, 0.006)
    pen.line([(0.5, 0.2), (0.5, 0.82)], accent, 0.008)
    pen.rect(0.42, 0.12, 0.58, 0.22, _shade(ink[:3], 0.85), 0.02)


def _vest(pen: Pen, ink, accent, rng) -> None:
    pen.poly(
        [(0.38, 0.16), (0.3, 0.2), (0.32, 0.4), (0.29, 0.84), (0.71, 0.84), (0.68, 0.4),
         (0.7, 0.2), (0.62, 0.16), (0.5, 0.3)],
        ink,
    )  # fmt: skip
    dark = _shade(ink[:3], 0.75)
    for y in (0.46, 0.58, 0.7):
        pen.line([(0.3, y), (0.7, y)], dark, 0.008)
    pen.line([(0.5, 0.3), (0.5, 0.84)], accent, 0.008)


def _coat(pen: Pen, ink, accent, rng) -> None:
    pen.poly(
        [(0.38, 0.14), (0.25, 0.2), (0.17, 0.36), (0.12, 0.72), (0.21, 0.74), (0.27, 0.44),
         (0.26, 0.9), (0.74, 0.9), (0.73, 0.44), (0.79, 0.74), (0.88, 0.72), (0.83, 0.36),
         (0.75, 0.2), (0.62, 0.14)],
        ink,
    )  # fmt: skip
    dark = _shade(ink[:3], 0.72)
    pen.poly([(0.38, 0.14), (0.5, 0.4), (0.44, 0.42), (0.34, 0.2)], dark)
    pen.poly([(0.62, 0.14), (0.5, 0.4), (0.56, 0.42), (0.66, 0.2)], dark)
    pen.line([(0.5, 0.4), (0.5, 0.9)], dark, 0.005)
    pen.rect(0.27, 0.52, 0.73, 0.56, _shade(ink[:3], 0.85))
    for y in (0.46, 0.62, 0.74):
        pen.ellipse(0.43, y, 0.46, y + 0.03, fill=accent)
        pen.ellipse(0.54, y, 0.57, y + 0.03, fill=accent)


def _raincoat(pen: Pen, ink, accent, rng) -> None:
    _sweater(pen, ink, ink, rng)
    pen.ellipse(0.37, 0.05, 0.63, 0.3, fill=_shade(ink[:3], 0.88))
    pen.ellipse(0.42, 0.1, 0.58, 0.28, fill=_shade(ink[:3], 0.5))
    pen.line([(0.5, 0.28), (0.5, 0.82)], accent, 0.01)
    pen.line([(0.33, 0.62), (0.42, 0.56)], _shade(ink[:3], 0.7), 0.008)
    pen.line([(0.67, 0.62), (0.58, 0.56)], _shade(ink[:3], 0.7), 0.008)


def _joggers(pen: Pen, ink, accent, rng) -> None:
    _trousers(pen, ink, accent, rng)
    cuff = _shade(ink[:3], 0.75)
    pen.rect(0.3, 0.8, 0.47, 0.87, cuff, 0.015)
    pen.rect(0.53, 0.8, 0.7, 0.87, cuff, 0.015)
    pen.line([(0.46, 0.21), (0.44, 0.3)], WHITE, 0.006)
    pen.line([(0.54, 0.21), (0.56, 0.3)], WHITE, 0.006)


def _shorts(pen: Pen, ink, accent, rng) -> None:
    pen.poly(
        [(0.28, 0.26), (0.72, 0.26), (0.8, 0.7), (0.55, 0.72), (0.5, 0.5), (0.45, 0.72),
         (0.2, 0.7)],
        ink,
    )  # fmt: skip
    pen.rect(0.28, 0.26, 0.72, 0.32, _shade(ink[:3], 0.75))
    pen.line([(0.2, 0.66), (0.45, 0.68)], accent, 0.008)
    pen.line([(0.55, 0.68), (0.8, 0.66)], accent, 0.008)


def _hightop(pen: Pen, ink, accent, rng) -> None:
    pen.poly(
        [(0.14, 0.66), (0.16, 0.3), (0.34, 0.28), (0.4, 0.44), (0.5, 0.5), (0.7, 0.54),
         (0.84, 0.58), (0.87, 0.66)],
        ink,
    )  # fmt: skip
    pen.rect(0.12, 0.64, 0.89, 0.72, WHITE, 0.035)
    pen.ellipse(0.68, 0.58, 0.89, 0.72, fill=WHITE)
    for i in range(5):
        y = 0.34 + i * 0.05
        pen.line([(0.3, y), (0.38, y + 0.02)], WHITE, 0.008)
    pen.ellipse(0.18, 0.42, 0.26, 0.5, fill=accent)


def _slide(pen: Pen, ink, accent, rng) -> None:
    for x in (0.26, 0.54):
        pen.ellipse(x, 0.16, x + 0.2, 0.84, fill=_shade(ink[:3], 0.8))
        pen.rect(x - 0.02, 0.24, x + 0.22, 0.46, ink, 0.06)
        pen.rect(x + 0.02, 0.31, x + 0.18, 0.36, accent, 0.01)


def _flipflop(pen: Pen, ink, accent, rng) -> None:
    for x in (0.26, 0.54):
        pen.ellipse(x, 0.16, x + 0.2, 0.84, fill=ink)
        pen.ellipse(x + 0.02, 0.18, x + 0.18, 0.82, fill=_shade(ink[:3], 1.3))
        pen.line([(x + 0.1, 0.26), (x + 0.02, 0.48)], accent, 0.012)
        pen.line([(x + 0.1, 0.26), (x + 0.18, 0.48)], accent, 0.012)


def _earbuds(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.28, 0.46, 0.72, 0.82, ink, 0.1)
    pen.line([(0.28, 0.58), (0.72, 0.58)], _shade(ink[:3], 0.8), 0.005)
    pen.ellipse(0.47, 0.68, 0.53, 0.71, fill=accent)
    for x, flip in ((0.33, 1), (0.57, -1)):
        pen.ellipse(x, 0.14, x + 0.12, 0.27, fill=ink)
        pen.ellipse(x + 0.03, 0.17, x + 0.09, 0.24, fill=_shade(ink[:3], 0.7))
        stem = x + 0.05 + 0.02 * flip
        pen.rect(stem - 0.018, 0.24, stem + 0.018, 0.4, ink, 0.018)


def _speaker(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.3, 0.16, 0.7, 0.84, ink, 0.18)
    grille = _shade(ink[:3], 0.7)
    pen.ellipse(0.37, 0.26, 0.63, 0.52, fill=grille)
    pen.ellipse(0.45, 0.34, 0.55, 0.44, fill=_shade(ink[:3], 0.5))
    pen.ellipse(0.42, 0.58, 0.58, 0.74, fill=grille)
    pen.rect(0.46, 0.78, 0.54, 0.8, accent, 0.01)


def _soundbar(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.08, 0.42, 0.92, 0.58, ink, 0.06)
    grille = _shade(ink[:3], 0.72)
    for i in range(22):
        for j in range(3):
            x, y = 0.13 + i * 0.034, 0.46 + j * 0.035
            pen.ellipse(x, y, x + 0.014, y + 0.014, fill=grille)
    pen.rect(0.46, 0.58, 0.54, 0.6, accent, 0.005)


def _tablet(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.22, 0.14, 0.78, 0.86, ink, 0.05)
    screen = _shade(accent[:3], 1.3)
    pen.rect(0.25, 0.18, 0.75, 0.82, screen, 0.02)
    pen.rect(0.29, 0.24, 0.6, 0.28, (255, 255, 255, 210), 0.005)
    for i in range(4):
        pen.rect(0.29, 0.34 + i * 0.1, 0.71, 0.4 + i * 0.1, (255, 255, 255, 120), 0.01)


def _keyboard(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.08, 0.32, 0.92, 0.7, ink, 0.03)
    key = _shade(ink[:3], 1.25) if sum(ink[:3]) < 300 else _shade(ink[:3], 0.82)
    for row in range(4):
        for col in range(12):
            x, y = 0.11 + col * 0.067, 0.35 + row * 0.07
            pen.rect(x, y, x + 0.055, y + 0.058, key, 0.01)
    pen.rect(0.3, 0.63, 0.7, 0.67, key, 0.01)
    pen.rect(0.8, 0.35, 0.855, 0.408, accent, 0.01)


def _mouse(pen: Pen, ink, accent, rng) -> None:
    pen.ellipse(0.32, 0.16, 0.68, 0.86, fill=ink)
    pen.line([(0.5, 0.17), (0.5, 0.42)], _shade(ink[:3], 0.65), 0.008)
    pen.line([(0.34, 0.42), (0.66, 0.42)], _shade(ink[:3], 0.8), 0.005)
    pen.rect(0.485, 0.24, 0.515, 0.33, accent, 0.015)
    pen.ellipse(0.38, 0.6, 0.5, 0.76, fill=(255, 255, 255, 45))


def _monitor(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.1, 0.16, 0.9, 0.64, ink, 0.02)
    pen.rect(0.12, 0.18, 0.88, 0.62, _shade(accent[:3], 1.3), 0.01)
    pen.rect(0.16, 0.24, 0.5, 0.3, (255, 255, 255, 210), 0.005)
    pen.rect(0.16, 0.36, 0.84, 0.56, (255, 255, 255, 110), 0.01)
    pen.poly([(0.46, 0.64), (0.54, 0.64), (0.56, 0.78), (0.44, 0.78)], ink)
    pen.rect(0.34, 0.77, 0.66, 0.81, ink, 0.01)


def _plug(pen: Pen, ink, accent, rng) -> None:
    for x in (0.4, 0.56):
        pen.rect(x, 0.14, x + 0.04, 0.32, (190, 192, 196, 255), 0.005)
    pen.rect(0.28, 0.3, 0.72, 0.78, ink, 0.06)
    pen.rect(0.28, 0.3, 0.72, 0.36, _shade(ink[:3], 0.85), 0.02)
    pen.rect(0.42, 0.6, 0.58, 0.65, (40, 40, 44, 255), 0.015)
    pen.rect(0.44, 0.68, 0.56, 0.72, (40, 40, 44, 255), 0.015)
    pen.ellipse(0.48, 0.44, 0.52, 0.48, fill=accent)


def _chargepad(pen: Pen, ink, accent, rng) -> None:
    pen.line([(0.78, 0.6), (0.88, 0.7), (0.9, 0.86)], WHITE, 0.014)
    pen.ellipse(0.16, 0.36, 0.84, 0.76, fill=_shade(ink[:3], 0.75))
    pen.ellipse(0.16, 0.32, 0.84, 0.7, fill=ink)
    pen.ellipse(0.34, 0.42, 0.66, 0.6, outline=accent, width=0.01)
    pen.ellipse(0.48, 0.49, 0.52, 0.53, fill=accent)


def _cable(pen: Pen, ink, accent, rng) -> None:
    pen.ellipse(0.22, 0.26, 0.78, 0.74, outline=ink, width=0.028)
    pen.ellipse(0.28, 0.32, 0.72, 0.68, outline=ink, width=0.028)
    pen.ellipse(0.34, 0.38, 0.66, 0.62, outline=ink, width=0.028)
    pen.line([(0.35, 0.7), (0.26, 0.84), (0.2, 0.86)], ink, 0.028)
    pen.line([(0.65, 0.3), (0.74, 0.16), (0.8, 0.14)], ink, 0.028)
    metal = (200, 202, 206, 255)
    pen.rect(0.1, 0.83, 0.2, 0.89, ink, 0.02)
    pen.rect(0.05, 0.845, 0.1, 0.875, metal, 0.01)
    pen.rect(0.8, 0.11, 0.9, 0.17, ink, 0.02)
    pen.rect(0.9, 0.125, 0.95, 0.155, metal, 0.01)
    pen.rect(0.15, 0.84, 0.17, 0.88, accent)


def _case(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.3, 0.1, 0.7, 0.9, ink, 0.07)
    pen.rect(0.33, 0.13, 0.67, 0.87, _shade(ink[:3], 0.88), 0.06)
    pen.rect(0.36, 0.16, 0.52, 0.34, _shade(ink[:3], 0.6), 0.04)
    for x, y in ((0.38, 0.18), (0.44, 0.18), (0.38, 0.25)):
        pen.ellipse(x, y, x + 0.06, y + 0.06, fill=(30, 32, 36, 255))
    pen.ellipse(0.455, 0.265, 0.475, 0.285, fill=accent)
    pen.rect(0.69, 0.3, 0.71, 0.4, _shade(ink[:3], 0.7), 0.005)


def _powerbank(pen: Pen, ink, accent, rng) -> None:
    _charger(pen, ink, accent, rng)


def _band(pen: Pen, ink, accent, rng) -> None:
    pen.ellipse(0.2, 0.24, 0.8, 0.76, outline=ink, width=0.07)
    pen.rect(0.38, 0.18, 0.62, 0.34, (28, 30, 34, 255), 0.05)
    pen.rect(0.41, 0.21, 0.59, 0.31, _shade(accent[:3], 1.2), 0.03)


def _pot(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.08, 0.44, 0.2, 0.5, _shade(ink[:3], 0.6), 0.02)
    pen.rect(0.8, 0.44, 0.92, 0.5, _shade(ink[:3], 0.6), 0.02)
    pen.rect(0.18, 0.36, 0.82, 0.82, ink, 0.06)
    pen.ellipse(0.16, 0.3, 0.84, 0.42, fill=_shade(ink[:3], 0.8))
    pen.rect(0.44, 0.22, 0.56, 0.32, _shade(ink[:3], 0.55), 0.03)
    pen.rect(0.18, 0.5, 0.82, 0.54, accent)
    pen.rect(0.26, 0.58, 0.34, 0.78, (255, 255, 255, 40), 0.02)


def _plate(pen: Pen, ink, accent, rng) -> None:
    for dy in (0.08, 0.04, 0.0):
        pen.ellipse(0.12, 0.3 + dy, 0.88, 0.7 + dy, fill=_shade(ink[:3], 0.85 + dy))
    pen.ellipse(0.12, 0.3, 0.88, 0.7, fill=ink)
    pen.ellipse(0.24, 0.37, 0.76, 0.63, fill=_shade(ink[:3], 1.12))
    pen.ellipse(0.12, 0.3, 0.88, 0.7, outline=accent, width=0.008)


def _bowl(pen: Pen, ink, accent, rng) -> None:
    pen.ellipse(0.36, 0.7, 0.64, 0.8, fill=_shade(ink[:3], 0.7))
    pen.ellipse(0.14, 0.2, 0.86, 0.8, fill=ink)
    pen.rect(0.1, 0.1, 0.9, 0.48, CLEAR)
    pen.ellipse(0.14, 0.4, 0.86, 0.56, fill=_shade(ink[:3], 0.7))
    pen.ellipse(0.17, 0.42, 0.83, 0.54, fill=_shade(ink[:3], 1.15))
    pen.line([(0.2, 0.64), (0.8, 0.64)], accent, 0.012)


def _cup(pen: Pen, ink, accent, rng) -> None:
    pen.ellipse(0.14, 0.7, 0.86, 0.8, fill=_shade(ink[:3], 0.8))
    pen.ellipse(0.2, 0.7, 0.8, 0.77, fill=_shade(ink[:3], 1.1))
    pen.ellipse(0.62, 0.38, 0.82, 0.58, outline=ink, width=0.03)
    pen.ellipse(0.22, 0.3, 0.7, 0.9, fill=ink)
    pen.rect(0.2, 0.2, 0.72, 0.48, CLEAR)
    pen.rect(0.22, 0.38, 0.7, 0.6, ink)
    pen.ellipse(0.22, 0.32, 0.7, 0.44, fill=_shade(ink[:3], 1.2))
    pen.ellipse(0.25, 0.34, 0.67, 0.42, fill=(150, 110, 60, 255))
    pen.line([(0.25, 0.52), (0.67, 0.52)], accent, 0.01)


def _glass(pen: Pen, ink, accent, rng) -> None:
    tint = (*ink[:3], 150)
    pen.poly([(0.3, 0.16), (0.7, 0.16), (0.65, 0.84), (0.35, 0.84)], tint)
    pen.poly([(0.32, 0.44), (0.68, 0.44), (0.65, 0.82), (0.35, 0.82)], (*ink[:3], 220))
    pen.line([(0.36, 0.22), (0.39, 0.76)], (255, 255, 255, 150), 0.012)
    pen.ellipse(0.3, 0.13, 0.7, 0.19, outline=_shade(ink[:3], 0.75), width=0.006)


def _chopsticks(pen: Pen, ink, accent, rng) -> None:
    for dx in (0.0, 0.07):
        pen.line([(0.24 + dx, 0.86), (0.7 + dx, 0.12)], ink, 0.024)
        pen.line([(0.6 + dx, 0.28), (0.7 + dx, 0.12)], accent, 0.026)
    pen.rect(0.18, 0.76, 0.4, 0.84, _shade(ink[:3], 0.7), 0.02)


def _blanket(pen: Pen, ink, accent, rng) -> None:
    for i, y in enumerate((0.6, 0.45, 0.3)):
        shade = _shade(ink[:3], 1.0 - i * 0.08)
        pen.rect(0.16, y, 0.84, y + 0.17, shade, 0.05)
        pen.line([(0.2, y + 0.085), (0.8, y + 0.085)], _shade(ink[:3], 0.8), 0.004)
    pen.rect(0.16, 0.3, 0.84, 0.33, accent, 0.02)


def _basket(pen: Pen, ink, accent, rng) -> None:
    pen.poly([(0.18, 0.3), (0.82, 0.3), (0.74, 0.84), (0.26, 0.84)], ink)
    weave = _shade(ink[:3], 0.75)
    for i in range(6):
        y = 0.38 + i * 0.08
        pen.line([(0.2 + i * 0.01, y), (0.8 - i * 0.01, y)], weave, 0.006)
    pen.rect(0.16, 0.26, 0.84, 0.32, _shade(ink[:3], 0.85), 0.02)
    pen.ellipse(0.27, 0.33, 0.35, 0.38, fill=CLEAR)
    pen.ellipse(0.65, 0.33, 0.73, 0.38, fill=CLEAR)
    pen.rect(0.4, 0.6, 0.6, 0.66, accent, 0.01)


def _shelf(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.22, 0.1, 0.78, 0.9, ink, 0.01)
    pen.rect(0.25, 0.13, 0.75, 0.87, _shade(ink[:3], 0.55))
    for y in (0.33, 0.6):
        pen.rect(0.25, y, 0.75, y + 0.03, ink)
    for i in range(5):
        x = 0.28 + i * 0.07
        pen.rect(x, 0.19 + (i % 2) * 0.03, x + 0.05, 0.33, accent if i % 2 else WHITE, 0.005)
    pen.rect(0.3, 0.5, 0.5, 0.6, accent, 0.01)


def _sock(pen: Pen, ink, accent, rng) -> None:
    pen.poly(
        [(0.4, 0.1), (0.62, 0.1), (0.62, 0.58), (0.78, 0.7), (0.76, 0.86), (0.5, 0.86),
         (0.4, 0.7)],
        ink,
    )  # fmt: skip
    pen.rect(0.4, 0.1, 0.62, 0.2, _shade(ink[:3], 0.8))
    pen.rect(0.4, 0.26, 0.62, 0.3, accent)
    pen.ellipse(0.58, 0.7, 0.8, 0.88, fill=_shade(ink[:3], 0.85))


def _cap(pen: Pen, ink, accent, rng) -> None:
    pen.ellipse(0.2, 0.24, 0.72, 0.84, fill=ink)
    pen.rect(0.16, 0.56, 0.76, 0.86, CLEAR)
    pen.poly([(0.6, 0.5), (0.9, 0.54), (0.92, 0.6), (0.62, 0.58)], _shade(ink[:3], 0.8))
    pen.line([(0.46, 0.25), (0.44, 0.56)], _shade(ink[:3], 0.75), 0.005)
    pen.ellipse(0.43, 0.22, 0.49, 0.27, fill=_shade(ink[:3], 0.7))
    pen.rect(0.28, 0.4, 0.4, 0.46, accent, 0.01)


def _belt(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.08, 0.44, 0.92, 0.56, _shade(ink[:3], 0.7), 0.05)
    pen.rect(0.3, 0.38, 0.7, 0.62, ink, 0.06)
    pen.line([(0.34, 0.42), (0.66, 0.42)], accent, 0.01)
    pen.rect(0.86, 0.42, 0.94, 0.58, (40, 40, 44, 255), 0.01)


def _mat(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.2, 0.34, 0.8, 0.66, ink, 0.02)
    pen.ellipse(0.7, 0.34, 0.86, 0.66, fill=_shade(ink[:3], 0.85))
    for r in (0.06, 0.04, 0.02):
        pen.ellipse(0.78 - r, 0.5 - r * 2, 0.78 + r, 0.5 + r * 2, outline=_shade(ink[:3], 0.6),
                    width=0.004)  # fmt: skip
    pen.ellipse(0.14, 0.34, 0.3, 0.66, fill=ink)
    pen.line([(0.35, 0.34), (0.35, 0.66)], accent, 0.012)
    pen.line([(0.62, 0.34), (0.62, 0.66)], accent, 0.012)


def _roller(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.24, 0.3, 0.76, 0.7, ink, 0.0)
    pen.ellipse(0.14, 0.3, 0.34, 0.7, fill=_shade(ink[:3], 0.8))
    pen.ellipse(0.66, 0.3, 0.86, 0.7, fill=_shade(ink[:3], 1.15))
    pen.ellipse(0.72, 0.42, 0.8, 0.58, fill=_shade(ink[:3], 0.7))
    for x in (0.38, 0.5, 0.62):
        pen.line([(x, 0.3), (x, 0.7)], accent, 0.008)


def _kettlebell(pen: Pen, ink, accent, rng) -> None:
    pen.ellipse(0.3, 0.14, 0.7, 0.5, outline=ink, width=0.06)
    pen.ellipse(0.2, 0.34, 0.8, 0.88, fill=ink)
    pen.rect(0.3, 0.82, 0.7, 0.88, _shade(ink[:3], 0.7), 0.01)
    pen.rect(0.42, 0.56, 0.58, 0.64, accent, 0.01)
    pen.ellipse(0.3, 0.44, 0.42, 0.6, fill=(255, 255, 255, 50))


def _jumprope(pen: Pen, ink, accent, rng) -> None:
    pen.arc(0.2, 0.16, 0.8, 0.86, 0, 180, accent, 0.012)
    pen.line([(0.2, 0.51), (0.2, 0.3)], accent, 0.012)
    pen.line([(0.8, 0.51), (0.8, 0.3)], accent, 0.012)
    pen.rect(0.17, 0.12, 0.23, 0.34, ink, 0.03)
    pen.rect(0.77, 0.12, 0.83, 0.34, ink, 0.03)


def _backpack(pen: Pen, ink, accent, rng) -> None:
    pen.arc(0.38, 0.08, 0.62, 0.3, 180, 360, _shade(ink[:3], 0.7), 0.02)
    pen.rect(0.26, 0.18, 0.74, 0.88, ink, 0.12)
    pen.rect(0.32, 0.56, 0.68, 0.84, _shade(ink[:3], 0.85), 0.06)
    pen.line([(0.34, 0.62), (0.66, 0.62)], accent, 0.008)
    pen.rect(0.44, 0.3, 0.56, 0.34, accent, 0.01)
    pen.rect(0.21, 0.4, 0.26, 0.7, _shade(ink[:3], 0.75), 0.02)
    pen.rect(0.74, 0.4, 0.79, 0.7, _shade(ink[:3], 0.75), 0.02)


def _chair(pen: Pen, ink, accent, rng) -> None:
    leg = (60, 62, 66, 255)
    pen.line([(0.26, 0.88), (0.7, 0.5)], leg, 0.018)
    pen.line([(0.74, 0.88), (0.3, 0.5)], leg, 0.018)
    pen.poly([(0.26, 0.16), (0.74, 0.16), (0.72, 0.62), (0.28, 0.62)], ink)
    pen.rect(0.18, 0.44, 0.3, 0.48, accent, 0.01)
    pen.rect(0.7, 0.44, 0.82, 0.48, accent, 0.01)
    pen.line([(0.3, 0.3), (0.7, 0.3)], _shade(ink[:3], 0.8), 0.006)


def _poles(pen: Pen, ink, accent, rng) -> None:
    for dx in (0.0, 0.16):
        pen.line([(0.36 + dx, 0.24), (0.4 + dx, 0.9)], (170, 172, 176, 255), 0.014)
        pen.rect(0.33 + dx, 0.1, 0.41 + dx, 0.32, ink, 0.03)
        pen.rect(0.335 + dx, 0.32, 0.405 + dx, 0.35, accent, 0.005)
        pen.ellipse(0.35 + dx, 0.74, 0.45 + dx, 0.78, fill=ink)


def _headlamp(pen: Pen, ink, accent, rng) -> None:
    pen.ellipse(0.16, 0.3, 0.84, 0.78, outline=ink, width=0.04)
    pen.rect(0.34, 0.58, 0.66, 0.84, _shade(ink[:3], 0.6), 0.05)
    pen.ellipse(0.41, 0.63, 0.59, 0.81, fill=(250, 245, 210, 255))
    pen.ellipse(0.45, 0.67, 0.55, 0.77, fill=accent)


def _lantern(pen: Pen, ink, accent, rng) -> None:
    pen.arc(0.38, 0.06, 0.62, 0.26, 180, 360, ink, 0.016)
    pen.rect(0.32, 0.14, 0.68, 0.24, ink, 0.02)
    pen.rect(0.34, 0.24, 0.66, 0.74, (255, 236, 170, 255), 0.02)
    for x in (0.34, 0.49, 0.62):
        pen.rect(x, 0.24, x + 0.04, 0.74, ink)
    pen.rect(0.3, 0.74, 0.7, 0.86, ink, 0.02)
    pen.rect(0.44, 0.78, 0.56, 0.81, accent)


def _helmet(pen: Pen, ink, accent, rng) -> None:
    pen.ellipse(0.14, 0.22, 0.86, 0.9, fill=ink)
    pen.rect(0.1, 0.58, 0.9, 0.92, CLEAR)
    pen.rect(0.14, 0.56, 0.86, 0.62, _shade(ink[:3], 0.55), 0.02)
    for x in (0.3, 0.44, 0.58):
        pen.poly([(x, 0.3), (x + 0.08, 0.3), (x + 0.06, 0.44), (x + 0.02, 0.44)], CLEAR)
    pen.line([(0.16, 0.5), (0.84, 0.5)], accent, 0.012)


def _glove(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.32, 0.4, 0.68, 0.82, ink, 0.06)
    for i in range(4):
        x = 0.33 + i * 0.09
        pen.rect(x, 0.16 + abs(1.5 - i) * 0.03, x + 0.07, 0.46, ink, 0.035)
    pen.poly([(0.32, 0.5), (0.18, 0.38), (0.14, 0.42), (0.3, 0.64)], ink)
    pen.rect(0.32, 0.72, 0.68, 0.8, accent, 0.01)


def _lock(pen: Pen, ink, accent, rng) -> None:
    pen.arc(0.3, 0.12, 0.7, 0.6, 180, 360, (180, 182, 186, 255), 0.05)
    pen.line([(0.325, 0.36), (0.325, 0.62)], (180, 182, 186, 255), 0.05)
    pen.line([(0.675, 0.36), (0.675, 0.62)], (180, 182, 186, 255), 0.05)
    pen.rect(0.22, 0.56, 0.78, 0.72, ink, 0.04)
    pen.ellipse(0.47, 0.6, 0.53, 0.68, fill=accent)


def _cake(pen: Pen, ink, accent, rng) -> None:
    pen.ellipse(0.14, 0.5, 0.86, 0.78, fill=_shade(ink[:3], 0.7))
    pen.rect(0.14, 0.4, 0.86, 0.64, _shade(ink[:3], 0.7))
    pen.ellipse(0.14, 0.26, 0.86, 0.54, fill=ink)
    pen.ellipse(0.3, 0.32, 0.7, 0.48, outline=accent, width=0.01)
    pen.ellipse(0.46, 0.37, 0.54, 0.43, fill=accent)


def _chocolate(pen: Pen, ink, accent, rng) -> None:
    brown = (92, 54, 34, 255)
    pen.rect(0.24, 0.14, 0.76, 0.86, brown, 0.02)
    for i in range(2):
        for j in range(3):
            x, y = 0.27 + i * 0.25, 0.17 + j * 0.11
            pen.rect(x, y, x + 0.21, y + 0.09, _shade(brown[:3], 1.2), 0.01)
    pen.rect(0.22, 0.5, 0.78, 0.88, ink, 0.02)
    pen.rect(0.3, 0.62, 0.7, 0.74, WHITE, 0.01)
    pen.rect(0.36, 0.66, 0.64, 0.7, accent)


def _dripper(pen: Pen, ink, accent, rng) -> None:
    pen.poly([(0.22, 0.2), (0.78, 0.2), (0.6, 0.56), (0.4, 0.56)], ink)
    pen.rect(0.28, 0.56, 0.72, 0.6, _shade(ink[:3], 0.8), 0.01)
    pen.arc(0.72, 0.24, 0.86, 0.42, 270, 90, ink, 0.02)
    pen.rect(0.36, 0.62, 0.64, 0.86, (255, 255, 255, 110), 0.03)
    pen.rect(0.38, 0.72, 0.62, 0.84, (92, 54, 34, 255), 0.02)
    for i in range(4):
        pen.line([(0.34 + i * 0.1, 0.24), (0.44 + i * 0.04, 0.52)], _shade(ink[:3], 0.8), 0.004)
    pen.rect(0.3, 0.18, 0.7, 0.22, accent, 0.01)


def _dropper(pen: Pen, ink, accent, rng) -> None:
    pen.ellipse(0.44, 0.08, 0.56, 0.22, fill=_shade(accent[:3], 0.6))
    pen.rect(0.42, 0.2, 0.58, 0.32, accent, 0.01)
    pen.rect(0.34, 0.32, 0.66, 0.86, (*ink[:3], 210), 0.08)
    pen.rect(0.38, 0.5, 0.62, 0.7, WHITE, 0.01)
    pen.rect(0.42, 0.56, 0.58, 0.58, accent)


def _pump(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.46, 0.08, 0.72, 0.13, accent, 0.01)
    pen.rect(0.47, 0.12, 0.53, 0.24, accent)
    pen.rect(0.42, 0.22, 0.58, 0.3, accent, 0.01)
    pen.rect(0.3, 0.3, 0.7, 0.88, ink, 0.08)
    pen.rect(0.36, 0.46, 0.64, 0.72, WHITE, 0.01)
    pen.rect(0.4, 0.52, 0.6, 0.55, accent)
    pen.rect(0.4, 0.6, 0.54, 0.62, _shade(accent[:3], 1.2))


def _sachet(pen: Pen, ink, accent, rng) -> None:
    for dx, dy in ((0.08, -0.06), (0.0, 0.0)):
        pen.rect(0.24 + dx, 0.2 + dy, 0.72 + dx, 0.82 + dy, _shade(ink[:3], 1.0 - dx), 0.02)
    pen.rect(0.24, 0.2, 0.72, 0.25, _shade(ink[:3], 0.8))
    pen.rect(0.32, 0.4, 0.64, 0.6, WHITE, 0.01)
    pen.ellipse(0.42, 0.44, 0.54, 0.56, fill=accent)


def _compact(pen: Pen, ink, accent, rng) -> None:
    pen.ellipse(0.16, 0.1, 0.84, 0.5, fill=_shade(ink[:3], 0.8))
    pen.ellipse(0.22, 0.14, 0.78, 0.46, fill=(215, 220, 226, 255))
    pen.ellipse(0.16, 0.48, 0.84, 0.9, fill=_shade(ink[:3], 0.75))
    pen.ellipse(0.2, 0.5, 0.8, 0.86, fill=ink)
    pen.ellipse(0.36, 0.6, 0.64, 0.76, fill=_shade(ink[:3], 1.2))


def _palette(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.12, 0.24, 0.88, 0.76, (38, 36, 40, 255), 0.04)
    for i in range(3):
        for j in range(2):
            x, y = 0.17 + i * 0.24, 0.3 + j * 0.22
            colour = _shade(ink[:3], 0.7 + 0.2 * i + 0.1 * j)
            pen.rect(x, y, x + 0.2, y + 0.18, colour, 0.02)
    pen.rect(0.12, 0.24, 0.88, 0.27, accent, 0.01)


def _mascara(pen: Pen, ink, accent, rng) -> None:
    pen.line([(0.2, 0.82), (0.58, 0.44)], ink, 0.07)
    pen.line([(0.58, 0.44), (0.66, 0.36)], accent, 0.072)
    pen.line([(0.66, 0.36), (0.78, 0.24)], (40, 40, 44, 255), 0.012)
    pen.line([(0.74, 0.28), (0.84, 0.18)], (30, 30, 34, 255), 0.04)


def _pencil(pen: Pen, ink, accent, rng) -> None:
    pen.line([(0.22, 0.78), (0.72, 0.28)], ink, 0.045)
    pen.poly([(0.2, 0.76), (0.24, 0.8), (0.14, 0.86)], (222, 196, 150, 255))
    pen.poly([(0.16, 0.82), (0.18, 0.84), (0.14, 0.86)], (40, 40, 44, 255))
    pen.line([(0.72, 0.28), (0.78, 0.22)], (190, 192, 196, 255), 0.046)
    pen.line([(0.78, 0.22), (0.82, 0.18)], accent, 0.04)


def _penset(pen: Pen, ink, accent, rng) -> None:
    shades = (0.7, 1.0, 1.3) if sum(ink[:3]) < 400 else (0.6, 0.8, 1.0)
    for i, factor in enumerate(shades):
        x = 0.3 + i * 0.14
        colour = _shade(ink[:3], factor)
        pen.rect(x, 0.2, x + 0.1, 0.78, colour, 0.04)
        pen.rect(x, 0.2, x + 0.1, 0.34, _shade(colour[:3], 0.75), 0.04)
        pen.poly([(x + 0.02, 0.78), (x + 0.08, 0.78), (x + 0.05, 0.86)], (40, 40, 44, 255))
    pen.rect(0.26, 0.5, 0.74, 0.58, accent, 0.01)


def _sticky(pen: Pen, ink, accent, rng) -> None:
    for i in range(4):
        d = i * 0.012
        pen.rect(0.22 + d, 0.22 - d, 0.78 + d, 0.78 - d, _shade(ink[:3], 0.85 + i * 0.05), 0.01)
    pen.line([(0.3, 0.4), (0.66, 0.4)], _shade(ink[:3], 0.6), 0.006)
    pen.line([(0.3, 0.5), (0.6, 0.5)], _shade(ink[:3], 0.6), 0.006)


def _tumbler(pen: Pen, ink, accent, rng) -> None:
    pen.rect(0.34, 0.12, 0.66, 0.2, _shade(ink[:3], 0.6), 0.03)
    pen.poly([(0.33, 0.2), (0.67, 0.2), (0.62, 0.88), (0.38, 0.88)], ink)
    pen.rect(0.35, 0.42, 0.65, 0.48, accent)
    pen.line([(0.39, 0.24), (0.42, 0.82)], (255, 255, 255, 70), 0.014)


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
    "longsleeve": _longsleeve,
    "polo": _polo,
    "shirt": _shirt,
    "tank": _tank,
    "turtleneck": _turtleneck,
    "cardigan": _cardigan,
    "quarterzip": _quarterzip,
    "hoodie": _hoodie,
    "puffer": _puffer,
    "vest": _vest,
    "coat": _coat,
    "raincoat": _raincoat,
    "joggers": _joggers,
    "shorts": _shorts,
    "hightop": _hightop,
    "slide": _slide,
    "flipflop": _flipflop,
    "earbuds": _earbuds,
    "speaker": _speaker,
    "soundbar": _soundbar,
    "tablet": _tablet,
    "keyboard": _keyboard,
    "mouse": _mouse,
    "monitor": _monitor,
    "plug": _plug,
    "chargepad": _chargepad,
    "cable": _cable,
    "case": _case,
    "powerbank": _powerbank,
    "band": _band,
    "pot": _pot,
    "plate": _plate,
    "bowl": _bowl,
    "cup": _cup,
    "glass": _glass,
    "chopsticks": _chopsticks,
    "blanket": _blanket,
    "basket": _basket,
    "shelf": _shelf,
    "sock": _sock,
    "cap": _cap,
    "belt": _belt,
    "mat": _mat,
    "roller": _roller,
    "kettlebell": _kettlebell,
    "jumprope": _jumprope,
    "backpack": _backpack,
    "chair": _chair,
    "poles": _poles,
    "headlamp": _headlamp,
    "lantern": _lantern,
    "helmet": _helmet,
    "glove": _glove,
    "lock": _lock,
    "cake": _cake,
    "chocolate": _chocolate,
    "dripper": _dripper,
    "dropper": _dropper,
    "pump": _pump,
    "sachet": _sachet,
    "compact": _compact,
    "palette": _palette,
    "mascara": _mascara,
    "pencil": _pencil,
    "penset": _penset,
    "sticky": _sticky,
    "tumbler": _tumbler,
}
