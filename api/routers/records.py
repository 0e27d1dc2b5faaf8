"""Records (the progress register): list with filters; admissions, departures, transfers,
Party introductions and outcomes, each through its ``progress.services`` function (which
checks the account's rights itself and writes all or nothing)."""

from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from accounts.permissions import require_edit, restrict
from api.common import MAX_ID, MAX_LIMIT, Day, Id, Page, Text, date_text, page
from api.routers.members import MemberOut, member_rows
from organisation.models import Unit, UnitPath
from progress import services
from progress.member_rows import COLUMNS, RawRow, validate_rows
from progress.models import LeaveReason, Member, PartyOutcome, Record, RecordKind

router = Router(tags=["records"])

KindName = Literal[tuple(RecordKind.values)]


class RecordOut(Schema):
    id: int
    kind: str
    date: str
    union_id: int
    union: str
    sector: str
    count: int
    member_id: int | None
    member: str | None
    other_union_id: int | None
    leave_reason: str
    party_outcome: str
    party_outcome_on: str | None
    note: str
    entered_at: str


def record_row(r: Record) -> dict:
    return {
        "id": r.pk,
        "kind": r.kind,
        "date": r.date.isoformat(),
        "union_id": r.union_id,
        "union": r.union.name,
        "sector": r.sector,
        "count": r.count,
        "member_id": r.member_id,
        "member": r.member.full_name if r.member_id else None,
        "other_union_id": r.other_union_id,
        "leave_reason": r.leave_reason,
        "party_outcome": r.party_outcome,
        "party_outcome_on": date_text(r.party_outcome_on),
        "note": r.note,
        "entered_at": r.entered_at.isoformat(),
    }


@router.get("/records", response=Page[RecordOut], url_name="records", summary="Bản ghi tiến độ")
def records(
    request,
    unit: int | None = Query(None, ge=1, le=MAX_ID, description="đơn vị: cả cây bên dưới"),
    kind: KindName | None = None,
    date_from: Day | None = None,
    date_to: Day | None = None,
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=10**9),
):
    """The records of the units the account may see, newest first; `unit`: that unit and
    every unit ever below it; `kind`, `date_from`, `date_to` (inclusive)."""
    rows = restrict(Record.objects.all(), request.user, "view").select_related("union", "member")
    if unit is not None:
        below = UnitPath.objects.filter(ancestor_id=unit).values("descendant_id")
        rows = rows.filter(union_id__in=below)
    if kind is not None:
        rows = rows.filter(kind=kind)
    if date_from is not None:
        rows = rows.filter(date__gte=date_from)
    if date_to is not None:
        rows = rows.filter(date__lte=date_to)
    return page(rows.order_by("-date", "-id"), limit, offset, record_row)


# Writes ------------------------------------------------------------------------------------


class PersonIn(Schema):
    full_name: Text(150)
    date_of_birth: Day
    gender: Text(10) = Field(description="male/female (hoặc Nam/Nữ)")
    ethnicity: Text(50) = ""
    cccd: Text(20)
    job: Text(150) = ""
    admitted_on: Day


class AdmissionIn(Schema):
    union_id: Id
    members: list[PersonIn] = Field(min_length=1, max_length=200)


class AdmissionOut(Schema):
    union_id: int
    admitted: int
    members: list[MemberOut]


def _union(union_id: int) -> Unit:
    return get_object_or_404(Unit, pk=union_id)


def _member(request, member_id: int) -> Member:
    return get_object_or_404(restrict(Member.objects.all(), request.user, "view"), pk=member_id)


@router.post(
    "/records/admissions",
    response={201: AdmissionOut},
    url_name="admissions",
    summary="Kết nạp đoàn viên",
)
def admissions(request, payload: AdmissionIn):
    """Admit members to a CĐCS, all or nothing: each row is checked like the entry page
    (`progress.member_rows.validate_rows`, one message per field) then
    `progress.services.admit_members`."""
    union = _union(payload.union_id)
    require_edit(request.user, union)
    rows = [
        RawRow(number=i, values=person.dict(), columns={k: k for k in COLUMNS})
        for i, person in enumerate(payload.members)
    ]
    members, problems = validate_rows(rows, union, user=request.user)
    if problems:
        raise ValidationError({f"members.{p.row}.{p.column}": [p.message] for p in problems})
    with transaction.atomic():
        created = services.admit_members(union=union, members=members, user=request.user)
    return Status(
        201,
        {
            "union_id": union.pk,
            "admitted": len(created),
            "members": member_rows(request.user, created, log_path=request.get_full_path()),
        },
    )


class DepartureIn(Schema):
    member_id: Id
    on_date: Day
    reason: Literal[tuple(LeaveReason.values)]
    note: Text(500) = ""


@router.post(
    "/records/departures",
    response={201: RecordOut},
    url_name="departures",
    summary="Giảm đoàn viên",
)
def departures(request, payload: DepartureIn):
    member = _member(request, payload.member_id)
    record = services.record_departure(
        member=member,
        on_date=payload.on_date,
        reason=payload.reason,
        note=payload.note,
        user=request.user,
    )
    return Status(201, record_row(record))


class TransferIn(Schema):
    member_id: Id
    to_union_id: Id
    on_date: Day
    note: Text(500) = ""


class TransferOut(Schema):
    transfer_out: RecordOut
    transfer_in: RecordOut


@router.post(
    "/records/transfers",
    response={201: TransferOut},
    url_name="transfers",
    summary="Chuyển sinh hoạt đoàn viên",
)
def transfers(request, payload: TransferIn):
    member = _member(request, payload.member_id)
    to_union = _union(payload.to_union_id)
    out, into = services.transfer_member(
        member=member,
        to_union=to_union,
        on_date=payload.on_date,
        note=payload.note,
        user=request.user,
    )
    return Status(201, {"transfer_out": record_row(out), "transfer_in": record_row(into)})


class PartyIntroductionIn(Schema):
    member_id: Id
    on_date: Day
    note: Text(500) = ""


@router.post(
    "/records/party-introductions",
    response={201: RecordOut},
    url_name="party_introductions",
    summary="Giới thiệu đoàn viên cho Đảng",
)
def party_introductions(request, payload: PartyIntroductionIn):
    member = _member(request, payload.member_id)
    record = services.introduce_to_party(
        member=member, on_date=payload.on_date, note=payload.note, user=request.user
    )
    return Status(201, record_row(record))


class PartyOutcomeIn(Schema):
    outcome: Literal[tuple(PartyOutcome.values)]
    on_date: Day


@router.post(
    "/records/{int:record_id}/party-outcome",
    response={200: RecordOut},
    url_name="party_outcome",
    summary="Kết quả giới thiệu cho Đảng",
)
def party_outcome(request, payload: PartyOutcomeIn, record_id: int = Path(..., ge=1, le=MAX_ID)):
    record = get_object_or_404(
        restrict(Record.objects.all(), request.user, "view").select_related("union", "member"),
        pk=record_id,
    )
    record = services.set_party_outcome(
        record=record, outcome=payload.outcome, on_date=payload.on_date, user=request.user
    )
    return Status(200, record_row(record))
