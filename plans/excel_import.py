"""Reading an allocation form (Biểu giao chỉ tiêu) from Excel: ours, or one typed by a person.

What is accepted
- any rows above the table (federation lines, title, "Kèm theo …"); the table starts at the row
  holding a "TT" (or "STT") cell and an "Đơn vị" cell; "TT" may be missing;
- header rows with merged cells or with the group text typed only once; a row of column numbers
  ("(1) (2) (3)…") under the header is skipped;
- columns matched by header text, never by position: the column's own text against each
  indicator's header, name and aliases, ignoring case, spacing, Unicode form (NFC/NFD), a final
  ":" and commas; "trên 25" reads as "từ 25 … trở lên", "lao động" as "LĐ", "doanh nghiệp" as "DN";
  a "(người)"/"(đơn vị)" suffix must agree with the indicator's unit; when a text fits several
  indicators (the two "DN có từ 25 LĐ trở lên" columns) the group header above it decides;
- a "Ghi chú" column (optional), kept as the unit's note;
- unit rows matched by unit name (case, spacing, NFC/NFD ignored) among the plan's units;
- numbers as numbers or as text: "1.100", "1 100", "1,100", "1100.0"; empty cells leave the
  target as it is;
- a "Cộng"/"Tổng cộng" row: compared with the sum of the rows, differences are warnings
  (kept as ``ImportFinding``), not errors;
- a "Chỉ tiêu toàn tỉnh" row (written by our export): the province targets.
The table ends at the first empty row after the data.

What stops the whole import (one message per problem, with sheet, Excel row, column letter and
header): no header, a column that matches no indicator or is ambiguous, an indicator without a
column, the same indicator twice, an unknown or repeated unit, a value that is not a whole number,
a negative value, an "of which" part above its total in a row (or parts that add up to more).
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from core.spreadsheet import Grid, Problem, SpreadsheetError, open_workbook
from core.text import NotANumber, clean, format_int, name_key, parse_int
from organisation.models import Unit
from organisation.selectors import find_unit_by_name
from plans.models import TARGET_MAX, Indicator, Period, Plan, PlanUnit
from plans.selectors import find_period
from plans.table import ordered_indicators
from plans.validation import parts_over_total

TT_KEYS = {"tt", "stt", "số tt", "số thứ tự"}
UNIT_KEYS = {"đơn vị", "tên đơn vị", "đơn vị được giao"}
NOTE_KEYS = {"ghi chú"}
OF_WHICH_PREFIX = "trong đó"
TOTAL_PREFIXES = ("cộng", "tổng cộng")
PROVINCE_PREFIXES = ("chỉ tiêu toàn tỉnh", "toàn tỉnh")
HEADER_SCAN_ROWS = 40
MAX_ROWS = 5000
_UOM = re.compile(r"\((người|đơn vị)\)\s*$")
_NUMBERING = re.compile(r"^\(?([0-9]{1,2}|[a-z])\)?$")


class ImportFailed(Exception):
    def __init__(self, problems: list[Problem], warnings: list[Problem] | None = None):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
        self.warnings = warnings or []


@dataclass
class Column:
    index: int  # 1-based Excel column
    header: str  # the column's own text as written
    indicator: Indicator


@dataclass
class ParsedRow:
    row: int
    label: str
    unit: Unit | None
    values: dict[int, int | None]  # indicator id → value (None: empty cell)
    note: str | None = None


@dataclass
class ParsedSheet:
    title: str
    period: Period
    columns: list[Column]
    rows: list[ParsedRow] = field(default_factory=list)
    totals: ParsedRow | None = None
    province: ParsedRow | None = None
    warnings: list[Problem] = field(default_factory=list)


def match_key(text) -> tuple[str, str | None]:
    """(key, unit of measure or None) of a header text, for matching typed headers."""
    key = name_key(text).rstrip(":").strip()
    uom = None
    found = _UOM.search(key)
    if found:
        uom = found.group(1)
        key = key[: found.start()].strip()
    key = re.sub(r"[,;]", " ", key)
    key = key.replace("lao động", "lđ").replace("doanh nghiệp", "dn")
    key = re.sub(r"\btrên\s+(\d+)", r"từ \1", key)
    key = re.sub(r"(≥|>=)\s*(\d+)", r"từ \2", key)
    key = key.replace("trở lên", " ")
    return re.sub(r"\s+", " ", key).strip(), uom


def find_header(grid: Grid):
    """(row, TT column or None, Đơn vị column) of the table's first header row, or None."""
    for r in range(1, min(grid.max_row, HEADER_SCAN_ROWS) + 1):
        tt_col = unit_col = None
        for c in range(1, grid.max_col + 1):
            key = name_key(grid.raw(r, c))
            if key in TT_KEYS and tt_col is None:
                tt_col = c
            elif key in UNIT_KEYS and unit_col is None:
                unit_col = c
        if unit_col is not None:
            return r, tt_col, unit_col
    return None


def _is_number_like(value) -> bool:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return True
    try:
        return parse_int(value) is not None
    except NotANumber:
        return False


def header_end(grid: Grid, first: int, tt_col: int | None, unit_col: int) -> int:
    """The last header row of the table whose first header row is ``first``: the bottom of
    merged header cells, then any rows of text (no numbers, no unit) below them."""
    last = first
    for c in range(1, grid.max_col + 1):
        if (first, c) in grid.bottom:
            last = max(last, grid.bottom[(first, c)])
    r = last + 1
    while r <= grid.max_row:
        if clean(grid.raw(r, unit_col)) or (tt_col and clean(grid.raw(r, tt_col))):
            break
        cells = [grid.raw(r, c) for c in range(unit_col + 1, grid.max_col + 1)]
        texts = [v for v in cells if clean(v)]
        if not texts or any(_is_number_like(v) for v in texts):
            break
        last = r
        r += 1
    return last


class SheetReader:
    def __init__(self, grid: Grid, plan: Plan, period: Period, indicators: list[Indicator], units):
        self.grid = grid
        self.title = grid.title
        self.plan = plan
        self.period = period
        self.indicators = indicators
        self.units = units
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def problem(self, message, row=None, column=None, header=""):
        self.problems.append(Problem(self.title, row, column, header, message))

    # --- header -------------------------------------------------------------------------------
    def find_header(self):
        return find_header(self.grid)

    def header_end(self, first, tt_col, unit_col) -> int:
        return header_end(self.grid, first, tt_col, unit_col)

    def match_columns(self, first, last, unit_col):
        grid = self.grid
        note_col = None
        candidates: list[tuple[int, list[str]]] = []
        for c in range(unit_col + 1, grid.max_col + 1):
            texts = []
            for r in range(first, last + 1):
                text = grid.text(r, c)
                if text and (not texts or texts[-1] != text):
                    texts.append(text)
            if not texts:
                continue
            if name_key(texts[-1]).rstrip(":") in NOTE_KEYS:
                note_col = c
                continue
            candidates.append((c, texts))
        columns: list[Column] = []
        for c, texts in candidates:
            own = [t for t in texts if not name_key(t).startswith(OF_WHICH_PREFIX)]
            if not own:
                continue
            leaf, context = own[-1], own[:-1]
            found = self.resolve(leaf, context)
            if isinstance(found, str):
                self.problem(found, first, c, leaf)
            else:
                columns.append(Column(c, leaf, found))
        seen: dict[int, Column] = {}
        for column in columns:
            if column.indicator.pk in seen:
                self.problem(
                    _("cột này và cột %(other)s cùng ứng với chỉ tiêu “%(ind)s”.")
                    % {
                        "other": get_column_letter(seen[column.indicator.pk].index),
                        "ind": column.indicator.header,
                    },
                    first,
                    column.index,
                    column.header,
                )
            else:
                seen[column.indicator.pk] = column
        for indicator in self.indicators:
            if indicator.pk not in seen:
                self.problem(
                    _("thiếu cột “%(ind)s” (%(name)s).")
                    % {"ind": indicator.header, "name": indicator.name},
                    first,
                )
        return columns, note_col

    def resolve(self, leaf: str, context: list[str]) -> Indicator | str:
        key, uom = match_key(leaf)
        found = []
        for indicator in self.indicators:
            if uom and indicator.unit_of_measure != uom:
                continue
            if any(match_key(alias)[0] == key for alias in indicator.alias_list()):
                found.append(indicator)
        if not found:
            return _("tiêu đề cột không khớp chỉ tiêu nào của kế hoạch %(plan)s.") % {
                "plan": self.plan.number
            }
        if len(found) > 1:
            context_keys = [match_key(t)[0] for t in context]
            narrowed = [i for i in found if self._in_group(i, context_keys)]
            if len(narrowed) == 1:
                return narrowed[0]
            return _(
                "tiêu đề cột có thể là %(names)s; hãy ghi rõ nhóm cột phía trên hoặc đơn vị tính."
            ) % {"names": ", ".join(f"“{i.header}” ({i.get_measure_display()})" for i in found)}
        return found[0]

    def _in_group(self, indicator: Indicator, context_keys: list[str]) -> bool:
        by_id = {i.pk: i for i in self.indicators}
        root = indicator
        while root.parent_id:
            root = by_id[root.parent_id]
        keys = {match_key(t)[0] for t in (root.group_header, root.header, root.name) if t}
        return any(k and (ck.startswith(k) or k in ck) for k in keys for ck in context_keys)

    # --- rows ---------------------------------------------------------------------------------
    def read(self) -> ParsedSheet | None:
        header = self.find_header()
        if header is None:
            self.problem(
                _("không tìm thấy dòng tiêu đề của biểu (cần có ô “TT” và ô “Đơn vị”)."),
            )
            return None
        first, tt_col, unit_col = header
        last = self.header_end(first, tt_col, unit_col)
        columns, note_col = self.match_columns(first, last, unit_col)
        sheet = ParsedSheet(self.title, self.period, columns)
        right = max([unit_col, note_col or 0, *[col.index for col in columns]])
        left = min(c for c in (tt_col, unit_col) if c)
        started = False
        seen_units: dict[int, int] = {}
        for r in range(last + 1, self.grid.max_row + 1):
            if self.grid.row_empty(r, left, right):
                if started:
                    break
                continue
            label = self.grid.text(r, unit_col) or (self.grid.text(r, tt_col) if tt_col else "")
            if not started and _NUMBERING.match(name_key(label) or "x"):
                continue  # the "(1) (2) (3)" row under the header
            started = True
            key = name_key(label).rstrip(":").strip()
            parsed = ParsedRow(r, label, None, self.read_values(r, columns))
            if note_col:
                parsed.note = self.grid.text(r, note_col)
            if key.startswith(TOTAL_PREFIXES):
                sheet.totals = parsed
                continue
            if key.startswith(PROVINCE_PREFIXES):
                parsed.unit = self.plan.issuing_unit
                sheet.province = parsed
                self.check_parts(parsed, columns)
                continue
            parsed.unit = find_unit_by_name(label, among=self.units) if label else None
            if parsed.unit is None:
                message = (
                    _("không có đơn vị “%(name)s” trong kế hoạch %(plan)s.")
                    if label
                    else _("dòng có số liệu nhưng không ghi tên đơn vị.")
                )
                self.problem(
                    message % {"name": label, "plan": self.plan.number}, r, unit_col, "Đơn vị"
                )
                continue
            if parsed.unit.pk in seen_units:
                self.problem(
                    _("đơn vị “%(name)s” đã có ở dòng %(other)s.")
                    % {"name": parsed.unit.name, "other": seen_units[parsed.unit.pk]},
                    r,
                    unit_col,
                    "Đơn vị",
                )
                continue
            seen_units[parsed.unit.pk] = r
            self.check_parts(parsed, columns)
            sheet.rows.append(parsed)
        if not sheet.rows and sheet.province is None and not self.problems:
            self.problem(_("biểu không có dòng đơn vị nào."), last + 1)
        self.compare_totals(sheet, columns)
        sheet.warnings = self.warnings
        return sheet

    def read_values(self, r, columns) -> dict[int, int | None]:
        values = {}
        for column in columns:
            raw = self.grid.raw(r, column.index)
            try:
                value = parse_int(raw)
            except NotANumber:
                self.problem(
                    _("“%(raw)s” không phải là số nguyên.") % {"raw": clean(raw)},
                    r,
                    column.index,
                    column.header,
                )
                value = None
            else:
                if value is not None and value < 0:
                    self.problem(
                        _("chỉ tiêu không được âm (%(raw)s).") % {"raw": clean(raw)},
                        r,
                        column.index,
                        column.header,
                    )
                    value = None
                elif value is not None and value > TARGET_MAX:
                    self.problem(
                        _("chỉ tiêu %(raw)s quá lớn (tối đa %(max)s).")
                        % {"raw": clean(raw), "max": format_int(TARGET_MAX)},
                        r,
                        column.index,
                        column.header,
                    )
                    value = None
            values[column.indicator.pk] = value
        return values

    def check_parts(self, parsed: ParsedRow, columns: list[Column]) -> None:
        where = {column.indicator.pk: column for column in columns}
        for found in parts_over_total(parsed.values, self.indicators):
            if found.kid is not None:
                self.problem(
                    _("“%(kid)s” (%(kv)s) vượt quá “%(parent)s” (%(pv)s) của %(unit)s.")
                    % {
                        "kid": found.kid.header,
                        "kv": format_int(found.value),
                        "parent": found.parent.header,
                        "pv": format_int(found.total),
                        "unit": parsed.label,
                    },
                    parsed.row,
                    where[found.kid.pk].index,
                    where[found.kid.pk].header,
                )
            else:
                self.problem(
                    _(
                        "các mục “Trong đó” của “%(parent)s” cộng lại %(sum)s, "
                        "vượt quá tổng %(pv)s của %(unit)s."
                    )
                    % {
                        "parent": found.parent.header,
                        "sum": format_int(found.value),
                        "pv": format_int(found.total),
                        "unit": parsed.label,
                    },
                    parsed.row,
                    where[found.parent.pk].index,
                    where[found.parent.pk].header,
                )

    def compare_totals(self, sheet: ParsedSheet, columns: list[Column]) -> None:
        if sheet.totals is None:
            return
        for column in columns:
            printed = sheet.totals.values.get(column.indicator.pk)
            present = [
                row.values[column.indicator.pk]
                for row in sheet.rows
                if row.values.get(column.indicator.pk) is not None
            ]
            if printed is None:
                continue
            added = sum(present)
            if printed != added:
                self.warnings.append(
                    Problem(
                        self.title,
                        sheet.totals.row,
                        column.index,
                        column.header,
                        _("dòng “Cộng” ghi %(printed)s nhưng các dòng đơn vị cộng lại %(sum)s.")
                        % {"printed": format_int(printed), "sum": format_int(added)},
                        severity="warning",
                    )
                )


def read_grids(source) -> list[Grid]:
    """Every sheet of the workbook at source (a path or a file object) as a ``Grid``, read
    streaming within core.spreadsheet's caps (file size, unpacked size, a real .xlsx, at most
    MAX_ROWS rows a sheet); ImportFailed when the file cannot be used."""
    name = str(getattr(source, "name", None) or source).rsplit("/", 1)[-1]
    try:
        with open_workbook(source, filename=name) as workbook:
            return [sheet.grid(MAX_ROWS) for sheet in workbook.sheets]
    except SpreadsheetError as exc:
        raise ImportFailed(exc.problems) from exc


def read_form(source, plan: Plan, period: Period | None = None) -> list[ParsedSheet]:
    """Parse every sheet of the workbook at source (a path or a file object), streaming and
    within core.spreadsheet's caps (at most MAX_ROWS rows a sheet).

    Raises ImportFailed with every problem found; otherwise returns the parsed sheets, whose
    ``warnings`` hold the totals-row differences.
    """
    grids = read_grids(source)
    indicators = ordered_indicators(plan)
    units = Unit.objects.filter(pk__in=PlanUnit.objects.filter(plan=plan).values("unit_id"))
    problems: list[Problem] = []
    chosen = _sheets_for_periods(grids, plan, period, problems)
    sheets = []
    for grid, sheet_period in chosen:
        reader = SheetReader(grid, plan, sheet_period, indicators, units)
        parsed = reader.read()
        problems += reader.problems
        if parsed is not None:
            sheets.append(parsed)
    if problems:
        raise ImportFailed(problems, [w for s in sheets for w in s.warnings])
    return sheets


def _sheets_for_periods(grids, plan, period, problems):
    tables = [grid for grid in grids if find_header(grid) is not None]
    if period is not None:
        named = [ws for ws in tables if find_period(plan, ws.title) == period]
        if len(named) == 1:
            return [(named[0], period)]
        if len(tables) == 1:
            return [(tables[0], period)]
        problems.append(
            Problem(
                message=_(
                    "tệp có %(n)s trang tính chứa biểu nhưng không trang nào mang tên đợt "
                    "“%(code)s” (hoặc “%(name)s”)."
                )
                % {"n": len(tables), "code": period.code, "name": period.name},
            )
        )
        return []
    if not tables:
        problems.append(
            Problem(message=_("không trang tính nào có biểu (cần có ô “TT” và ô “Đơn vị”)."))
        )
    chosen, seen = [], {}
    for ws in tables:
        found = find_period(plan, ws.title)
        if found is None:
            codes = ", ".join(plan.periods.values_list("code", flat=True))
            problems.append(
                Problem(
                    ws.title,
                    message=_(
                        "tên trang tính không phải mã hay tên một đợt của kế hoạch (%(codes)s); "
                        "đổi tên trang tính hoặc chỉ rõ đợt (--period)."
                    )
                    % {"codes": codes},
                )
            )
        elif found.pk in seen:
            problems.append(
                Problem(
                    ws.title,
                    message=_("trang tính “%(other)s” cũng là đợt “%(name)s”.")
                    % {"other": seen[found.pk], "name": found.name},
                )
            )
        else:
            seen[found.pk] = ws.title
            chosen.append((ws, found))
    return chosen
