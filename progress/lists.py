"""The member register and the records behind a figure as lists: what each row shows (masked
personal data, the "Chi tiết" and "Người nhập" columns) and the Excel export of a filtered list.

Pages and exports show the same rows the same way: ``member_rows``/``record_rows`` prepare the
objects of one page (or of the whole filtered list for the export), ``members_workbook`` and
``records_workbook`` write them through ``core.excel.write_list_sheet``.
"""

from urllib.parse import quote

from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.excel import XLSX_CONTENT_TYPE, ListSheet, workbook_bytes, write_list_sheet
from core.masking import mask_cccd, mask_hidden
from core.text import format_int, short_date
from progress.models import Gender, RecordKind

BIRTH_MASK = "**/**/****"
ENTERPRISE_NOTE = "enterprise:"


def member_rows(members, *, allowed, editable) -> list:
    """Annotate members with what the user may see: ``cccd_shown``, ``birth_shown`` (None when
    masked), ``ethnicity_shown``, ``can_edit``; and for the register's rows ``birth_text``,
    ``admitted_text`` (core.text.short_date) and ``gender_label`` (get_gender_display)."""
    members = list(members)
    genders = {value: str(label) for value, label in Gender.choices}
    for member in members:
        mine = allowed is None or member.union_id in allowed
        member.cccd_shown = member.cccd if mine else mask_cccd(member.cccd)
        member.birth_shown = member.date_of_birth if mine else None
        member.ethnicity_shown = member.ethnicity if mine else mask_hidden(member.ethnicity)
        member.can_edit = editable is None or member.union_id in editable
        member.birth_text = short_date(member.birth_shown)
        member.admitted_text = short_date(member.admitted_on)
        member.gender_label = genders.get(member.gender, member.gender)
    return members


def _enterprise_names(records) -> dict:
    """The enterprise of each founding record: by the "enterprise:ID" note the founding service
    writes, else the enterprise the founded CĐCS covers. Keys: ("id", pk) and ("union", pk)."""
    from enterprises.models import Enterprise

    ids, unions = set(), set()
    for record in records:
        if record.kind != RecordKind.UNION_FOUNDED:
            continue
        tail = (
            record.note[len(ENTERPRISE_NOTE) :] if record.note.startswith(ENTERPRISE_NOTE) else ""
        )
        if tail.isdecimal():
            ids.add(int(tail))
        else:
            unions.add(record.union_id)
    found = {}
    if ids or unions:
        rows = Enterprise.objects.filter(Q(pk__in=ids) | Q(grassroots_union_id__in=unions))
        for pk, union_id, name, workers in rows.values_list(
            "pk", "grassroots_union_id", "name", "workers"
        ):
            label = name
            if workers is not None:
                label = _("%(name)s (%(n)s lao động)") % {"name": name, "n": format_int(workers)}
            found[("id", pk)] = label
            if union_id is not None:
                found.setdefault(("union", union_id), label)
    return found


def _detail(record, enterprises: dict[int, str]) -> str:
    """What the record says beyond its kind, in words: the member's gender and job for an
    admission, the reason for a departure, the other end of a transfer or a merge, the
    enterprise of a founding, the outcome of a Party introduction; then the note."""
    parts = []
    note = record.note or ""
    kind = record.kind
    if kind == RecordKind.ADMITTED:
        if record.member is not None:
            parts += [record.member.get_gender_display(), record.member.job]
        else:
            parts.append(_("Nhập số lượng: %(n)s người") % {"n": record.count})
    elif kind == RecordKind.LEFT:
        parts.append(record.get_leave_reason_display())
        if record.member is None:
            parts.append(_("Nhập số lượng: %(n)s người") % {"n": record.count})
    elif kind in (RecordKind.TRANSFER_IN, RecordKind.MERGED_IN) and record.other_union:
        parts.append(_("từ %(unit)s") % {"unit": record.other_union.name})
    elif kind in (RecordKind.TRANSFER_OUT, RecordKind.MERGED_OUT) and record.other_union:
        parts.append(_("đến %(unit)s") % {"unit": record.other_union.name})
    elif kind == RecordKind.UNION_FOUNDED:
        name = None
        if note.startswith(ENTERPRISE_NOTE):
            tail = note[len(ENTERPRISE_NOTE) :]
            name = enterprises.get(("id", int(tail))) if tail.isdecimal() else None
            note = ""
        name = name or enterprises.get(("union", record.union_id))
        if name:
            parts.append(_("Doanh nghiệp: %(name)s") % {"name": name})
        else:
            parts.append(record.union.get_kind_display())
    elif kind == RecordKind.PARTY_INTRODUCED:
        if record.party_outcome:
            outcome = record.get_party_outcome_display()
            if record.party_outcome_on:
                outcome += f" ({record.party_outcome_on:%d/%m/%Y})"
            parts.append(outcome)
        else:
            parts.append(_("Chờ kết quả"))
    if kind in (RecordKind.MERGED_IN, RecordKind.MERGED_OUT):
        note = ""  # "Sáp nhập A vào B" repeats the other end
    parts.append(note)
    return " · ".join(p for p in (str(p).strip() for p in parts) if p) or "—"


def entered_by_label(record) -> str:
    """Who entered the record: the account's name (or user name), or "Hệ thống" for a command
    run as the system actor (the demo load, an import without --as)."""
    user = record.entered_by
    if user is None:
        return _("Hệ thống")
    return user.get_full_name() or user.username


def record_rows(records, *, allowed) -> list:
    """Annotate records with ``contribution`` (signed), ``cccd_shown``, ``detail`` and
    ``entered_by_label``."""
    records = list(records)
    enterprises = _enterprise_names(records)
    for record in records:
        record.contribution = record.share * record.count
        record.cccd_shown = ""
        if record.member:
            can_see = allowed is None or record.union_id in allowed
            record.cccd_shown = record.member.cccd if can_see else mask_cccd(record.member.cccd)
        record.detail = _detail(record, enterprises)
        record.entered_by_label = entered_by_label(record)
    return records


def federation_name(user) -> str:
    """The federation line of an export: the province above the user's unit, else the only
    province."""
    from organisation.selectors import provinces
    from organisation.services import province_of

    unit = getattr(user, "unit", None)
    top = province_of(unit) if unit is not None else None
    if top is None:
        top = provinces().order_by("pk").first()
    return top.name.upper() if top is not None else ""


def _exported_on() -> str:
    return _("Xuất ngày %(date)s") % {"date": timezone.localdate().strftime("%d/%m/%Y")}


def members_workbook(members, *, user, filters: str) -> Workbook:
    workbook = Workbook()
    rows = [
        (
            index,
            m.full_name,
            m.birth_shown if m.birth_shown else BIRTH_MASK,
            m.get_gender_display(),
            m.ethnicity_shown,
            m.cccd_shown,
            m.job,
            m.union.name,
            m.admitted_on,
        )
        for index, m in enumerate(members, start=1)
    ]
    write_list_sheet(
        workbook,
        ListSheet(
            name=_("Sổ đoàn viên"),
            federation=federation_name(user),
            title=_("SỔ ĐOÀN VIÊN"),
            subtitle=" — ".join(t for t in (filters, _exported_on()) if t),
            columns=[
                (_("STT"), 6),
                (_("Họ và tên"), 28),
                (_("Ngày sinh"), 12),
                (_("Giới tính"), 9),
                (_("Dân tộc"), 10),
                (_("Số CCCD"), 15),
                (_("Nghề nghiệp"), 20),
                (_("CĐCS"), 36),
                (_("Ngày kết nạp"), 12),
            ],
            rows=rows,
        ),
    )
    return workbook


def records_workbook(records, *, user, title: str, filters: str) -> Workbook:
    workbook = Workbook()
    rows = []
    for index, r in enumerate(records, start=1):
        if r.member:
            person = r.member.full_name
        elif r.count > 1:
            person = _("%(n)s người (nhập số lượng)") % {"n": r.count}
        else:
            person = ""
        rows.append(
            (
                index,
                r.date,
                r.get_kind_display(),
                r.union.name,
                r.get_sector_display(),
                person,
                r.cccd_shown,
                r.detail,
                r.contribution,
                r.entered_by_label,
            )
        )
    write_list_sheet(
        workbook,
        ListSheet(
            name=_("Bản ghi"),
            federation=federation_name(user),
            title=title.upper(),
            subtitle=" — ".join(t for t in (filters, _exported_on()) if t),
            columns=[
                (_("STT"), 6),
                (_("Ngày"), 12),
                (_("Loại"), 18),
                (_("CĐCS"), 34),
                (_("Khu vực"), 18),
                (_("Đoàn viên"), 24),
                (_("Số CCCD"), 15),
                (_("Chi tiết"), 30),
                (_("Tính vào kết quả"), 10),
                (_("Người nhập"), 16),
            ],
            rows=rows,
        ),
    )
    return workbook


def xlsx_response(workbook, filename: str) -> HttpResponse:
    """The workbook as a download named filename (RFC 6266: ASCII fallback and UTF-8 name)."""
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX_CONTENT_TYPE)
    ascii_name = filename.encode("ascii", "ignore").decode()
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
