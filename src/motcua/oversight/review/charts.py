"""SVG drawn on the server (no script, no CDN): the directly-follows graph and horizontal bars. Each chart on a page
has a table beside it with the same figures."""

from __future__ import annotations

import math
from collections import defaultdict
from xml.sax.saxutils import escape

from . import rules

ACTIVITY_LABELS = {
    rules.START: "Bắt đầu", rules.END: "Kết thúc", "submit": "Nộp hồ sơ", "receive": "Tiếp nhận",
    "request_supplement": "Yêu cầu bổ sung", "submit_supplement": "Bổ sung hồ sơ", "refuse": "Từ chối",
    "assign": "Phân công", "complete_step": "Hoàn thành bước", "complete_step:appraise": "Thẩm định xong",
    "consult": "Lấy ý kiến", "answer_consultation": "Trả lời ý kiến", "approve": "Phê duyệt",
    "request_payment": "Yêu cầu nộp phí", "confirm_payment": "Xác nhận nộp phí", "issue_result": "Ban hành kết quả",
    "return_result": "Trả kết quả", "withdraw": "Rút hồ sơ", "stop": "Dừng xử lý", "apologise": "Xin lỗi, hẹn lại",
}


def label(activity: str) -> str:
    if activity in ACTIVITY_LABELS:
        return ACTIVITY_LABELS[activity]
    if activity.startswith("complete_step:"):
        return "Xong bước " + activity.split(":", 1)[1]
    return activity


def node_order(edges: list[dict]) -> list[str]:
    """Nodes so the graph reads top to bottom: the main path first (from ▶, always the most frequent edge to a node
    not yet placed), then every other node right after its most frequent predecessor already placed."""
    out: dict[str, list[tuple[int, str]]] = defaultdict(list)
    into: dict[str, list[tuple[int, str]]] = defaultdict(list)
    weight: dict[str, int] = defaultdict(int)
    for e in edges:
        out[e["from"]].append((e["count"], e["to"]))
        into[e["to"]].append((e["count"], e["from"]))
        weight[e["to"]] += e["count"]
        weight[e["from"]] += 0
    nodes = set(weight)
    order: list[str] = []
    current = rules.START if rules.START in nodes else max(nodes, key=lambda n: (weight[n], n))
    while current and current not in order:
        order.append(current)
        nxt = [(c, t) for c, t in out[current] if t not in order and t != rules.END]
        current = max(nxt)[1] if nxt else None
    for n in sorted(nodes - set(order) - {rules.END}, key=lambda n: (-weight[n], n)):
        placed = [(c, f) for c, f in into[n] if f in order]
        at = order.index(max(placed)[1]) + 1 if placed else len(order)
        order.insert(at, n)
    if rules.END in nodes:
        order.append(rules.END)
    return order


def dfg_svg(edges: list[dict], max_edges: int = 40) -> str:
    """Nodes in a column; forward edges as arcs on the right, backward ones on the left; width by frequency; each
    edge labelled with its count and median hours."""
    edges = sorted(edges, key=lambda e: -e["count"])[:max_edges]
    if not edges:
        return ""
    order = node_order(edges)
    pos = {n: i for i, n in enumerate(order)}
    row, box_w, box_h, left = 56, 200, 30, 170
    width, height = left + box_w + 260, row * len(order) + 20
    top = max(e["count"] for e in edges)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="dfg-title" class="chart dfg"><title id="dfg-title">Đồ thị nối tiếp trực tiếp</title>']
    cx = left + box_w / 2
    for e in edges:
        a, b = pos[e["from"]], pos[e["to"]]
        y1, y2 = 10 + a * row + box_h / 2, 10 + b * row + box_h / 2
        w = 1 + 7 * math.log1p(e["count"]) / math.log1p(top)
        span = abs(b - a)
        if span == 1 and b > a:
            path, lx, ly = f"M{cx},{y1 + box_h / 2} L{cx},{y2 - box_h / 2}", cx + 6, (y1 + y2) / 2 + 4
        else:
            side = 1 if b > a else -1
            x = (left + box_w if side > 0 else left) + side * (20 + 18 * span)
            edge_x = left + box_w if side > 0 else left
            path = f"M{edge_x},{y1} C{x},{y1} {x},{y2} {edge_x},{y2}"
            lx, ly = x + (4 if side > 0 else -4), (y1 + y2) / 2
        anchor = "end" if lx < left else "start"
        parts.append(f'<path d="{path}" fill="none" stroke="#1f5f99" stroke-opacity="0.55" stroke-width="{w:.1f}"/>')
        parts.append(f'<text x="{lx:.0f}" y="{ly:.0f}" font-size="11" text-anchor="{anchor}" fill="#333">'
                     f'{e["count"]} · {e["median_hours"]} h</text>')
    for n, i in pos.items():
        y = 10 + i * row
        parts.append(f'<rect x="{left}" y="{y}" width="{box_w}" height="{box_h}" rx="5" fill="#eef4fa" '
                     f'stroke="#1f5f99"/><text x="{cx}" y="{y + 19}" font-size="13" text-anchor="middle">'
                     f'{escape(label(n))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def wrap(text: str, limit: int) -> list[str]:
    """``text`` in lines of at most ``limit`` characters, broken between words (a longer word stands alone)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _bars(rows: list[tuple[str, float]], unit: str, top: float, marks: dict[str, float], *, narrow: bool,
          title: str) -> str:
    """Wide: the label left of its bar. Narrow (issue 14 point 8, a phone): the label, wrapped, above a full-width
    bar, so that the text keeps its size on a 390 px screen instead of shrinking with the drawing."""
    lw, bw, width = (0, 250, 340) if narrow else (190, 360, 640)
    parts, y = [], 3
    for name, value in rows:
        lines = wrap(name, 46) if narrow else [name]
        if narrow:
            parts.extend(f'<text x="0" y="{y + 12 + 15 * k}" font-size="12">{escape(line)}</text>'
                         for k, line in enumerate(lines))
            bar_y, y_next = y + 15 * len(lines) + 2, y + 15 * len(lines) + 22
        else:
            parts.append(f'<text x="{lw - 6}" y="{y + 15}" font-size="12" text-anchor="end">{escape(name)}</text>')
            bar_y, y_next = y + 3, y + 24
        w = bw * value / top if top else 0
        parts.append(f'<rect x="{lw}" y="{bar_y}" width="{w:.1f}" height="16" fill="#1f5f99"/>'
                     f'<text x="{lw + w + 4:.1f}" y="{bar_y + 12}" font-size="11">{value:g}{escape(unit)}</text>')
        mark = marks.get(name)
        if mark is not None:
            mx = lw + bw * mark / top
            parts.append(f'<line x1="{mx:.1f}" x2="{mx:.1f}" y1="{bar_y - 3}" y2="{bar_y + 19}" stroke="#b3261e" '
                         'stroke-width="2"/>')
        y = y_next
    css = "chart bars chart-narrow" if narrow else "chart bars chart-wide"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {y + 3}" role="img" class="{css}" '
            f'aria-label="{escape(title)}">' + "".join(parts) + "</svg>")


def bars_svg(rows: list[tuple[str, float]], unit: str = "", max_value: float | None = None,
             marks: dict[str, float] | None = None) -> str:
    """Horizontal bars (label, value); ``marks`` draws a budget tick on a bar. A wide and a phone drawing, the style
    sheet shows one; both named by their figures ("Cấp tỉnh: 12; Cấp xã: 3") for a screen reader."""
    if not rows:
        return ""
    top = max_value or max([v for _, v in rows] + list((marks or {}).values()) + [1e-9])
    title = "; ".join(f"{name}: {value:g}{unit}" for name, value in rows)
    return ('<div class="chart-box">' + _bars(rows, unit, top, marks or {}, narrow=False, title=title)
            + _bars(rows, unit, top, marks or {}, narrow=True, title=title) + "</div>")
