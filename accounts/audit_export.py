"""The audit log as Excel (``accounts:audit_export``): the entries of the filtered log, newest
first, as ``audit.describe`` shows them on the page (personal data masked by the same rule),
written through ``core.excel.write_list_sheet``.

At most ``AUDIT_EXPORT_MAX`` entries: a log over every model grows without bound, and each entry
is described row by row. When more entries match, the file says how many and that only the
newest are in it.
"""

import datetime
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounts.audit import Entry
from core.excel import (
    XLSX_CONTENT_TYPE,
    ListSheet,
    workbook_bytes,
    write_list_sheet,
)
from core.text import format_int

AUDIT_EXPORT_MAX = 10_000
TIME_FORMAT = "dd/mm/yyyy hh:mm"


def changes_text(entry: Entry) -> str:
    """One line per changed field, "field: old → new" ("field: new" for a creation), then the
    change reason, as the page shows them."""
    lines = []
    for change in entry.changes:
        field = capfirst(change.field)
        if entry.record.history_type == "+":
            lines.append(f"{field}: {change.new}")
        else:
            lines.append(f"{field}: {change.old} → {change.new}")
    if entry.reason:
        lines.append(f"({entry.reason})")
    return "\n".join(lines) or "—"


def user_label(entry: Entry) -> str:
    user = entry.user
    return user.username if user is not None else _("hệ thống / lệnh quản trị")


def local_time(moment: datetime.datetime) -> datetime.datetime:
    """The moment in local time, without its time zone (a spreadsheet cell keeps none)."""
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0)


def filter_text(form) -> str:
    """The form's filters in words, for the subtitle ("" when it has none or is invalid)."""
    if not form.is_bound or not form.is_valid():
        return ""
    data = form.cleaned_data
    parts = []
    if data.get("user"):
        parts.append(_("người sửa “%(u)s”") % {"u": data["user"].strip()})
    if data.get("model"):
        parts.append(str(dict(form.fields["model"].choices).get(data["model"], data["model"])))
    start, end = data.get("date_from"), data.get("date_to")
    if start or end:
        parts.append(
            _("từ %(start)s đến %(end)s")
            % {
                "start": start.strftime("%d/%m/%Y") if start else "…",
                "end": end.strftime("%d/%m/%Y") if end else "…",
            }
        )
    if (data.get("q") or "").strip():
        parts.append(_("nội dung “%(q)s”") % {"q": data["q"].strip()})
    return "; ".join(parts)


def federation_name(user) -> str:
    """The federation line: the province above the user's unit, else the only province."""
    from organisation.selectors import provinces
    from organisation.services import province_of

    unit = getattr(user, "unit", None)
    top = province_of(unit) if unit is not None else None
    if top is None:
        top = provinces().order_by("pk").first()
    return top.name.upper() if top is not None else ""


def audit_workbook(entries: list[Entry], *, total: int, user, form) -> Workbook:
    """The entries as one list sheet; ``total``: how many matched (more than len(entries) when
    the export was capped)."""
    kinds: dict = {}  # model → its name, action → its label: one gettext each, not per row
    actions: dict = {}
    rows = []
    for index, entry in enumerate(entries, start=1):
        if entry.model not in kinds:
            kinds[entry.model] = capfirst(entry.model_label)
        if entry.record.history_type not in actions:
            actions[entry.record.history_type] = entry.action
        rows.append(
            (
                index,
                local_time(entry.date),
                user_label(entry),
                kinds[entry.model],
                entry.object_repr,
                actions[entry.record.history_type],
                changes_text(entry),
            )
        )
    exported = _("Xuất lúc %(time)s") % {"time": timezone.localtime().strftime("%d/%m/%Y %H:%M")}
    capped = ""
    if total > len(entries):
        capped = _(
            "Chỉ gồm %(n)s thay đổi mới nhất trong %(total)s thay đổi khớp điều kiện lọc: "
            "lọc hẹp hơn (theo ngày, loại dữ liệu) để xuất phần còn lại"
        ) % {"n": format_int(len(entries)), "total": format_int(total)}
    workbook = Workbook()
    write_list_sheet(
        workbook,
        ListSheet(
            name=_("Nhật ký thay đổi"),
            federation=federation_name(user),
            title=_("NHẬT KÝ THAY ĐỔI DỮ LIỆU"),
            subtitle=" — ".join(t for t in (filter_text(form), capped, exported) if t),
            columns=columns(),
            rows=rows,
            number_formats=[None, TIME_FORMAT],  # "Thời điểm": the day and the time
        ),
    )
    return workbook


def columns() -> list[tuple[str, float]]:
    return [
        (_("STT"), 7),
        (_("Thời điểm"), 17),
        (_("Người thực hiện"), 18),
        (_("Loại dữ liệu"), 22),
        (_("Đối tượng"), 34),
        (_("Thao tác"), 10),
        (_("Trước → sau"), 60),
    ]


def xlsx_response(workbook, filename: str) -> HttpResponse:
    """The workbook as a download named filename (RFC 6266: ASCII fallback and UTF-8 name)."""
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX_CONTENT_TYPE)
    ascii_name = filename.encode("ascii", "ignore").decode()
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
