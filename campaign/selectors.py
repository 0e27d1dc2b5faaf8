"""Read queries for the campaign's organisation: the province board and a unit's page.

The board is a fixed number of grouped queries whatever the number of units (committees,
officers, own plans, task counts, budget sums, trainings, new CĐCS and their milestones), each
scoped to the units the user may read (``accounts.permissions``).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from accounts.permissions import restrict, sees_all_units, unit_ids
from campaign.models import (
    BudgetKind,
    BudgetLine,
    BudgetNorm,
    DesignatedOfficer,
    Milestone,
    MilestoneKind,
    ReviewMeeting,
    SteeringCommittee,
    Task,
    TaskStatus,
    Training,
    UnitPlan,
)
from organisation.models import Unit, UnitKind, UnitPath
from plans.models import Plan, PlanUnit
from plans.selectors import plans_for

MILESTONE_SHORT = {
    MilestoneKind.AGREEMENT: _lazy("TƯLĐTT"),
    MilestoneKind.DIALOGUE: _lazy("Đối thoại"),
    MilestoneKind.DEMOCRACY: _lazy("QCDC"),
    MilestoneKind.FEES: _lazy("Đoàn phí"),
}


def current_plan(user, plan_id: int | None = None) -> Plan | None:
    """The plan asked for (if the user may see it), else the newest one the user sees."""
    plans = plans_for(user).order_by("-year", "-issued_on", "-id")
    if plan_id:
        return plans.filter(pk=plan_id).first()
    return plans.first()


def overdue_q(today: datetime.date | None = None) -> Q:
    today = today or timezone.localdate()
    return Q(due_on__lt=today) & ~Q(status=TaskStatus.DONE)


@dataclass
class Step:
    text: str
    url: str = ""


@dataclass
class UnitStatus:
    unit: Unit
    is_province: bool = False
    plan_id: int | None = None
    committee: SteeringCommittee | None = None
    committee_members: int = 0
    officer: DesignatedOfficer | None = None
    unit_plan: UnitPlan | None = None
    own_plans: list = field(default_factory=list)  # plans the unit drafted in the system
    tasks_total: int = 0
    tasks_done: int = 0
    tasks_overdue: int = 0
    estimated: int = 0
    settled: int = 0
    trainings: int = 0
    meetings: int = 0
    trained_people: int = 0
    new_unions: int = 0
    trained_unions: int = 0
    milestones: dict = field(default_factory=dict)
    missing: list = field(default_factory=list)  # (key, label)
    can_edit: bool = False
    next_steps: list = field(default_factory=list)

    @property
    def has_own_plan(self) -> bool:
        return self.unit_plan is not None or bool(self.own_plans)

    @property
    def own_plan_label(self) -> str:
        """ "số … ngày dd/mm/yyyy" of the recorded plan, else the numbers of its system plans."""
        if self.unit_plan is not None:
            return f"{self.unit_plan.number} ngày {self.unit_plan.issued_on:%d/%m/%Y}"
        return ", ".join(p.number for p in self.own_plans)

    @property
    def has_committee(self) -> bool:
        return self.committee is not None and self.committee.has_decision

    @property
    def milestone_cells(self) -> list[tuple[str, str, int]]:
        """(short label, full label, new CĐCS that reached it) per milestone kind."""
        return [
            (MILESTONE_SHORT[kind], label, self.milestones.get(kind, 0))
            for kind, label in MilestoneKind.choices
        ]


def _by_unit(queryset, key="unit_id"):
    found = {}
    for row in queryset:
        found.setdefault(getattr(row, key), row)
    return found


def new_unions_below(unit_ids, year: int) -> dict[int, set[int]]:
    """Per upper-level unit: the CĐCS below it founded in ``year`` (as of their founding day)."""
    rows = UnitPath.objects.filter(
        ancestor_id__in=unit_ids,
        depth__gt=0,
        descendant__kind__in=UnitKind.grassroots_level(),
        descendant__founded_on__year=year,
        valid_from__lte=F("descendant__founded_on"),
        valid_to__gte=F("descendant__founded_on"),
    ).values_list("ancestor_id", "descendant_id")
    found = defaultdict(set)
    for ancestor, descendant in rows:
        found[ancestor].add(descendant)
    return found


def unit_statuses(plan: Plan, units: list[Unit], user) -> list[UnitStatus]:
    """What is in place and what is missing for each of units, in plan ``plan``."""
    ids = [u.pk for u in units]
    year = plan.year
    committees = _by_unit(
        SteeringCommittee.objects.filter(unit_id__in=ids).annotate(n=Count("members"))
    )
    officers = _by_unit(
        DesignatedOfficer.objects.filter(unit_id__in=ids, until__isnull=True).order_by("-since")
    )
    unit_plans = _by_unit(UnitPlan.objects.filter(plan=plan, unit_id__in=ids))
    own_plans = defaultdict(list)
    for p in Plan.objects.filter(issuing_unit_id__in=ids, year=year).exclude(pk=plan.pk):
        own_plans[p.issuing_unit_id].append(p)
    tasks = {
        row["unit_id"]: row
        for row in Task.objects.filter(plan=plan, unit_id__in=ids)
        .values("unit_id")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status=TaskStatus.DONE)),
            overdue=Count("id", filter=overdue_q()),
        )
    }
    money = defaultdict(dict)
    for row in (
        BudgetLine.objects.filter(plan=plan, unit_id__in=ids)
        .values("unit_id", "kind")
        .annotate(total=Sum("amount"))
    ):
        money[row["unit_id"]][row["kind"]] = row["total"]
    trainings = {
        row["unit_id"]: row
        for row in Training.objects.filter(unit_id__in=ids, held_on__year=year)
        .values("unit_id")
        .annotate(n=Count("id"), people=Sum("participants"))
    }
    meetings = dict(
        ReviewMeeting.objects.filter(plan=plan, unit_id__in=ids)
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    new_unions = new_unions_below(ids, year)
    every_new = set().union(*new_unions.values()) if new_unions else set()
    trained = set(
        Training.unions.through.objects.filter(
            unit_id__in=every_new, training__held_on__year=year
        ).values_list("unit_id", flat=True)
    )
    reached = defaultdict(set)
    for union_id, kind in Milestone.objects.filter(union_id__in=every_new).values_list(
        "union_id", "kind"
    ):
        reached[kind].add(union_id)

    editable = unit_ids(user, "change") if user is not None else set()
    statuses = []
    for unit in units:
        status = UnitStatus(unit=unit, is_province=unit.kind == UnitKind.PROVINCE, plan_id=plan.pk)
        status.committee = committees.get(unit.pk)
        status.committee_members = status.committee.n if status.committee else 0
        status.officer = officers.get(unit.pk)
        status.unit_plan = unit_plans.get(unit.pk)
        status.own_plans = own_plans.get(unit.pk, [])
        row = tasks.get(unit.pk, {})
        status.tasks_total = row.get("total", 0)
        status.tasks_done = row.get("done", 0)
        status.tasks_overdue = row.get("overdue", 0)
        status.estimated = money[unit.pk].get(BudgetKind.ESTIMATE, 0)
        status.settled = money[unit.pk].get(BudgetKind.SETTLEMENT, 0)
        row = trainings.get(unit.pk, {})
        status.trainings = row.get("n", 0)
        status.trained_people = row.get("people") or 0
        status.meetings = meetings.get(unit.pk, 0)
        mine = new_unions.get(unit.pk, set())
        status.new_unions = len(mine)
        status.trained_unions = len(mine & trained)
        status.milestones = {kind: len(mine & reached[kind]) for kind in MilestoneKind.values}
        status.missing = _missing(status)
        status.can_edit = editable is None or unit.pk in editable
        status.next_steps = next_steps(status, user) if user is not None else []
        statuses.append(status)
    return statuses


def _missing(s: UnitStatus) -> list[tuple[str, str]]:
    missing = []
    if s.committee is None:
        missing.append(("committee", _("Chưa có ban chỉ đạo")))
    elif not s.committee.has_decision:
        missing.append(("committee", _("Ban chỉ đạo chưa ghi số, ngày quyết định")))
    if s.committee is not None and s.committee_members == 0:
        missing.append(("members", _("Ban chỉ đạo chưa có thành viên")))
    if not s.is_province:
        if s.officer is None:
            missing.append(("officer", _("Chưa cử cán bộ phụ trách")))
        if not s.has_own_plan:
            missing.append(("own_plan", _("Chưa có kế hoạch của đơn vị")))
    if s.tasks_overdue:
        missing.append(
            (
                "overdue",
                ngettext("%(n)s nhiệm vụ quá hạn", "%(n)s nhiệm vụ quá hạn", s.tasks_overdue)
                % {"n": s.tasks_overdue},
            )
        )
    if not s.is_province and not s.estimated:
        missing.append(("budget", _("Chưa lập dự toán kinh phí")))
    if not s.is_province and s.new_unions and s.trained_unions < s.new_unions:
        missing.append(
            (
                "training",
                _("%(n)s/%(total)s CĐCS mới chưa được tập huấn")
                % {"n": s.new_unions - s.trained_unions, "total": s.new_unions},
            )
        )
    return missing


def next_steps(s: UnitStatus, user) -> list[Step]:
    """What to do next, for this user: the unit's editor fixes what is missing; the province
    administrator (on another unit's row) urges the unit; a reader only reads."""
    pk = s.unit.pk
    if not s.can_edit:
        return []
    if not s.missing:
        return [Step(_("Đã đủ các mục; tiếp tục cập nhật tiến độ nhiệm vụ."))]
    own = s.is_province or getattr(user, "unit_id", None) == pk or not sees_all_units(user)
    unit_url = reverse("campaign:unit", args=[pk])
    if not own:
        labels = "; ".join(label for _key, label in s.missing)
        return [Step(_("Đôn đốc đơn vị: %(what)s.") % {"what": labels}, unit_url)]
    actions = {
        "committee": (_("Ghi quyết định thành lập ban chỉ đạo"), "campaign:committee"),
        "members": (_("Thêm thành viên ban chỉ đạo và phân công nhiệm vụ"), "campaign:committee"),
        "officer": (_("Cử cán bộ phụ trách phát triển đoàn viên"), "campaign:officer"),
        "own_plan": (
            _("Xây dựng kế hoạch của đơn vị theo chỉ tiêu được giao"),
            "campaign:unit_plan",
        ),
        "overdue": (_("Cập nhật các nhiệm vụ quá hạn"), None),
        "budget": (_("Lập dự toán kinh phí"), "campaign:budget"),
        "training": (_("Tổ chức tập huấn cán bộ CĐCS mới"), "campaign:training"),
    }
    steps = []
    for key, _label in s.missing:
        text, name = actions[key]
        if key == "overdue":
            url = unit_url + "#tasks"
        elif key == "own_plan":
            url = f"{reverse(name, args=[pk])}?plan={s.plan_id}"
        else:
            url = reverse(name, args=[pk]) if name else ""
        if not any(step.text == text for step in steps):
            steps.append(Step(text, url))
    return steps


def board_units(plan: Plan, user) -> list[Unit]:
    """The plan's issuer and its receiving units (table order) the user may read."""
    rows = restrict(PlanUnit.objects.filter(plan=plan), user, "view").select_related("unit")
    units = [row.unit for row in rows.order_by("row_number")]
    issuer = plan.issuing_unit
    if restrict(Unit.objects.filter(pk=issuer.pk), user, "view").exists():
        units.insert(0, issuer)
    return units


@dataclass
class Board:
    plan: Plan
    rows: list[UnitStatus]

    @property
    def unit_rows(self):
        return [r for r in self.rows if not r.is_province]

    def count(self, predicate) -> int:
        return sum(1 for r in self.unit_rows if predicate(r))

    @property
    def totals(self) -> dict:
        rows = self.unit_rows
        return {
            "units": len(rows),
            "committees": self.count(lambda r: r.has_committee),
            "officers": self.count(lambda r: r.officer is not None),
            "own_plans": self.count(lambda r: r.has_own_plan),
            "tasks_total": sum(r.tasks_total for r in self.rows),
            "tasks_done": sum(r.tasks_done for r in self.rows),
            "tasks_overdue": sum(r.tasks_overdue for r in self.rows),
            "estimated": sum(r.estimated for r in self.rows),
            "settled": sum(r.settled for r in self.rows),
            "trainings": sum(r.trainings for r in self.rows),
            "meetings": sum(r.meetings for r in self.rows),
            "new_unions": sum(r.new_unions for r in rows),
            "trained_unions": sum(r.trained_unions for r in rows),
        }


def board(plan: Plan, user) -> Board:
    return Board(plan=plan, rows=unit_statuses(plan, board_units(plan, user), user))


# --- One unit's page ------------------------------------------------------------------------


def tasks_of(plan: Plan, unit: Unit) -> QuerySet[Task]:
    return Task.objects.filter(plan=plan, unit=unit).order_by("department", "sort_order", "id")


def officers_of(unit: Unit) -> QuerySet[DesignatedOfficer]:
    return DesignatedOfficer.objects.filter(unit=unit).order_by("-since", "-id")


def committee_of(unit: Unit) -> SteeringCommittee | None:
    return SteeringCommittee.objects.filter(unit=unit).first()


def budget_of(plan: Plan, unit: Unit) -> QuerySet[BudgetLine]:
    return BudgetLine.objects.filter(plan=plan, unit=unit).order_by("kind", "category", "id")


def norms_of(plan: Plan) -> dict[str, BudgetNorm]:
    """The province's spending norms of the plan, by category."""
    return {n.category: n for n in BudgetNorm.objects.filter(plan=plan)}


@dataclass
class BudgetRow:
    """One category (or the total) of a unit's budget against the norm."""

    label: str
    estimated: int = 0
    settled: int = 0
    quantity: int = 0  # estimate lines' quantities, in the norm's unit of measure
    norm: BudgetNorm | None = None
    unquantified: int = 0  # estimate lines of a normed category with no quantity

    @property
    def norm_amount(self) -> int | None:
        """quantity × norm (None without a norm or without a quantity)."""
        if self.norm is None or not self.quantity:
            return None
        return self.quantity * self.norm.rate

    @property
    def over_norm(self) -> bool:
        return self.norm_amount is not None and self.estimated > self.norm_amount

    @property
    def spent_percent(self) -> float | None:
        return round(self.settled * 100 / self.estimated, 1) if self.estimated else None


def _budget_rows(plan: Plan, unit_ids, norms) -> dict[int, dict[str, BudgetRow]]:
    """unit -> category -> BudgetRow, in one grouped query."""
    from campaign.models import BudgetCategory

    labels = dict(BudgetCategory.choices)
    found: dict[int, dict[str, BudgetRow]] = defaultdict(dict)
    rows = (
        BudgetLine.objects.filter(plan=plan, unit_id__in=unit_ids)
        .values("unit_id", "kind", "category")
        .annotate(
            total=Sum("amount"),
            qty=Sum("quantity"),
            no_qty=Count("id", filter=Q(quantity__isnull=True)),
        )
    )
    for row in rows:
        category = row["category"]
        cell = found[row["unit_id"]].setdefault(
            category, BudgetRow(labels.get(category, category), norm=norms.get(category))
        )
        if row["kind"] == BudgetKind.ESTIMATE:
            cell.estimated += row["total"] or 0
            cell.quantity += row["qty"] or 0
            if cell.norm is not None:
                cell.unquantified += row["no_qty"]
        else:
            cell.settled += row["total"] or 0
    return found


def budget_total(rows: list[BudgetRow]) -> dict:
    """The "Cộng" row of budget_table."""
    estimated = sum(r.estimated for r in rows)
    settled = sum(r.settled for r in rows)
    return {
        "estimated": estimated,
        "settled": settled,
        "norm_amount": sum(r.norm_amount or 0 for r in rows),
        "spent_percent": round(settled * 100 / estimated, 1) if estimated else None,
    }


def budget_table(plan: Plan, unit: Unit) -> list[BudgetRow]:
    """Per category (in the categories' order): estimated, settled, the norm and
    quantity × norm; only categories with a line."""
    from campaign.models import BudgetCategory

    cells = _budget_rows(plan, [unit.pk], norms_of(plan)).get(unit.pk, {})
    return [cells[code] for code, _label in BudgetCategory.choices if code in cells]


@dataclass
class BudgetUnitRow:
    unit: Unit
    is_province: bool
    estimated: int = 0
    norm_amount: int = 0  # Σ quantity × norm over the normed categories with a quantity
    over_norm: list = field(default_factory=list)  # labels of categories above the norm
    unquantified: list = field(default_factory=list)  # normed categories without a quantity
    settled: int = 0
    new_members: int = 0
    new_unions: int = 0

    @property
    def spent_percent(self) -> float | None:
        return round(self.settled * 100 / self.estimated, 1) if self.estimated else None

    @property
    def cost_per_member(self) -> int | None:
        """Settled ÷ new members; None while nothing is settled or no member was admitted."""
        return round(self.settled / self.new_members) if self.new_members and self.settled else None

    @property
    def cost_per_union(self) -> int | None:
        return round(self.settled / self.new_unions) if self.new_unions and self.settled else None


@dataclass
class BudgetOverview:
    plan: Plan
    norms: list
    rows: list[BudgetUnitRow]
    total: BudgetUnitRow


def admitted_members(unit_ids, year: int) -> dict[int, int]:
    """Per unit: members admitted (gross, RecordKind.ADMITTED) in year below it."""
    from progress.models import RecordKind
    from progress.selectors import grouped_sums

    sums = grouped_sums(datetime.date(year, 1, 1), datetime.date(year, 12, 31), unit_ids)
    return {
        uid: sum(n for (_sector, kind), n in by_kind.items() if kind == RecordKind.ADMITTED)
        for uid, by_kind in sums.items()
    }


def budget_overview(plan: Plan, user) -> BudgetOverview:
    """Each unit the user reads (the province's own spending last): estimated, quantity ×
    norm, settled and % spent, new members and new CĐCS of the plan's year, cost per new
    member and per new CĐCS (settled ÷ count); the totals."""
    units = board_units(plan, user)
    ids = [u.pk for u in units]
    norms = norms_of(plan)
    cells = _budget_rows(plan, ids, norms)
    upper = [u.pk for u in units if u.kind != UnitKind.PROVINCE]
    members = admitted_members(upper, plan.year) if upper else {}
    unions = new_unions_below(upper, plan.year)
    rows = []
    for unit in units:
        mine = list(cells.get(unit.pk, {}).values())
        row = BudgetUnitRow(unit=unit, is_province=unit.kind == UnitKind.PROVINCE)
        row.estimated = sum(c.estimated for c in mine)
        row.settled = sum(c.settled for c in mine)
        row.norm_amount = sum(c.norm_amount or 0 for c in mine)
        row.over_norm = [c.label for c in mine if c.over_norm]
        row.unquantified = [c.label for c in mine if c.unquantified]
        if not row.is_province:
            row.new_members = members.get(unit.pk, 0)
            row.new_unions = len(unions.get(unit.pk, ()))
        rows.append(row)
    rows.sort(key=lambda r: r.is_province)  # the province's own row after the units
    total = BudgetUnitRow(unit=plan.issuing_unit, is_province=True)
    for field_name in ("estimated", "settled", "norm_amount", "new_members", "new_unions"):
        setattr(total, field_name, sum(getattr(r, field_name) for r in rows))
    return BudgetOverview(plan=plan, norms=list(norms.values()), rows=rows, total=total)


def meetings_of(plan: Plan, unit: Unit) -> QuerySet[ReviewMeeting]:
    return (
        ReviewMeeting.objects.filter(plan=plan, unit=unit)
        .prefetch_related("conclusions")
        .order_by("-held_on", "-id")
    )


def trainings_of(unit: Unit) -> QuerySet[Training]:
    return Training.objects.filter(unit=unit).prefetch_related("unions").order_by("-held_on")


def new_unions_of(unit: Unit, year: int) -> list[dict]:
    """The CĐCS founded in year below unit (or the unit itself, a CĐCS), with their milestones
    and whether their officers were trained."""
    if unit.kind in UnitKind.grassroots_level():
        ids = {unit.pk} if unit.founded_on.year == year else set()
    else:
        ids = new_unions_below([unit.pk], year).get(unit.pk, set())
    unions = Unit.objects.filter(pk__in=ids).order_by("founded_on", "name")
    reached = defaultdict(dict)
    for m in Milestone.objects.filter(union_id__in=ids):
        reached[m.union_id][m.kind] = m
    trained = set(
        Training.unions.through.objects.filter(unit_id__in=ids).values_list("unit_id", flat=True)
    )
    return [
        {
            "union": u,
            "trained": u.pk in trained,
            "milestones": [(kind, reached[u.pk].get(kind)) for kind in MilestoneKind.values],
        }
        for u in unions
    ]


def milestone_unions(unit: Unit, user) -> QuerySet[Unit]:
    """CĐCS whose milestones user may record from unit's page: the unit itself if a CĐCS,
    else the CĐCS below it, among those the user may change."""
    if unit.kind in UnitKind.grassroots_level():
        candidates = Unit.objects.filter(pk=unit.pk)
    else:
        below = UnitPath.objects.filter(ancestor=unit, depth__gt=0).values("descendant_id")
        candidates = Unit.objects.filter(pk__in=below, kind__in=UnitKind.grassroots_level())
    return restrict(candidates, user, "change").order_by("-founded_on", "name")


def training_unions(unit: Unit) -> QuerySet[Unit]:
    below = UnitPath.objects.filter(ancestor=unit, depth__gt=0).values("descendant_id")
    return Unit.objects.filter(pk__in=below, kind__in=UnitKind.grassroots_level()).order_by(
        "-founded_on", "name"
    )
