"""A unit's emulation score from live data, by a published rule version.

The figures are the dashboard's (``progress.dashboard.build``: target and achieved per unit ×
indicator) and the reporting calendar's (``reports.selectors.consolidation``: who handed in
by the deadline); nothing is queried twice in another way.

Each criterion gives a fraction between 0 and 1 (above 1 for an uncapped share of targets) or
is "not applicable" (no target to measure, no report due yet). The score is
100 × Σ(weight × fraction) / Σ(weight of the applicable criteria): out of 100 whatever the
weights. A unit's score never falls when its results rise: results only enter the fractions,
and which criteria apply depends on targets and deadlines, not on results.

Ranking: among the plan's units of the same level (upper-level unions; grassroots unions),
by score, then — on a tie — by the share of targets achieved (uncapped), then by the row
number (TT) of the allocation table. ``TIE_RULE`` says so on the page.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from emulation import campaign_criteria
from emulation.models import Band, CriterionKind, RuleSet
from organisation.models import Unit, UnitKind
from plans.models import Period

TIE_RULE = _(
    "Xếp hạng theo điểm từ cao xuống thấp; bằng điểm thì đơn vị có tỷ lệ hoàn thành chỉ tiêu "
    "(không giới hạn 100%) cao hơn xếp trên; vẫn bằng thì theo số thứ tự (TT) trong biểu giao "
    "chỉ tiêu."
)


@dataclass
class Part:
    """One indicator or one report behind a criterion's fraction."""

    label: str
    target: int | None = None
    achieved: int | None = None
    value: float | None = None  # the part's fraction (share, 1/0 for met, on time)
    indicator_id: int | None = None
    deadline_id: int | None = None
    note: str = ""
    url: str = ""  # the page behind a campaign part (the unit's campaign page)

    @property
    def percent(self) -> float | None:
        return None if self.value is None else round(100 * self.value, 1)


@dataclass
class CriterionScore:
    criterion: object
    fraction: float | None  # None: not applicable to this unit
    parts: list[Part] = field(default_factory=list)
    points: float | None = None  # weight × fraction, on the 100-point scale after normalising

    @property
    def applicable(self) -> bool:
        return self.fraction is not None

    @property
    def percent(self) -> float | None:
        return None if self.fraction is None else round(100 * self.fraction, 1)


@dataclass
class UnitScore:
    unit: Unit
    number: int | None
    level: str
    criteria: list[CriterionScore]
    score: float | None
    uncapped_share: float
    band: str | None = None
    rank: int | None = None
    ranked_among: int = 0

    @property
    def band_label(self):
        return Band(self.band).label if self.band else ""


@dataclass
class Scores:
    rule_set: RuleSet
    period: Period
    as_of: datetime.date
    rows: list[UnitScore]

    def for_unit(self, unit_id: int) -> UnitScore | None:
        return next((r for r in self.rows if r.unit.pk == unit_id), None)


def level_of(unit: Unit) -> str:
    if unit.kind in UnitKind.grassroots_level():
        return "grassroots"
    if unit.kind in UnitKind.upper_level():
        return "upper"
    return unit.kind


def band_for(rule_set: RuleSet, score: float | None) -> str | None:
    if score is None:
        return None
    value = Decimal(str(score))
    if value >= rule_set.excellent_min:
        return Band.EXCELLENT
    if value >= rule_set.good_min:
        return Band.GOOD
    if value >= rule_set.done_min:
        return Band.DONE
    return Band.NOT_DONE


def _target_share(criterion, cells) -> CriterionScore:
    parts = []
    for c in cells:
        if c.indicator.parent_id is not None or not c.target:
            continue
        share = c.achieved / c.target
        if criterion.capped:
            share = min(share, 1.0)
        parts.append(Part(c.indicator.name, c.target, c.achieved, share, c.indicator.pk))
    fraction = sum(p.value for p in parts) / len(parts) if parts else None
    return CriterionScore(criterion, fraction, parts)


def _minimums_met(criterion, cells) -> CriterionScore:
    parts = [
        Part(
            c.indicator.name,
            c.target,
            c.achieved,
            1.0 if c.achieved >= c.target else 0.0,
            c.indicator.pk,
        )
        for c in cells
        if c.indicator.is_minimum and c.target
    ]
    fraction = sum(p.value for p in parts) / len(parts) if parts else None
    return CriterionScore(criterion, fraction, parts)


def _timeliness(criterion, submissions) -> CriterionScore:
    parts = []
    for deadline, sub in submissions:
        first = sub.first_submitted_on
        note = (
            _("Nộp ngày %(day)s") % {"day": first.strftime("%d/%m/%Y")} if first else _("Chưa nộp")
        )
        label = f"{deadline.name} (hạn {deadline.due_on:%d/%m/%Y})"
        parts.append(
            Part(label, value=1.0 if sub.on_time else 0.0, deadline_id=deadline.pk, note=note)
        )
    fraction = sum(p.value for p in parts) / len(parts) if parts else None
    return CriterionScore(criterion, fraction, parts)


def score_unit(
    rule_set: RuleSet, criteria, cells, submissions, campaign=None
) -> tuple[list, float | None]:
    """The criteria's scores and the total (out of 100) for one unit's cells, reports and
    campaign facts (``emulation.campaign_criteria.CampaignFacts`` or None)."""
    results = []
    for criterion in criteria:
        if criterion.kind == CriterionKind.TARGET_SHARE:
            results.append(_target_share(criterion, cells))
        elif criterion.kind == CriterionKind.MINIMUMS_MET:
            results.append(_minimums_met(criterion, cells))
        elif criterion.kind in campaign_criteria.KINDS:
            results.append(campaign_criteria.score(criterion, campaign))
        else:
            results.append(_timeliness(criterion, submissions))
    weights = sum(r.criterion.weight for r in results if r.applicable)
    if not weights:
        return results, None
    for r in results:
        if r.applicable:
            r.points = round(100 * r.criterion.weight * r.fraction / weights, 2)
    total = sum(r.criterion.weight * r.fraction for r in results if r.applicable)
    return results, round(100 * total / weights, 2)


def compute(rule_set: RuleSet, period: Period, today: datetime.date | None = None) -> Scores:
    """Every plan unit's score for period by rule_set, with ranks and bands."""
    from progress.dashboard import build
    from reports.selectors import consolidation

    today = today or timezone.localdate()
    board = build(period, visible_unit_ids=None, today=today)
    criteria = list(rule_set.criteria.all())
    submissions: dict[int, list] = {}
    if any(c.kind == CriterionKind.REPORT_TIMELINESS for c in criteria):
        for deadline in period.reporting_deadlines.filter(due_on__lte=today).order_by("due_on"):
            for sub in consolidation(deadline, today).rows:
                submissions.setdefault(sub.unit.pk, []).append((deadline, sub))
    campaign = {}
    if any(c.kind in campaign_criteria.KINDS for c in criteria):
        campaign = campaign_criteria.load([r.unit.pk for r in board.rows], period, today)
    rows = []
    for row in board.rows:
        parts, score = score_unit(
            rule_set,
            criteria,
            row.cells,
            submissions.get(row.unit.pk, []),
            campaign.get(row.unit.pk),
        )
        roots = [c for c in row.cells if c.indicator.parent_id is None and c.target]
        uncapped = sum(c.achieved / c.target for c in roots) / len(roots) if roots else 0.0
        rows.append(
            UnitScore(
                row.unit,
                row.number,
                level_of(row.unit),
                parts,
                score,
                uncapped,
                band_for(rule_set, score),
            )
        )
    rank(rows)
    return Scores(rule_set, period, board.as_of, rows)


def rank(rows: list[UnitScore]) -> None:
    """Rank within each level by TIE_RULE; units without a score are not ranked."""
    levels: dict[str, list[UnitScore]] = {}
    for r in rows:
        if r.score is not None:
            levels.setdefault(r.level, []).append(r)
    for group in levels.values():
        group.sort(key=lambda r: (-r.score, -r.uncapped_share, r.number or 0, r.unit.name))
        for position, r in enumerate(group, start=1):
            r.rank = position
            r.ranked_among = len(group)
