"""The insights pages' charts: pygal drawn on the server to SVG, put inline in the page.

The site's Content-Security-Policy lets in no inline script and no inline style, and pygal
writes both into its SVG (a <script> with its configuration even with `js=[]`, a <style> with
the chart's colours, and a few style attributes). `_inline` takes them out; the same rules come
from static/css/admin_insights_charts.css (made from pygal's own by `chart_css`), so a chart
looks as pygal draws it, scales to its box (no fixed size) and says its numbers in a <title>
and <desc> for screen readers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from decimal import Decimal

import pygal
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from pygal.style import Style

from common.money import money_format

FONT = (
    '-apple-system, "Segoe UI", system-ui, Roboto, "Helvetica Neue", Arial, "Noto Sans CJK SC", '
    '"Noto Sans SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", '
    "sans-serif"
)

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#333",
    foreground_strong="#222",
    foreground_subtle="#999",
    opacity=".85",
    opacity_hover=".95",
    colors=("#417690", "#b6bcc2", "#79aec8", "#e0a800", "#ba2121", "#5b8a3c", "#8e5ea2", "#666"),
    font_family=FONT,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    value_font_size=13,
    tooltip_font_size=13,
    title_font_size=16,
    no_data_font_size=20,
)

COMMON = dict(
    style=STYLE,
    js=[],
    disable_xml_declaration=True,
    explicit_size=False,
    no_prefix=True,
    pretty_print=False,
    legend_at_bottom=True,
    legend_at_bottom_columns=2,
    margin=8,
    spacing=8,
    truncate_label=-1,
)

_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_STYLE = re.compile(r"<style\b.*?</style>", re.S)
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _style_to_attributes(match: re.Match) -> str:
    """style="opacity: 0" (pygal's hidden tooltip) -> opacity="0": an SVG presentation
    attribute, which the policy allows."""
    parts = [p.split(":", 1) for p in match.group(1).split(";") if ":" in p]
    return "".join(f' {name.strip()}="{value.strip()}"' for name, value in parts)


def _inline(chart, *, label: str, description: str, height: int) -> SafeString:
    svg = chart.render(is_unicode=True)
    svg = _COMMENT.sub("", _SCRIPT.sub("", _STYLE.sub("", svg)))
    svg = _STYLE_ATTRIBUTE.sub(_style_to_attributes, svg)
    svg = svg.replace('id=""', "", 1)
    head = (
        f'<svg role="img" aria-label="{escape(label)}" data-height="{height}" '
        f'preserveAspectRatio="xMidYMid meet"'
    )
    svg = svg.replace("<svg", head, 1)
    svg = re.sub(
        r"(<svg[^>]*>)", rf"\1<title>{escape(label)}</title><desc>{escape(description)}</desc>", svg
    )
    return mark_safe(svg)  # pygal escapes the labels and values it writes


def chart_css() -> str:
    """The CSS pygal would put in each chart, for the static file (scoped to the charts)."""
    chart = pygal.Line(**COMMON)
    for _colour in STYLE.colors:
        chart.add("", [1])
    svg = chart.render(is_unicode=True)
    css = "\n".join(m.group(0)[len('<style type="text/css">') : -len("</style>")] for m in
                    _STYLE.finditer(svg))  # fmt: skip
    css = css.replace("&gt;", ">")
    rules = []
    for rule in re.findall(r"([^{}]*)\{([^{}]*)\}", css):
        selectors, body = rule
        scoped = ",".join(
            ".insights-chart svg" + (" " + s.strip() if s.strip() else "")
            for s in selectors.split(",")
        )
        rules.append(f"{scoped}{{{body}}}")
    return "\n".join(rules) + "\n"


def _wide(text: str) -> int:
    """How many wide (CJK) characters `text` has: pygal measures labels as if every character
    were a narrow one, so a Chinese label would be cut at the chart's left edge."""
    return sum(1 for char in text if ord(char) >= 0x2E80)


def _number(value, *, money: bool = False) -> str:
    if money:
        return money_format(value)  # ¥1,299.00, as the rest of the admin writes money
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return f"{value:,}"


def over_time(
    *,
    title: str,
    x_labels: Sequence[str],
    current: Sequence,
    previous: Sequence,
    money: bool,
) -> SafeString:
    """This period against the last, point by point (two lines)."""
    chart = pygal.Line(
        **COMMON,
        height=300,
        width=520,
        show_dots=False,
        fill=False,
        show_x_guides=False,
        x_labels_major_count=6,
        show_minor_x_labels=False,
        y_labels_major_every=None,
        value_formatter=money_format if money else (lambda v: f"{v:,.0f}"),
        min_scale=3,
        max_scale=5,
        include_x_axis=True,
    )
    chart.x_labels = list(x_labels)
    if not money:
        # Counts: whole numbers on the axis (pygal would write 0.2, 0.4 ... as "0", "0", ...).
        top = max([*current, *previous, 1])
        step = max(1, math.ceil(top / 5))
        chart.config.y_labels = list(range(0, top + step, step))
    chart.add(_("This period"), [float(v) for v in current])
    chart.add(_("Previous period"), [float(v) for v in previous])
    description = _("This period: %(now)s. Previous period: %(before)s.") % {
        "now": _number(sum(current), money=money),
        "before": _number(sum(previous), money=money),
    }
    return _inline(chart, label=title, description=description, height=300)


def horizontal_bars(
    *, title: str, rows: Sequence[tuple[str, float]], money: bool = False
) -> SafeString:
    """One bar per label, in the order given, top to bottom (top products, statuses, channels);
    each label says its value, so no number is drawn over a bar."""
    rows = list(rows)
    height = max(110, 34 * len(rows) + 24)
    chart = pygal.HorizontalBar(
        **{**COMMON, "legend_at_bottom": False, "truncate_label": 34},
        height=height,
        width=520,
        show_legend=False,
        show_y_guides=False,
        show_x_labels=False,
        value_formatter=money_format if money else (lambda v: f"{v:,.0f}"),
        min_scale=2,
        max_scale=4,
    )

    def labelled(label: str, value) -> str:
        shown = _number(value, money=money)
        room = 34 - len(shown) - 2
        name = label if len(label) <= room else label[: max(room - 1, 4)] + "…"
        return f"{name}  {shown}"

    # pygal draws the first label at the bottom; the reader expects the first on top.
    rows.reverse()
    chart.x_labels = [labelled(label, value) for label, value in rows]
    chart.config.margin_left = 8 + 7 * max((_wide(label) for label in chart.x_labels), default=0)
    chart.add(title, [float(value) for _label, value in rows])
    description = "; ".join(
        f"{label}: {_number(value, money=money)}" for label, value in reversed(rows)
    )
    return _inline(chart, label=title, description=description or _("No data"), height=height)


def grouped_bars(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    horizontal: bool = False,
    percent: bool = False,
    width: int = 560,
    height: int | None = None,
) -> SafeString:
    """Several series side by side per label (this period against the last per funnel step,
    customers against revenue per segment, stock against its reorder point per variant), in
    the charts' common look. Horizontal charts list the labels top to bottom in the order
    given."""
    labels = list(labels)
    if height is None:
        height = max(220, (18 * len(series) + 12) * len(labels) + 90) if horizontal else 320
    chart_type = pygal.HorizontalBar if horizontal else pygal.Bar
    chart = chart_type(
        **{**COMMON, "truncate_label": 28, "legend_at_bottom_columns": min(3, len(series))},
        height=height,
        width=width,
        value_formatter=(lambda v: f"{v:,.0f}%") if percent else (lambda v: f"{v:,.0f}"),
        min_scale=3,
        max_scale=6,
    )
    order = list(reversed(range(len(labels)))) if horizontal else list(range(len(labels)))
    chart.x_labels = [labels[i] for i in order]
    if horizontal:
        chart.config.margin_left = 8 + 7 * max((_wide(label) for label in labels), default=0)
    for name, values in series:
        values = list(values)
        chart.add(name, [float(values[i]) for i in order])
    description = "; ".join(
        f"{label}: "
        + ", ".join(
            f"{name} {_number(values[i])}{'%' if percent else ''}" for name, values in series
        )
        for i, label in enumerate(labels)
    )
    return _inline(chart, label=title, description=description or _("No data"), height=height)
