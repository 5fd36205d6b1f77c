"""Charts drawn with Pillow into PNG bytes, with the report's serif font: no plotting library, no network.

Kept deliberately plain (a report is printed, often in black and white): distinct grey levels and markers per series,
a labelled value axis starting at zero, category labels under the axis, a legend.
"""

from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw, ImageFont

from .document import Chart

SCALE = 3  # draw at 3x the nominal size for print (about 220 dpi at 16 cm)
WIDTH, HEIGHT = 640, 300
COLOURS = [(31, 78, 121), (192, 80, 77), (112, 128, 40), (120, 120, 120), (128, 100, 162), (247, 150, 70)]
MARKERS = ["circle", "square", "triangle", "diamond", "circle", "square"]


def _font(path: str | None, size: int):
    if path:
        return ImageFont.truetype(path, size * SCALE)
    return ImageFont.load_default(size * SCALE)


def nice_max(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above ``value`` (a readable top for the value axis)."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        top = step * 10 ** exponent
        if top >= value:
            return float(top)
    return float(10 ** (exponent + 1))


def _label(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".") if value >= 10 or value == int(value) else f"{value:.1f}".replace(".", ",")


def render_png(chart: Chart, font_path: str | None = None) -> bytes:
    """The chart as PNG bytes."""
    s = SCALE
    image = Image.new("RGB", (WIDTH * s, HEIGHT * s), "white")
    draw = ImageDraw.Draw(image)
    title_font, small = _font(font_path, 13), _font(font_path, 10)
    draw.text((WIDTH * s // 2, 6 * s), chart.title, fill="black", font=title_font, anchor="ma")

    left, right, top, bottom = 56 * s, (WIDTH - 16) * s, 34 * s, (HEIGHT - 62) * s
    values = [v for series in chart.series.values() for v in series if v is not None]
    top_value = nice_max(max(values, default=0.0))
    # Value axis with five grid lines.
    for i in range(6):
        y = bottom - (bottom - top) * i / 5
        draw.line([(left, y), (right, y)], fill=(225, 225, 225), width=s)
        draw.text((left - 6 * s, y), _label(top_value * i / 5), fill="black", font=small, anchor="rm")
    if chart.unit:
        draw.text((left, top - 12 * s), chart.unit, fill=(80, 80, 80), font=small, anchor="lb")
    draw.line([(left, top), (left, bottom), (right, bottom)], fill="black", width=s)

    n = max(len(chart.labels), 1)
    slot = (right - left) / n
    every = max(1, math.ceil(n / 12))  # at most about twelve category labels
    for i, label in enumerate(chart.labels):
        if i % every == 0:
            draw.text((left + slot * (i + 0.5), bottom + 5 * s), label, fill="black", font=small, anchor="ma")

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * (value / top_value)

    names = list(chart.series)
    for k, name in enumerate(names):
        colour = COLOURS[k % len(COLOURS)]
        data = chart.series[name]
        if chart.kind == "bar":
            bar = slot * 0.8 / max(len(names), 1)
            for i, value in enumerate(data):
                if value is None:
                    continue
                x0 = left + slot * i + slot * 0.1 + bar * k
                draw.rectangle([x0, y_of(value), x0 + bar - s, bottom], fill=colour)
        else:
            points = [(left + slot * (i + 0.5), y_of(v)) for i, v in enumerate(data) if v is not None]
            if len(points) > 1:
                draw.line(points, fill=colour, width=2 * s, joint="curve")
            for x, y in points:
                _marker(draw, MARKERS[k % len(MARKERS)], x, y, 3.5 * s, colour)

    # Legend under the category labels.
    x = left
    for k, name in enumerate(names):
        colour = COLOURS[k % len(COLOURS)]
        y = HEIGHT * s - 22 * s
        draw.rectangle([x, y - 4 * s, x + 12 * s, y + 4 * s], fill=colour)
        draw.text((x + 16 * s, y), name, fill="black", font=small, anchor="lm")
        x += 16 * s + draw.textlength(name, font=small) + 18 * s

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, dpi=(220, 220))
    return buffer.getvalue()


def _marker(draw: ImageDraw.ImageDraw, shape: str, x: float, y: float, r: float, colour) -> None:
    if shape == "square":
        draw.rectangle([x - r, y - r, x + r, y + r], fill=colour)
    elif shape == "triangle":
        draw.polygon([(x, y - r), (x - r, y + r), (x + r, y + r)], fill=colour)
    elif shape == "diamond":
        draw.polygon([(x, y - r), (x - r, y), (x, y + r), (x + r, y)], fill=colour)
    else:
        draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)
