"""Writes to the organisation structure. Every change to links rebuilds the affected paths."""

import datetime
from collections import defaultdict

from django.db import transaction

from organisation.models import (
    BEGINNING_OF_TIME,
    END_OF_TIME,
    Sector,
    SectorChange,
    Unit,
    UnitKind,
    UnitLink,
    UnitPath,
)

MAX_DEPTH = 12  # far deeper than any real hierarchy; guards against a cycle in bad data


@transaction.atomic
def create_unit(
    *,
    name: str,
    kind: str,
    parent: Unit | None = None,
    sector: str = Sector.MIXED,
    valid_from: datetime.date = BEGINNING_OF_TIME,
    sort_order: int = 0,
    short_name: str = "",
    code: str = "",
    is_simulated: bool = False,
) -> Unit:
    unit = Unit.objects.create(
        name=name,
        kind=kind,
        sector=sector,
        sort_order=sort_order,
        short_name=short_name,
        code=code,
        founded_on=valid_from,
        is_simulated=is_simulated,
    )
    if sector != Sector.MIXED:
        SectorChange.objects.create(unit=unit, sector=sector, effective_from=valid_from)
    if parent is not None:
        UnitLink.objects.create(child=unit, parent=parent, valid_from=valid_from)
    rebuild_paths([unit])
    return unit


@transaction.atomic
def move_unit(*, unit: Unit, new_parent: Unit, on_date: datetime.date) -> UnitLink:
    """From on_date on, unit belongs to new_parent; its earlier link ends the day before."""
    day_before = on_date - datetime.timedelta(days=1)
    for link in UnitLink.objects.filter(child=unit, valid_to__gte=on_date):
        if link.valid_from >= on_date:
            link.delete()
        else:
            link.valid_to = day_before
            link.save(update_fields=["valid_to"])
    link = UnitLink.objects.create(child=unit, parent=new_parent, valid_from=on_date)
    rebuild_paths([unit])
    return link


@transaction.atomic
def dissolve_unit(*, unit: Unit, on_date: datetime.date) -> None:
    """The unit ends on on_date (inclusive); its links end with it."""
    unit.dissolved_on = on_date
    unit.save(update_fields=["dissolved_on"])
    UnitLink.objects.filter(child=unit, valid_to__gt=on_date).update(valid_to=on_date)
    rebuild_paths([unit])


@transaction.atomic
def set_sector(*, unit: Unit, sector: str, effective_from: datetime.date) -> None:
    SectorChange.objects.update_or_create(
        unit=unit, effective_from=effective_from, defaults={"sector": sector}
    )
    latest = SectorChange.objects.filter(unit=unit).order_by("-effective_from").first()
    if unit.sector != latest.sector:
        unit.sector = latest.sector
        unit.save(update_fields=["sector"])


def _intersect(a, b):
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return (start, end) if start <= end else None


def _paths_for(unit_id, life, links_by_child):
    """All (ancestor, depth, from, to) reachable upward from unit_id, as date ranges."""
    found = [(unit_id, 0, life)]
    frontier = [(unit_id, 0, life)]
    while frontier:
        node, depth, span = frontier.pop()
        if depth >= MAX_DEPTH:
            raise ValueError(f"Unit hierarchy too deep or cyclic at unit {node}")
        for parent_id, link_span in links_by_child.get(node, ()):
            overlap = _intersect(span, link_span)
            if overlap:
                found.append((parent_id, depth + 1, overlap))
                frontier.append((parent_id, depth + 1, overlap))
    return found


@transaction.atomic
def rebuild_paths(units=None) -> int:
    """Recompute the closure rows of ``units`` and everything ever below them (all if None)."""
    if units is None:
        affected = set(Unit.objects.values_list("id", flat=True))
        UnitPath.objects.all().delete()
    else:
        ids = {u.pk for u in units}
        below = UnitPath.objects.filter(ancestor_id__in=ids).values_list("descendant_id", flat=True)
        affected = ids | set(below)
        UnitPath.objects.filter(descendant_id__in=affected).delete()
    links_by_child = defaultdict(list)
    for child_id, parent_id, start, end in UnitLink.objects.values_list(
        "child_id", "parent_id", "valid_from", "valid_to"
    ):
        links_by_child[child_id].append((parent_id, (start, end)))
    lives = {
        pk: (start, end or END_OF_TIME)
        for pk, start, end in Unit.objects.filter(id__in=affected).values_list(
            "id", "founded_on", "dissolved_on"
        )
    }
    rows = []
    for unit_id in affected:
        for ancestor_id, depth, (start, end) in _paths_for(unit_id, lives[unit_id], links_by_child):
            rows.append(
                UnitPath(
                    ancestor_id=ancestor_id,
                    descendant_id=unit_id,
                    depth=depth,
                    valid_from=start,
                    valid_to=end,
                )
            )
    UnitPath.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def province_of(unit: Unit) -> Unit | None:
    """The province federation above (or equal to) unit, at any time."""
    if unit.kind == UnitKind.PROVINCE:
        return unit
    path = (
        UnitPath.objects.filter(descendant=unit, ancestor__kind=UnitKind.PROVINCE)
        .select_related("ancestor")
        .first()
    )
    return path.ancestor if path else None
