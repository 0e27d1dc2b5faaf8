"""The dashboard's charts as plain geometry for server-rendered inline SVG (no JS library).

Pure functions: they take numbers the dashboard already holds (its rows' achieved and target per
indicator, the share of the period elapsed, a day series) and return coordinates and labels; the
templates under progress/templates/progress/includes/ draw them. No query here.

Every chart comes in two layouts of the same data: ``wide`` (a 720-unit viewBox, for a desktop
or print) and ``narrow`` (a 360-unit viewBox, labels above the bars, for a 390-px phone), shown
by CSS (static/css/progress.css). Both are drawn at width:100% so the text stays ~12 px on screen.
"""

import datetime
import math
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils.translation import gettext_lazy as _

# -- round axis ticks -----------------------------------------------------------------------------


def nice_step(raw: float, *, integer: bool = True) -> float:
    """The smallest of 1, 2, 2.5, 5, 10 × 10^k that is at least ``raw`` (for integers: at
    least 1, and no 2.5 below 10 — no half members on an axis)."""
    if raw <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(raw))
    factors = (1, 2, 5, 10) if integer and magnitude < 10 else (1, 2, 2.5, 5, 10)
    step = next(f * magnitude for f in factors if f * magnitude >= raw * (1 - 1e-9))
    if integer:
        step = max(step, 1)
    return int(step) if step == int(step) else round(step, 10)


def nice_ticks(high: float, low: float = 0, *, count: int = 5, integer: bool = True) -> list:
    """Round ticks from ≤ low to ≥ high, about ``count`` intervals: 357 → 0, 100, …, 400;
    1 100 → 0, 250, …, 1 250 (never 0/119/238/357)."""
    low, high = min(low, 0), max(high, low + (1 if integer else 1e-9))
    step = nice_step((high - low) / count, integer=integer)
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    ticks = []
    for k in range(first, last + 1):
        value = round(k * step, 10)
        ticks.append(int(value) if value == int(value) else value)
    return ticks


# -- pacing classes (the heat table, the bars' colours) -------------------------------------------


class Heat:
    DONE = "done"
    AHEAD = "ahead"
    ON_PACE = "on_pace"
    BEHIND = "behind"
    FAR_BEHIND = "far_behind"
    NO_TARGET = "no_target"
    ZERO = "zero"

    # achieved / expected (expected = target × elapsed share of the period)
    AHEAD_FROM = 1.10
    BEHIND_FROM = 0.75  # below this: far behind

    LABELS = {
        DONE: _("Đã đạt"),
        AHEAD: _("Vượt tiến độ"),
        ON_PACE: _("Đúng tiến độ"),
        BEHIND: _("Chậm"),
        FAR_BEHIND: _("Rất chậm"),
        NO_TARGET: _("Chưa giao"),
        ZERO: _("Không giao"),
    }
    LEGEND = [DONE, AHEAD, ON_PACE, BEHIND, FAR_BEHIND]


def heat_class(achieved: float, target: float | None, share: float) -> str:
    """done (≥ target) · ahead (≥ 110 % of where it should be) · on pace (≥ 100 %) ·
    behind (≥ 75 %) · far behind (< 75 %). "Where it should be" = target × elapsed share,
    the dashboard's own pacing rule (a past period: the whole target)."""
    if target is None:
        return Heat.NO_TARGET
    if target == 0:
        return Heat.ZERO
    if achieved >= target:
        return Heat.DONE
    expected = target * share
    if expected <= 0:
        return Heat.ON_PACE  # the period has not started: nothing was due yet
    ratio = achieved / expected
    if ratio >= Heat.AHEAD_FROM:
        return Heat.AHEAD
    if ratio >= 1:
        return Heat.ON_PACE
    if ratio >= Heat.BEHIND_FROM:
        return Heat.BEHIND
    return Heat.FAR_BEHIND


def percent(achieved: float, target: float | None) -> float | None:
    return round(100 * achieved / target, 1) if target else None


# -- per-unit bars: achieved against target, with the pace line ------------------------------------


@dataclass
class Bar:
    label: str
    achieved: float
    target: float | None
    percent: float | None
    heat: str
    heat_label: str
    y: float  # top of the bar
    label_y: float
    track_w: float  # the target's length (0 without a target)
    bar_w: float  # the achieved length, same scale (capped at the axis end)
    overflow: bool  # achieved beyond the axis end
    is_total: bool = False


@dataclass
class BarChart:
    width: int
    height: int
    plot_x: float  # where the bars start
    plot_w: float
    bar_h: float
    bars: list[Bar]
    ticks: list[tuple[float, int]]  # (x, percent)
    pace_x: float | None
    pace_percent: float
    target_x: float  # 100 %
    axis_y: float  # the tick labels' baseline
    top: float
    bottom_y: float  # where the grid lines end
    narrow: bool
    value_x: float  # where the "achieved / target" text is anchored (end)

    def _anchor(self, x: float) -> str:
        return "start" if x < 45 else "end" if x > self.width - 45 else "middle"

    @property
    def target_anchor(self) -> str:
        return self._anchor(self.target_x)

    @property
    def pace_anchor(self) -> str:
        return self._anchor(self.pace_x or 0)

    @property
    def target_label_y(self) -> float:
        return self.top - 8

    @property
    def pace_label_y(self) -> float:
        return self.top - 22


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bar_chart(
    items: list[tuple[str, float, float | None, bool]], share: float, *, narrow: bool = False
) -> BarChart:
    """items: (label, achieved, target, is_total) per dashboard row, in the table's order.

    One scale for all rows in per cent of each unit's own target: the target is at 100 %, the
    pace line at (elapsed share × 100) %, the same for every unit; a unit at 50 % of its target
    has a bar half its track. The axis runs to a round tick ≥ the best row (at most 200 %).
    """
    width = 360 if narrow else 720
    top = 40
    bar_h = 14 if narrow else 16
    row_h = 40 if narrow else 26
    if narrow:
        plot_x, value_x = 8.0, width - 8.0
        plot_w = width - 16.0
    else:
        plot_x, value_x = 190.0, width - 8.0
        plot_w = width - plot_x - 140.0
    best = max([percent(a, t) or 0 for _, a, t, _ in items] + [100])
    ticks = nice_ticks(min(best, 200), count=4)
    axis_end = ticks[-1]

    def x_of(pct: float) -> float:
        return round(plot_x + plot_w * max(min(pct, axis_end), 0) / axis_end, 1)

    bars = []
    for i, (label, achieved, target, is_total) in enumerate(items):
        row_top = top + i * row_h
        y = row_top + (row_h - bar_h - 6 if narrow else (row_h - bar_h) / 2)
        pct = percent(achieved, target)
        heat = heat_class(achieved, target, share)
        track_w = round(x_of(100) - plot_x, 1) if target else 0.0
        bar_w = round(x_of(pct) - plot_x, 1) if pct is not None else 0.0
        bars.append(
            Bar(
                label=_short(label, 30 if narrow else 28),
                achieved=achieved,
                target=target,
                percent=pct,
                heat=heat,
                heat_label=str(Heat.LABELS[heat]),
                y=round(y, 1),
                label_y=round(row_top + 12 if narrow else y + bar_h / 2, 1),
                track_w=track_w,
                bar_w=bar_w,
                overflow=pct is not None and pct > axis_end,
                is_total=is_total,
            )
        )
    bottom_y = top + len(items) * row_h
    pace_pct = round(100 * share, 1)
    return BarChart(
        width=width,
        height=int(bottom_y + 22),
        plot_x=plot_x,
        plot_w=plot_w,
        bar_h=bar_h,
        bars=bars,
        ticks=[(x_of(t), t) for t in ticks],
        pace_x=x_of(pace_pct) if 0 < share < 1 else None,
        pace_percent=pace_pct,
        target_x=x_of(100),
        axis_y=bottom_y + 16,
        top=top,
        bottom_y=bottom_y,
        narrow=narrow,
        value_x=value_x,
    )


# -- the cumulative line ---------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _x_texts(left: int, plot_w: int, span: int) -> tuple[str, ...]:
    """x of each day offset 0..span as the chart's points write it (x() in line_chart)."""
    return tuple(f"{left + plot_w * days / span:.1f}" for days in range(span + 1))


@dataclass
class LineChart:
    """Cumulative achievement by day against the target, as SVG coordinates."""

    width: int
    height: int
    points: str
    target_y: float | None
    pace_line: tuple[float, float, float, float] | None
    y_ticks: list[tuple[float, float]]
    x_ticks: list[tuple[float, str]]
    final: float
    target: float | None
    left: int = 48
    right: int = 12
    bottom: int = 24
    end_x: float = 0  # the last day's point (the value label)
    end_y: float = 0
    narrow: bool = False
    narrow_chart: "LineChart | None" = field(default=None, repr=False)

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    @property
    def end_anchor(self) -> str:
        return "end" if self.end_x > self.width * 0.6 else "start"

    @property
    def end_label_y(self) -> float:
        return round(self.end_y - 8 if self.end_y > 30 else self.end_y + 16, 1)

    @property
    def target_label_y(self) -> float | None:
        """Above the target line, or below it when the line is near the top."""
        if self.target_y is None:
            return None
        return self.target_y - 5 if self.target_y > 24 else self.target_y + 14


def line_chart(
    series: list[tuple[datetime.date, float]],
    start: datetime.date,
    end: datetime.date,
    target: float | None,
    *,
    narrow: bool = False,
    integer: bool = True,
) -> LineChart:
    """series: (day, cumulative value) from the period's start to the as-of day."""
    if narrow:
        width, height, left, right, bottom, top = 360, 230, 40, 10, 22, 12
    else:
        width, height, left, right, bottom, top = 720, 260, 52, 12, 24, 12
    span = (end - start).days or 1
    values = [v for _, v in series]
    ticks = nice_ticks(max([target or 0, *values, 0]), min([0, *values]), integer=integer)
    low, high = ticks[0], ticks[-1]
    plot_w, plot_h = width - left - right, height - bottom - top

    first, height_of = start.toordinal(), (high - low) or 1

    def x(d):
        return round(left + plot_w * (d.toordinal() - first) / span, 1)

    def y(v):
        return round(top + plot_h * (1 - (v - low) / height_of), 1)

    # The same text as f"{x(d)},{y(v)}" (":.1f" of a float is the repr of its round(·, 1)), a
    # few times faster: a year's line has 366 points, drawn twice (wide and narrow).
    offsets = [d.toordinal() - first for d, _ in series]
    if offsets and 0 <= min(offsets) and max(offsets) <= span:
        texts = _x_texts(left, plot_w, span)
        x_texts = [texts[k] for k in offsets]
    else:
        x_texts = [f"{left + plot_w * k / span:.1f}" for k in offsets]
    # A cumulative line stays flat on the days without records: each height is written once.
    y_texts = {v: f"{top + plot_h * (1 - (v - low) / height_of):.1f}" for v in set(values)}
    points = " ".join(
        [f"{x_text},{y_texts[v]}" for x_text, (_d, v) in zip(x_texts, series, strict=True)]
    )
    parts = 2 if narrow else 4
    x_days = [start + datetime.timedelta(days=round(span * k / parts)) for k in range(parts + 1)]
    last_day, final = series[-1] if series else (start, 0)
    return LineChart(
        width=width,
        height=height,
        points=points,
        target_y=y(target) if target else None,
        pace_line=(x(start), y(0), x(end), y(target)) if target else None,
        y_ticks=[(y(v), v) for v in ticks],
        x_ticks=[(x(d), d.strftime("%d/%m")) for d in x_days],
        final=final,
        target=target,
        left=left,
        right=right,
        bottom=bottom,
        end_x=x(last_day),
        end_y=y(final),
        narrow=narrow,
    )


# -- from the dashboard's rows (no query: only what build() returned) ------------------------------


def _row_label(row) -> str:
    if row.is_parent:
        return str(_("Cộng %(name)s") % {"name": row.unit.name})
    if row.is_province:
        return str(_("Toàn tỉnh"))
    return row.unit.name


def board_rows(board) -> list:
    """The dashboard table's rows in its order: the units, then the totals row."""
    return [*board.rows, *([board.province] if board.province else [])]


def unit_bars(board, index: int) -> tuple[BarChart, BarChart]:
    """Wide and narrow bars for the indicator in column ``index``, one per table row."""
    items = [
        (_row_label(r), r.cells[index].achieved, r.cells[index].target, r.is_province)
        for r in board_rows(board)
    ]
    return bar_chart(items, board.share), bar_chart(items, board.share, narrow=True)


@dataclass
class HeatCell:
    achieved: float
    target: float | None
    percent: float | None
    heat: str
    label: str


@dataclass
class HeatRow:
    label: str
    is_total: bool
    cells: list[HeatCell]


def heat_table(board) -> list[HeatRow]:
    """Units × indicators classified by pacing (Heat), from the dashboard's cells."""
    rows = []
    for r in board_rows(board):
        cells = []
        for c in r.cells:
            heat = heat_class(c.achieved, c.target, board.share)
            cells.append(
                HeatCell(
                    c.achieved, c.target, percent(c.achieved, c.target), heat, Heat.LABELS[heat]
                )
            )
        rows.append(HeatRow(_row_label(r), r.is_province, cells))
    return rows


def heat_legend() -> list[tuple[str, str]]:
    return [(key, Heat.LABELS[key]) for key in Heat.LEGEND]
