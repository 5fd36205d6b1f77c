"""Issue 14 point 8: charts re-flow on a phone. Every chart has a phone drawing whose text keeps its size, the axis
labels drawn never touch or leave the chart, long names wrap (the legend is HTML text, a bar's label goes above it)."""

import re
from itertools import pairwise

import pytest

from motcua.oversight import charts
from motcua.oversight.review.charts import bars_svg, wrap

MONTHS = [f"Tháng {m}/2026" for m in range(1, 13)]
QUARTERS = ["Quý 3/2025", "Quý 4/2025", "Quý 1/2026", "Quý 2/2026", "Quý 3/2026", "Quý 4/2026"]


def _xs(n: int, left: float, right: float) -> list[float]:
    return [left + (right - left) * i / max(1, n - 1) for i in range(n)]


@pytest.mark.parametrize(("labels", "width", "expected"), [
    (MONTHS, 720, [1, 3, 5, 7, 9, 11]),        # every other month on a wide screen
    (MONTHS, charts.NARROW, [1, 6, 11]),      # three on a phone, the latest always
    (QUARTERS, 720, [0, 1, 2, 3, 4, 5]),      # six quarters fit
    (QUARTERS, charts.NARROW, [1, 3, 5]),
    (["Năm 2026"], charts.NARROW, [0]),
    ([], charts.NARROW, []),
])
def test_the_labels_drawn_are_those_that_fit_counted_from_the_latest(labels, width, expected):
    xs = _xs(len(labels), 36, width - 24)
    assert charts.shown_labels(labels, xs, width) == expected


def _drawn(svg: str) -> list[tuple[float, str]]:
    return [(float(x), text) for x, text in re.findall(r'<text x="([\d.]+)"[^>]*class="axis x-label">([^<]+)<', svg)]


@pytest.mark.parametrize("labels", [MONTHS, QUARTERS, ["Tuần 52/2026", "Tuần 1/2027"]])
def test_both_drawings_keep_their_labels_apart_and_inside(labels):
    html = charts.line_chart(labels, {"Trung tâm Phục vụ hành chính công thành phố Hà Nội": [50.0] * len(labels)},
                             title="Tổng điểm chỉ số theo kỳ")
    wide, narrow = re.findall(r"<svg[^>]*class=\"chart chart-(?:wide|narrow)\".*?</svg>", html)
    for svg, width in ((wide, 720), (narrow, charts.NARROW)):
        boxes = [(x - charts.label_width(t) / 2, x + charts.label_width(t) / 2) for x, t in _drawn(svg)]
        assert boxes and boxes[0][0] >= 0 and boxes[-1][1] <= width
        assert all(a[1] < b[0] for a, b in pairwise(boxes))
        assert _drawn(svg)[-1][1] == labels[-1]
    # The legend is text that wraps, not squeezed into the drawing.
    assert '<ul class="chart-legend">' in html and "Trung tâm Phục vụ hành chính công thành phố Hà Nội</li>" in html
    assert 'class="legend"' not in html


def test_a_bar_chart_on_a_phone_puts_the_wrapped_label_above_its_bar_and_names_its_figures():
    name = "Thẩm định, xử lý hồ sơ tại Ủy ban nhân dân xã sau khi Trung tâm tiếp nhận"
    svg = bars_svg([(name, 12.5), ("Tiếp nhận", 2.0)], " h", marks={"Tiếp nhận": 4.0})
    narrow = re.search(r"<svg[^>]*chart-narrow[^>]*>.*?</svg>", svg).group(0)
    assert 'viewBox="0 0 340 ' in narrow and wrap(name, 46)[0] in narrow and wrap(name, 46)[1] in narrow
    assert all(len(line) <= 46 for line in wrap(name, 46))
    assert f'aria-label="{name}: 12.5 h; Tiếp nhận: 2 h"' in svg


@pytest.mark.parametrize(("text", "limit", "lines"), [
    ("Cấp tỉnh", 46, ["Cấp tỉnh"]),
    ("một hai ba bốn", 7, ["một hai", "ba bốn"]),
    ("Siêudàikhôngcáchchữnàoquá", 5, ["Siêudàikhôngcáchchữnàoquá"]),
    ("", 10, [""]),
])
def test_wrap_breaks_between_words(text, limit, lines):
    assert wrap(text, limit) == lines
