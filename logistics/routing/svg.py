"""A plan drawn as an SVG map: the depot, each van's round trip as a coloured polyline with its
stops as dots, and unserved stops as grey crosses. Coordinates are projected equirectangularly
(fine at a city's scale). Presentation attributes only, no style attributes, so the page's
Content-Security-Policy needs nothing extra; every label is escaped."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

# Colour-blind-friendly first (Okabe-Ito), then more; repeats after that.
PALETTE = (
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#7f3c8d", "#11a579",
    "#3969ac", "#f2b701", "#e73f74", "#80ba5a", "#e68310", "#008695", "#cf1c90", "#4b4b8f",
)  # fmt: skip


@dataclass(frozen=True)
class MapRoute:
    label: str
    points: Sequence[tuple[float, float]]  # (latitude, longitude) of the stops in order


def route_map_svg(
    *,
    depot: tuple[float, float],
    routes: Sequence[MapRoute],
    unserved: Sequence[tuple[float, float]] = (),
    title: str = "",
    depot_label: str = "Depot",
    unserved_label: str = "Unserved",
    width: int = 720,
    height: int = 540,
    margin: int = 24,
) -> str:
    everything = [depot, *(p for r in routes for p in r.points), *unserved]
    lats = [p[0] for p in everything]
    lons = [p[1] for p in everything]
    scale_lon = math.cos(math.radians(sum(lats) / len(lats)))
    xs = [lon * scale_lon for lon in lons]
    span_x = max(max(xs) - min(xs), 1e-9)
    span_y = max(max(lats) - min(lats), 1e-9)
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
    off_x = (width - span_x * scale) / 2
    off_y = (height - span_y * scale) / 2
    min_x, max_lat = min(xs), max(lats)

    def project(point: tuple[float, float]) -> tuple[float, float]:
        x = off_x + (point[1] * scale_lon - min_x) * scale
        y = off_y + (max_lat - point[0]) * scale
        return round(x, 1), round(y, 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label={quoteattr(title)}>',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fbfbf8" stroke="#ddd"/>',
    ]
    dx, dy = project(depot)
    for number, route in enumerate(routes):
        colour = PALETTE[number % len(PALETTE)]
        points = [(dx, dy), *map(project, route.points), (dx, dy)]
        line = " ".join(f"{x},{y}" for x, y in points)
        parts.append(f'<g class="route" data-vehicle="{number + 1}">')
        parts.append(f"<title>{escape(route.label)}</title>")
        parts.append(
            f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2" '
            'stroke-linejoin="round" stroke-opacity="0.85"/>'
        )
        for sequence, (x, y) in enumerate(points[1:-1], start=1):
            parts.append(
                f'<circle cx="{x}" cy="{y}" r="4" fill="{colour}" stroke="#fff" '
                f'stroke-width="1"><title>{escape(route.label)} · {sequence}</title></circle>'
            )
        parts.append("</g>")
    for point in unserved:
        x, y = project(point)
        parts.append(
            f'<path class="unserved" d="M{x - 4},{y - 4}L{x + 4},{y + 4}M{x - 4},{y + 4}'
            f'L{x + 4},{y - 4}" stroke="#777" stroke-width="2">'
            f"<title>{escape(unserved_label)}</title></path>"
        )
    parts.append(
        f'<rect class="depot" x="{dx - 7}" y="{dy - 7}" width="14" height="14" fill="#222" '
        f'stroke="#fff" stroke-width="2"><title>{escape(depot_label)}</title></rect>'
    )
    parts.append("</svg>")
    return "\n".join(parts)
