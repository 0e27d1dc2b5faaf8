"""Import enterprise survey lists from Excel as officers keep them.

What the reader copes with:
- title rows above the header ("LIÊN ĐOÀN LAO ĐỘNG…", "DANH SÁCH…"): the header row is the one
  among the first 30 whose cells match the most known column names;
- merged cells (a district written once over several rows, headers merged over two rows): every
  cell of a merged range reads the top-left value;
- numbers written as text ("1.200", "1 200") or as Excel numbers;
- Vietnamese text in NFC, NFD, TCVN3 (.VnTime) or VNI (core.vnencodings), stored as NFC;
- group rows ("I. Huyện Mường Tè") setting the responsible union of the rows below, and total
  rows ("Cộng", "Tổng cộng"), which are skipped.

Rows are matched to the register by tax code, else by normalised name: a match is updated
(register fields filled in, a new workforce survey added), never duplicated. Bad rows are
rejected with their reason; the good ones are saved together in one transaction.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from core import vnencodings
from core.text import NotANumber, clean, name_key, parse_date, parse_int
from enterprises import services
from enterprises.models import Enterprise, Ownership
from organisation.models import Unit, UnitKind

HEADER_SCAN_ROWS = 30

# Field → header texts seen in real lists (compared after repair, case- and space-insensitive,
# with text in brackets removed).
COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("stt", "tt", "số tt", "số thứ tự"),
    "name": (
        "tên doanh nghiệp",
        "doanh nghiệp",
        "tên doanh nghiệp, đơn vị",
        "tên công ty",
        "tên đơn vị, doanh nghiệp",
        "tên cơ sở",
    ),
    "tax_code": ("mã số thuế", "mst", "mã số doanh nghiệp", "mã số dn"),
    "address": ("địa chỉ", "địa chỉ trụ sở", "trụ sở", "địa chỉ trụ sở chính"),
    "commune": ("xã/phường", "xã, phường", "xã/phường/thị trấn", "xã", "phường/xã"),
    "unit": (
        "công đoàn cấp trên",
        "công đoàn cấp trên phụ trách",
        "đơn vị phụ trách",
        "huyện",
        "huyện/thành phố",
        "huyện, thành phố",
        "địa bàn",
        "ldld huyện",
        "lđlđ huyện/thành phố",
    ),
    "ownership": (
        "loại hình",
        "loại hình sở hữu",
        "loại hình doanh nghiệp",
        "thành phần kinh tế",
        "khu vực",
    ),
    "industry": (
        "ngành nghề",
        "ngành nghề kinh doanh",
        "lĩnh vực",
        "ngành nghề sản xuất kinh doanh",
    ),
    "workers": (
        "số lao động",
        "tổng số lao động",
        "lao động",
        "số lđ",
        "số công nhân lao động",
        "số cnlđ",
        "tổng số cnlđ",
    ),
    "surveyed_on": ("ngày khảo sát", "thời điểm khảo sát", "ngày điều tra"),
    "union": ("cđcs", "công đoàn cơ sở", "tên cđcs"),
}
REQUIRED = ("name", "workers")
LABELS = {
    "name": gettext_lazy("Tên doanh nghiệp"),
    "tax_code": gettext_lazy("Mã số thuế"),
    "address": gettext_lazy("Địa chỉ"),
    "commune": gettext_lazy("Xã/phường"),
    "unit": gettext_lazy("Công đoàn cấp trên"),
    "ownership": gettext_lazy("Loại hình"),
    "industry": gettext_lazy("Ngành nghề"),
    "workers": gettext_lazy("Số lao động"),
    "surveyed_on": gettext_lazy("Ngày khảo sát"),
}

OWNERSHIP_WORDS = [
    (Ownership.FOREIGN, ("fdi", "nước ngoài", "đầu tư nước ngoài", "có vốn đầu tư nước ngoài")),
    (Ownership.NON_STATE, ("ngoài nhà nước", "ngoài quốc doanh", "tư nhân", "dân doanh")),
    (Ownership.STATE, ("nhà nước", "doanh nghiệp nhà nước", "dnnn", "quốc doanh")),
]
TOTAL_WORDS = ("cộng", "tổng cộng", "tổng", "cộng:", "tổng số")
_ROMAN = re.compile(r"^(?=[ivxlcdm]+\.?$)[ivxlcdm]+\.?$|^[a-z]\.?$", re.IGNORECASE)
_UNIT_PREFIXES = (
    "lđlđ",
    "liên đoàn lao động",
    "công đoàn",
    "huyện",
    "thành phố",
    "tp.",
    "tp",
    "thị xã",
    "tx.",
)


class ImportFileError(Exception):
    """The file itself cannot be used (unreadable, no header, a required column missing)."""


@dataclass
class RowResult:
    row: int
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    action: str = ""  # "create", "update", "reject"
    existing: Enterprise | None = None
    unit: Unit | None = None
    repaired: str = ""  # "TCVN3", "VNI" or "NFD" when a cell's text was converted

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportResult:
    file_name: str
    sheet: str = ""
    header_row: int = 0
    columns: dict = field(default_factory=dict)
    encoding: str | None = None
    rows: list[RowResult] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)

    def count(self, action) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def created(self) -> int:
        return self.count("create")

    @property
    def updated(self) -> int:
        return self.count("update")

    @property
    def rejected(self) -> int:
        return self.count("reject")

    @property
    def rejected_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.action == "reject"]


def _header_key(value) -> str:
    text = re.sub(r"\(.*?\)", "", vnencodings.repair(clean(value)))
    return name_key(text).strip(" :*.")


_ALIASES = {alias: fieldname for fieldname, aliases in COLUMNS.items() for alias in aliases}


def _match_header(value) -> str | None:
    key = _header_key(value)
    if not key:
        return None
    if key in _ALIASES:
        return _ALIASES[key]
    for alias, fieldname in _ALIASES.items():
        if len(alias) > 3 and key.startswith(alias):
            return fieldname
    return None


def _grid(sheet) -> list[list]:
    """Sheet values with every merged range filled from its top-left cell."""
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    for merged in sheet.merged_cells.ranges:
        top = rows[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(rows) else None
        for r in range(merged.min_row, min(merged.max_row, len(rows)) + 1):
            row = rows[r - 1]
            for c in range(merged.min_col, merged.max_col + 1):
                if c - 1 < len(row):
                    row[c - 1] = top
    return rows


def _find_header(rows) -> tuple[int, dict[str, int]]:
    best = (0, -1, {})
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found: dict[str, int] = {}
        for col, value in enumerate(row):
            fieldname = _match_header(value) if isinstance(value, str) else None
            if fieldname and fieldname not in found:
                found[fieldname] = col
        # The header may continue on the next row (two-row headers under merged cells).
        if index + 1 < len(rows) and "name" in found:
            for col, value in enumerate(rows[index + 1]):
                fieldname = _match_header(value) if isinstance(value, str) else None
                if fieldname and fieldname not in found and col not in found.values():
                    found[fieldname] = col
        if len(found) > best[0]:
            best = (len(found), index, found)
    return best[1], best[2]


def read_file(path_or_file, file_name: str = "") -> tuple[str, list[list]]:
    name = file_name or str(getattr(path_or_file, "name", path_or_file))
    try:
        workbook = load_workbook(path_or_file, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise ImportFileError(
            _("Không đọc được tệp “%(f)s”: không phải tệp Excel .xlsx hợp lệ (%(e)s).")
            % {"f": name, "e": type(exc).__name__}
        ) from exc
    sheet = workbook.worksheets[0]
    return sheet.title, _grid(sheet)


def parse(
    path_or_file,
    *,
    file_name: str = "",
    default_unit: Unit | None = None,
    allowed_units=None,
    survey_date: datetime.date | None = None,
) -> ImportResult:
    """Read and check every row; nothing is saved. ``allowed_units``: a queryset the rows'
    units must belong to (the user's editable units), or None for no restriction."""
    name = file_name or str(getattr(path_or_file, "name", path_or_file))
    sheet_name, rows = read_file(path_or_file, name)
    result = ImportResult(file_name=name, sheet=sheet_name)
    header_index, columns = _find_header(rows)
    if header_index < 0 or "name" not in columns:
        raise ImportFileError(
            _(
                "Tệp “%(f)s”, trang “%(s)s”: không tìm thấy dòng tiêu đề có cột “Tên doanh "
                "nghiệp” trong %(n)s dòng đầu."
            )
            % {"f": name, "s": sheet_name, "n": HEADER_SCAN_ROWS}
        )
    missing = [LABELS[c] for c in REQUIRED if c not in columns]
    if missing:
        raise ImportFileError(
            _("Tệp “%(f)s”, trang “%(s)s”: thiếu cột bắt buộc %(cols)s (dòng tiêu đề %(row)s).")
            % {
                "f": name,
                "s": sheet_name,
                "cols": ", ".join(f"“{m}”" for m in missing),
                "row": header_index + 1,
            }
        )
    result.header_row = header_index + 1
    result.columns = columns
    data_start = header_index + 1
    # Skip a second header row and a column-number row ("1", "2", "3"…) under the header.
    while data_start < len(rows) and _is_header_like(rows[data_start], columns):
        data_start += 1
    texts = [v for row in rows[data_start:] for v in row if isinstance(v, str)]
    result.encoding = vnencodings.detect_many(texts)
    units = _UnitResolver(allowed_units)
    current_unit = default_unit
    survey_date = survey_date or timezone.localdate()
    register = _Register()
    seen_tax: dict[str, int] = {}
    seen_name: dict[str, int] = {}
    for offset, raw in enumerate(rows[data_start:]):
        row_number = data_start + offset + 1
        values = {f: (raw[c] if c < len(raw) else None) for f, c in columns.items()}
        repaired = ""
        for key, value in values.items():
            if isinstance(value, str):
                fixed = vnencodings.repair(value, hint=result.encoding)
                if fixed != value and not repaired:
                    nfc = unicodedata.normalize("NFC", value)
                    if fixed != nfc:
                        repaired = (vnencodings.detect(nfc) or result.encoding or "").upper()
                    elif nfc != value:
                        repaired = "NFD"
                values[key] = clean(fixed)
        if all(v in (None, "") for v in values.values()):
            continue
        label = name_key(values.get("name"))
        number = clean(values.get("number"))
        if label in TOTAL_WORDS or name_key(number) in TOTAL_WORDS:
            result.skipped.append((row_number, _("dòng tổng cộng")))
            continue
        if _is_group_row(values, number):
            found = units.find(values.get("name") or number)
            if found:
                current_unit = found
                result.skipped.append(
                    (row_number, _("dòng nhóm: các dòng dưới thuộc “%(u)s”") % {"u": found})
                )
            else:
                result.skipped.append((row_number, _("dòng tiêu đề nhóm")))
            continue
        row = RowResult(row=row_number, values=values, repaired=repaired)
        _check_row(row, result, units, current_unit, survey_date)
        if row.ok:
            _find_existing(row, seen_tax, seen_name, register)
        row.action = "reject" if row.errors else ("update" if row.existing else "create")
        result.rows.append(row)
    return result


def _is_header_like(row, columns) -> bool:
    cells = [clean(v) for v in row if v not in (None, "")]
    if not cells:
        return False
    if all(re.fullmatch(r"\(?\d+\)?", c) for c in cells) and len(cells) >= 3:
        return True
    return sum(1 for v in row if isinstance(v, str) and _match_header(v)) >= 2


def _is_group_row(values, number) -> bool:
    if values.get("workers") not in (None, "") or values.get("tax_code") not in (None, ""):
        return False
    return bool(_ROMAN.match(number)) or not number


class _UnitResolver:
    """Find the responsible upper-level union from what a list writes: its full name
    ("LĐLĐ huyện Mường Tè") or just the place ("Mường Tè", "Huyện Mường Tè", "TP Lai Châu")."""

    def __init__(self, allowed):
        self.allowed = allowed
        queryset = Unit.objects.filter(kind__in=UnitKind.upper_level(), dissolved_on__isnull=True)
        self.units = list(queryset)
        self.cache: dict[str, Unit | None] = {}

    @staticmethod
    def _place(key: str) -> str:
        changed = True
        while changed:
            changed = False
            for prefix in _UNIT_PREFIXES:
                if key.startswith(prefix + " ") or key == prefix:
                    key = key[len(prefix) :].strip(" .")
                    changed = True
        return key

    def find(self, text) -> Unit | None:
        key = name_key(text)
        if not key:
            return None
        if key not in self.cache:
            exact = [u for u in self.units if u.name_key == key]
            place = self._place(key)
            by_place = [u for u in self.units if place and self._place(u.name_key) == place]
            match = exact or by_place
            self.cache[key] = match[0] if len(match) == 1 else None
        return self.cache[key]

    def allowed_ok(self, unit: Unit) -> bool:
        return self.allowed is None or self.allowed.filter(pk=unit.pk).exists()


def _ownership(value) -> str:
    key = name_key(value)
    if not key:
        return Ownership.NON_STATE
    for code, words in OWNERSHIP_WORDS:
        if key in words or key == name_key(Ownership(code).label):
            return code
    for code, words in OWNERSHIP_WORDS:
        if any(word in key for word in words):
            return code
    raise ValueError(key)


def _check_row(row: RowResult, result: ImportResult, units, current_unit, survey_date) -> None:
    v = row.values
    col = result.columns

    def where(fieldname):
        letter = _column_letter(col[fieldname]) if fieldname in col else "?"
        return _("cột %(c)s “%(label)s”") % {"c": letter, "label": LABELS.get(fieldname, fieldname)}

    def fail(fieldname, message):
        row.errors.append(f"{where(fieldname)}: {message}")

    if not v.get("name"):
        fail("name", _("thiếu tên doanh nghiệp"))
    try:
        v["workers"] = parse_int(v.get("workers"))
        if v["workers"] is not None and v["workers"] < 0:
            fail("workers", _("số lao động âm"))
        elif v["workers"] is not None and v["workers"] > services.MAX_COUNT:
            fail("workers", _("%(v)s quá lớn") % {"v": v["workers"]})
    except NotANumber:
        fail("workers", _("“%(v)s” không phải số nguyên") % {"v": v.get("workers")})
    try:
        v["tax_code"] = services.normalise_tax_code(v.get("tax_code"))
    except services.EnterpriseError as exc:
        fail("tax_code", exc.messages[0])
    try:
        v["ownership"] = _ownership(v.get("ownership"))
    except ValueError:
        fail(
            "ownership",
            _("“%(v)s” không rõ (Nhà nước / Ngoài nhà nước / FDI)") % {"v": v.get("ownership")},
        )
    raw_date = v.get("surveyed_on")
    if raw_date in (None, ""):
        v["surveyed_on"] = survey_date
    else:
        try:
            v["surveyed_on"] = parse_date(raw_date) or survey_date
            if v["surveyed_on"] > timezone.localdate():
                fail(
                    "surveyed_on",
                    _("ngày %(d)s ở tương lai") % {"d": v["surveyed_on"].strftime("%d/%m/%Y")},
                )
        except ValueError:
            fail("surveyed_on", _("“%(v)s” không phải ngày dd/mm/yyyy") % {"v": raw_date})
    unit = None
    if v.get("unit"):
        unit = units.find(v["unit"])
        if unit is None:
            fail("unit", _("không tìm thấy công đoàn cấp trên “%(v)s”") % {"v": v["unit"]})
    else:
        unit = current_unit
        if unit is None:
            row.errors.append(
                _(
                    "chưa rõ công đoàn cấp trên phụ trách (thêm cột “Công đoàn cấp trên” hoặc chọn "
                    "đơn vị khi nhập)"
                )
            )
    if unit is not None and not units.allowed_ok(unit):
        row.errors.append(_("bạn không có quyền nhập doanh nghiệp cho “%(u)s”") % {"u": unit})
    row.unit = unit


class _Register:
    """The enterprises already registered, by tax code and by normalised name (one query)."""

    def __init__(self):
        self.by_tax: dict[str, Enterprise] = {}
        self.by_name: dict[str, list[Enterprise]] = {}
        for enterprise in Enterprise.objects.all():
            if enterprise.tax_code:
                self.by_tax[enterprise.tax_code] = enterprise
            self.by_name.setdefault(enterprise.name_key, []).append(enterprise)


def _find_existing(row: RowResult, seen_tax: dict, seen_name: dict, register: _Register) -> None:
    v = row.values
    key = name_key(v["name"])
    tax = v.get("tax_code") or ""
    earlier = seen_tax.get(tax) if tax else seen_name.get(key)
    if earlier:
        row.errors.append(
            _("trùng với dòng %(r)s trong cùng tệp (%(by)s)")
            % {"r": earlier, "by": _("mã số thuế") if tax else _("tên")}
        )
        return
    if tax:
        seen_tax[tax] = row.row
    seen_name[key] = row.row
    existing = register.by_tax.get(tax) if tax else None
    if existing is None:
        candidates = register.by_name.get(key, [])
        if len(candidates) == 1 and (not tax or not candidates[0].tax_code):
            existing = candidates[0]
        elif len(candidates) == 1 and candidates[0].tax_code != tax:
            row.errors.append(
                _("cùng tên với “%(n)s” đã có nhưng khác mã số thuế (%(t)s)")
                % {"n": candidates[0].name, "t": candidates[0].tax_code}
            )
    row.existing = existing


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


@transaction.atomic
def apply(result: ImportResult, *, user) -> ImportResult:
    """Save every accepted row in one transaction (rejected rows are reported, not saved)."""
    source = f"Nhập từ tệp {result.file_name}"
    for row in result.rows:
        if row.action == "reject":
            continue
        v = row.values
        if row.action == "create":
            services.create_enterprise(
                name=v["name"],
                unit=row.unit,
                user=user,
                tax_code=v.get("tax_code") or "",
                address=v.get("address") or "",
                commune=v.get("commune") or "",
                ownership=v["ownership"],
                industry=v.get("industry") or "",
                workers=v["workers"],
                surveyed_on=v["surveyed_on"],
                source=source,
            )
            continue
        enterprise = row.existing
        changes = {"unit": row.unit}
        for key in ("tax_code", "address", "commune", "industry"):
            if v.get(key):
                changes[key] = v[key]
        if "ownership" in result.columns and v.get("ownership"):
            changes["ownership"] = v["ownership"]
        services.update_enterprise(enterprise=enterprise, user=user, **changes)
        if v["workers"] is not None:
            services.record_workforce(
                enterprise=enterprise,
                workers=v["workers"],
                surveyed_on=v["surveyed_on"],
                user=user,
                source=source,
            )
    return result
