"""Charts drawn on the server as SVG (no JavaScript, no CDN): they print, work offline and come with a table."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Distinguishable in grey print and for colour-blind readers (Okabe–Ito), with a dash pattern per series too.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 4")


def line_chart(labels: list[str], series: dict[str, list[float | None]], *, title: str, y_max: float = 100.0,
               width: int = 720, height: int = 280) -> SafeString:
    """A line chart of ``series`` (name → values, None for a gap) over ``labels``, y from 0 to ``y_max``."""
    left, right, top, bottom = 48, 40, 24, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(1, len(labels) - 1)

    def x(i: int) -> float:
        return left + plot_w * i / n

    def y(v: float) -> float:
        return top + plot_h * (1 - min(max(v, 0.0), y_max) / y_max)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for k in range(0, 5):
        v = y_max * k / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid"/>'
                     f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" class="axis">{v:g}</text>')
    step = max(1, len(labels) // 8)
    for i, label in enumerate(labels):
        if i % step == 0 or i == len(labels) - 1:
            parts.append(f'<text x="{x(i):.1f}" y="{height - bottom + 18}" text-anchor="middle" class="axis">'
                         f'{escape(label)}</text>')
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
        lx = left + (s % 4) * (plot_w / 4)
        ly = height - 10 - (s // 4) * 14
        parts.append(f'<line x1="{lx:.0f}" x2="{lx + 18:.0f}" y1="{ly - 4}" y2="{ly - 4}" stroke="{colour}" '
                     f'stroke-width="2"{dash_attr}/><text x="{lx + 22:.0f}" y="{ly}" class="legend">'
                     f'{escape(name[:28])}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped
