"""Read queries: the register a user may see, the ≥25 list and coverage, the founding board."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import CharField, Count, F, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone
from django.utils.text import capfirst

from accounts.permissions import restrict
from core.text import name_key
from enterprises.models import Enterprise, FoundingCase, InformalGroup, Stage
from organisation.models import Unit, UnitKind
from organisation.selectors import subtree


def large_threshold() -> int:
    return settings.LARGE_ENTERPRISE_MIN_WORKERS


def enterprises_for(user) -> QuerySet[Enterprise]:
    """Enterprises whose responsible union the user may read (officers: their subtree)."""
    return restrict(Enterprise.objects.all(), user, "view").select_related(
        "unit", "grassroots_union", "founding"
    )


def informal_groups_for(user) -> QuerySet[InformalGroup]:
    return restrict(InformalGroup.objects.all(), user, "view").select_related(
        "unit", "grassroots_union", "founding"
    )


def cases_for(user) -> QuerySet[FoundingCase]:
    return restrict(FoundingCase.objects.all(), user, "view").select_related(
        "unit", "enterprise", "informal_group"
    )


def responsible_units_for(user, *, editable=True) -> QuerySet[Unit]:
    """Upper-level unions an enterprise can be put under by this user."""
    units = restrict(Unit.objects.all(), user, "change" if editable else "view")
    return units.filter(kind__in=UnitKind.upper_level()).order_by("sort_order", "name")


def large(queryset: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    return queryset.filter(workers__gte=large_threshold())


def large_without_union(queryset: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    return large(queryset).filter(grassroots_union__isnull=True)


@dataclass
class CoverageRow:
    unit: Unit | None
    large: int = 0
    covered: int = 0
    workers_uncovered: int = 0

    @property
    def uncovered(self) -> int:
        return self.large - self.covered

    @property
    def percent(self) -> float | None:
        """Coverage toward the 100 % target; None when the unit has no large enterprise."""
        return round(100 * self.covered / self.large, 1) if self.large else None

    @property
    def reached(self) -> bool:
        return self.large > 0 and self.covered == self.large


@dataclass
class Coverage:
    rows: list[CoverageRow] = field(default_factory=list)
    total: CoverageRow = field(default_factory=lambda: CoverageRow(unit=None))
    threshold: int = 25


def coverage(user) -> Coverage:
    """Per responsible unit and in total: enterprises with ≥ threshold workers, how many have a
    union, coverage % toward 100 %. One grouped query."""
    threshold = large_threshold()
    grouped = (
        large(enterprises_for(user))
        .values("unit")
        .annotate(
            large=Count("id"),
            covered=Count("id", filter=Q(grassroots_union__isnull=False)),
        )
    )
    uncovered_workers = {
        row["unit"]: row["w"]
        for row in large_without_union(enterprises_for(user))
        .values("unit")
        .annotate(w=Sum("workers"))
    }
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[g["unit"] for g in grouped])}
    result = Coverage(threshold=threshold)
    for g in grouped:
        row = CoverageRow(
            unit=units[g["unit"]],
            large=g["large"],
            covered=g["covered"],
            workers_uncovered=uncovered_workers.get(g["unit"]) or 0,
        )
        result.rows.append(row)
        result.total.large += row.large
        result.total.covered += row.covered
        result.total.workers_uncovered += row.workers_uncovered
    result.rows.sort(key=lambda r: (r.unit.sort_order, r.unit.name))
    return result


BOARD_CARDS_PER_COLUMN = 60


@dataclass
class BoardColumn:
    stage: int
    label: str
    cases: list = field(default_factory=list)
    total: int = 0

    @property
    def hidden(self) -> int:
        return self.total - len(self.cases)


def on_the_way(user, unit: Unit | None = None) -> QuerySet[FoundingCase]:
    """The founding cases of the board and of the case list: every open or finished case the
    user may see (``unit``: the unit itself and its subtree today — a unit that has ended keeps
    its own cases). A subject linked to an existing union without going through the steps is not
    on the way, and is left out."""
    cases = cases_for(user)
    if unit is not None:
        cases = cases.filter(Q(unit=unit) | Q(unit__in=subtree(unit)))
    linked = Q(enterprise__grassroots_union__isnull=False) | Q(
        informal_group__grassroots_union__isnull=False
    )
    return cases.exclude(linked & Q(stage__lt=Stage.DECISION))


def board(user, unit: Unit | None = None, *, include_informal=True) -> list[BoardColumn]:
    """Every open or finished founding case the user may see, by step (kanban columns)."""
    cases = on_the_way(user, unit)
    if not include_informal:
        cases = cases.filter(informal_group__isnull=True)
    columns = {stage: BoardColumn(stage=stage, label=label) for stage, label in Stage.choices}
    for row in cases.values("stage").annotate(n=Count("id")):
        columns[row["stage"]].total = row["n"]
    for column in columns.values():
        column.cases = list(
            cases.filter(stage=column.stage).order_by(
                F("enterprise__workers").desc(nulls_last=True), "unit__sort_order", "id"
            )[:BOARD_CARDS_PER_COLUMN]
        )
    return list(columns.values())


# --- The case list ----------------------------------------------------------------------------

# The date of each step, in order. Steps go in order and their dates never go backwards, so the
# last date set is the date of the step a case is at.
STEP_DATES = [
    (Stage.IDENTIFIED, "identified_on"),
    (Stage.COMMITTEE, "committee_formed_on"),
    (Stage.CONFERENCE, "conference_on"),
    (Stage.DECISION, "decision_on"),
    (Stage.CEREMONY, "ceremony_on"),
]
SUBJECT_KINDS = ("enterprise", "informal")
STUCK_DAYS_CHOICES = (30, 90, 180)


@dataclass(frozen=True)
class CaseFilters:
    unit: Unit | None = None  # the unit and its subtree (see on_the_way)
    stage: int | None = None
    kind: str = ""  # "enterprise", "informal" or "" for both
    query: str = ""  # in the enterprise's name or tax code, the group's trade or place
    stuck_days: int | None = None  # not finished, and no step for more than this many days


def case_list(
    user, filters: CaseFilters | None = None, *, today: datetime.date | None = None
) -> QuerySet[FoundingCase]:
    """The cases of the board (``on_the_way``), filtered, each with ``last_step_on`` (the date of
    the step it is at) and ``subject_name``; by unit, then step, then name."""
    filters = filters if filters is not None else CaseFilters()
    cases = on_the_way(user, filters.unit).annotate(
        last_step_on=Coalesce(*(F(name) for _stage, name in reversed(STEP_DATES))),
        subject_name=Coalesce(
            F("enterprise__name"),
            Concat(F("informal_group__trade"), Value(" — "), F("informal_group__place")),
            output_field=CharField(),
        ),
    )
    if filters.stage is not None:
        cases = cases.filter(stage=filters.stage)
    if filters.kind == "enterprise":
        cases = cases.filter(enterprise__isnull=False)
    elif filters.kind == "informal":
        cases = cases.filter(informal_group__isnull=False)
    if filters.query:
        text = filters.query
        cases = cases.filter(
            Q(enterprise__name__icontains=text)
            | Q(enterprise__name_key__contains=name_key(text))
            | Q(enterprise__tax_code__icontains=text)
            | Q(informal_group__trade__icontains=text)
            | Q(informal_group__place__icontains=text)
        )
    if filters.stuck_days is not None:
        since = (today or timezone.localdate()) - datetime.timedelta(days=filters.stuck_days)
        cases = cases.filter(stage__lt=Stage.CEREMONY, last_step_on__lt=since)
    return cases.order_by("unit__sort_order", "unit__name", "stage", "subject_name", "pk")


def step_columns(cases: QuerySet[FoundingCase]) -> list[tuple[str, str]]:
    """(date field, header) of the steps at least one of cases has reached: a step no case has
    reached would be an empty column, and is left out."""
    furthest = cases.order_by().aggregate(m=Max("stage"))["m"] or Stage.IDENTIFIED
    return [
        (name, str(capfirst(FoundingCase._meta.get_field(name).verbose_name)))
        for stage, name in STEP_DATES
        if stage <= furthest
    ]
