"""Read queries on the organisation structure. Dates default to today."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from core.text import name_key
from organisation.models import SectorChange, Unit, UnitKind, UnitPath


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
