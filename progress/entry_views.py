"""Entry pages: new members (many rows at once, or from Excel), departures, transfers, Party
introductions, counted batches and new grassroots unions. Writes go through progress.services."""

import datetime
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import (
    personal_data_unit_ids,
    require_edit,
    require_view,
    unit_ids,
)
from core.links import url_pattern
from core.masking import log_personal_data_access, sees_unit
from core.paging import paginate
from core.query import query_int
from core.redirects import redirect_next
from core.text import short_date
from organisation.models import Unit, UnitKind
from progress import services
from progress.excel_import import read_members
from progress.forms import (
    BatchForm,
    DepartureForm,
    FoundUnionForm,
    ImportForm,
    MemberFilterForm,
    PartyIntroForm,
    PartyOutcomeForm,
    TransferForm,
    UnionChoiceForm,
    grassroots_choices,
)
from progress.lists import member_rows, members_workbook, xlsx_response
from progress.member_rows import COLUMNS, RawRow, validate_rows
from progress.models import Member, Record, RecordKind
from progress.selectors import member_register, waiting_party_outcomes

BLANK_ROWS = 5
MAX_ROWS = 200
SESSION_KEY = "progress_import"


def entry_home(request):
    unions = grassroots_choices(request.user)
    recent = (
        Record.objects.filter(entered_by=request.user)
        .select_related("union", "member")
        .order_by("-entered_at")[:15]
    )
    return render(
        request,
        "progress/entry_home.html",
        {"unions": unions, "recent": recent, "can_enter": unions.exists()},
    )


def _member_filters(request):
    """The register's filter form and its cleaned values; a CĐCS or upper-level union the user
    may not see is a 403 (not an empty list)."""
    for name in ("union", "under"):
        pk = query_int(request, name)
        if pk is not None:
            require_view(request.user, get_object_or_404(Unit, pk=pk))
    form = MemberFilterForm(request.GET or None, user=request.user)
    data = {}
    if form.is_bound:
        form.is_valid()  # a bad field is shown on the form; the others still filter
        data = form.cleaned_data
    return form, {
        "union": data.get("union"),
        "under": data.get("under"),
        "query": data.get("q") or "",
        "admitted_from": data.get("admitted_from"),
        "admitted_to": data.get("admitted_to"),
    }


def _member_filter_text(filters) -> str:
    """The filters in words, for the export's subtitle."""
    parts = []
    if filters["union"]:
        parts.append(filters["union"].name)
    if filters["under"]:
        parts.append(_("thuộc %(unit)s") % {"unit": filters["under"].name})
    if filters["admitted_from"] or filters["admitted_to"]:
        start = filters["admitted_from"]
        end = filters["admitted_to"]
        parts.append(
            _("kết nạp %(start)s – %(end)s")
            % {
                "start": start.strftime("%d/%m/%Y") if start else "…",
                "end": end.strftime("%d/%m/%Y") if end else "…",
            }
        )
    if filters["query"]:
        parts.append(_("tìm “%(q)s”") % {"q": filters["query"]})
    return "; ".join(parts)


def member_list(request):
    """The register (sổ đoàn viên): current members the user may see, 50 a page, filtered by
    CĐCS, upper-level union and admission dates, searched by name or exact CCCD."""
    form, filters = _member_filters(request)
    members = member_register(request.user, **filters)
    page = paginate(request, members)
    allowed = personal_data_unit_ids(request.user)
    editable = unit_ids(request.user, "change")
    page.object_list = member_rows(page.object_list, allowed=allowed, editable=editable)
    # Each row's three links, reversed once for the page (core.links).
    departure = url_pattern("progress:departure")
    transfer = url_pattern("progress:transfer")
    party = url_pattern("progress:party_intro")
    for member in page.object_list:
        if member.can_edit:
            member.departure_url = departure(member.pk)
            member.transfer_url = transfer(member.pk)
            member.party_url = party(member.pk)
    log_personal_data_access(
        request.user,
        purpose="member_list",
        subjects=[m for m in page.object_list if sees_unit(allowed, m.union_id)],
        path=request.get_full_path(),
    )
    open_party = waiting_party_outcomes(request.user)
    outcome = url_pattern("progress:party_outcome")
    for record in open_party:
        record["outcome_url"] = outcome(record["pk"])
        record["date_text"] = short_date(record["date"])
    return render(
        request,
        "progress/member_list.html",
        {
            "form": form,
            "page": page,
            "members": page.object_list,
            "union": filters["union"],
            "query": filters["query"],
            "filtered": any(filters.values()),
            "open_party": open_party,
            "can_edit_any": editable is None or bool(editable),
        },
    )


def member_export(request):
    """The filtered register as Excel (every row, masked as on the page)."""
    form, filters = _member_filters(request)
    allowed = personal_data_unit_ids(request.user)
    members = member_rows(member_register(request.user, **filters), allowed=allowed, editable=set())
    log_personal_data_access(
        request.user,
        purpose="member_export",
        subjects=[m for m in members if sees_unit(allowed, m.union_id)],
        path=request.get_full_path(),
    )
    workbook = members_workbook(members, user=request.user, filters=_member_filter_text(filters))
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(workbook, f"so-doan-vien-{stamp}.xlsx")


def _rows_from_post(post) -> list[RawRow]:
    try:
        count = min(int(post.get("rows") or 0), MAX_ROWS)
    except ValueError:  # not a number: read every row the page may have sent
        count = MAX_ROWS
    rows = []
    for index in range(count):
        values = {key: post.get(f"row-{index}-{key}", "").strip() for key in COLUMNS}
        if any(values.values()):
            rows.append(RawRow(number=index + 1, values=values))
    return rows


def add_members(request):
    """Many new members on one page: rows of inputs, Tab to move, Enter for a new row."""
    form = UnionChoiceForm(request.POST or None, user=request.user, initial=request.GET)
    rows_in: list[RawRow] = []
    errors = []
    if request.method == "POST" and form.is_valid():
        union = form.cleaned_data["union"]
        require_edit(request.user, union)
        rows_in = _rows_from_post(request.POST)
        members, errors = validate_rows(rows_in, union, user=request.user)
        if not rows_in:
            errors = [_("Chưa nhập đoàn viên nào.")]
        if not errors:
            try:
                services.admit_members(union=union, members=members, user=request.user)
            except services.ProgressError as exc:
                errors = exc.messages
            else:
                messages.success(
                    request,
                    _("Đã kết nạp %(n)s đoàn viên vào %(u)s.") % {"n": len(members), "u": union},
                )
                return redirect(f"{reverse('progress:members')}?union={union.pk}")
    by_row = {}
    for error in errors:
        if hasattr(error, "row"):
            by_row.setdefault(error.row, []).append(error)
    submitted = {r.number: r.values for r in rows_in}
    count = max(BLANK_ROWS, max(submitted, default=0) + 1)
    rows = [
        {
            "index": i,
            "number": i + 1,
            "values": submitted.get(i + 1, {}),
            "errors": by_row.get(i + 1, []),
            "bad": {e.header for e in by_row.get(i + 1, [])},
        }
        for i in range(count)
    ]
    return render(
        request,
        "progress/add_members.html",
        {"form": form, "rows": rows, "columns": COLUMNS, "errors": errors, "count": count},
    )


def _serialise(members: list[dict]) -> list[dict]:
    return [
        {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in m.items()}
        for m in members
    ]


def _deserialise(members: list[dict]) -> list[dict]:
    out = []
    for m in members:
        out.append(
            {
                **m,
                "date_of_birth": datetime.date.fromisoformat(m["date_of_birth"]),
                "admitted_on": datetime.date.fromisoformat(m["admitted_on"]),
            }
        )
    return out


def import_members(request):
    """Upload → preview with row-level errors → confirm (atomic save)."""
    if request.method == "POST" and request.POST.get("confirm"):
        pending = request.session.get(SESSION_KEY) or {}
        if pending.get("token") != request.POST["confirm"]:
            messages.error(request, _("Phiên xem trước đã hết hạn; hãy tải tệp lên lại."))
            return redirect("progress:import_members")
        union = get_object_or_404(Unit, pk=pending["union"])
        require_edit(request.user, union)
        try:
            created = services.admit_members(
                union=union, members=_deserialise(pending["members"]), user=request.user
            )
        except services.ProgressError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("progress:import_members")
        del request.session[SESSION_KEY]
        messages.success(
            request,
            _("Đã nhập %(n)s đoàn viên từ %(f)s vào %(u)s.")
            % {"n": len(created), "f": pending["filename"], "u": union},
        )
        return redirect(f"{reverse('progress:members')}?union={union.pk}")
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    preview = None
    if request.method == "POST" and form.is_valid():
        union = form.cleaned_data["union"]
        require_edit(request.user, union)
        upload = form.cleaned_data["file"]
        parsed = read_members(upload, upload.name)
        members, errors = (
            validate_rows(parsed.rows, union, user=request.user) if parsed.rows else ([], [])
        )
        errors = parsed.errors + errors
        if not parsed.rows and not errors:
            errors = [_("Tệp %(f)s không có dòng đoàn viên nào.") % {"f": upload.name}]
        token = ""
        if not errors:
            token = uuid.uuid4().hex
            request.session[SESSION_KEY] = {
                "token": token,
                "union": union.pk,
                "filename": upload.name,
                "members": _serialise(members),
            }
        preview = {
            "filename": upload.name,
            "sheet": parsed.sheet,
            "union": union,
            "members": members,
            "errors": errors,
            "token": token,
        }
    return render(request, "progress/import_members.html", {"form": form, "preview": preview})


def _member_for_edit(request, pk) -> Member:
    member = get_object_or_404(Member.objects.select_related("union"), pk=pk)
    require_edit(request.user, member.union)
    return member


def _simple_form(request, form, title, subject, on_valid, *, done="progress:members"):
    """A one-form page; once saved, its message on ``done`` (or a safe ``next``)."""
    if request.method == "POST" and form.is_valid():
        try:
            message = on_valid(form.cleaned_data)
        except services.ProgressError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, message)
            return redirect_next(request, done)
    return render(
        request, "progress/simple_form.html", {"form": form, "title": title, "subject": subject}
    )


def departure(request, pk):
    member = _member_for_edit(request, pk)

    def save(data):
        services.record_departure(
            member=member,
            on_date=data["date"],
            reason=data["reason"],
            note=data["note"],
            user=request.user,
        )
        return _("Đã ghi giảm đoàn viên %(n)s.") % {"n": member.full_name}

    form = DepartureForm(request.POST or None)
    return _simple_form(request, form, _("Giảm đoàn viên"), member, save)


def transfer(request, pk):
    member = _member_for_edit(request, pk)

    def save(data):
        services.transfer_member(
            member=member,
            to_union=data["to_union"],
            on_date=data["date"],
            note=data["note"],
            user=request.user,
        )
        return _("Đã chuyển %(n)s đến %(u)s.") % {"n": member.full_name, "u": data["to_union"]}

    form = TransferForm(request.POST or None)
    return _simple_form(request, form, _("Chuyển sinh hoạt công đoàn"), member, save)


def party_intro(request, pk):
    member = _member_for_edit(request, pk)

    def save(data):
        services.introduce_to_party(
            member=member, on_date=data["date"], note=data["note"], user=request.user
        )
        return _("Đã ghi giới thiệu %(n)s cho Đảng xem xét.") % {"n": member.full_name}

    form = PartyIntroForm(request.POST or None)
    return _simple_form(request, form, _("Giới thiệu đoàn viên ưu tú cho Đảng"), member, save)


def party_outcome(request, pk):
    record = get_object_or_404(
        Record.objects.select_related("member", "union"), pk=pk, kind=RecordKind.PARTY_INTRODUCED
    )
    require_edit(request.user, record.union)

    def save(data):
        services.set_party_outcome(
            record=record, outcome=data["outcome"], on_date=data["date"], user=request.user
        )
        return _("Đã ghi kết quả.")

    form = PartyOutcomeForm(request.POST or None)
    subject = record.member or record.union
    return _simple_form(request, form, _("Kết quả giới thiệu cho Đảng"), subject, save)


def batch(request):
    form = BatchForm(request.POST or None, user=request.user)

    def save(data):  # record_batch checks the user may edit the union (PermissionDenied: 403)
        services.record_batch(
            kind=data["kind"],
            union=data["union"],
            on_date=data["date"],
            count=data["count"],
            reason=data["reason"],
            note=data["note"],
            user=request.user,
        )
        return _("Đã ghi %(n)s (%(u)s).") % {"n": data["count"], "u": data["union"]}

    # A counted batch names nobody, so the register would not show it; the entry page lists it
    # first among "your recent entries", beside the links to the next entry.
    return _simple_form(request, form, _("Nhập theo số lượng"), None, save, done="progress:entry")


def found_union(request):
    form = FoundUnionForm(request.POST or None, user=request.user)

    def save(data):
        require_edit(request.user, data["parent"])
        if data["parent"].kind in UnitKind.grassroots_level():
            raise PermissionDenied
        union = services.found_grassroots_union(
            name=data["name"],
            parent=data["parent"],
            founded_on=data["founded_on"],
            sector=data["sector"],
            kind=data["kind"],
            user=request.user,
        )
        return _("Đã ghi thành lập %(u)s.") % {"u": union}

    return _simple_form(request, form, _("Thành lập CĐCS / nghiệp đoàn cơ sở"), None, save)
