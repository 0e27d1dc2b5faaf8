"""Reads for the emulation pages: rule versions, scores a user may see, proposals."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.permissions import restrict, sees_all_units, unit_ids
from core.text import format_int
from emulation.models import RewardProposal, RuleSet, RuleStatus
from emulation.scoring import Scores, compute
from plans.models import Period, Plan


def rule_versions(plan: Plan, user) -> QuerySet[RuleSet]:
    """Published versions for everyone; drafts too for the province."""
    rules = RuleSet.objects.filter(plan=plan).prefetch_related("criteria")
    if not sees_all_units(user):
        rules = rules.filter(status=RuleStatus.PUBLISHED)
    return rules.order_by("-version")


def published_rule(plan: Plan, version: int | None = None) -> RuleSet | None:
    """The latest published version (or the published version asked for)."""
    rules = RuleSet.objects.filter(plan=plan, status=RuleStatus.PUBLISHED)
    if version is not None:
        rules = rules.filter(version=version)
    return rules.order_by("-version").prefetch_related("criteria").first()


def scores_for(user, rule_set: RuleSet, period: Period, today=None) -> tuple[Scores, list]:
    """Every unit's scores (ranks are among all), and the rows the user may see."""
    scores = compute(rule_set, period, today)
    visible = unit_ids(user, "view")
    rows = [r for r in scores.rows if visible is None or r.unit.pk in visible]
    return scores, rows


def proposals_for(user, plan: Plan | None = None, period=None) -> QuerySet[RewardProposal]:
    """The proposals the user may read: the province all, a unit those of its subtree."""
    proposals = restrict(RewardProposal.objects.all(), user, "view").select_related(
        "unit", "period", "plan"
    )
    if plan is not None:
        proposals = proposals.filter(plan=plan)
    if period is not None:
        proposals = proposals.filter(period=period)
    return proposals


def submitting_unit(user, plan: Plan):
    """Who signs the user's submission: the province (the plan's issuer) for province roles,
    else the user's own unit."""
    if sees_all_units(user) or getattr(user, "unit", None) is None:
        return plan.issuing_unit
    return user.unit


def achievements_text(scores: Scores | None, unit) -> str:
    """A first draft of the achievements: the unit's figures against its targets, its score,
    band and rank (the proposer edits it)."""
    if scores is None:
        return ""
    row = scores.for_unit(unit.pk)
    if row is None:
        return ""
    lines = []
    for part in row.criteria:
        if part.criterion.kind == "target_share":
            for p in part.parts:
                lines.append(
                    _("- %(name)s: đạt %(achieved)s/%(target)s (%(pct)s%%).")
                    % {
                        "name": p.label,
                        "achieved": format_int(p.achieved),
                        "target": format_int(p.target),
                        "pct": _pct(100 * p.achieved / p.target),
                    }
                )
    if row.score is not None:
        lines.append(
            _(
                "- Điểm thi đua %(score)s/100 (bộ tiêu chí phiên bản %(v)s), xếp loại "
                "%(band)s, xếp hạng %(rank)s/%(among)s."
            )
            % {
                "score": _pct(row.score),
                "v": scores.rule_set.version,
                "band": row.band_label.lower(),
                "rank": row.rank,
                "among": row.ranked_among,
            }
        )
    head = _("Kết quả %(period)s của %(unit)s:") % {"period": scores.period.name, "unit": unit.name}
    return "\n".join([head, *lines])


def _pct(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")
