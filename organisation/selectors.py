"""Read queries on the organisation structure. Dates default to today."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.text import name_key
from organisation.models import BEGINNING_OF_TIME, SectorChange, Unit, UnitKind, UnitLink, UnitPath


def _today():
    return timezone.localdate()


def paths_on(on_date: datetime.date | None = None) -> QuerySet[UnitPath]:
    on_date = on_date or _today()
    return UnitPath.objects.filter(valid_from__lte=on_date, valid_to__gte=on_date)


def subtree(unit: Unit, on_date: datetime.date | None = None) -> QuerySet[Unit]:
    """unit and every unit below it as of on_date, in one query."""
    ids = paths_on(on_date).filter(ancestor=unit).values("descendant_id")
    return Unit.objects.filter(id__in=ids)


def children(unit: Unit, on_date: datetime.date | None = None) -> QuerySet[Unit]:
    ids = paths_on(on_date).filter(ancestor=unit, depth=1).values("descendant_id")
    return Unit.objects.filter(id__in=ids).order_by("sort_order", "name")


def ancestors(unit: Unit, on_date: datetime.date | None = None) -> QuerySet[Unit]:
    """unit's ancestors (excluding itself), nearest first."""
    paths = paths_on(on_date).filter(descendant=unit, depth__gt=0).order_by("depth")
    return Unit.objects.filter(id__in=paths.values("ancestor_id"))


def parent_of(unit: Unit, on_date: datetime.date | None = None) -> Unit | None:
    path = paths_on(on_date).filter(descendant=unit, depth=1).select_related("ancestor").first()
    return path.ancestor if path else None


def sector_as_of(unit: Unit, on_date: datetime.date) -> str:
    change = (
        SectorChange.objects.filter(unit=unit, effective_from__lte=on_date)
        .order_by("-effective_from")
        .first()
    )
    return change.sector if change else unit.sector


def sectors_as_of(unit: Unit, dates) -> dict[datetime.date, str]:
    """``sector_as_of(unit, d)`` for every d of dates, in one query (bulk writes)."""
    changes = list(
        SectorChange.objects.filter(unit=unit)
        .order_by("effective_from")
        .values_list("effective_from", "sector")
    )
    found = {}
    for day in set(dates):
        sector = unit.sector
        for effective_from, changed_to in changes:
            if effective_from > day:
                break
            sector = changed_to
        found[day] = sector
    return found


def provinces() -> QuerySet[Unit]:
    return Unit.objects.filter(kind=UnitKind.PROVINCE)


def find_unit_by_name(name: str, among: QuerySet[Unit] | None = None) -> Unit | None:
    """Match a unit by name ignoring case, spacing and Unicode normal form."""
    queryset = among if among is not None else Unit.objects.all()
    return queryset.filter(name_key=name_key(name)).order_by("-founded_on").first()


@dataclass
class Changes:
    """What changed in the structure on one date (among the units a user may see)."""

    created: list[Unit]
    ended: list[Unit]
    moved: list[tuple[Unit, Unit | None, Unit]]  # (unit, old parent, new parent)

    def __bool__(self):
        return bool(self.created or self.ended or self.moved)


def changes_on(on_date: datetime.date, visible: QuerySet[Unit] | None = None) -> Changes:
    """Units founded, ended and moved on on_date; visible None = every unit."""
    units = Unit.objects.all() if visible is None else Unit.objects.filter(id__in=visible)
    changed = list(
        units.filter(Q(founded_on=on_date) | Q(dissolved_on=on_date)).order_by("sort_order", "name")
    )
    created = [u for u in changed if u.founded_on == on_date]
    ended = [u for u in changed if u.dissolved_on == on_date]
    day_before = on_date - datetime.timedelta(days=1)
    starting = list(
        UnitLink.objects.filter(valid_from=on_date, child__in=units, child__founded_on__lt=on_date)
        .select_related("child", "parent")
        .order_by("parent__name", "child__name")
    )
    if not starting:
        return Changes(created, ended, [])
    before = {
        link.child_id: link.parent
        for link in UnitLink.objects.filter(
            valid_to=day_before, child__in=[s.child_id for s in starting]
        ).select_related("parent")
    }
    moved = [(link.child, before.get(link.child_id), link.parent) for link in starting]
    return Changes(created, ended, moved)


def change_dates(visible: QuerySet[Unit] | None = None, limit: int = 12) -> list[datetime.date]:
    """The latest dates on which the structure changed (for quick links on the tree page)."""
    units = Unit.objects.all() if visible is None else Unit.objects.filter(id__in=visible)

    founded = units.exclude(founded_on=BEGINNING_OF_TIME).values_list("founded_on", flat=True)
    ended = units.exclude(dissolved_on=None).values_list("dissolved_on", flat=True)
    links = UnitLink.objects.filter(child__in=units).exclude(valid_from=BEGINNING_OF_TIME)
    moved = links.values_list("valid_from", flat=True)
    dates = founded.order_by().union(ended.order_by(), moved.order_by())  # one query, distinct
    return sorted(dates, reverse=True)[:limit]
