"""Charts for reports, drawn as PNG with Pillow.

Two kinds: a run chart (a value month by month, with a benchmark line) and a horizontal bar
chart (counts by category). They are drawn at 2000 pixels wide, so they stay sharp at the 15 cm a
report gives them on A4, in DejaVu Sans from `lineofsight/web/fonts/` (never a system font), so
the same figures give the same bytes on every machine with the same Pillow.

A value of None is a gap: no point and no line through it on a run chart, no bar (and a dash
where its value would be) on a bar chart. Charts only ever show what the report also prints as a
table or text, for readers who cannot see them.
"""

from __future__ import annotations

import io
import math
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .figures import number_text

FONTS = Path(__file__).parent / "fonts"
WIDTH = 2000
INK = (11, 12, 12)  # GOV.UK black
GREY = (80, 90, 95)  # secondary text, gridlines' labels
GRID = (210, 214, 217)
LINE = (29, 112, 184)  # GOV.UK blue
BENCHMARK = (212, 53, 28)  # GOV.UK red, dashed: distinguishable by pattern as well as colour
BAR = (29, 112, 184)
WHITE = (255, 255, 255)


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONTS / name), size)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # A palette image: a chart has few colours (plus the edges of smoothed text), and one byte a
    # pixel makes the PNG, and the PDF that embeds it, a third of the size and quicker to write.
    # No metadata: the bytes depend only on the pixels.
    paletted = image.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    paletted.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()


def _text_width(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont) -> float:
    return draw.textlength(text, font=font)


def _scale(highest: float) -> tuple[float, list[float]]:
    """An axis from 0 that holds `highest`: its top and its ticks, in steps of 1, 2 or 5 x 10^k
    (about five of them)."""
    if highest <= 0:
        return 1.0, [0.0, 0.25, 0.5, 0.75, 1.0]
    rough = highest / 5
    exponent = math.floor(math.log10(rough))
    step = next(m * 10**exponent for m in (1, 2, 5, 10) if m * 10**exponent >= rough - 1e-12)
    if highest >= 5:
        step = max(step, 1)
    count = max(1, math.ceil(highest / step - 1e-9))
    return round(step * count, 10), [round(step * i, 10) for i in range(count + 1)]


def _format(value: float) -> str:
    # Axis values are worked out in floating point: one that is a whole number but for rounding
    # noise is shown as that whole number.
    return number_text(round(value) if abs(value - round(value)) < 1e-9 else value)


def _title(draw: ImageDraw.ImageDraw, title: str, y: int) -> int:
    font = _font(44, bold=True)
    draw.text((60, y), title, font=font, fill=INK)
    return y + 70


def _dashed_line(
    draw: ImageDraw.ImageDraw,
    start: tuple[float, float],
    end: tuple[float, float],
    *,
    fill: tuple[int, int, int],
    width: int,
    dash: int = 24,
    gap: int = 14,
) -> None:
    (x0, y0), (x1, y1) = start, end
    length = math.hypot(x1 - x0, y1 - y0)
    if length == 0:
        return
    dx, dy = (x1 - x0) / length, (y1 - y0) / length
    position = 0.0
    while position < length:
        stop = min(position + dash, length)
        draw.line(
            [(x0 + dx * position, y0 + dy * position), (x0 + dx * stop, y0 + dy * stop)],
            fill=fill,
            width=width,
        )
        position = stop + gap


def run_chart_png(
    points: list[tuple[str, float | None]],
    *,
    title: str,
    unit_label: str,
    benchmark: float | None = None,
    benchmark_label: str = "England",
) -> bytes:
    """A line of `points` (label, value) in order, with a dashed horizontal benchmark line."""
    height = 1000
    image = Image.new("RGB", (WIDTH, height), WHITE)
    draw = ImageDraw.Draw(image)
    top = _title(draw, title, 30)
    small, label_font = _font(30), _font(32)
    draw.text((60, top), unit_label, font=small, fill=GREY)
    top += 60

    values = [v for _, v in points if v is not None]
    highest = max([*values, benchmark or 0.0, 0.0])
    y_max, ticks = _scale(highest * 1.05)

    left, right, bottom = 200, WIDTH - 80, height - 150
    plot_h = bottom - top

    def y_of(value: float) -> float:
        return bottom - plot_h * (value / y_max)

    for tick in ticks:
        y = y_of(tick)
        draw.line([(left, y), (right, y)], fill=GRID, width=2)
        text = _format(tick)
        draw.text((left - 20 - _text_width(draw, text, small), y - 18), text, font=small, fill=GREY)
    draw.line([(left, top), (left, bottom)], fill=INK, width=3)
    draw.line([(left, bottom), (right, bottom)], fill=INK, width=3)

    n = len(points)

    def x_of(index: int) -> float:
        if n <= 1:
            return (left + right) / 2
        return left + 40 + (right - left - 80) * index / (n - 1)

    # Labels under the axis, thinned so they never overlap.
    widest = max((_text_width(draw, label, small) for label, _ in points), default=0)
    room = (right - left - 80) / max(n - 1, 1)
    every = max(1, math.ceil((widest + 24) / room)) if n > 1 else 1
    for i, (label, _) in enumerate(points):
        if i % every:
            continue
        x = x_of(i)
        draw.text((x - _text_width(draw, label, small) / 2, bottom + 18), label, font=small,
                  fill=GREY)  # fmt: skip

    if benchmark is not None:
        y = y_of(benchmark)
        _dashed_line(draw, (left, y), (right, y), fill=BENCHMARK, width=6)
        text = f"{benchmark_label}: {_format(benchmark)}"
        draw.text((right - _text_width(draw, text, label_font), y - 46), text, font=label_font,
                  fill=BENCHMARK)  # fmt: skip

    # The line, broken wherever a value is missing.
    run: list[tuple[float, float]] = []
    for i, (_, value) in enumerate(points):
        if value is None:
            if len(run) > 1:
                draw.line(run, fill=LINE, width=7, joint="curve")
            run = []
            continue
        run.append((x_of(i), y_of(value)))
    if len(run) > 1:
        draw.line(run, fill=LINE, width=7, joint="curve")
    for i, (_, value) in enumerate(points):
        if value is not None:
            x, y = x_of(i), y_of(value)
            draw.ellipse([(x - 12, y - 12), (x + 12, y + 12)], fill=LINE, outline=WHITE, width=3)

    # The key, under the labels.
    key_y = height - 70
    draw.line([(left, key_y), (left + 80, key_y)], fill=LINE, width=7)
    draw.text((left + 100, key_y - 20), "This council", font=small, fill=INK)
    if benchmark is not None:
        start = left + 140 + _text_width(draw, "This council", small)
        _dashed_line(draw, (start, key_y), (start + 80, key_y), fill=BENCHMARK, width=6)
        draw.text((start + 100, key_y - 20), benchmark_label, font=small, fill=INK)
    if any(v is None for _, v in points):
        text = "Gaps: no figure for that month"
        draw.text((right - _text_width(draw, text, small), key_y - 20), text, font=small,
                  fill=GREY)  # fmt: skip
    return _png(image)


def bar_chart_png(bars: list[tuple[str, float | None]], *, title: str, unit_label: str) -> bytes:
    """Horizontal bars, one per (label, value), in the order given; None draws no bar."""
    row, top_space = 78, 190
    height = top_space + row * max(len(bars), 1) + 110
    image = Image.new("RGB", (WIDTH, height), WHITE)
    draw = ImageDraw.Draw(image)
    top = _title(draw, title, 30)
    small, label_font = _font(30), _font(32)
    draw.text((60, top), unit_label, font=small, fill=GREY)
    top = top_space

    widest = max((_text_width(draw, label, label_font) for label, _ in bars), default=0)
    left = int(min(max(widest + 90, 300), WIDTH * 0.45))
    right = WIDTH - 220
    values = [v for _, v in bars if v is not None]
    x_max, ticks = _scale(max(values) * 1.05 if values else 0.0)

    bottom = top + row * max(len(bars), 1)
    for tick in ticks:
        x = left + (right - left) * tick / x_max
        draw.line([(x, top - 10), (x, bottom)], fill=GRID, width=2)
        text = _format(tick)
        draw.text((x - _text_width(draw, text, small) / 2, bottom + 14), text, font=small,
                  fill=GREY)  # fmt: skip
    draw.line([(left, top - 10), (left, bottom)], fill=INK, width=3)

    for i, (label, value) in enumerate(bars):
        y = top + row * i
        text = _fit(draw, label, label_font, left - 50)
        draw.text((left - 30 - _text_width(draw, text, label_font), y + 18), text,
                  font=label_font, fill=INK)  # fmt: skip
        if value is None:
            draw.text((left + 20, y + 18), "–", font=label_font, fill=GREY)
            continue
        end = left + (right - left) * (value / x_max)
        if end > left:
            draw.rectangle([(left, y + 12), (end, y + row - 12)], fill=BAR)
        draw.text((end + 16, y + 18), _format(value), font=label_font, fill=INK)
    if any(v is None for _, v in bars):
        note = "–: not shown (fewer than 5, or no data)"
        draw.text((60, height - 56), note, font=small, fill=GREY)
    return _png(image)


def _fit(draw: ImageDraw.ImageDraw, text: str, font, room: float) -> str:
    if _text_width(draw, text, font) <= room:
        return text
    while text and _text_width(draw, text + "…", font) > room:
        text = text[:-1]
    return text + "…"
