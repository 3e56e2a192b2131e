"""The chart geometry (app/charts): bars and lines that read from the right in Arabic."""

from datetime import date

from app import charts


def test_bars_are_scaled_to_the_largest_and_mirrored_right_to_left():
    items = [("a", "Certified", 10), ("b", "Expired", 5), ("c", "Revoked", 0)]
    ltr = charts.bar_chart(items, rtl=False, width=640, label_width=210)
    a, b, c = ltr.bars
    assert (a.x, a.width, b.width, c.width) == (210, 370, 185, 0)
    assert a.label_x == 0 and a.value_x == 210 + 370 + 6
    rtl = charts.bar_chart(items, rtl=True, width=640, label_width=210)
    a, b, _c = rtl.bars
    assert (a.x + a.width, b.x + b.width) == (430, 430)  # bars grow leftwards from the labels
    assert a.label_x == 640 and a.value_x == 640 - (210 + 370 + 6)


def test_a_line_breaks_where_a_value_is_missing_and_time_runs_from_the_right_in_arabic():
    values = [("Jan", 50), ("Feb", None), ("Mar", 0), ("Apr", 100)]
    ltr = charts.line_chart(values, 100, rtl=False, width=320, height=140)
    assert len(ltr.lines) == 1 and len(ltr.points) == 3  # Jan stands alone as a dot
    assert [p.label for p in ltr.points] == ["Jan", "Mar", "Apr"]
    assert ltr.points[1].y > ltr.points[0].y > ltr.points[2].y  # 0 lowest, 100 highest
    rtl = charts.line_chart(values, 100, rtl=True, width=320, height=140)
    assert [p.x for p in rtl.points] == [320 - p.x for p in ltr.points]
    assert [label for _x, label in rtl.ticks] == ["Jan", "Mar", "Apr"]


def test_month_ends():
    assert charts.month_ends(date(2026, 3, 10), 3) == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 10)
    ]  # fmt: skip
