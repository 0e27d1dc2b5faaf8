"""A plan from the allocation form a federation already has (``manage.py import_plan``).

The form's header tree becomes the plan's indicator tree, each indicator's meaning is read from
its header words (and shown, for a person to confirm), each sheet becomes a period (dates from the
sheet's title rows or name, or given), the unit rows become the receiving units, and the figures
are imported as targets. The reading of the cells themselves (merged and grouped headers,
"Trong đó:" parts, numbers written as text, the "Cộng" row against the sum, unknown units) is
``plans.excel_import``'s, run against the plan built here, so a form reads the same way whether
its plan was typed in or imported. All or nothing: any problem and nothing is saved.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from accounts.permissions import can_manage_plans, require
from core.spreadsheet import Grid
from core.text import clean, name_key
from organisation.models import Sector
from organisation.selectors import find_unit_by_name, subtree
from plans.excel_import import (
    NOTE_KEYS,
    OF_WHICH_PREFIX,
    PROVINCE_PREFIXES,
    TOTAL_PREFIXES,
    ImportFailed,
    Problem,
    SheetReader,
    find_header,
    header_end,
    read_grids,
)
from plans.models import (
    Indicator,
    Measure,
    Period,
    Plan,
    PlanStatus,
    PlanUnit,
    Relation,
    UnitOfMeasure,
)

LARGE = 25  # the size of Sector.ENTERPRISE_LARGE / ENTERPRISE_SMALL, as records are stamped
KNOWN_WORDS = (
    "thực tăng; kết nạp (mới); thành lập CĐCS / nghiệp đoàn; giới thiệu … cho Đảng; "
    "được kết nạp Đảng; nữ; phi chính thức; HCSN; SNCL; ngoài nhà nước; "
    "DN (có) từ N lao động trở lên / dưới N; bình quân … CĐCS; tỷ lệ DN … có công đoàn; "
    "(người) / (đơn vị); trở lên"
)
_NUMBERING = re.compile(r"^\(?([0-9]{1,2}|[a-z])\)?$")


def plain(text) -> str:
    """Lower case without diacritics (đ → d), hyphens as spaces: for reading words."""
    text = unicodedata.normalize("NFD", clean(text).lower().replace("đ", "d"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", text.replace("-", " ").replace("_", " ")).strip()


@dataclass
class Reading:
    """What a header means, as read from its words."""

    measure: str | None = None
    sectors: list[str] = field(default_factory=list)
    threshold: int | None = None
    unit_of_measure: str | None = None
    is_minimum: bool = False
    problem: str = ""


_SIZE = re.compile(
    r"(?:dn|doanh nghiep)\s*(?:co\s*)?(tu|tren|duoi|>=|≥|<)\s*(\d+)\s*(?:ld|lao dong)"
    r"(?:\s*tro len)?"
)


def read_words(text: str) -> Reading:
    """The meaning of one header text (own words only; the tree fills in the rest)."""
    words = plain(text)
    reading = Reading()
    if re.search(r"\((nguoi)\)\s*$", words):
        reading.unit_of_measure = UnitOfMeasure.PERSON
    elif re.search(r"\((don vi)\)\s*$", words):
        reading.unit_of_measure = UnitOfMeasure.UNIT
    size = _SIZE.search(words)
    rest = _SIZE.sub(" ", words)
    if re.search(r"\btro len\b", rest):
        reading.is_minimum = True
    if "binh quan" in words or "trung binh" in words:
        if "gioi thieu" in words:
            reading.measure = Measure.PARTY_INTRODUCTIONS_PER_UNION
    elif "ty le" in words and ("dn" in words.split() or "doanh nghiep" in words):
        reading.measure = Measure.SIZED_ENTERPRISES_UNIONISED
    elif "gioi thieu" in words and "dang" in words:
        reading.measure = Measure.PARTY_INTRODUCTIONS
    elif re.search(r"(duoc )?ket nap (vao )?dang", words):
        reading.measure = Measure.PARTY_ADMISSIONS
    elif re.search(r"\bnu\b", words):
        reading.measure = Measure.WOMEN_ADMITTED
    elif "thuc tang" in words:
        reading.measure = Measure.NET_MEMBERS
    elif "ket nap" in words:
        reading.measure = Measure.ADMITTED_MEMBERS
    elif "thanh lap" in words or "nghiep doan" in words or re.search(r"\bcdcs\b", words):
        reading.measure = Measure.NEW_UNIONS
    if "phi chinh thuc" in words:
        reading.sectors.append(Sector.INFORMAL)
    if re.search(r"\bhcsn\b", words):
        reading.sectors.append(Sector.STATE_ADMIN)
    if re.search(r"\bsncl\b", words):
        reading.sectors.append(Sector.PUBLIC_SERVICE)
    if "ngoai nha nuoc" in words:
        reading.sectors += [Sector.ENTERPRISE_SMALL, Sector.ENTERPRISE_LARGE, Sector.INFORMAL]
    elif re.search(r"\b(dn|doanh nghiep) nha nuoc\b", words) or re.search(r"\bfdi\b", words):
        reading.problem = _(
            "khu vực doanh nghiệp nhà nước / FDI chưa có trong sổ sách của hệ thống "
            "(bản ghi chỉ ghi HCSN, SNCL, DN dưới/từ 25 lao động, phi chính thức)"
        )
    if size:
        comparison, n = size.group(1), int(size.group(2))
        if comparison in ("tren",):  # "trên 25" is read as "từ 25 … trở lên" (Rules stated once)
            comparison = "tu"
        if comparison in ("tu", ">=", "≥"):
            reading.threshold = n
            if n == LARGE:
                reading.sectors.append(Sector.ENTERPRISE_LARGE)
        else:
            if n != LARGE:
                reading.problem = _(
                    "“dưới %(n)s lao động”: hệ thống chỉ phân biệt doanh nghiệp dưới 25 lao động"
                ) % {"n": n}
            reading.sectors.append(Sector.ENTERPRISE_SMALL)
    return reading


def _default_unit(measure: str) -> str:
    if measure in (Measure.NEW_UNIONS, Measure.NEW_UNIONS_SIZED):
        return UnitOfMeasure.UNIT
    if measure == Measure.PARTY_INTRODUCTIONS_PER_UNION:
        return UnitOfMeasure.PER_UNION
    if measure == Measure.SIZED_ENTERPRISES_UNIONISED:
        return UnitOfMeasure.PERCENT
    return UnitOfMeasure.PERSON


@dataclass
class HeaderColumn:
    index: int
    group: str  # the group header above ("" for a lone column)
    header: str  # the column's own text (without "Trong đó:")
    is_part: bool  # under "Trong đó"
    reading: Reading = field(default_factory=Reading)
    parent: "HeaderColumn | None" = None


@dataclass
class SheetPlan:
    title: str
    columns: list[HeaderColumn]
    unit_rows: list[tuple[int, str]]  # (row, name)
    unit_col: int
    texts_above: list[str]
    suffix: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None


_SUFFIX = re.compile(r"\s+(năm \d{4}|tháng cao điểm.*)$", re.IGNORECASE)


def _split_suffix(group: str) -> tuple[str, str]:
    found = _SUFFIX.search(group)
    if not found:
        return group, ""
    return group[: found.start()].strip(), found.group(1)


def read_sheet_layout(grid: Grid, problems: list[Problem]) -> SheetPlan | None:
    header = find_header(grid)
    if header is None:
        return None
    first, tt_col, unit_col = header
    last = header_end(grid, first, tt_col, unit_col)
    columns: list[HeaderColumn] = []
    note_col = None
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
        is_part = any(name_key(t).startswith(OF_WHICH_PREFIX) for t in texts)
        own = [t for t in texts if not name_key(t).startswith(OF_WHICH_PREFIX)]
        leaf = own[-1] if own else re.sub(r"(?i)^trong đó\s*:?\s*", "", texts[-1]).strip()
        if not leaf:
            problems.append(Problem(grid.title, first, c, texts[-1], _("cột không có tiêu đề.")))
            continue
        group = own[0] if len(own) > 1 else ""
        columns.append(HeaderColumn(c, group, leaf, is_part))
    # "Trong đó" parts belong to the nearest column on their left of the same group that is not
    # a part itself.
    for position, column in enumerate(columns):
        if not column.is_part:
            continue
        for before in reversed(columns[:position]):
            if not before.is_part and before.group == column.group:
                column.parent = before
                break
        if column.parent is None:
            problems.append(
                Problem(
                    grid.title,
                    first,
                    column.index,
                    column.header,
                    _("mục “Trong đó” không có cột tổng đứng trước trong cùng nhóm."),
                )
            )
    right = max([unit_col, note_col or 0, *[col.index for col in columns]])
    left = min(c for c in (tt_col, unit_col) if c)
    rows, started = [], False
    for r in range(last + 1, grid.max_row + 1):
        if grid.row_empty(r, left, right):
            if started:
                break
            continue
        label = grid.text(r, unit_col) or (grid.text(r, tt_col) if tt_col else "")
        if not started and _NUMBERING.match(name_key(label) or "x"):
            continue
        started = True
        key = name_key(label).rstrip(":").strip()
        if key.startswith(TOTAL_PREFIXES) or key.startswith(PROVINCE_PREFIXES):
            continue
        rows.append((r, label))
    above = [
        grid.text(r, c)
        for r in range(1, first)
        for c in range(1, grid.max_col + 1)
        if grid.raw(r, c) is not None and grid.text(r, c)
    ]
    return SheetPlan(grid.title, columns, rows, unit_col, above)


_RANGE = re.compile(
    r"tu\s*(?:ngay\s*)?(\d{1,2})/(\d{1,2})(?:/(\d{4}))?\s*(?:den|\-|–)\s*(?:ngay\s*)?"
    r"(\d{1,2})/(\d{1,2})/(\d{4})"
)
_YEAR = re.compile(r"\bnam\s*(\d{4})\b")


def read_dates(texts: list[str]) -> tuple[datetime.date, datetime.date] | None:
    """ "… từ 01/7 đến 31/7/2026" → those days; "năm 2026" → the calendar year; else None."""
    joined = " ".join(plain(t) for t in texts)
    found = _RANGE.search(joined)
    if found:
        d1, m1, y1, d2, m2, y2 = found.groups()
        try:
            end = datetime.date(int(y2), int(m2), int(d2))
            start = datetime.date(int(y1 or y2), int(m1), int(d1))
        except ValueError:
            return None
        return start, end
    if "cao diem" in joined:
        return None  # a campaign: its dates are needed, not the year
    found = _YEAR.search(joined)
    if found:
        year = int(found.group(1))
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", plain(text)).strip("-")[:30] or "dot"


@dataclass
class PlanImportResult:
    plan: Plan
    readings: list[str]
    changed_targets: int
    warnings: list


def import_plan_file(
    *,
    source,
    number: str,
    issued_on: datetime.date,
    issuer_name: str,
    title: str = "",
    periods: dict[str, tuple[datetime.date, datetime.date]] | None = None,
    user,
    dry_run: bool = False,
) -> PlanImportResult:
    """Build a draft plan from the form at source and import its targets; ImportFailed lists
    every problem (nothing saved). ``periods`` maps a sheet name to its dates when the sheet
    does not say them."""
    from plans.services import _apply_sheet, _replace_findings

    require(can_manage_plans(user))
    periods = periods or {}
    problems: list[Problem] = []
    number = clean(number)
    if not number:
        problems.append(Problem(message=_("thiếu số kế hoạch (--number).")))
    elif Plan.objects.filter(number=number).exists():
        problems.append(Problem(message=_("kế hoạch số %(n)s đã có.") % {"n": number}))
    issuer = find_unit_by_name(issuer_name)
    if issuer is None:
        problems.append(
            Problem(message=_("không có đơn vị ban hành “%(n)s”.") % {"n": issuer_name})
        )
    try:
        grids = read_grids(source)
    except ImportFailed as exc:
        raise ImportFailed(problems + exc.problems) from exc
    layouts = []
    for grid in grids:
        layout = read_sheet_layout(grid, problems)
        if layout is not None:
            layouts.append((grid, layout))
    if not layouts:
        problems.append(
            Problem(message=_("không trang tính nào có biểu (cần có ô “TT” và ô “Đơn vị”)."))
        )
    unknown = set(periods) - {layout.title for _grid, layout in layouts}
    for name in sorted(unknown):
        problems.append(Problem(name, message=_("không có trang tính này (--period).")))
    seen_dates: dict[tuple, str] = {}
    missing_dates = []
    for _grid, layout in layouts:
        dates = periods.get(layout.title) or read_dates([layout.title, *layout.texts_above])
        if dates is None:
            missing_dates.append(layout.title)
            problems.append(
                Problem(
                    layout.title,
                    message=_(
                        "không đọc được ngày của đợt từ tên hay tiêu đề trang tính; cho biết "
                        'bằng --period "%(sheet)s=DD/MM/YYYY-DD/MM/YYYY".'
                    )
                    % {"sheet": layout.title},
                )
            )
            continue
        layout.start, layout.end = dates
        if layout.start > layout.end:
            problems.append(Problem(layout.title, message=_("ngày bắt đầu sau ngày kết thúc.")))
        if dates in seen_dates:
            problems.append(
                Problem(
                    layout.title,
                    message=_("trang tính “%(other)s” cũng là đợt %(a)s–%(b)s.")
                    % {
                        "other": seen_dates[dates],
                        "a": layout.start.strftime("%d/%m/%Y"),
                        "b": layout.end.strftime("%d/%m/%Y"),
                    },
                )
            )
        seen_dates[dates] = layout.title
    if not layouts or problems:
        failed = ImportFailed(problems)
        failed.missing_dates = missing_dates  # the sheets whose dates the wizard asks for
        raise failed

    # The indicator tree from the first sheet's header tree; meanings from the words.
    _grid, base = layouts[0]
    readings = _read_tree(base, problems)
    # Units by name among the units under the issuer on the plan's date (in the first sheet's
    # order, then those only on other sheets).
    among = subtree(issuer, issued_on).exclude(pk=issuer.pk)
    units, missing = [], []
    for _grid, layout in layouts:
        for row, label in layout.unit_rows:
            unit = find_unit_by_name(label, among=among) if label else None
            if unit is None:
                missing.append(
                    Problem(
                        layout.title,
                        row,
                        layout.unit_col,
                        "Đơn vị",
                        _("không có đơn vị “%(name)s” trực thuộc %(issuer)s.")
                        % {"name": label, "issuer": issuer.name},
                    )
                )
            elif unit not in units:
                units.append(unit)
    problems += missing
    if problems:
        raise ImportFailed(problems)

    year = max((layout.end.year for _grid, layout in layouts), default=issued_on.year)
    with transaction.atomic():
        plan = Plan.objects.create(
            number=number,
            issued_on=issued_on,
            issuing_unit=issuer,
            title=clean(title) or _("Kế hoạch phát triển đoàn viên năm %(y)s") % {"y": year},
            year=year,
            status=PlanStatus.DRAFT,
        )
        thresholds = [c.reading.threshold for c in base.columns if c.reading.threshold]
        if thresholds:
            plan.enterprise_min_workers = thresholds[0]
            plan.save(update_fields=["enterprise_min_workers"])
        indicators = _create_indicators(plan, base)
        PlanUnit.objects.bulk_create(
            PlanUnit(plan=plan, unit=unit, row_number=n) for n, unit in enumerate(units, start=1)
        )
        codes = set()
        sheets, sheet_problems = [], []
        for order, (grid, layout) in enumerate(layouts):
            period = _create_period(plan, layout, order, codes)
            reader = SheetReader(grid, plan, period, indicators, plan_units_of(plan))
            parsed = reader.read()
            sheet_problems += reader.problems
            if parsed is not None:
                sheets.append(parsed)
        if sheet_problems:
            transaction.set_rollback(True)
            raise ImportFailed(sheet_problems, [w for s in sheets for w in s.warnings])
        changed, warnings = 0, []
        for sheet in sheets:
            targets_changed, _notes = _apply_sheet(sheet, user)
            changed += targets_changed
            warnings += sheet.warnings
            _replace_findings(sheet, getattr(source, "name", str(source)))
        if dry_run:
            transaction.set_rollback(True)
    return PlanImportResult(plan, readings, changed, warnings)


def plan_units_of(plan):
    from organisation.models import Unit

    return Unit.objects.filter(pk__in=PlanUnit.objects.filter(plan=plan).values("unit_id"))


def _read_tree(layout: SheetPlan, problems: list[Problem]) -> list[str]:
    """Fill each column's reading (own words, then its group's, then its parent's) and return
    the readings as lines for a person to confirm; an unreadable header is a problem."""
    lines = []
    for column in layout.columns:
        own = read_words(column.header)
        group = read_words(column.group) if column.group else Reading()
        parent = column.parent.reading if column.parent else None
        reading = own
        if reading.measure is None:
            reading.measure = group.measure or (parent.measure if parent else None)
        if (
            parent
            and parent.measure == Measure.NEW_UNIONS
            and own.measure
            in (
                None,
                Measure.NEW_UNIONS,
            )
        ):
            reading.measure = Measure.NEW_UNIONS
        if (
            reading.threshold
            and reading.measure == Measure.NEW_UNIONS
            and (reading.threshold != LARGE)
        ):
            reading.measure = Measure.NEW_UNIONS_SIZED
            reading.sectors = [s for s in reading.sectors if s != Sector.ENTERPRISE_LARGE]
        if (
            reading.threshold
            and reading.threshold != LARGE
            and reading.measure
            not in (Measure.NEW_UNIONS_SIZED, Measure.SIZED_ENTERPRISES_UNIONISED)
        ):
            reading.problem = reading.problem or _(
                "đoàn viên theo doanh nghiệp từ %(n)s lao động: sổ đoàn viên chỉ phân biệt "
                "doanh nghiệp từ 25 lao động"
            ) % {"n": reading.threshold}
        if reading.measure is None and not reading.problem:
            reading.problem = _("không hiểu tiêu đề")
        if reading.problem:
            problems.append(
                Problem(
                    layout.title,
                    None,
                    column.index,
                    column.header,
                    _("%(why)s; các từ hệ thống hiểu: %(words)s.")
                    % {"why": reading.problem, "words": KNOWN_WORDS},
                )
            )
            continue
        reading.unit_of_measure = reading.unit_of_measure or _default_unit(reading.measure)
        column.reading = reading
        where = get_column_letter(column.index)
        label = Measure(reading.measure).label
        sectors = ", ".join(str(dict(Sector.choices)[s]) for s in reading.sectors) or _(
            "mọi khu vực"
        )
        extra = []
        if reading.threshold and reading.measure in (
            Measure.NEW_UNIONS_SIZED,
            Measure.SIZED_ENTERPRISES_UNIONISED,
        ):
            extra.append(_("từ %(n)s lao động trở lên") % {"n": reading.threshold})
        if reading.is_minimum:
            extra.append(_("tối thiểu (trở lên)"))
        if column.parent:
            extra.append(
                _("trong đó của cột %(c)s") % {"c": get_column_letter(column.parent.index)}
            )
        lines.append(
            f"{where} “{column.header}”: {label}; {sectors}; {reading.unit_of_measure}"
            + ("; " + "; ".join(str(e) for e in extra) if extra else "")
        )
    return lines


ALL_SECTORS = {
    Sector.STATE_ADMIN,
    Sector.PUBLIC_SERVICE,
    Sector.ENTERPRISE_SMALL,
    Sector.ENTERPRISE_LARGE,
    Sector.INFORMAL,
}


def _relation(column: HeaderColumn, layout: SheetPlan) -> str:
    """ "Of which" parts are a split when, women aside, they are disjoint by sector and together
    cover their total's sectors (HCSN, SNCL, DN <25 | DN ≥25 | informal under a total of every
    sector); otherwise (women, or parts covering only some sectors) each is a subset."""
    if column.reading.measure == Measure.WOMEN_ADMITTED:
        return Relation.SUBSET
    siblings = [
        c
        for c in layout.columns
        if c.parent is column.parent and c.reading.measure != Measure.WOMEN_ADMITTED
    ]
    sets = [set(c.reading.sectors) for c in siblings]
    if any(not s for s in sets):
        return Relation.SUBSET
    union = set().union(*sets)
    disjoint = sum(len(s) for s in sets) == len(union)
    whole = set(column.parent.reading.sectors) or ALL_SECTORS
    return Relation.SPLIT if disjoint and union == whole else Relation.SUBSET


def _create_indicators(plan: Plan, layout: SheetPlan) -> list[Indicator]:
    created: dict[int, Indicator] = {}
    codes: set[str] = set()
    for order, column in enumerate(layout.columns):
        reading = column.reading
        group, _suffix = _split_suffix(column.group)
        code = _slug(column.header) or f"chi-tieu-{order + 1}"
        base, n = code, 2
        while code in codes:
            code = f"{base[:27]}-{n}"
            n += 1
        codes.add(code)
        parent = created.get(column.parent.index) if column.parent else None
        relation = _relation(column, layout) if parent is not None else Relation.SPLIT
        indicator = Indicator.objects.create(
            plan=plan,
            code=code,
            name=column.header,
            header=column.header,
            group_header=group if parent is None else "",
            parent=parent,
            relation=relation,
            measure=reading.measure,
            sectors=",".join(dict.fromkeys(reading.sectors)),
            unit_of_measure=reading.unit_of_measure,
            is_minimum=reading.is_minimum,
            min_workers=reading.threshold
            if reading.threshold
            and reading.measure in (Measure.NEW_UNIONS_SIZED, Measure.SIZED_ENTERPRISES_UNIONISED)
            else None,
            sort_order=order,
        )
        created[column.index] = indicator
    from plans.table import ordered_indicators

    return ordered_indicators(plan)


def _create_period(plan: Plan, layout: SheetPlan, order: int, codes: set[str]) -> Period:
    words = plain(" ".join([layout.title, *layout.texts_above]))
    suffixes = {_split_suffix(c.group)[1] for c in layout.columns if c.group}
    suffix = next((s for s in suffixes if s), "")
    if "cao diem" in words:
        name = _("Tháng cao điểm %(y)s") % {"y": layout.end.year}
    elif (layout.start.month, layout.start.day, layout.end.month, layout.end.day) == (1, 1, 12, 31):
        name = _("Năm %(y)s") % {"y": layout.end.year}
    else:
        name = layout.title
    code = _slug(name)
    base, n = code, 2
    while code in codes:
        code = f"{base[:27]}-{n}"
        n += 1
    codes.add(code)
    subtitle = next(
        (
            t
            for t in layout.texts_above
            if not plain(t).startswith(
                ("tong lien doan", "lien doan lao dong", "(kem theo", "bieu giao chi tieu")
            )
        ),
        "",
    )
    return Period.objects.create(
        plan=plan,
        code=code,
        name=name,
        header_suffix=suffix,
        table_title=subtitle,
        start=layout.start,
        end=layout.end,
        sort_order=order,
    )
