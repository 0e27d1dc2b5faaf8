"""A unit list as a federation keeps it, read into the dated tree (``manage.py import_units``).

The file states the structure **from its date on**: a unit not yet known is created under its
parent (parents may come later in the file); a known unit listed under another parent is moved
from the date; "Trạng thái" = "Kết thúc hoạt động" / "Giải thể" ends it on the date, "Sáp nhập
vào X" merges it into X; a sector or code written in a cell replaces the unit's; units not in the
file, and empty cells, are left as they are, so the same file twice changes nothing. A parent
left empty (or the national federation) makes a top unit, so a federation starts from an empty
database.

Every change goes through ``organisation.services`` with its checks, inside one transaction:
any problem (one message per problem, with sheet, row and column) and nothing is saved.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import can_manage_structure, require
from core.spreadsheet import Column, Problem, SpreadsheetError, open_workbook, read_table
from core.text import clean, name_key
from organisation import services
from organisation.models import Baseline, Sector, Unit, UnitKind, UnitPath

MAX_ROWS = 200_000
NATIONAL = {"tong lien doan lao dong viet nam", "tld", "tldld viet nam", "tldldvn"}
LARGE_ENTERPRISE = 25  # Sector.ENTERPRISE_LARGE: "từ 25 lao động trở lên"

COLUMNS = [
    Column("name", ["Tên đơn vị", "Đơn vị", "Tên công đoàn"], required=True),
    Column("parent", ["Đơn vị cấp trên", "Cấp trên trực tiếp", "Công đoàn cấp trên"]),
    Column("kind", ["Loại đơn vị", "Cấp"]),
    Column("sector", ["Khu vực", "Loại hình"]),
    Column("code", ["Mã đơn vị", "Mã"]),
    Column("members", ["Số đoàn viên", "Đoàn viên"], kind="int", min_value=0),
    Column("workers", ["Số lao động", "Lao động", "Số CNVCLĐ"], kind="int", min_value=0),
    Column("status", ["Trạng thái", "Tình trạng"]),
    Column("note", ["Ghi chú"]),
]

# (words found in the plain text, kind). First match wins, so the longer phrases come first.
KIND_WORDS = [
    (
        ("lien doan lao dong tinh", "ldld tinh", "lien doan lao dong thanh pho truc thuoc"),
        UnitKind.PROVINCE,
    ),
    (("nghiep doan",), UnitKind.INFORMAL),
    (("cong doan co so", "cdcs"), UnitKind.GRASSROOTS),
    (
        ("cong doan xa", "cong doan phuong", "cong doan dac khu", "cong doan thi tran"),
        UnitKind.COMMUNE,
    ),
    (("khu cong nghiep", "khu kinh te", "cong doan nganh"), UnitKind.INDUSTRY),
    (("vien chuc",), UnitKind.CIVIL_SERVANTS),
    (
        (
            "ldld huyen",
            "ldld thi xa",
            "ldld thanh pho",
            "ldld quan",
            "lien doan lao dong huyen",
            "lien doan lao dong thi xa",
            "lien doan lao dong thanh pho",
            "lien doan lao dong quan",
            "cap tren truc tiep co so",
        ),
        UnitKind.DISTRICT,
    ),
]
KIND_ACCEPTED = (
    "LĐLĐ tỉnh/thành phố; LĐLĐ huyện/thị xã/thành phố; công đoàn cấp trên trực tiếp cơ sở; "
    "công đoàn xã/phường/đặc khu; công đoàn ngành; công đoàn khu công nghiệp/khu kinh tế; "
    "công đoàn viên chức; công đoàn cơ sở/CĐCS; nghiệp đoàn cơ sở"
)
SECTOR_ACCEPTED = (
    "HCSN; SNCL; DN nhà nước; DN ngoài nhà nước; FDI / có vốn đầu tư nước ngoài; hợp tác xã; "
    "khu vực phi chính thức; tổng hợp"
)
ENDED_WORDS = ("ket thuc hoat dong", "giai the", "cham dut hoat dong", "ngung hoat dong")
MERGE = re.compile(r"^sap nhap (?:vao|voi)\s+")


def plain(text) -> str:
    """Lower case without diacritics (đ → d), punctuation as spaces: for reading words."""
    text = unicodedata.normalize("NFD", clean(text).lower().replace("đ", "d"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", re.sub(r"[-_/().,:;]", " ", text)).strip()


def kind_of(text) -> str | None:
    words = f" {plain(text)} "
    for phrases, kind in KIND_WORDS:
        if any(f" {p} " in words or words.strip().startswith(p) for p in phrases):
            return kind
    return None


def sector_of(text, workers: int | None) -> str | None:
    words = plain(text)
    if not words:
        return None
    if "phi chinh thuc" in words:
        return Sector.INFORMAL
    if re.search(r"\bhcsn\b|hanh chinh", words):
        return Sector.STATE_ADMIN
    if re.search(r"\bsncl\b|su nghiep", words):
        return Sector.PUBLIC_SERVICE
    if "tong hop" in words:
        return Sector.MIXED
    if re.search(r"\b(dn|doanh nghiep|fdi|nha nuoc|hop tac xa|htx|von dau tu nuoc ngoai)\b", words):
        if re.search(r"\b(tu|tren)\s*25\b", words):
            return Sector.ENTERPRISE_LARGE
        if re.search(r"\bduoi\s*25\b", words):
            return Sector.ENTERPRISE_SMALL
        large = workers is not None and workers >= LARGE_ENTERPRISE
        return Sector.ENTERPRISE_LARGE if large else Sector.ENTERPRISE_SMALL
    return None


@dataclass
class Line:
    """One unit row of the file, read."""

    row: int
    name: str
    parent_name: str  # "" for a top unit
    kind: str | None
    sector: str | None
    code: str
    status: str  # "", "ended" or "merged"
    merge_into: str = ""
    cells: dict = field(default_factory=dict)  # key -> column letter
    members: int | None = None
    workers: int | None = None


@dataclass
class UnitImportResult:
    created: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    ended: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    baselines: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        return {
            _("tạo mới"): len(self.created),
            _("chuyển cấp trên"): len(self.moved),
            _("kết thúc hoạt động"): len(self.ended),
            _("sáp nhập"): len(self.merged),
            _("cập nhật khu vực/mã"): len(self.updated),
            _("số liệu gốc"): len(self.baselines),
            _("giữ nguyên"): len(self.unchanged),
        }


class UnitImportFailed(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _read(source, filename: str) -> tuple[str, list[Line], list[Problem], list[Problem]]:
    try:
        with open_workbook(source, filename=filename) as workbook:
            table = read_table(
                workbook.sheet(None),
                columns=COLUMNS,
                max_rows=MAX_ROWS,
                stop_at_total=False,
                stop_at_blank=False,
            )
    except SpreadsheetError as exc:
        raise UnitImportFailed(exc.problems) from exc
    problems, lines = list(table.errors), []
    for row in table.rows:
        if row.is_blank() or not clean(row.values.get("name")):
            continue
        problems_before = len(problems)

        def problem(key, message, row=row):
            problems.append(
                Problem(
                    table.sheet,
                    row.number,
                    table.columns.get(key),
                    table.headers.get(key, ""),
                    message,
                )
            )

        name = " ".join(clean(row.values["name"]).split())
        parent_name = " ".join(clean(row.values.get("parent")).split())
        if plain(parent_name) in NATIONAL:
            parent_name = ""
        kind_text = clean(row.values.get("kind"))
        kind = kind_of(kind_text) if kind_text else kind_of(name)
        if kind_text and kind is None:
            problem(
                "kind",
                _("không hiểu loại đơn vị “%(w)s”; các từ được nhận: %(words)s.")
                % {"w": kind_text, "words": KIND_ACCEPTED},
            )
        sector_text = clean(row.values.get("sector"))
        sector = sector_of(sector_text, row.values.get("workers"))
        if sector_text and sector is None:
            problem(
                "sector",
                _("không hiểu khu vực “%(w)s”; các từ được nhận: %(words)s.")
                % {"w": sector_text, "words": SECTOR_ACCEPTED},
            )
        status_text = plain(row.values.get("status"))
        status, merge_into = "", ""
        if status_text:
            merged = MERGE.match(status_text)
            if merged:
                status = "merged"
                original = clean(row.values.get("status"))
                merge_into = " ".join(original.split()[len(merged.group(0).split()) :])
            elif any(w in status_text for w in ENDED_WORDS):
                status = "ended"
            elif status_text not in ("dang hoat dong", "hoat dong"):
                problem(
                    "status",
                    _(
                        "không hiểu trạng thái “%(w)s”; ghi “Đang hoạt động”, "
                        "“Kết thúc hoạt động”, “Giải thể” hoặc “Sáp nhập vào …”."
                    )
                    % {"w": clean(row.values.get("status"))},
                )
        if len(problems) > problems_before:
            continue
        lines.append(
            Line(
                row.number,
                name,
                parent_name,
                kind,
                sector,
                clean(row.values.get("code")),
                status,
                merge_into,
                {k: table.letter(k) for k in table.columns},
                row.values.get("members"),
                row.values.get("workers"),
            )
        )
    return table.sheet, lines, problems, list(table.warnings)


def _order(lines: list[Line], sheet: str, problems: list[Problem]) -> list[Line]:
    """Lines with each parent before its children (parents may come later in the file); a
    unit listed twice with different parents, and a cycle, are problems."""
    by_key: dict[str, Line] = {}
    for line in lines:
        key = name_key(line.name)
        other = by_key.get(key)
        if other is not None:
            if name_key(other.parent_name) != name_key(line.parent_name):
                problems.append(
                    Problem(
                        sheet,
                        line.row,
                        line.cells.get("parent"),
                        "",
                        _("“%(n)s” đã có ở dòng %(r)s với đơn vị cấp trên khác.")
                        % {"n": line.name, "r": other.row},
                    )
                )
            continue
        by_key[key] = line
    ordered, state = [], {}

    def visit(line: Line, trail: list[Line]):
        key = name_key(line.name)
        if state.get(key) == "done":
            return
        if state.get(key) == "visiting":
            names = " → ".join(x.name for x in [*trail, line])
            problems.append(
                Problem(
                    sheet,
                    line.row,
                    line.cells.get("parent"),
                    "",
                    _("vòng lặp cấp trên: %(names)s.") % {"names": names},
                )
            )
            return
        state[key] = "visiting"
        parent = by_key.get(name_key(line.parent_name)) if line.parent_name else None
        if parent is not None:
            visit(parent, [*trail, line])
        state[key] = "done"
        ordered.append(line)

    for line in by_key.values():
        visit(line, [])
    return ordered


class _Known:
    """Every unit by its name key, read once (one query) and kept up to date as the import
    creates units: a lookup per row would be a query per row."""

    def __init__(self):
        self.by_key: dict[str, list[Unit]] = {}
        for unit in Unit.objects.order_by("-founded_on"):
            self.by_key.setdefault(unit.name_key, []).append(unit)

    def on_date(self, on_date: datetime.date) -> None:
        """Each known unit's parent and baseline on the date, one query each (call once the
        new units' paths exist)."""
        self.parents = dict(
            UnitPath.objects.filter(
                depth=1, valid_from__lte=on_date, valid_to__gte=on_date
            ).values_list("descendant_id", "ancestor_id")
        )
        self.baselines = {
            b.unit_id: (b.members, b.workers) for b in Baseline.objects.filter(on_date=on_date)
        }
        self.pending_baselines: list[tuple[Unit, int | None, int | None, str]] = []

    def add(self, unit: Unit) -> None:
        self.by_key.setdefault(unit.name_key, []).insert(0, unit)
        self.by_key[unit.name_key].sort(key=lambda u: u.founded_on, reverse=True)

    def find(self, name: str, on_date: datetime.date) -> Unit | None:
        """The unit of that name alive on on_date (or, failing that, the newest of that name)."""
        found = self.by_key.get(name_key(name), [])
        for unit in found:
            if unit.founded_on <= on_date and (
                unit.dissolved_on is None or unit.dissolved_on >= on_date
            ):
                return unit
        return found[0] if found else None


def import_units(
    *, source, on_date: datetime.date, user, dry_run=False, filename: str | None = None
) -> UnitImportResult:
    """Apply the unit list at source from on_date; UnitImportFailed lists every problem."""
    require(can_manage_structure(user))
    name = filename or str(getattr(source, "name", None) or source).rsplit("/", 1)[-1]
    sheet, lines, problems, warnings = _read(source, name)
    ordered = _order(lines, sheet, problems)
    if problems:
        raise UnitImportFailed(problems)
    result = UnitImportResult(warnings=warnings, dry_run=dry_run)
    known = _Known()
    with transaction.atomic():
        # New units first, with one rebuild of the paths for all of them; then the changes to
        # known units (moves, sectors, codes, baselines) with every check on complete paths;
        # then the endings and merges.
        with services.paths_deferred():
            created = _create_all(ordered, sheet, on_date, user, result, problems, known)
        # Moves too rebuild the paths once for all; a cycle that only the file and the
        # database together make (each alone is checked) shows in that rebuild.
        known.on_date(on_date)
        try:
            with services.paths_deferred():
                for line in ordered:
                    if line.row in created:
                        _baseline(line, on_date, user, result, known)
                    else:
                        _apply(line, sheet, on_date, user, result, problems, known)
                if known.pending_baselines:
                    services.set_baselines(rows=known.pending_baselines, on_date=on_date, user=user)
        except services.HierarchyCycle as exc:
            unit = Unit.objects.filter(pk=exc.unit_id).first()
            problems.append(
                Problem(
                    sheet,
                    None,
                    None,
                    "",
                    _("các thay đổi cấp trên trong tệp tạo vòng lặp quanh “%(n)s”.")
                    % {"n": unit.name if unit else exc.unit_id},
                )
            )
        for line in ordered:
            if line.status:
                _end(line, sheet, on_date, user, result, problems, known)
        if problems:
            transaction.set_rollback(True)
            raise UnitImportFailed(problems)
        if dry_run:
            transaction.set_rollback(True)
    return result


def _refused(exc: ValidationError, line: Line, sheet, column_key, problems):
    for message in exc.messages:
        problems.append(Problem(sheet, line.row, line.cells.get(column_key), "", message))


def _parent(line: Line, sheet, on_date, problems, known: _Known) -> tuple[bool, Unit | None]:
    """(found, the parent unit or None for a top unit); a parent nowhere is a problem."""
    if not line.parent_name:
        return True, None
    parent = known.find(line.parent_name, on_date)
    if parent is None:
        problems.append(
            Problem(
                sheet,
                line.row,
                line.cells.get("parent"),
                "",
                _("không có đơn vị cấp trên “%(p)s” (trong tệp hay trong hệ thống).")
                % {"p": line.parent_name},
            )
        )
        return False, None
    return True, parent


def _new(line: Line, sheet, on_date, problems, known: _Known, specs: dict) -> bool:
    """A NewUnit for the line's unit if it is not known yet (its parent may be another new one);
    True when the line was handled here."""
    if known.find(line.name, on_date) is not None:
        return False
    parent = specs.get(name_key(line.parent_name)) if line.parent_name else None
    if parent is None:
        found, parent = _parent(line, sheet, on_date, problems, known)
        if not found:
            return True
    parent_kind = parent.kind if parent is not None else None
    kind = line.kind
    if kind is None and parent_kind is not None and parent_kind != UnitKind.PROVINCE:
        kind = UnitKind.GRASSROOTS  # the usual case: a CĐCS under an upper-level union
    if kind is None:
        problems.append(
            Problem(
                sheet,
                line.row,
                line.cells.get("kind"),
                "",
                _("không đoán được loại đơn vị từ tên “%(n)s”; ghi cột “Loại đơn vị” (%(words)s).")
                % {"n": line.name, "words": KIND_ACCEPTED},
            )
        )
        return True
    spec = services.NewUnit(
        name=line.name,
        kind=kind,
        parent=parent,
        valid_from=on_date,
        sector=line.sector or Sector.MIXED,
        code=line.code,
    )
    refused = services.new_unit_problems(spec)
    for message in refused:
        problems.append(Problem(sheet, line.row, line.cells.get("parent"), "", message))
    if not refused:
        specs[name_key(line.name)] = spec
    return True


def _create_all(ordered, sheet, on_date, user, result, problems, known: _Known) -> set[int]:
    """Every unit the file names and the register does not know, in bulk (parents first);
    returns the rows handled here."""
    specs: dict[str, services.NewUnit] = {}
    handled = {line.row for line in ordered if _new(line, sheet, on_date, problems, known, specs)}
    if problems or not specs:
        return handled
    for unit in services.create_units(list(specs.values()), user=user):
        known.add(unit)
    for line in ordered:
        if name_key(line.name) in specs and line.row in handled:
            result.created.append(line.name)
    return handled


def _apply(line: Line, sheet, on_date, user, result, problems, known: _Known) -> None:
    """Changes to a known unit: parent, sector, code, baseline."""
    unit = known.find(line.name, on_date)
    found, parent = _parent(line, sheet, on_date, problems, known)
    if unit is None or not found:
        return
    if on_date < unit.founded_on:
        problems.append(
            Problem(
                sheet,
                line.row,
                line.cells.get("name"),
                "",
                _("ngày %(d)s trước ngày thành lập của “%(n)s” (%(f)s).")
                % {
                    "d": on_date.strftime("%d/%m/%Y"),
                    "n": unit.name,
                    "f": unit.founded_on.strftime("%d/%m/%Y"),
                },
            )
        )
        return
    changed = False
    current = known.parents.get(unit.pk)
    if parent is not None and current != parent.pk:
        try:
            with transaction.atomic():
                services.move_unit_checked(unit=unit, new_parent=parent, on_date=on_date, user=user)
        except ValidationError as exc:
            _refused(exc, line, sheet, "parent", problems)
            return
        result.moved.append(line.name)
        changed = True
    if line.sector and line.sector != unit.sector:
        try:
            with transaction.atomic():
                services.set_sector_checked(
                    unit=unit, sector=line.sector, effective_from=on_date, user=user
                )
        except ValidationError as exc:
            _refused(exc, line, sheet, "sector", problems)
            return
        result.updated.append(line.name)
        changed = True
    if line.code and line.code != unit.code:
        unit.code = line.code
        unit.save(update_fields=["code"])
        if line.name not in result.updated:
            result.updated.append(line.name)
        changed = True
    if _baseline(line, on_date, user, result, known):
        changed = True
    if not changed and not line.status:
        result.unchanged.append(line.name)


def _baseline(line: Line, on_date, user, result: UnitImportResult, known: _Known) -> bool:
    """ "Số đoàn viên" / "Số lao động" become the unit's stock on the date (written together at
    the end of the pass, ``services.set_baselines``); True when it changes."""
    if line.members is None and line.workers is None:
        return False
    unit = known.find(line.name, on_date)
    before = known.baselines.get(unit.pk, (None, None))
    after = tuple(
        new if new is not None else old
        for new, old in zip((line.members, line.workers), before, strict=True)
    )
    if unit.pk in known.baselines and after == before:
        return False
    source = _("danh sách đơn vị, dòng %(r)s") % {"r": line.row}
    known.pending_baselines.append((unit, line.members, line.workers, source))
    known.baselines[unit.pk] = after
    result.baselines.append(line.name)
    return True


def _end(line: Line, sheet, on_date, user, result: UnitImportResult, problems, known) -> None:
    unit = known.find(line.name, on_date)
    if unit is None:
        return  # its creation failed and said why
    if unit.dissolved_on is not None and unit.dissolved_on <= on_date:
        result.unchanged.append(line.name)  # already ended: the same file twice
        return
    try:
        with transaction.atomic():
            if line.status == "merged":
                target = known.find(line.merge_into, on_date)
                if target is None:
                    problems.append(
                        Problem(
                            sheet,
                            line.row,
                            line.cells.get("status"),
                            "",
                            _("không có đơn vị “%(t)s” để sáp nhập vào.") % {"t": line.merge_into},
                        )
                    )
                    return
                services.merge_units(sources=[unit], target=target, on_date=on_date, user=user)
                result.merged.append(f"{line.name} → {target.name}")
            else:
                services.dissolve_unit_checked(unit=unit, on_date=on_date, user=user)
                result.ended.append(line.name)
    except ValidationError as exc:
        _refused(exc, line, sheet, "status", problems)
