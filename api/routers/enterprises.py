"""Enterprises (the register) and founding cases, scoped to the responsible unions the
account may see (``enterprises.selectors``, built on ``restrict``)."""

from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema

from api.common import MAX_ID, MAX_LIMIT, Day, Page, Text, date_text, page
from enterprises import selectors
from organisation.models import UnitPath

router = Router(tags=["enterprises"])


class CaseOut(Schema):
    id: int
    unit_id: int
    enterprise_id: int | None
    informal_group_id: int | None
    stage: int
    stage_label: str
    identified_on: str
    committee_formed_on: str | None


class EnterpriseOut(Schema):
    id: int
    name: str
    tax_code: str
    address: str
    commune: str
    unit_id: int
    unit: str
    ownership: str
    legal_form: str
    industry: str
    workers: int | None
    workers_surveyed_on: str | None
    large: bool
    grassroots_union_id: int | None
    founding_case_id: int | None


def case_row(case) -> dict:
    return {
        "id": case.pk,
        "unit_id": case.unit_id,
        "enterprise_id": case.enterprise_id,
        "informal_group_id": case.informal_group_id,
        "stage": case.stage,
        "stage_label": str(case.get_stage_display()),
        "identified_on": case.identified_on.isoformat(),
        "committee_formed_on": date_text(case.committee_formed_on),
    }


def enterprise_row(e) -> dict:
    case = getattr(e, "founding", None)
    return {
        "id": e.pk,
        "name": e.name,
        "tax_code": e.tax_code,
        "address": e.address,
        "commune": e.commune,
        "unit_id": e.unit_id,
        "unit": e.unit.name,
        "ownership": e.ownership,
        "legal_form": e.legal_form,
        "industry": e.industry,
        "workers": e.workers,
        "workers_surveyed_on": date_text(e.workers_surveyed_on),
        "large": e.workers is not None and e.workers >= selectors.large_threshold(),
        "grassroots_union_id": e.grassroots_union_id,
        "founding_case_id": case.pk if case else None,
    }


def _founding(e):
    try:
        return e.founding
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist: no case yet
        return None


@router.get(
    "/enterprises", response=Page[EnterpriseOut], url_name="enterprises", summary="Doanh nghiệp"
)
def enterprises(
    request,
    unit: int | None = Query(None, ge=1, le=MAX_ID, description="công đoàn phụ trách (cả cây)"),
    q: Text(100) | None = Query(None, description="tìm theo tên"),
    large: bool | None = Query(None, description="chỉ DN từ 25 lao động trở lên"),
    without_union: bool | None = Query(None, description="chỉ DN chưa có CĐCS"),
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=10**9),
):
    rows = selectors.enterprises_for(request.user)
    if unit is not None:
        rows = rows.filter(
            unit_id__in=UnitPath.objects.filter(ancestor_id=unit).values("descendant_id")
        )
    if q:
        rows = rows.filter(name__icontains=q.strip())
    if large:
        rows = selectors.large(rows)
    if without_union:
        rows = rows.filter(grassroots_union__isnull=True)
    items = page(rows.order_by("name", "id"), limit, offset)
    items["items"] = [_enterprise(e) for e in items["items"]]
    return items


def _enterprise(e) -> dict:
    e.founding = _founding(e)
    return enterprise_row(e)


@router.get(
    "/enterprises/{int:enterprise_id}",
    response=EnterpriseOut,
    url_name="enterprise",
    summary="Một doanh nghiệp",
)
def enterprise(request, enterprise_id: int = Path(..., ge=1, le=MAX_ID)):
    found = get_object_or_404(selectors.enterprises_for(request.user), pk=enterprise_id)
    return _enterprise(found)


@router.get(
    "/founding-cases",
    response=Page[CaseOut],
    url_name="founding_cases",
    summary="Hồ sơ thành lập CĐCS",
)
def founding_cases(
    request,
    stage: int | None = Query(None, ge=1, le=5),
    unit: int | None = Query(None, ge=1, le=MAX_ID, description="công đoàn phụ trách (cả cây)"),
    identified_from: Day | None = Query(None, description="phát hiện từ ngày"),
    identified_to: Day | None = Query(None, description="phát hiện đến ngày"),
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=10**9),
):
    """Founding cases of the units the account may see; `stage`, `unit` (its whole subtree),
    identified between `identified_from` and `identified_to`."""
    rows = selectors.cases_for(request.user)
    if stage is not None:
        rows = rows.filter(stage=stage)
    if unit is not None:
        rows = rows.filter(
            unit_id__in=UnitPath.objects.filter(ancestor_id=unit).values("descendant_id")
        )
    if identified_from is not None:
        rows = rows.filter(identified_on__gte=identified_from)
    if identified_to is not None:
        rows = rows.filter(identified_on__lte=identified_to)
    return page(rows.order_by("-identified_on", "id"), limit, offset, case_row)
