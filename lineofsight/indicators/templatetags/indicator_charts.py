"""Run charts drawn on the server as inline SVG: no JavaScript, no inline style (the content
security policy allows neither), colours set with SVG presentation attributes.

    {% load indicator_charts %}
    {% run_chart points chart_id="c-referrals" title="Referrals" unit=indicator.unit %}

`points` are `presentation.ChartPoint`s, oldest first; a point with no value (suppressed or no
data) leaves a gap in the line. Every chart is shown beside a table of the same figures, so the
SVG is a picture of the table, labelled for assistive technology by its title and description.
"""

from __future__ import annotations

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from lineofsight.indicators.presentation import ChartPoint, format_number, median, short_month
from lineofsight.indicators.types import Unit

register = template.Library()

# GOV.UK colours, each at least 3:1 against white (WCAG 1.4.11) and text at least 4.5:1.
LINE = "#1d70b8"  # blue, 5.2:1
MEDIAN = "#505a5f"  # dark grey, 7.0:1
TARGET = "#00703c"  # green, 5.7:1
TEXT = "#0b0c0c"
AXIS = "#505a5f"

SIZES = {
    # width, height, left, right, top, bottom, point radius, font size
    "small": (240, 110, 44, 8, 10, 22, 3, 12),
    "large": (640, 240, 64, 14, 14, 28, 4, 14),
}


def _scale(values: list[float], unit: str) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    pad = (abs(hi) * 0.1 or 1.0) if hi == lo else (hi - lo) * 0.1
    lo, hi = lo - pad, hi + pad
    if min(values) >= 0:
        lo = max(0.0, lo)
    if unit == Unit.PERCENT and max(values) <= 100:
        hi = min(100.0, hi)
        if hi <= lo:
            hi = lo + 1
    return lo, hi


def _month(point: ChartPoint) -> str:
    return short_month(point.period_end)


def _text(x: float, y: float, anchor: str, font: int, text: str) -> str:
    return (
        f'<text x="{x}" y="{y}" text-anchor="{anchor}" font-size="{font}" '
        f'font-family="arial, sans-serif" fill="{TEXT}">{escape(text)}</text>'
    )


def _line(x1: float, y1: float, x2: float, y2: float, colour: str, extra: str = "") -> str:
    return f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{colour}" {extra}/>'


def run_chart_svg(
    points: list[ChartPoint],
    *,
    chart_id: str,
    title: str,
    unit: str = Unit.COUNT,
    size: str = "small",
    target: float | None = None,
) -> str:
    """The chart as markup (a paragraph instead when no month has a figure to show)."""
    if target in ("", None):  # a template passes "" for a missing target
        target = None
    width, height, left, right, top, bottom, radius, font = SIZES[size]
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [p.value for p in points if p.value is not None]
    first = _month(points[0]) if points else ""
    last = _month(points[-1]) if points else ""
    if not values:
        return format_html(
            '<p class="govuk-body-s">No month from {} to {} has a figure that can be shown, so '
            "there is no chart.</p>",
            first,
            last,
        )
    mid = median(values)
    gaps = sum(1 for p in points if p.value is None)
    lo, hi = _scale(values + [mid] + ([target] if target is not None else []), unit)
    step = plot_w / max(1, len(points) - 1)

    def y_of(v: float) -> float:
        return round(top + plot_h - (v - lo) / (hi - lo) * plot_h, 1)

    def x_of(i: int) -> float:
        return round(left + (i * step if len(points) > 1 else plot_w / 2), 1)

    segments: list[str] = []
    dots: list[str] = []
    run: list[str] = []
    for i, p in enumerate(points):
        if p.value is None:
            if len(run) > 1:
                segments.append(" ".join(run))
            run = []
            continue
        x, y = x_of(i), y_of(p.value)
        dots.append(f'<circle cx="{x}" cy="{y}" r="{radius}" fill="{LINE}"/>')
        run.append(f"{x},{y}")
    if len(run) > 1:
        segments.append(" ".join(run))

    desc = f"Latest: {points[-1].text}. Median: {format_number(mid, unit)}."
    if target is not None:
        desc += f" Target: {format_number(target, unit)}."
    if gaps:
        desc += (
            f" {gaps} month{'s' if gaps != 1 else ''} suppressed or with no data, shown as gaps."
        )
    desc += " The same figures are in the table that goes with this chart."
    cid = escape(chart_id)
    right_x, bottom_y = width - right, top + plot_h
    parts = [
        f'<svg role="img" aria-labelledby="{cid}-title {cid}-desc" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMidYMid meet" '
        'xmlns="http://www.w3.org/2000/svg" focusable="false">',
        f'<title id="{cid}-title">'
        f"{escape(f'Run chart: {title}, month by month, {first} to {last}')}</title>",
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        _line(left, top, left, bottom_y, AXIS, 'stroke-width="1"'),
        _line(left, bottom_y, right_x, bottom_y, AXIS, 'stroke-width="1"'),
        _text(left - 6, top + font / 2, "end", font, format_number(hi, unit)),
        _text(left - 6, bottom_y, "end", font, format_number(lo, unit)),
        _text(left, height - 6, "start", font, first),
        _text(right_x, height - 6, "end", font, last),
    ]
    if target is not None:
        t = y_of(target)
        parts.append(_line(left, t, right_x, t, TARGET, 'stroke-width="2" stroke-dasharray="2 3"'))
    m = y_of(mid)
    parts.append(_line(left, m, right_x, m, MEDIAN, 'stroke-width="1.5" stroke-dasharray="6 4"'))
    parts.extend(
        f'<polyline points="{seg}" fill="none" stroke="{LINE}" stroke-width="2"/>'
        for seg in segments
    )
    parts.extend(dots)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text in it is escaped above


# {% run_chart points chart_id=... title=... %} in templates.
register.simple_tag(run_chart_svg, name="run_chart")
