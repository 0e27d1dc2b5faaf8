"""The dashboard's charts, heat table, progress-table rows and ranking as markup, written in
Python.

They were templates (bars_svg.html, line_svg.html, heat.html): ~100 template variables and
tags per chart, drawn twice (wide and narrow), made them the dearest part of a dashboard that
is not in the fragment cache (~3 ms of the ~8 ms its body took to render; README "One
dashboard request"). These functions write the same markup character for character: numbers in
SVG coordinates as ``{% localize off %}`` writes them (``str``), the labels people read as
``{% localize on %}`` does (1.100, 45,5 in Vietnamese), every text escaped as the template
engine escapes it, the same msgids for the translated words. The geometry stays in
``progress.charts``. The table rows (were progress/includes/row.html, included once per row)
and the ranking's rows are compared with the old template text by
tests/progress/test_table_html.py.
"""

import html

from django.utils.formats import get_format, localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from progress.dashboard import Pace


def _e(value) -> str:
    """A value as {{ value }} writes it outside {% localize off %} (escaped, localized).

    The common cases without Django's per-call format lookups: a plain string is only
    escaped (``localize`` leaves strings alone), an int or a finite float is written with the
    language's separators (``_number``). Anything else goes through ``localize``."""
    kind = type(value)
    if kind is str:
        return html.escape(value)
    if kind is int or kind is float:
        language = get_language()
        separators = _SEPARATORS.get(language, _UNKNOWN)
        if separators is _UNKNOWN:
            separators = _SEPARATORS[language] = _separators()
        if separators is not None:
            text = _number(value, *separators)
            if text is not None:
                return text
    return conditional_escape(localize(value))


_UNKNOWN = object()
# language -> (thousands, decimal) separator, or None: leave numbers to localize
_SEPARATORS: dict = {}


def _number(value, thousands: str, decimal: str) -> str | None:
    """An int or float as ``django.utils.numberformat`` writes it with grouping by three:
    the digits of ``str`` (a float's exponent or inf/nan: None, left to localize)."""
    if type(value) is int:
        return f"{value:,}".replace(",", thousands)
    text = repr(value)
    if "e" in text or "n" in text:
        return None
    whole, _, fraction = text.partition(".")
    sign = ""
    if whole[0] == "-":
        sign, whole = "-", whole[1:]
    return f"{sign}{int(whole):,}".replace(",", thousands) + decimal + fraction


def _separators() -> tuple[str, str] | None:
    """The active language's separators if ``localize`` writes numbers as ``_number`` does
    (groups of three, no escaping needed); probed rather than read from the settings, so a
    format that does otherwise falls back to ``localize``."""
    thousands, decimal = get_format("THOUSAND_SEPARATOR"), get_format("DECIMAL_SEPARATOR")
    if not all(type(s) is str and html.escape(s) == s for s in (thousands, decimal)):
        return None
    probes = (0, 7, -999, 1000, -1234567, 10**12, 0.0, -0.5, 45.5, 1234.25, -1234567.125)
    for probe in probes:
        if localize(probe) != _number(probe, thousands, decimal):
            return None
    return thousands, decimal


def _off(value) -> str:
    """A number as {{ value }} writes it inside {% localize off %}."""
    if type(value) is int or (type(value) is float and "e" not in repr(value)):
        return str(value)
    return conditional_escape(localize(value, use_l10n=False))


def _on(value) -> str:
    """A value as {{ value }} writes it inside {% localize on %} (a number as ``_e`` writes
    it: the project localizes by default, tests/progress/test_table_html.py checks)."""
    if type(value) is int or type(value) is float:
        return _e(value)
    return conditional_escape(localize(value, use_l10n=True))


def _add(value, number: int):
    """The ``add`` filter on a number (it adds integers: int(190.5) + -8 = 182)."""
    try:
        return int(value) + number
    except (TypeError, ValueError):
        return value + number


def _h(value) -> str:
    """``conditional_escape``, without its lazy-argument wrapper for a plain string."""
    return html.escape(value) if type(value) is str else conditional_escape(value)


def _blocktranslate(msgid: str, **values) -> str:
    return gettext(msgid) % values


_MIDDLE = ' dominant-baseline="middle"'
_END_MIDDLE = ' text-anchor="end"' + _MIDDLE


def bars_svg(b, svg_id: str, indicator) -> SafeString:
    """One per-unit bar chart (charts.BarChart), wide or narrow."""
    top = _off(_add(b.top, -4))
    bottom = _off(b.bottom_y)
    plot_x = _off(b.plot_x)
    bar_h = _off(b.bar_h)
    out = [
        f'<svg class="chart bars {"chart-narrow" if b.narrow else "chart-wide"}"',
        f' id="{_h(svg_id)}"' if svg_id else "",
        f' viewBox="0 0 {_off(b.width)} {_off(b.height)}" role="img" aria-label="',
        _blocktranslate(
            "Thực hiện so với chỉ tiêu của từng đơn vị — %(ind)s", ind=_e(indicator.header)
        ),
        '">\n  ',
    ]
    last = len(b.ticks) - 1
    for i, (x, pct) in enumerate(b.ticks):
        anchor = "start" if i == 0 else "end" if i == last else "middle"
        x = _off(x)
        out.append(
            f'<line class="grid" x1="{x}" x2="{x}" y1="{top}" y2="{bottom}"/>'
            f'<text class="tick" x="{x}" y="{_off(b.axis_y)}" text-anchor="{anchor}">'
            f"{_off(pct)}%</text>"
        )
    out.append("\n  ")
    for bar in b.bars:
        label = _h(bar.label)
        label_y = _off(bar.label_y)
        y = _off(bar.y)
        achieved = _on(bar.achieved)
        of_target = f" / {_on(bar.target)}" if bar.target is not None else ""
        out.append(f'<g class="bar-row{" total" if bar.is_total else ""}">\n    ')
        out.append(
            f'<text class="bar-label" x="{plot_x if b.narrow else _off(_add(b.plot_x, -8))}"'
            f' y="{label_y}"'
            f"{'' if b.narrow else _END_MIDDLE}>"
            f"{label}</text>\n    "
        )
        if bar.target:
            out.append(
                f'<rect class="track" x="{plot_x}" y="{y}" width="{_off(bar.track_w)}"'
                f' height="{bar_h}"/>'
            )
        out.append("\n    ")
        if bar.bar_w > 0:
            out.append(
                f'<rect class="bar heat-{_h(bar.heat)}" x="{plot_x}" y="{y}"'
                f' width="{_off(bar.bar_w)}" height="{bar_h}"><title>{label}: {achieved}'
                f"{of_target} — {_h(bar.heat_label)}</title></rect>"
            )
        if bar.percent is not None:
            tail = f" · {_on(bar.percent)}%"
        elif bar.target is None:
            tail = f" · {_h(bar.heat_label)}"
        else:
            tail = ""
        out.append(
            f'\n    <text class="bar-value" x="{_off(b.value_x)}" y="{label_y}"'
            f' text-anchor="end"{"" if b.narrow else _MIDDLE}>'
            f"{achieved}{of_target}{tail}</text>\n  </g>"
        )
    target_x = _off(b.target_x)
    out.append(
        f'\n  <line class="target" x1="{target_x}" x2="{target_x}" y1="{top}" y2="{bottom}"/>'
        f'<text class="target-label" x="{target_x}" y="{_off(b.target_label_y)}"'
        f' text-anchor="{_h(b.target_anchor)}">{gettext("Chỉ tiêu")}</text>\n  '
    )
    if b.pace_x is not None:
        pace_x = _off(b.pace_x)
        out.append(
            f'<line class="pace" x1="{pace_x}" x2="{pace_x}" y1="{top}" y2="{bottom}"/>'
            f'<text class="pace-label" x="{pace_x}" y="{_off(b.pace_label_y)}"'
            f' text-anchor="{_h(b.pace_anchor)}">'
            f"{_blocktranslate('Cần đạt %(pct)s%%', pct=_on(b.pace_percent))}</text>"
        )
    out.append("\n</svg>\n")
    return mark_safe("".join(out))


def line_svg(c, svg_id: str) -> SafeString:
    """The cumulative line (charts.LineChart), wide or narrow."""
    left, right = _off(c.left), _off(c.plot_right)
    out = [
        f'<svg class="chart {"chart-narrow" if c.narrow else "chart-wide"}"',
        f' id="{_h(svg_id)}"' if svg_id else "",
        f' viewBox="0 0 {_off(c.width)} {_off(c.height)}" role="img" aria-label="',
        gettext("Biểu đồ kết quả cộng dồn theo ngày so với chỉ tiêu"),
        '">\n  ',
    ]
    tick_x = _off(_add(c.left, -6))
    for y, value in c.y_ticks:
        y = _off(y)
        out.append(
            f'<line class="grid" x1="{left}" x2="{right}" y1="{y}" y2="{y}"/>'
            f'<text class="tick" x="{tick_x}" y="{y}" text-anchor="end"'
            f' dominant-baseline="middle">{_on(value)}</text>'
        )
    out.append("\n  ")
    last = len(c.x_ticks) - 1
    label_y = _off(_add(c.height, -6))
    for i, (x, label) in enumerate(c.x_ticks):
        anchor = "start" if i == 0 else "end" if i == last else "middle"
        out.append(
            f'<text class="tick" x="{_off(x)}" y="{label_y}" text-anchor="{anchor}">'
            f"{_h(label)}</text>"
        )
    out.append("\n  ")
    if c.pace_line:
        x1, y1, x2, y2 = (_off(v) for v in c.pace_line)
        out.append(f'<line class="pace" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/>')
    out.append("\n  ")
    if c.target_y is not None:
        target_y = _off(c.target_y)
        out.append(
            f'<line class="target" x1="{left}" x2="{right}" y1="{target_y}" y2="{target_y}"/>'
            f'<text class="target-label" x="{_off(_add(c.left, 6))}"'
            f' y="{_off(c.target_label_y)}">'
            f"{_blocktranslate('Chỉ tiêu: %(n)s', n=_on(c.target))}</text>"
        )
    out.append("\n  ")
    if c.points:
        end_x, end_y = _off(c.end_x), _off(c.end_y)
        out.append(
            f'<polyline class="achieved" points="{_h(c.points)}"/>'
            f'<circle class="achieved-end" cx="{end_x}" cy="{end_y}" r="3.5"/>'
            f'<text class="end-label" x="{end_x}" y="{_off(c.end_label_y)}"'
            f' text-anchor="{_h(c.end_anchor)}">{_on(c.final)}</text>'
        )
    out.append("\n</svg>\n")
    return mark_safe("".join(out))


def heat_html(columns, heat, legend) -> SafeString:
    """The heat table (charts.heat_table) and its legend."""
    out = [
        '<div class="table-wrap"><table class="data heat" id="heat-table">\n  <thead><tr><th>',
        gettext("Đơn vị"),
        "</th>",
        *(f'<th class="center">{_e(ind.header)}</th>' for ind in columns),
        "</tr></thead>\n  <tbody>",
    ]
    # Every cell names one of a few classes and lazy labels: each is translated and escaped
    # once per table (by the object itself: all are alive for the call), not once per cell
    # (a lazy label through ``_e`` is a gettext and a localize: ~0.5 ms for 12 × 9 cells).
    texts: dict[int, str] = {}

    def text(value) -> str:
        found = texts.get(id(value))
        if found is None:
            found = texts[id(value)] = _e(value)
        return found

    number = _number_writer()
    for row in heat:
        totals = ' class="totals"' if row.is_total else ""
        out.append(f"<tr{totals}><td>{_e(row.label)}</td>")
        for cell in row.cells:
            percent = f"<b>{number(cell.percent)}%</b><br>" if cell.percent is not None else ""
            out.append(
                f'<td class="center heat-{text(cell.heat)}">{percent}'
                f'<span class="heat-label">{text(cell.label)}</span></td>'
            )
        out.append("</tr>")
    out.append('</tbody>\n</table></div>\n<p class="legend heat-legend">')
    for key, label in legend:
        out.append(f'<span class="heat-key heat-{_e(key)}">{_e(label)}</span> ')
    out.append("<br>")
    out.append(
        _blocktranslate(
            "So với mức cần đạt đến ngày tính (chỉ tiêu × thời gian đã qua): “Vượt tiến độ” từ "
            "%(ahead)s%% trở lên, “Đúng tiến độ” từ 100%%, “Chậm” từ %(behind)s%%, “Rất chậm” "
            "dưới %(behind)s%%; “Đã đạt” khi đạt chỉ tiêu. Số trong ô: tỷ lệ %% so với chỉ tiêu.",
            ahead=_e(110),
            behind=_e(75),
        )
    )
    out.append("</p>")
    return mark_safe("".join(out))


def progress_rows_html(board) -> SafeString:
    """The progress table's body (inside ``<tbody>``): one row per unit of the board, then
    the totals row — what ``{% include "progress/includes/row.html" %}`` wrote per row, the
    same characters (tests/progress/test_table_html.py compares the two). A plain loop over
    the board's cells: the template's ~30 lookups and tags per cell cost ~1.5 ms a row. The
    words of the language are looked up once per table, not once per cell."""
    out = ["\n  "]
    words = _RowWords()
    if board.rows:
        out.extend(_progress_row(row, words) for row in board.rows)
    else:
        out.append(
            f'\n    <tr><td colspan="{_e(_add(len(board.layout.columns), 2))}" class="muted">'
            f"{_h(gettext('Không có đơn vị nào.'))}</td></tr>\n  "
        )
    out.append("\n  ")
    if board.province:
        out.append(_progress_row(board.province, words))
    out.append("\n  ")
    return mark_safe("".join(out))


class _RowWords:
    """A table's translated words, escaped, and its number writer (``_e``'s, resolved once)."""

    def __init__(self):
        self.see_records = _h(gettext("Xem các bản ghi"))
        self.pace_labels = {pace: _h(str(label)) for pace, label in Pace.LABELS.items()}
        self.badges = {pace: _h(badge) for pace, badge in Pace.BADGES.items()}
        self.short = gettext("thiếu %(gap)s")
        self.number = _number_writer()


def _number_writer():
    """``_e`` for the numbers of one table: the active language's separators resolved once."""
    language = get_language()
    separators = _SEPARATORS.get(language, _UNKNOWN)
    if separators is _UNKNOWN:
        separators = _SEPARATORS[language] = _separators()

    def number(value) -> str:
        if separators is not None and (type(value) is int or type(value) is float):
            text = _number(value, *separators)
            if text is not None:
                return text
        return _e(value)

    return number


_TOTALS = ' class="totals"'


def _progress_row(row, words: _RowWords) -> str:
    unit = row.unit
    name = _h(unit.name)
    number = words.number
    if row.is_parent:
        label = _blocktranslate("Cộng %(name)s", name=name)
    elif row.is_province:
        label = f"{_h(gettext('Toàn tỉnh'))} ({name})"
    elif unit.is_grassroots:
        label = name
    else:
        label = f'<a href="?under={unit.pk}">{name}</a>'
    out = [
        f'<tr{_TOTALS if row.is_province else ""} data-unit="{unit.pk}">\n'
        f'  <td class="center">{"" if row.number is None else number(row.number)}</td>\n'
        f"  <td>{label}</td>\n  "
    ]
    see_records = words.see_records
    for cell in row.cells:
        target = cell.target
        pace = cell.pace
        out.append(
            f'\n  <td class="num progress-cell pace-{_h(pace)}"'
            f' data-indicator="{cell.indicator.pk}">\n'
            f'    <a class="figure" href="{_h(cell.url)}" title="{see_records}">'
            f"{number(cell.achieved)}</a>"
        )
        if target is not None:
            out.append(f'<span class="muted"> / {number(target)}</span>')
        out.append("\n    ")
        if target:
            pace_label = words.pace_labels[pace]
            percent = cell.percent
            shown = f"{number(percent)}%" if percent is not None else pace_label
            out.append(
                f'<br><span class="badge {words.badges[pace]}" title="{pace_label}">{shown}</span>'
            )
            gap = cell.gap
            if gap:
                out.append(
                    f'<br><span class="small muted">{words.short % {"gap": number(gap)}}</span>'
                )
        out.append("\n  </td>\n  ")
    out.append("\n</tr>\n")
    return "".join(out)


def ranking_rows_html(board) -> SafeString:
    """The ranking table's body: what its template loop wrote (rank/among, name, score %)."""
    among = _e(board.ranked_among)
    return mark_safe(
        "".join(
            f"<tr><td>{_e(r.rank)}/{among}</td><td>{_e(r.unit.name)}</td>"
            f'<td class="num">{_e(r.score)}%</td></tr>'
            for r in board.ranking
        )
    )
