"""Read queries for the home page of each role: where things stand and what to do next.

Read-only, and built from the other apps' selectors (progress, reports, enterprises). Every
figure is scoped by ``accounts.permissions``: the province home reads everything the user may
see, a unit officer's home its own unit and subtree, a grassroots officer's its own CĐCS.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.utils import timezone

from accounts.permissions import can_edit_unit, can_view_unit, sees_all_units, visible_units
from enterprises.models import FoundingCase, Stage
from enterprises.selectors import cases_for
from organisation.models import Unit, UnitKind
from plans.models import Period, Plan, Target
from plans.selectors import plans_for
from progress import dashboard as boards
from progress.models import Member, Record, RecordKind
from progress.selectors import achieved, open_party_introductions
from progress.stock import Stock, stock_of
from reports import selectors as report_selectors

# A founding case whose last step is older than this is "stuck" on the province's home.
STUCK_AFTER_DAYS = 30
LAGGING_SHOWN = 5
CASES_SHOWN = 5

PROVINCE, UNIT, GRASSROOTS, NONE = "province", "unit", "grassroots", "none"


def home_kind(user) -> str:
    """Which home the user gets: by the scope of what it may read, not by a role name."""
    if sees_all_units(user):
        return PROVINCE
    if user.unit_id is None or not can_view_unit(user, user.unit):
        return NONE
    if user.unit.kind in UnitKind.grassroots_level():
        return GRASSROOTS
    return UNIT


def current_plan_period(
    user, today: datetime.date, code: str | None = None
) -> tuple[Plan | None, Period | None]:
    """The newest plan the user may see and one of its periods: ``code`` if given, else the
    period running today (the shortest, e.g. the peak month inside the year); else, among the
    periods already started, the latest one whose targets are allocated to units (a year whose
    per-unit targets were never entered says little), else the latest started, else the first."""
    plan = plans_for(user).prefetch_related("periods").first()
    if plan is None:
        return None, None
    periods = list(plan.periods.all())
    if not periods:
        return plan, None
    chosen = next((p for p in periods if code and p.code == code), None)
    if chosen is not None:
        return plan, chosen
    running = [p for p in periods if p.start <= today <= p.end]
    if running:
        return plan, min(running, key=lambda p: p.end - p.start)
    started = [p for p in periods if p.start <= today]
    if not started:
        return plan, periods[0]
    allocated = set(
        Target.objects.filter(period__in=started, value__isnull=False)
        .exclude(unit_id=plan.issuing_unit_id)
        .values_list("period_id", flat=True)
        .distinct()
    )
    pool = [p for p in started if p.pk in allocated] or started
    return plan, max(pool, key=lambda p: (p.end, -(p.end - p.start).days))


def root_cells(row: boards.UnitRow | None) -> list[boards.Cell]:
    return [c for c in row.cells if c.indicator.parent_id is None] if row else []


# Reports -------------------------------------------------------------------------------------


@dataclass
class DeadlineStatus:
    summary: report_selectors.Consolidation
    today: datetime.date

    @property
    def deadline(self):
        return self.summary.deadline

    @property
    def days_left(self) -> int:
        return (self.deadline.due_on - self.today).days

    @property
    def missing(self) -> int:
        return self.summary.expected - self.summary.received

    @property
    def overdue_missing(self) -> int:
        """Units that have not handed in although the due date has passed."""
        return sum(1 for r in self.summary.rows if r.late and r.days_late is None)


@dataclass
class ReportsOverview:
    upcoming: list[DeadlineStatus] = field(default_factory=list)
    late: list[DeadlineStatus] = field(default_factory=list)
    awaiting: list[report_selectors.Submission] = field(default_factory=list)


def reports_overview(user, plan: Plan, today: datetime.date) -> ReportsOverview:
    """Deadlines still to come, deadlines past with units missing, submissions to review."""
    overview = ReportsOverview()
    for deadline in report_selectors.deadlines_for(user, plan).order_by("due_on"):
        status = DeadlineStatus(report_selectors.consolidation(deadline, today), today)
        if deadline.due_on >= today:
            overview.upcoming.append(status)
        elif status.overdue_missing:
            overview.late.append(status)
        overview.awaiting.extend(status.summary.awaiting)
    return overview


# Founding cases ------------------------------------------------------------------------------


@dataclass
class CaseAge:
    case: FoundingCase
    since: datetime.date
    days: int


def _last_step_on(case: FoundingCase) -> datetime.date:
    steps = [
        case.identified_on,
        case.committee_formed_on,
        case.conference_on,
        case.decision_on,
    ]
    return max(d for d in steps if d is not None)


def open_cases(user, unit: Unit | None = None):
    """Founding cases not yet at the last step (announcement), that the user may see."""
    cases = cases_for(user).filter(stage__lt=Stage.CEREMONY)
    if unit is not None:
        cases = cases.filter(unit__in=visible_units(user)).filter(
            unit__ancestor_paths__ancestor=unit
        )
    return cases.distinct()


def stuck_cases(user, today: datetime.date, unit: Unit | None = None) -> list[CaseAge]:
    """Open cases whose last step is more than STUCK_AFTER_DAYS old, the oldest first."""
    found = []
    for case in open_cases(user, unit):
        since = _last_step_on(case)
        days = (today - since).days
        if days > STUCK_AFTER_DAYS:
            found.append(CaseAge(case, since, days))
    found.sort(key=lambda c: (-c.days, c.case.pk))
    return found


# Homes ---------------------------------------------------------------------------------------


@dataclass
class Home:
    kind: str
    today: datetime.date
    plan: Plan | None = None
    period: Period | None = None
    board: boards.Dashboard | None = None
    headline: list[boards.Cell] = field(default_factory=list)
    lagging: list[tuple[boards.UnitRow, list[boards.Cell]]] = field(default_factory=list)
    lagging_total: int = 0
    reports: ReportsOverview | None = None
    stuck: list[CaseAge] = field(default_factory=list)
    stuck_total: int = 0
    open_cases: int = 0
    unit: Unit | None = None
    rank: int | None = None
    ranked: int = 0
    due: list = field(default_factory=list)
    waiting_cases: list[FoundingCase] = field(default_factory=list)
    unnamed_admitted: int = 0
    open_party: int = 0
    can_enter: bool = False
    members: int = 0  # named members still in the register
    stock: Stock | None = None  # members now (baseline + records), grassroots home
    admitted: int = 0
    left: int = 0
    party: int = 0
    recent_members: list[Member] = field(default_factory=list)
    allocation: list[dict] = field(default_factory=list)
    units_exist: bool = True
    start: datetime.date | None = None
    end: datetime.date | None = None

    @property
    def periods(self) -> list[Period]:
        return list(self.plan.periods.all()) if self.plan else []

    @property
    def elapsed_percent(self) -> float | None:
        return self.board.elapsed_percent if self.board else None


def province_home(user, today: datetime.date | None = None, period: str | None = None) -> Home:
    today = today or timezone.localdate()
    home = Home(PROVINCE, today, units_exist=visible_units(user).exists())
    home.plan, home.period = current_plan_period(user, today, period)
    if home.period is not None:
        board = boards.build(home.period, visible_unit_ids=None, today=today)
        home.board = board
        home.headline = root_cells(board.province)
        behind = []
        for row in board.rows:
            cells = [c for c in root_cells(row) if c.pace == boards.Pace.BEHIND]
            if cells:
                behind.append((row, cells))
        behind.sort(key=lambda item: (item[0].score or 0, item[0].number or 0))
        home.lagging_total = len(behind)
        home.lagging = behind[:LAGGING_SHOWN]
    if home.plan is not None:
        home.reports = reports_overview(user, home.plan, today)
    stuck = stuck_cases(user, today)
    home.stuck_total = len(stuck)
    home.stuck = stuck[:CASES_SHOWN]
    home.open_cases = open_cases(user).count()
    return home


def unnamed_admissions(unit: Unit) -> int:
    """Members admitted as a count (batch entry) in the unit's subtree, with no name in the
    register yet: the members still to enter one by one."""
    total = Record.objects.filter(
        kind=RecordKind.ADMITTED,
        member__isnull=True,
        union__ancestor_paths__ancestor=unit,
    ).aggregate(n=Sum("count"))["n"]
    return total or 0


def unit_home(user, today: datetime.date | None = None, period: str | None = None) -> Home:
    today = today or timezone.localdate()
    unit = user.unit
    home = Home(UNIT, today, unit=unit)
    home.plan, home.period = current_plan_period(user, today, period)
    if home.period is not None:
        # Every plan row is built so the rank is among all units of the plan ("10/11"); only
        # the unit's own row leaves this function.
        board = boards.build(home.period, visible_unit_ids=None, today=today)
        own = next((r for r in board.rows if r.unit.pk == unit.pk), None)
        home.board = board
        home.headline = root_cells(own)
        home.rank = own.rank if own else None
        home.ranked = len(board.ranking)
    home.due = report_selectors.due_for_unit(unit, today)
    home.waiting_cases = list(open_cases(user, unit).order_by("stage", "identified_on")[:6])
    home.open_cases = open_cases(user, unit).count()
    home.unnamed_admitted = unnamed_admissions(unit)
    home.open_party = open_party_introductions(unit).count()
    home.can_enter = can_edit_unit(user, unit)
    return home


def _range_for(period: Period | None, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    if period is not None:
        return period.start, min(period.end, today)
    return datetime.date(today.year, 1, 1), today


def grassroots_home(user, today: datetime.date | None = None, period: str | None = None) -> Home:
    today = today or timezone.localdate()
    unit = user.unit
    home = Home(GRASSROOTS, today, unit=unit)
    home.plan, home.period = current_plan_period(user, today, period)
    start, end = _range_for(home.period, today)
    # Members now = the CĐCS's baseline plus the records since (progress.stock), as every other
    # page counts them; the named register may hold fewer (counted batches have no names).
    home.stock = stock_of(unit, today)
    home.members = Member.objects.filter(union=unit, left_on__isnull=True).count()
    records = Record.objects.filter(union=unit, date__gte=start, date__lte=end)

    def total(*kinds):
        return records.filter(kind__in=kinds).aggregate(n=Sum("count"))["n"] or 0

    home.admitted = total(RecordKind.ADMITTED)
    home.left = total(RecordKind.LEFT, RecordKind.TRANSFER_OUT)
    home.party = total(RecordKind.PARTY_INTRODUCED)
    home.open_party = (
        Record.objects.filter(union=unit, kind=RecordKind.PARTY_INTRODUCED)
        .filter(Q(party_outcome="") | Q(party_outcome="pending"))
        .count()
    )
    home.recent_members = list(
        Member.objects.filter(union=unit).order_by("-admitted_on", "-id")[:5]
    )
    home.can_enter = can_edit_unit(user, unit)
    if home.period is not None:
        targets = list(
            Target.objects.filter(period=home.period, unit=unit)
            .select_related("indicator")
            .order_by("indicator__sort_order", "indicator_id")
        )
        if targets:
            figures = achieved(home.period, [unit.pk], end=end)
            home.allocation = [
                {
                    "indicator": t.indicator,
                    "target": t.value,
                    "achieved": figures.get((unit.pk, t.indicator_id), 0),
                }
                for t in targets
            ]
    home.start, home.end = start, end
    return home


def home_for(user, today: datetime.date | None = None, period: str | None = None) -> Home:
    kind = home_kind(user)
    if kind == PROVINCE:
        return province_home(user, today, period)
    if kind == UNIT:
        return unit_home(user, today, period)
    if kind == GRASSROOTS:
        return grassroots_home(user, today, period)
    return Home(NONE, today or timezone.localdate())
