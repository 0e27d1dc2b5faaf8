"""Members (sổ đoàn viên): CCCD, date of birth and ethnicity masked by the pages' own rule
(``accounts.permissions.personal_data_unit_ids`` and ``core.masking``); every unmasked answer is
written to the personal-data processing log, as on the pages."""

from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema

from accounts.permissions import personal_data_unit_ids, restrict
from api.common import MAX_ID, MAX_LIMIT, Day, Page, Text, date_text, page
from core.masking import log_personal_data_access, mask_cccd, mask_date, mask_hidden, sees_unit
from organisation.models import UnitPath
from progress.models import Member

router = Router(tags=["members"])


class MemberOut(Schema):
    id: int
    full_name: str
    gender: str
    date_of_birth: str
    ethnicity: str
    cccd: str
    job: str
    union_id: int
    union: str
    admitted_on: str
    left_on: str | None
    masked: bool


def _row(member: Member, mine: bool) -> dict:
    return {
        "id": member.pk,
        "full_name": member.full_name,
        "gender": member.gender,
        "date_of_birth": member.date_of_birth.isoformat()
        if mine
        else mask_date(member.date_of_birth),
        "ethnicity": member.ethnicity if mine else mask_hidden(member.ethnicity),
        "cccd": member.cccd if mine else mask_cccd(member.cccd),
        "job": member.job,
        "union_id": member.union_id,
        "union": member.union.name,
        "admitted_on": member.admitted_on.isoformat(),
        "left_on": date_text(member.left_on),
        "masked": not mine,
    }


def member_rows(user, members, *, log_path: str) -> list[dict]:
    allowed = personal_data_unit_ids(user)
    rows = [_row(m, sees_unit(allowed, m.union_id)) for m in members]
    log_personal_data_access(
        user,
        purpose="api_members",
        subjects=[m for m in members if sees_unit(allowed, m.union_id)],
        path=log_path,
    )
    return rows


@router.get("/members", response=Page[MemberOut], url_name="members", summary="Sổ đoàn viên")
def members(
    request,
    unit: int | None = Query(None, ge=1, le=MAX_ID, description="đơn vị: cả cây bên dưới"),
    q: Text(100) | None = Query(None, description="tìm theo họ tên"),
    current: bool = True,
    admitted_from: Day | None = Query(None, description="kết nạp từ ngày"),
    admitted_to: Day | None = Query(None, description="kết nạp đến ngày"),
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=10**9),
):
    """Members of the units the account may see (`current`: not left); personal data shown
    in full only to province administrators and the union's own officers."""
    rows = restrict(Member.objects.all(), request.user, "view").select_related("union")
    if current:
        rows = rows.filter(left_on__isnull=True)
    if unit is not None:
        rows = rows.filter(
            union_id__in=UnitPath.objects.filter(ancestor_id=unit).values("descendant_id")
        )
    if q:
        rows = rows.filter(full_name__icontains=q.strip())
    if admitted_from is not None:
        rows = rows.filter(admitted_on__gte=admitted_from)
    if admitted_to is not None:
        rows = rows.filter(admitted_on__lte=admitted_to)
    result = page(rows.order_by("union__name", "full_name", "id"), limit, offset)
    result["items"] = member_rows(request.user, result["items"], log_path=request.get_full_path())
    return result


@router.get(
    "/members/{int:member_id}", response=MemberOut, url_name="member", summary="Một đoàn viên"
)
def member(request, member_id: int = Path(..., ge=1, le=MAX_ID)):
    found = get_object_or_404(
        restrict(Member.objects.all(), request.user, "view").select_related("union"), pk=member_id
    )
    return member_rows(request.user, [found], log_path=request.get_full_path())[0]
