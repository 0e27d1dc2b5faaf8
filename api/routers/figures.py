"""Figures: target, achieved and % per unit × indicator for a period — the dashboard's own
numbers (``progress.dashboard.build``, which reads ``progress.selectors.achieved`` and
``plans.selectors.targets_in_force``), with an ETag for ``If-None-Match``."""

import hashlib
import json

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema

from accounts.permissions import require_view, unit_ids
from api.common import MAX_ID, Day
from api.routers.plans import IndicatorOut, get_period, get_plan, indicator_row
from organisation.models import Unit
from plans import selectors as plan_selectors
from progress import dashboard as boards

router = Router(tags=["figures"])


class CellOut(Schema):
    indicator_id: int
    target: int | None
    achieved: int | float
    percent: float | None
    gap: int | None
    pace: str


class RowOut(Schema):
    unit_id: int
    unit: str
    row_number: int | None
    is_total: bool
    rank: int | None
    cells: list[CellOut]


class FiguresOut(Schema):
    plan_id: int
    period: str
    as_of: str
    elapsed_percent: float
    ranked_among: int
    indicators: list[IndicatorOut]
    rows: list[RowOut]


def _row(row) -> dict:
    return {
        "unit_id": row.unit.pk,
        "unit": row.unit.name,
        "row_number": row.number,
        "is_total": bool(row.is_province or row.is_parent),
        "rank": row.rank,
        "cells": [
            {
                "indicator_id": c.indicator.pk,
                "target": c.target,
                "achieved": c.achieved,
                "percent": c.percent,
                "gap": c.gap,
                "pace": c.pace,
            }
            for c in row.cells
        ],
    }


def figures_data(user, plan, period, *, under=None, on=None) -> dict:
    """The dashboard of (plan, period) as the user sees it, as JSON-ready data."""
    visible = plan_selectors.visible_plan_unit_ids(user, plan)
    parent = None
    if under is not None:
        parent = get_object_or_404(Unit, pk=under)
        require_view(user, parent)
        visible = unit_ids(user, "view")
    board = boards.build(period, visible_unit_ids=visible, parent=parent, today=on)
    rows = [*board.rows, *([board.province] if board.province else [])]
    return {
        "plan_id": plan.pk,
        "period": period.code,
        "as_of": board.as_of.isoformat(),
        "elapsed_percent": board.elapsed_percent,
        "ranked_among": board.ranked_among,
        "indicators": [indicator_row(i) for i in board.layout.columns],
        "rows": [_row(r) for r in rows],
    }


@router.get(
    "/plans/{int:plan_id}/periods/{slug:period}/figures",
    response={200: FiguresOut, 304: None},
    url_name="figures",
    summary="Số liệu tiến độ (như bảng theo dõi)",
)
def figures(
    request,
    plan_id: int = Path(..., ge=1, le=MAX_ID),
    period: str = Path(..., max_length=30),
    under: int | None = Query(None, ge=1, le=MAX_ID),
    on: Day | None = None,
):
    """Per unit row (the plan's units, or `under`'s children, plus the totals row) and
    indicator: target in force, achieved, %, gap and pace, as of `on` (default today, kept
    within the period). Send the `ETag` back as `If-None-Match` to get 304 when unchanged."""
    found = get_plan(request, plan_id)
    current = get_period(found, period)
    data = figures_data(request.user, found, current, under=under, on=on)
    content = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    etag = '"' + hashlib.sha256(content.encode()).hexdigest()[:32] + '"'
    # Weak comparison (RFC 9110 13.1.2): GZipMiddleware marks a compressed answer's ETag weak
    # (W/"…"), and a client sends that back.
    wanted = {
        t.strip().removeprefix("W/") for t in request.headers.get("If-None-Match", "").split(",")
    }
    if etag in wanted or "*" in wanted:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response
