"""The dashboard's charts: round ticks, bar geometry, the pace line, heat classes, the page."""

import datetime
import re

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from plans.models import Period
from progress.charts import Heat, bar_chart, heat_class, line_chart, nice_step, nice_ticks

D = datetime.date


@pytest.mark.parametrize(
    "high, ticks",
    [
        (357, [0, 100, 200, 300, 400]),
        (1100, [0, 250, 500, 750, 1000, 1250]),
        (100, [0, 20, 40, 60, 80, 100]),
        (12, [0, 5, 10, 15]),
        (3, [0, 1, 2, 3]),
        (0, [0, 1]),
    ],
)
def test_nice_ticks_are_round(high, ticks):
    assert nice_ticks(high) == ticks


def test_nice_ticks_cover_negative_values_and_fractions():
    assert nice_ticks(40, -7) == [-10, 0, 10, 20, 30, 40]
    assert nice_ticks(0.5, integer=False) == [0, 0.1, 0.2, 0.3, 0.4, 0.5]
    assert nice_step(2.4) == 5 and nice_step(0.3) == 1  # no 2.5 or fractions of a member


def test_a_unit_at_half_its_target_has_a_bar_half_its_track():
    chart = bar_chart([("A", 50, 100, False), ("B", 30, 60, False), ("C", 0, 80, False)], 0.4)
    a, b, c = chart.bars
    assert a.bar_w == pytest.approx(a.track_w / 2)
    assert b.bar_w == pytest.approx(b.track_w / 2)  # per cent of its own target: same length
    assert c.bar_w == 0
    assert a.track_w == pytest.approx(chart.target_x - chart.plot_x)
    assert [t for _, t in chart.ticks] == [0, 25, 50, 75, 100]


def test_the_pace_line_is_at_the_elapsed_share_of_the_target():
    chart = bar_chart([("A", 10, 100, False)], 0.25)
    assert chart.pace_percent == 25.0
    assert chart.pace_x == pytest.approx(chart.plot_x + 0.25 * (chart.target_x - chart.plot_x))
    assert bar_chart([("A", 10, 100, False)], 1.0).pace_x is None  # a past period: the target


def test_bars_beyond_the_target_extend_the_axis_and_are_capped():
    chart = bar_chart([("A", 140, 100, False), ("B", 50, 100, False)], 0.5)
    assert chart.ticks[-1][1] == 150
    a, b = chart.bars
    assert a.bar_w == pytest.approx(b.track_w * 1.4, abs=0.2)
    huge = bar_chart([("A", 900, 100, False)], 0.5)
    assert huge.ticks[-1][1] == 200 and huge.bars[0].overflow


def test_rows_without_a_target_have_no_track():
    chart = bar_chart([("A", 5, None, False), ("B", 0, 0, False)], 0.5, narrow=True)
    assert [(b.track_w, b.heat) for b in chart.bars] == [(0, Heat.NO_TARGET), (0, Heat.ZERO)]
    assert chart.width == 360


@pytest.mark.parametrize(
    "achieved, heat",
    [
        (100, Heat.DONE),  # the whole target
        (55, Heat.AHEAD),  # 110 % of the 50 due
        (54, Heat.ON_PACE),
        (50, Heat.ON_PACE),  # exactly where it should be
        (49, Heat.BEHIND),
        (38, Heat.BEHIND),  # 76 %
        (37.5, Heat.BEHIND),  # 75 % is still "behind"
        (37, Heat.FAR_BEHIND),
        (-3, Heat.FAR_BEHIND),
    ],
)
def test_heat_classes_against_where_the_unit_should_be(achieved, heat):
    assert heat_class(achieved, 100, 0.5) == heat


def test_heat_without_target_and_for_past_or_future_periods():
    assert heat_class(3, None, 0.5) == Heat.NO_TARGET
    assert heat_class(3, 0, 0.5) == Heat.ZERO
    assert heat_class(99, 100, 1.0) == Heat.BEHIND  # past period: judged on the whole target
    assert heat_class(0, 100, 0.0) == Heat.ON_PACE  # not started: nothing due yet


def test_line_chart_has_round_ticks_and_the_target_line():
    start, end = D(2024, 7, 1), D(2024, 7, 31)
    series = [(start + datetime.timedelta(days=i), 12 * i) for i in range(20)]
    chart = line_chart(series, start, end, 357)
    assert [v for _, v in chart.y_ticks] == [0, 100, 200, 300, 400]
    top_y = chart.y_ticks[-1][0]
    assert chart.target_y == pytest.approx(
        chart.y_ticks[0][0] - (chart.y_ticks[0][0] - top_y) * 357 / 400, abs=0.1
    )
    assert chart.final == 228
    assert line_chart(series, start, end, 357, narrow=True).width == 360


@settings(max_examples=60, deadline=None)
@given(
    steps=st.lists(st.one_of(st.just(0), st.integers(-50, 400), st.floats(-5, 50)), max_size=40),
    target=st.one_of(st.none(), st.integers(0, 5000)),
    narrow=st.booleans(),
)
def test_line_points_are_each_day_at_its_height(steps, target, narrow):
    """The points text is "x,y" of every day, y written with one decimal (the line repeats a
    height on flat days; each is written once and reused)."""
    start, end = D(2024, 1, 1), D(2024, 2, 15)
    series, total = [], 0
    for i, step in enumerate(steps):
        total += step
        series.append((start + datetime.timedelta(days=i), total))
    chart = line_chart(series, start, end, target, narrow=narrow)
    left, right, bottom, top = (40, 10, 22, 12) if narrow else (52, 12, 24, 12)
    plot_w, plot_h = chart.width - left - right, chart.height - bottom - top
    low, high = chart.y_ticks[0][1], chart.y_ticks[-1][1]
    span = (end - start).days
    expected = " ".join(
        f"{left + plot_w * (d - start).days / span:.1f},"
        f"{top + plot_h * (1 - (v - low) / ((high - low) or 1)):.1f}"
        for d, v in series
    )
    assert chart.points == expected


PEAK = "thang-cao-diem-2024"


def test_dashboard_draws_bars_heat_table_and_labelled_target(
    demo, client_for, admin_user, monkeypatch
):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: D(2024, 7, 20))  # mid-period
    period = Period.objects.get(code=PEAK)
    url = reverse("progress:dashboard", args=[period.plan_id, period.code])
    html = client_for(admin_user).get(url).content.decode()
    for svg in ["cumulative-chart", "cumulative-chart-narrow", "unit-bars", "unit-bars-narrow"]:
        assert f'id="{svg}"' in html
        assert re.search(rf'<svg class="chart[^"]*" id="{svg}" viewBox="0 0 \d+ \d+"', html)
    assert re.search(r'class="target-label"[^>]*>Chỉ tiêu: [\d.]+</text>', html)
    assert 'class="pace-label"' in html and "Cần đạt" in html
    # one bar per row of the results table (the units and the province's totals row)
    table = html[
        html.index('id="progress-table"') : html.index(
            "</table>", html.index('id="progress-table"')
        )
    ]
    rows = table.count("data-unit=")
    bars = html[html.index('id="unit-bars"') : html.index("</svg>", html.index('id="unit-bars"'))]
    assert bars.count('class="bar-row') == rows
    heat = html[
        html.index('id="heat-table"') : html.index("</table>", html.index('id="heat-table"'))
    ]
    assert heat.count("<tr") == rows + 1  # and the header
    assert "heat-far_behind" in heat or "heat-behind" in heat
    assert "Rất chậm" in html and "Vượt tiến độ" in html  # the legend


def test_dashboard_tick_labels_are_round(demo, client_for, admin_user):
    period = Period.objects.get(code=PEAK)
    url = reverse("progress:dashboard", args=[period.plan_id, period.code])
    html = client_for(admin_user).get(url).content.decode()
    svg = html[
        html.index('id="cumulative-chart"') : html.index(
            "</svg>", html.index('id="cumulative-chart"')
        )
    ]
    values = [
        int(v.replace(".", ""))
        for v in re.findall(r'text-anchor="end" dominant-baseline="middle">([\d.]+)<', svg)
    ]
    assert values[0] == 0 and len(values) >= 3
    step = values[1] - values[0]
    assert all(b - a == step for a, b in zip(values, values[1:], strict=False))
    assert str(step).rstrip("0") in {"1", "2", "25", "5"}
