"""Units: the tree as of a date (flat, each with its parent), one unit, the changes of a day."""

import datetime
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Path, Query, Router, Schema

from accounts.permissions import restrict, sees_all_units
from api.common import MAX_LIMIT, Day, Page, date_text, page
from organisation import selectors
from organisation.models import BEGINNING_OF_TIME, Unit, UnitKind
from organisation.tree import build_tree, default_roots

router = Router(tags=["units"])

Kind = Literal[tuple(UnitKind.values)]


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    sector: str
    code: str
    parent_id: int | None
    depth: int
    founded_on: str | None
    dissolved_on: str | None


class UnitRef(Schema):
    id: int
    name: str


class UnitDetail(UnitOut):
    ancestors: list[UnitRef]
    children: list[UnitRef]
    on: str


class MoveOut(Schema):
    unit: UnitRef
    from_parent: UnitRef | None
    to_parent: UnitRef


class ChangesOut(Schema):
    on: str
    created: list[UnitRef]
    ended: list[UnitRef]
    moved: list[MoveOut]
    change_dates: list[str]


def _ref(unit) -> dict | None:
    return {"id": unit.pk, "name": unit.name} if unit is not None else None


def _row(unit, sector, parent_id, depth) -> dict:
    return {
        "id": unit.pk,
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "sector": sector,
        "code": unit.code,
        "parent_id": parent_id,
        "depth": depth,
        "founded_on": None if unit.founded_on == BEGINNING_OF_TIME else date_text(unit.founded_on),
        "dissolved_on": date_text(unit.dissolved_on),
    }


def _visible(user):
    return None if sees_all_units(user) else restrict(Unit.objects.all(), user)


@router.get("/units", response=Page[UnitOut], url_name="units", summary="Cây đơn vị tại một ngày")
def units(
    request,
    on: Day | None = None,
    under: int | None = Query(None, ge=1, le=2**63 - 1),
    kind: Kind | None = None,
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=10**9),
):
    """The units the token's account may see as of `on` (default today), depth first, each
    with its parent on that date; `under`: that unit's subtree only."""
    on_date = on or timezone.localdate()
    visible = _visible(request.user)
    if under is not None:
        root = get_object_or_404(restrict(Unit.objects.all(), request.user), pk=under)
        roots = [root]
    else:
        roots = default_roots(request.user, on_date)
    rows = []
    stack = [(node, None, 0) for node in reversed(build_tree(roots, on_date, visible=visible))]
    while stack:
        node, parent_id, depth = stack.pop()
        if kind is None or node.unit.kind == kind:
            rows.append(_row(node.unit, node.sector, parent_id, depth))
        stack.extend((child, node.unit.pk, depth + 1) for child in reversed(node.children))
    return page(rows, limit, offset)


@router.get(
    "/units/changes", response=ChangesOut, url_name="unit_changes", summary="Thay đổi cơ cấu"
)
def unit_changes(request, on: Day | None = None):
    """Units founded, ended and moved on `on` (default today) among those the account may
    see, and the latest dates the structure changed."""
    on_date = on or timezone.localdate()
    visible = _visible(request.user)
    changes = selectors.changes_on(on_date, visible)
    return {
        "on": on_date.isoformat(),
        "created": [_ref(u) for u in changes.created],
        "ended": [_ref(u) for u in changes.ended],
        "moved": [
            {"unit": _ref(u), "from_parent": _ref(old), "to_parent": _ref(new)}
            for u, old, new in changes.moved
        ],
        "change_dates": [d.isoformat() for d in selectors.change_dates(visible)],
    }


@router.get("/units/{int:unit_id}", response=UnitDetail, url_name="unit", summary="Một đơn vị")
def unit(request, unit_id: int = Path(..., ge=1, le=2**63 - 1), on: Day | None = None):
    on_date: datetime.date = on or timezone.localdate()
    visible = restrict(Unit.objects.all(), request.user)
    found = get_object_or_404(visible, pk=unit_id)
    nodes = build_tree([found], on_date, visible=visible)
    paths = list(
        selectors.paths_on(on_date)
        .filter(descendant=found, depth__gt=0)
        .select_related("ancestor")
        .order_by("-depth")
    )
    readable = set(
        visible.filter(id__in=[p.ancestor_id for p in paths]).values_list("id", flat=True)
    )
    parent = next((p.ancestor for p in paths if p.depth == 1), None)
    node = nodes[0] if nodes else None
    sector = node.sector if node else selectors.sector_as_of(found, on_date)
    return {
        **_row(found, sector, parent.pk if parent else None, len(paths)),
        "ancestors": [_ref(p.ancestor) for p in paths if p.ancestor_id in readable],
        "children": [_ref(c.unit) for c in (node.children if node else [])],
        "on": on_date.isoformat(),
    }
