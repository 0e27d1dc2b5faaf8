"""Import enterprise survey lists from Excel as officers keep them (through core.spreadsheet).

What the reader copes with:
- title rows above the header ("LIÊN ĐOÀN LAO ĐỘNG…", "DANH SÁCH…"): the header row is found by
  its text among the first rows; two-row headers under merged cells are joined;
- merged cells (a district written once over several rows): every row of the range reads it;
- numbers written as text ("1.200", "1 200") or as Excel numbers;
- Vietnamese text in NFC, NFD, TCVN3 (.VnTime) or VNI (core.vnencodings), stored as NFC;
- group rows ("I. Huyện Mường Tè") setting the responsible union of the rows below, and total
  rows ("Cộng", "Tổng cộng"), which are skipped;
- "Loại hình" written as the legal form (DNTN, TNHH một / hai thành viên trở lên, cổ phần, hợp
  danh, hợp tác xã, chi nhánh, văn phòng đại diện, FDI, doanh nghiệp nhà nước) or as ownership;
  the legal form is kept and the ownership derived from it. A "Loại hình" that cannot be read is
  a warning and the row is kept: refuse only what would make a figure wrong.

Rows are matched to the register by tax code, else by normalised name: a match is updated
(register fields filled in, a new workforce survey added), never duplicated. Every row is
authorised like a form: a row whose match is an enterprise the user may not change, or whose
unit is outside the user's units, is rejected with its reason, whatever the matching found.
Bad rows are rejected with their reason; the good ones are saved together in one transaction.
The parsed result is kept as data (``ImportResult.as_dict``), so a preview never re-reads the
file, and ``apply`` checks every row's authorisation again.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import can_edit_unit
from core import collector
from core.spreadsheet import Column, Problem, SpreadsheetError, open_workbook, read_table
from core.text import NotANumber, clean, name_key, parse_date, parse_int
from enterprises import services
from enterprises.models import Enterprise, LegalForm, Ownership
from organisation.models import Unit, UnitKind

HEADER_SCAN_ROWS = 30
MAX_ROWS = 5000  # one list; the preview rows wait in the session until confirmed

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
    "ownership": ("loại hình", "loại hình sở hữu", "thành phần kinh tế", "khu vực"),
    "legal_form": ("loại hình doanh nghiệp", "loại hình pháp lý", "hình thức pháp lý"),
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
# Cells checked here rather than by the reader (their messages name this import's rules).
RAW = ("number", "tax_code", "workers", "surveyed_on")
LABELS = {
    "name": gettext_lazy("Tên doanh nghiệp"),
    "tax_code": gettext_lazy("Mã số thuế"),
    "address": gettext_lazy("Địa chỉ"),
    "commune": gettext_lazy("Xã/phường"),
    "unit": gettext_lazy("Công đoàn cấp trên"),
    "ownership": gettext_lazy("Loại hình"),
    "legal_form": gettext_lazy("Loại hình doanh nghiệp"),
    "industry": gettext_lazy("Ngành nghề"),
    "workers": gettext_lazy("Số lao động"),
    "surveyed_on": gettext_lazy("Ngày khảo sát"),
}

# Ownership written as such (no legal form in it).
NON_STATE_WORDS = ("ngoài nhà nước", "ngoài quốc doanh", "dân doanh", "khu vực tư nhân")
OWNERSHIP_WORDS = [
    (Ownership.NON_STATE, (*NON_STATE_WORDS, "tư nhân")),
    (Ownership.FOREIGN, ("fdi", "nước ngoài", "đầu tư nước ngoài", "có vốn đầu tư nước ngoài")),
    (Ownership.STATE, ("nhà nước", "quốc doanh", "khu vực nhà nước")),
]
# Legal form → words, looked for as whole words, first match wins (the specific before the
# general: "TNHH một thành viên" before "TNHH").
LEGAL_FORM_WORDS = [
    (
        LegalForm.FOREIGN,
        ("fdi", "vốn đầu tư nước ngoài", "vốn nước ngoài", "đầu tư nước ngoài", "nước ngoài"),
    ),
    (LegalForm.SOLE, ("dntn", "doanh nghiệp tư nhân")),
    (
        LegalForm.LLC_ONE,
        (
            "tnhh một thành viên",
            "tnhh 1 thành viên",
            "tnhh mtv",
            "tnhh 1tv",
            "trách nhiệm hữu hạn một thành viên",
            "một thành viên",
            "mtv",
        ),
    ),
    (
        LegalForm.LLC_MULTI,
        (
            "tnhh hai thành viên",
            "tnhh 2 thành viên",
            "tnhh 2tv",
            "trách nhiệm hữu hạn hai thành viên",
            "hai thành viên",
            "2 thành viên",
        ),
    ),
    (LegalForm.LLC, ("tnhh", "trách nhiệm hữu hạn")),
    (LegalForm.JOINT_STOCK, ("cổ phần", "ctcp", "cty cp", "công ty cp")),
    (LegalForm.PARTNERSHIP, ("hợp danh",)),
    (LegalForm.COOPERATIVE, ("hợp tác xã", "htx")),
    (LegalForm.BRANCH, ("chi nhánh",)),
    (LegalForm.REPRESENTATIVE, ("văn phòng đại diện", "vpđd", "vp đại diện")),
    (
        LegalForm.STATE,
        ("doanh nghiệp nhà nước", "dnnn", "công ty nhà nước", "100% vốn nhà nước"),
    ),
]
LEGAL_FORM_OWNERSHIP = {
    LegalForm.FOREIGN: Ownership.FOREIGN,
    LegalForm.STATE: Ownership.STATE,
}  # every other legal form: non-state
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


class ImportFileError(SpreadsheetError):
    """The file itself cannot be used (unreadable, too big, no header, a required column
    missing)."""


@dataclass
class RowResult:
    row: int
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    action: str = ""  # "create", "update", "reject"
    existing: Enterprise | None = None
    unit: Unit | None = None
    repaired: str = ""  # "TCVN3", "VNI" or "NFD" when a cell's text was converted

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def kind_label(self) -> str:
        """The legal form, else the ownership, as read from "Loại hình" ("" when unknown)."""
        if self.values.get("legal_form"):
            return LegalForm(self.values["legal_form"]).label
        if self.values.get("ownership"):
            return Ownership(self.values["ownership"]).label
        return ""


@dataclass
class ImportResult:
    file_name: str
    sheet: str = ""
    header_row: int = 0
    columns: dict = field(default_factory=dict)  # field -> 0-based column
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

    @property
    def warned_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.warnings and r.action != "reject"]

    # Kept between the upload and the confirmation as JSON (the session), never re-parsed.
    def as_dict(self) -> dict:
        def plain(value):
            return value.isoformat() if isinstance(value, datetime.date) else value

        return {
            "file_name": self.file_name,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "columns": self.columns,
            "encoding": self.encoding,
            "skipped": [list(s) for s in self.skipped],
            "rows": [
                {
                    "row": r.row,
                    "values": {k: plain(v) for k, v in r.values.items()},
                    "errors": r.errors,
                    "warnings": r.warnings,
                    "action": r.action,
                    "existing": r.existing.pk if r.existing else None,
                    "unit": r.unit.pk if r.unit else None,
                    "repaired": r.repaired,
                }
                for r in self.rows
            ],
        }

    @classmethod
    def from_dict(cls, data: dict) -> "ImportResult":
        rows = data["rows"]
        units = Unit.objects.in_bulk({r["unit"] for r in rows if r["unit"]})
        enterprises = Enterprise.objects.select_related("unit").in_bulk(
            {r["existing"] for r in rows if r["existing"]}
        )
        result = cls(
            file_name=data["file_name"],
            sheet=data["sheet"],
            header_row=data["header_row"],
            columns=data["columns"],
            encoding=data["encoding"],
            skipped=[tuple(s) for s in data["skipped"]],
        )
        for r in rows:
            values = dict(r["values"])
            if values.get("surveyed_on"):
                values["surveyed_on"] = datetime.date.fromisoformat(values["surveyed_on"])
            row = RowResult(
                row=r["row"],
                values=values,
                errors=list(r["errors"]),
                warnings=list(r["warnings"]),
                action=r["action"],
                existing=enterprises.get(r["existing"]) if r["existing"] else None,
                unit=units.get(r["unit"]) if r["unit"] else None,
                repaired=r["repaired"],
            )
            if row.action == "update" and row.existing is None:
                row.action = "reject"
                row.errors.append(_("doanh nghiệp khớp với dòng này không còn trong danh sách"))
            result.rows.append(row)
        return result


READER_COLUMNS = [
    Column(
        key,
        [str(LABELS[key]) if key in LABELS else aliases[0], *aliases],
        required=key in REQUIRED,
        kind="raw" if key in RAW else "text",
    )
    for key, aliases in COLUMNS.items()
]


def _read_table(path_or_file, name: str):
    try:
        with open_workbook(path_or_file, filename=name) as workbook:
            table = read_table(
                workbook.sheet(None),
                columns=READER_COLUMNS,
                max_rows=MAX_ROWS,
                header_scan=HEADER_SCAN_ROWS,
                stop_at_total=False,
                stop_at_blank=False,
            )
    except SpreadsheetError as exc:
        raise ImportFileError(exc.problems) from exc
    if table.errors:
        raise ImportFileError(
            [
                Problem(
                    p.sheet,
                    p.row,
                    p.column,
                    p.header,
                    _("tệp “%(f)s”: %(m)s") % {"f": name, "m": p.message},
                )
                for p in table.errors
            ]
        )
    return table


@collector.paused()
def parse(
    path_or_file,
    *,
    file_name: str = "",
    default_unit: Unit | None = None,
    allowed_units=None,
    user=None,
    survey_date: datetime.date | None = None,
) -> ImportResult:
    """Read and check every row; nothing is saved. ``allowed_units``: a queryset the rows'
    units must belong to (the user's editable units), or None for no restriction. With
    ``user``, a row whose match is an enterprise the user may not change is rejected."""
    name = file_name or str(getattr(path_or_file, "name", path_or_file))
    table = _read_table(path_or_file, name)
    result = ImportResult(file_name=name, sheet=table.sheet, encoding=table.encoding)
    result.header_row = table.header_row
    result.columns = {key: column - 1 for key, column in table.columns.items()}
    result.skipped = list(table.skipped)
    units = _UnitResolver(allowed_units)
    current_unit = default_unit
    today = timezone.localdate()  # once, not once per row
    survey_date = survey_date or today
    register = _Register()
    authorised: dict = {}
    memo: dict = {}  # what the rows share: kinds and dates read, column limits
    seen_tax: dict[str, int] = {}
    seen_name: dict[str, int] = {}
    for line in table.rows:
        values = {key: (None if v == "" else v) for key, v in line.values.items()}
        if all(v is None for v in values.values()):
            continue
        number = clean(values.get("number"))
        label = name_key(values.get("name"))
        if label in TOTAL_WORDS or number.casefold() in TOTAL_WORDS:  # number: clean already
            result.skipped.append((line.number, _("dòng tổng cộng")))
            continue
        if _is_group_row(values, number):
            found = units.find(values.get("name") or number)
            if found:
                current_unit = found
                result.skipped.append(
                    (line.number, _("dòng nhóm: các dòng dưới thuộc “%(u)s”") % {"u": found})
                )
            else:
                result.skipped.append((line.number, _("dòng tiêu đề nhóm")))
            continue
        row = RowResult(row=line.number, values=values, repaired=line.repaired)
        _check_row(row, line, units, current_unit, survey_date, today, memo)
        if row.ok:
            _find_existing(row, seen_tax, seen_name, register, key=label)
        if row.ok and row.unit is None:
            if row.existing is not None:
                row.unit = row.existing.unit
            else:
                row.errors.append(
                    _(
                        "chưa rõ công đoàn cấp trên phụ trách (thêm cột “Công đoàn cấp trên” hoặc "
                        "chọn đơn vị khi nhập)"
                    )
                )
        if row.ok:
            authorise(row, user, memo=authorised)
        row.action = "reject" if row.errors else ("update" if row.existing else "create")
        result.rows.append(row)
    result.skipped.sort()
    return result


def authorise(row: RowResult, user, memo: dict | None = None) -> None:
    """A row may change only what its user may change in a form: the matched enterprise must
    be in the user's editable subtree, and so must the unit the row puts it under. ``memo``
    keeps the answer per unit over the rows of one file."""
    if user is None:  # a command run by the operator
        return
    memo = {} if memo is None else memo

    def may_edit(unit):
        if unit.pk not in memo:
            memo[unit.pk] = can_edit_unit(user, unit)
        return memo[unit.pk]

    existing = row.existing
    if existing is not None and not may_edit(existing.unit):
        row.errors.append(
            _(
                "trùng (theo %(by)s) với “%(n)s” do “%(u)s” quản lý, ngoài phạm vi bạn được "
                "sửa; dòng này không được nhập"
            )
            % {
                "by": _("mã số thuế") if row.values.get("tax_code") else _("tên"),
                "n": existing.name,
                "u": existing.unit,
            }
        )
    elif row.unit is not None and not may_edit(row.unit):
        row.errors.append(_("bạn không có quyền nhập doanh nghiệp cho “%(u)s”") % {"u": row.unit})


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
        self.cache: dict[str, Unit | None] = {}  # name_key -> unit
        self.found: dict[str, Unit | None] = {}  # text as written -> unit
        self.allowed_memo: dict[int, bool] = {}

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
        if isinstance(text, str) and text in self.found:  # a list repeats its unit texts
            return self.found[text]
        key = name_key(text)
        if not key:
            return None
        if key not in self.cache:
            exact = [u for u in self.units if u.name_key == key]
            place = self._place(key)
            by_place = [u for u in self.units if place and self._place(u.name_key) == place]
            match = exact or by_place
            self.cache[key] = match[0] if len(match) == 1 else None
        if isinstance(text, str):
            self.found[text] = self.cache[key]
        return self.cache[key]

    def allowed_ok(self, unit: Unit) -> bool:
        if self.allowed is None:
            return True
        if unit.pk not in self.allowed_memo:
            self.allowed_memo[unit.pk] = self.allowed.filter(pk=unit.pk).exists()
        return self.allowed_memo[unit.pk]


def classify_kind(value) -> tuple[str, str | None]:
    """(legal form or "", ownership or None) of a "Loại hình" cell; ValueError when the text
    names neither."""
    key = re.sub(r"[()\[\],;.:/\-–]", " ", name_key(value))
    key = re.sub(r"\s+", " ", key).strip()
    if not key:
        return "", None
    padded = f" {key} "

    def has(word):
        return f" {word} " in padded

    if any(has(word) for word in NON_STATE_WORDS):
        return "", Ownership.NON_STATE
    for code, words in LEGAL_FORM_WORDS:
        if any(has(word) for word in words):
            ownership = LEGAL_FORM_OWNERSHIP.get(code, Ownership.NON_STATE)
            if code != LegalForm.FOREIGN and has("nhà nước"):
                ownership = Ownership.STATE  # "TNHH MTV nhà nước", "cổ phần vốn nhà nước"
            return code, ownership
    for code, words in OWNERSHIP_WORDS:
        if key in words or key == name_key(Ownership(code).label):
            return "", code
    for code, words in OWNERSHIP_WORDS:
        if any(has(word) for word in words):
            return "", code
    raise ValueError(key)


def _read_kind(values: dict, warn, memo: dict | None = None) -> None:
    """Legal form and ownership from the "Loại hình" cells. One that cannot be read is a
    warning and leaves the value unknown (None): an update keeps what the register has, a new
    enterprise is recorded as non-state. ``memo`` keeps each distinct text's reading over the
    rows of one file (None: it cannot be read)."""
    memo = {} if memo is None else memo
    legal, ownership = "", None
    for key in ("legal_form", "ownership"):
        text = values.get(key)
        if not text:
            continue
        if text not in memo:
            try:
                memo[text] = classify_kind(text)
            except ValueError:
                memo[text] = None
        found = memo[text]
        if found is not None:
            found_legal, found_ownership = found
        else:
            warn(
                key,
                _(
                    "“%(v)s” không rõ loại hình (DNTN, TNHH, cổ phần, hợp danh, hợp tác xã, chi "
                    "nhánh, FDI, nhà nước…); dòng vẫn được nhập, loại hình giữ như cũ"
                )
                % {"v": text},
            )
            continue
        legal = legal or found_legal
        if found_ownership and (key == "ownership" or ownership is None):
            ownership = found_ownership
    values["legal_form"] = legal
    values["ownership"] = ownership


def _check_row(
    row: RowResult, line, units, current_unit, survey_date, today=None, memo=None
) -> None:
    """``memo``: what the rows of one file share (kinds and dates read, text limits)."""
    memo = {} if memo is None else memo
    v = row.values

    def where(fieldname):
        letter = line.letter(fieldname) or "?"
        return _("cột %(c)s “%(label)s”") % {"c": letter, "label": LABELS.get(fieldname, fieldname)}

    def fail(fieldname, message):
        row.errors.append(f"{where(fieldname)}: {message}")

    def warn(fieldname, message):
        row.warnings.append(f"{where(fieldname)}: {message}")

    if not v.get("name"):
        fail("name", _("thiếu tên doanh nghiệp"))
    try:
        v["workers"] = parse_int(v.get("workers"))
        if v["workers"] is not None and v["workers"] < 0:
            fail("workers", _("số lao động âm"))
        elif v["workers"] is not None and v["workers"] > services.MAX_COUNT:
            fail("workers", _("%(v)s quá lớn") % {"v": v["workers"]})
    except NotANumber:
        fail("workers", _("“%(v)s” không phải số nguyên") % {"v": clean(v.get("workers"))})
        v["workers"] = None
    try:
        v["tax_code"] = services.normalise_tax_code(v.get("tax_code"))
    except services.EnterpriseError as exc:
        fail("tax_code", exc.messages[0])
        v["tax_code"] = clean(v.get("tax_code"))
    _read_kind(v, warn, memo.setdefault("kinds", {}))
    raw_date = v.get("surveyed_on")
    if raw_date in (None, ""):
        v["surveyed_on"] = survey_date
    else:
        dates = memo.setdefault("dates", {})
        try:
            if isinstance(raw_date, str):
                if raw_date not in dates:
                    try:
                        dates[raw_date] = parse_date(raw_date)
                    except ValueError as exc:
                        dates[raw_date] = exc
                found = dates[raw_date]
                if isinstance(found, ValueError):
                    raise found
            else:
                found = parse_date(raw_date)
            v["surveyed_on"] = found or survey_date
            if v["surveyed_on"] > (today or timezone.localdate()):
                fail(
                    "surveyed_on",
                    _("ngày %(d)s ở tương lai") % {"d": v["surveyed_on"].strftime("%d/%m/%Y")},
                )
        except ValueError:
            fail("surveyed_on", _("“%(v)s” không phải ngày dd/mm/yyyy") % {"v": clean(raw_date)})
            v["surveyed_on"] = None
    if isinstance(v.get("number"), datetime.date):
        v["number"] = clean(line.raw("number"))
    unit = None
    if v.get("unit"):
        unit = units.find(v["unit"])
        if unit is None:
            fail("unit", _("không tìm thấy công đoàn cấp trên “%(v)s”") % {"v": v["unit"]})
    else:
        unit = current_unit  # None: an enterprise already registered keeps its own
    if unit is not None and not units.allowed_ok(unit):
        row.errors.append(_("bạn không có quyền nhập doanh nghiệp cho “%(u)s”") % {"u": unit})
    row.unit = unit
    _check_lengths(v, fail, memo.setdefault("limits", {}))


def _check_lengths(values: dict, fail, limits: dict | None = None) -> None:
    """Text longer than the register keeps (a number like 1e308 written out is 309 characters)
    is refused with its place, rather than failing at the database. ``limits`` keeps, over
    the rows of one file, the columns that have a limit and their limits (a row's keys are the
    file's columns: the first row finds them, the others only compare lengths)."""
    limits = {} if limits is None else limits
    keys = tuple(values)
    checked = limits.get(keys)
    if checked is None:
        checked = limits[keys] = []
        for key in keys:
            try:
                limit = Enterprise._meta.get_field(key).max_length
            except FieldDoesNotExist:
                limit = None  # not an enterprise field, such as the unit or the row number
            if limit:
                checked.append((key, limit))
    for key, limit in checked:
        value = values[key]
        if isinstance(value, str) and len(value) > limit:
            fail(key, _("quá dài (tối đa %(n)s ký tự)") % {"n": limit})


class _Register:
    """The enterprises already registered, by tax code and by normalised name (one query)."""

    def __init__(self):
        self.by_tax: dict[str, Enterprise] = {}
        self.by_name: dict[str, list[Enterprise]] = {}
        for enterprise in Enterprise.objects.select_related("unit"):
            if enterprise.tax_code:
                self.by_tax[enterprise.tax_code] = enterprise
            self.by_name.setdefault(enterprise.name_key, []).append(enterprise)


def _find_existing(
    row: RowResult, seen_tax: dict, seen_name: dict, register: _Register, key=None
) -> None:
    """``key``: the name's name_key when the caller has it already."""
    v = row.values
    key = name_key(v["name"]) if key is None else key
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


@collector.paused()
@transaction.atomic
def apply(result: ImportResult, *, user) -> ImportResult:
    """Save every accepted row in one transaction (rejected rows are reported, not saved).
    Each row is authorised again: the register may have changed since the preview, and a
    row that may no longer be saved stops the whole import (nothing half-written). The rows
    are then written together (``services.import_enterprises``: a few bulk statements)."""
    source = f"Nhập từ tệp {result.file_name}"
    memo: dict = {}
    creates, updates = [], []
    for row in result.rows:
        if row.action == "reject":
            continue
        if user is not None:  # a command run by the operator: nothing to authorise
            check = RowResult(row=row.row, values=row.values, existing=row.existing, unit=row.unit)
            authorise(check, user, memo=memo)
            if check.errors:
                raise services.EnterpriseError(
                    _("Dòng %(r)s: %(m)s") % {"r": row.row, "m": "; ".join(check.errors)}
                )
        v = row.values
        if row.action == "create":
            creates.append(
                {
                    "name": v["name"],
                    "unit": row.unit,
                    "tax_code": v.get("tax_code") or "",
                    "address": v.get("address") or "",
                    "commune": v.get("commune") or "",
                    "ownership": v.get("ownership") or Ownership.NON_STATE,
                    "legal_form": v.get("legal_form") or "",
                    "industry": v.get("industry") or "",
                    "workers": v["workers"],
                    "surveyed_on": v["surveyed_on"],
                }
            )
            continue
        changes = {"unit": row.unit}
        for key in ("tax_code", "address", "commune", "industry", "ownership", "legal_form"):
            if v.get(key):
                changes[key] = v[key]
        updates.append(
            {
                "enterprise": row.existing,
                "changes": changes,
                "workers": v["workers"],
                "surveyed_on": v["surveyed_on"],
            }
        )
    services.import_enterprises(creates=creates, updates=updates, user=user, source=source)
    return result
