"""Charts drawn on the server as SVG (no JavaScript, no CDN): they print, work offline and come with a table.

Issue 14 point 8: a chart re-flows on a phone instead of shrinking. An SVG scales with its box, so a 720-unit chart on
a 390 px screen halves its 11 px labels. Each chart is therefore drawn twice, for a wide screen and for a phone
(``NARROW`` units, about the width of the content on a 390 px screen, so its text keeps its size), and the style sheet
shows one. The axis labels are thinned to the ones that fit side by side (the last period always shown), and the
legend is an HTML list under the chart, whose long unit names wrap like any text.
"""

from __future__ import annotations

from itertools import pairwise

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Distinguishable in grey print and for colour-blind readers (Okabe–Ito), with a dash pattern per series too.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 4")
NARROW = 340
FONT = 11.0  # the axis labels' size in user units (.chart .axis in oversight.css)
CHAR = 0.6  # a label's width per character, in font sizes (sans-serif, generous for Vietnamese diacritics)


def label_width(text: str, font: float = FONT) -> float:
    """An upper estimate of a label's width in user units."""
    return len(text) * font * CHAR


def label_boxes(labels: list[str], xs: list[float], width: float, font: float = FONT) -> list[tuple[float, float]]:
    """Each label's (centre, half width), the centre moved inward so that no label sticks out of the chart."""
    boxes = []
    for label, x in zip(labels, xs, strict=True):
        half = label_width(label, font) / 2
        boxes.append((min(max(x, half + 1), width - half - 1), half))
    return boxes


def shown_labels(labels: list[str], xs: list[float], width: float, font: float = FONT, gap: float = 6.0) -> list[int]:
    """The indexes of the x-axis labels drawn: evenly spaced, counted back from the last one (the latest period is
    always shown), as many as fit side by side without touching."""
    boxes = label_boxes(labels, xs, width, font)
    for step in range(1, len(labels) + 1):
        shown = sorted(range(len(labels) - 1, -1, -step))
        if all(boxes[a][0] + boxes[a][1] + gap <= boxes[b][0] - boxes[b][1] for a, b in pairwise(shown)):
            return shown
    return [len(labels) - 1] if labels else []


def _line_svg(labels: list[str], series: dict[str, list[float | None]], *, title: str, y_max: float, width: int,
              height: int, css: str) -> str:
    left, right, top, bottom = 36, 24 if width <= NARROW else 40, 16, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(1, len(labels) - 1)

    def x(i: int) -> float:
        return left + plot_w * i / n if len(labels) > 1 else left + plot_w / 2

    def y(v: float) -> float:
        return top + plot_h * (1 - min(max(v, 0.0), y_max) / y_max)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="{css}" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for k in range(0, 5):
        v = y_max * k / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid"/>'
                     f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" class="axis">{v:g}</text>')
    xs = [x(i) for i in range(len(labels))]
    boxes = label_boxes(labels, xs, width)
    for i in shown_labels(labels, xs, width):
        parts.append(f'<text x="{boxes[i][0]:.1f}" y="{height - bottom + 18}" text-anchor="middle" '
                     f'class="axis x-label">{escape(labels[i])}</text>')
    for s, (name, values) in enumerate(series.items()):
        colour, dash = COLOURS[s % len(COLOURS)], DASHES[s % len(DASHES)]
        segments, current = [], []
        for i, v in enumerate(values):
            if v is None:
                if current:
                    segments.append(current)
                current = []
                continue
            current.append(f"{x(i):.1f},{y(v):.1f}")
        if current:
            segments.append(current)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        for seg in segments:
            parts.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}" stroke-width="2"'
                         f'{dash_attr}/>')
        for i, v in enumerate(values):
            if v is not None:
                parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}">'
                             f'<title>{escape(name)} {escape(labels[i])}: {v:.2f}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


def legend(names: list[str]) -> str:
    """The series as an HTML list (each with its colour and dash), so long names wrap on a narrow screen."""
    items = []
    for s, name in enumerate(names):
        colour, dash = COLOURS[s % len(COLOURS)], DASHES[s % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        items.append(f'<li><svg xmlns="http://www.w3.org/2000/svg" width="24" height="10" viewBox="0 0 24 10" '
                     f'aria-hidden="true" focusable="false"><line x1="0" x2="24" y1="5" y2="5" stroke="{colour}" '
                     f'stroke-width="2"{dash_attr}/></svg> {escape(name)}</li>')
    return f'<ul class="chart-legend">{"".join(items)}</ul>'


def line_chart(labels: list[str], series: dict[str, list[float | None]], *, title: str, y_max: float = 100.0,
               width: int = 720, height: int = 280) -> SafeString:
    """A line chart of ``series`` (name → values, None for a gap) over ``labels``, y from 0 to ``y_max``: a wide and
    a phone drawing (``svg.chart-wide``, ``svg.chart-narrow``; one is shown) and the legend."""
    wide = _line_svg(labels, series, title=title, y_max=y_max, width=width, height=height, css="chart chart-wide")
    narrow = _line_svg(labels, series, title=title, y_max=y_max, width=NARROW, height=round(height * 0.8),
                       css="chart chart-narrow")
    return mark_safe(f'<div class="chart-box">{wide}{narrow}{legend(list(series))}</div>')  # every text is escaped
