"""Campaign-organisation criteria (issue 15, item 1): what the campaign app records about how a
unit organises the campaign, as emulation criteria.

Read only: this module reads ``campaign.models`` (SteeringCommittee, DesignatedOfficer,
Training, Milestone) and never writes there. Without the campaign app installed every campaign
criterion says "không áp dụng".

Per unit of the plan, on the day the scores are computed (``today``):

- **Ban chỉ đạo** (``COMMITTEE``): 1 when the unit's steering committee is recorded with the
  number and date of its decision, dated on or before today; else 0 (none, or no decision yet).
- **Cán bộ phụ trách** (``OFFICER``): 1 when a designated officer is in charge today (from
  ``since``, until ``until`` if set); else 0.
- **Tập huấn** (``TRAININGS``): the share of the CĐCS founded below the unit within the period
  (from its start to the day the figures stand at) whose officers attended a training held by
  today. Not applicable while the unit has no new CĐCS in the period.
- **Mốc chất lượng** (``MILESTONES``): of those new CĐCS, the share of the four milestones
  (thỏa ước, đối thoại, quy chế dân chủ, đoàn phí) reached by today, all CĐCS together. Not
  applicable while the unit has no new CĐCS in the period.

For a fixed set of new CĐCS, more trained CĐCS or more milestones never lower a fraction, and a
committee or an officer put in place raises it (the hypothesis test covers it). A new CĐCS not
yet trained does lower the training share: the share is what the plan asks for (every new
CĐCS's officers trained), so the README says so.

- **Kế hoạch của đơn vị** (``OWN_PLAN``): 1 when the unit's own implementation plan for the
  province plan is recorded (``campaign.UnitPlan``) and issued on or before today, or the unit
  issued a plan of its own in the system for the same year (as the campaign board counts it);
  else 0.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from emulation.models import CriterionKind

KINDS = frozenset(
    {
        CriterionKind.COMMITTEE,
        CriterionKind.OFFICER,
        CriterionKind.TRAININGS,
        CriterionKind.MILESTONES,
        CriterionKind.OWN_PLAN,
    }
)
MILESTONE_KINDS = ("agreement", "dialogue", "democracy", "fees")  # campaign.MilestoneKind


@dataclass
class NewUnion:
    pk: int
    name: str
    founded_on: datetime.date
    trained: bool = False
    milestones: frozenset[str] = frozenset()


@dataclass
class CampaignFacts:
    """What the campaign app says about one unit, for the campaign criteria."""

    committee: str | None = None  # "QĐ số … ngày …" when in place
    committee_note: str = ""  # why not in place
    officer: str | None = None  # the officer in charge today
    own_plan: str | None = None  # "Kế hoạch số … ngày …" when in place
    new_unions: list[NewUnion] = field(default_factory=list)
    url: str = ""  # the unit's campaign page


def available() -> bool:
    return apps.is_installed("campaign")


def load(unit_ids: list[int], period, today: datetime.date) -> dict[int, CampaignFacts]:
    """CampaignFacts of each unit, in a fixed number of queries."""
    if not available():
        return {}
    from campaign.models import DesignatedOfficer, Milestone, SteeringCommittee, Training, UnitPlan
    from organisation.models import Unit, UnitKind, UnitPath
    from plans.models import Plan

    as_of = min(max(today, period.start), period.end)
    facts = {pk: CampaignFacts(url=reverse("campaign:unit", args=[pk])) for pk in unit_ids}
    for c in SteeringCommittee.objects.filter(unit_id__in=unit_ids):
        f = facts[c.unit_id]
        if not c.has_decision:
            f.committee_note = _("Ban chỉ đạo chưa ghi số, ngày quyết định")
        elif c.decision_on > today:
            f.committee_note = _("Quyết định ngày %(d)s, sau ngày tính điểm") % {
                "d": c.decision_on.strftime("%d/%m/%Y")
            }
        else:
            f.committee = _("Quyết định số %(n)s ngày %(d)s") % {
                "n": c.decision_number,
                "d": c.decision_on.strftime("%d/%m/%Y"),
            }
    officers = DesignatedOfficer.objects.filter(unit_id__in=unit_ids, since__lte=today).exclude(
        until__lt=today
    )
    for o in officers.order_by("-since", "-id"):
        f = facts[o.unit_id]
        if f.officer is None:
            f.officer = _("%(name)s, từ ngày %(d)s") % {
                "name": o.full_name,
                "d": o.since.strftime("%d/%m/%Y"),
            }
    plan = period.plan
    for p in UnitPlan.objects.filter(plan=plan, unit_id__in=unit_ids, issued_on__lte=today):
        facts[p.unit_id].own_plan = _("Kế hoạch số %(n)s ngày %(d)s") % {
            "n": p.number,
            "d": p.issued_on.strftime("%d/%m/%Y"),
        }
    drafted = Plan.objects.filter(issuing_unit_id__in=unit_ids, year=plan.year).exclude(pk=plan.pk)
    for p in drafted.order_by("number"):
        f = facts[p.issuing_unit_id]
        if f.own_plan is None:
            f.own_plan = _("Kế hoạch số %(n)s (soạn trên hệ thống)") % {"n": p.number}
    # CĐCS founded in the period below each unit (as of their founding day).
    below = UnitPath.objects.filter(
        ancestor_id__in=unit_ids,
        depth__gt=0,
        descendant__kind__in=UnitKind.grassroots_level(),
        descendant__founded_on__gte=period.start,
        descendant__founded_on__lte=as_of,
        valid_from__lte=F("descendant__founded_on"),
        valid_to__gte=F("descendant__founded_on"),
    ).values_list("ancestor_id", "descendant_id")
    by_unit = defaultdict(set)
    for ancestor, descendant in below:
        by_unit[ancestor].add(descendant)
    every = set().union(*by_unit.values()) if by_unit else set()
    trained = set(
        Training.unions.through.objects.filter(
            unit_id__in=every, training__held_on__lte=today
        ).values_list("unit_id", flat=True)
    )
    reached = defaultdict(set)
    for union_id, kind in Milestone.objects.filter(
        union_id__in=every, reached_on__lte=today
    ).values_list("union_id", "kind"):
        reached[union_id].add(kind)
    unions = {u.pk: u for u in Unit.objects.filter(pk__in=every)}
    for unit_id, ids in by_unit.items():
        facts[unit_id].new_unions = [
            NewUnion(
                pk,
                unions[pk].name,
                unions[pk].founded_on,
                pk in trained,
                frozenset(reached[pk]),
            )
            for pk in sorted(ids, key=lambda i: (unions[i].founded_on, unions[i].name))
        ]
    return facts


def score(criterion, facts: CampaignFacts | None):
    """The CriterionScore of one campaign criterion for one unit's facts."""
    from emulation.scoring import CriterionScore, Part

    if facts is None:  # the campaign app is not installed
        return CriterionScore(criterion, None, [])
    kind = criterion.kind
    if kind == CriterionKind.COMMITTEE:
        in_place = facts.committee is not None
        note = facts.committee or facts.committee_note or _("Chưa có ban chỉ đạo")
        part = Part(
            _("Ban chỉ đạo phát triển đoàn viên"), value=float(in_place), note=note, url=facts.url
        )
        return CriterionScore(criterion, part.value, [part])
    if kind == CriterionKind.OFFICER:
        in_place = facts.officer is not None
        note = facts.officer or _("Chưa cử cán bộ phụ trách")
        part = Part(
            _("Cán bộ phụ trách phát triển đoàn viên"),
            value=float(in_place),
            note=note,
            url=facts.url,
        )
        return CriterionScore(criterion, part.value, [part])
    if kind == CriterionKind.OWN_PLAN:
        in_place = facts.own_plan is not None
        note = facts.own_plan or _("Chưa có kế hoạch của đơn vị")
        part = Part(
            _("Kế hoạch thực hiện của đơn vị"), value=float(in_place), note=note, url=facts.url
        )
        return CriterionScore(criterion, part.value, [part])
    if not facts.new_unions:
        return CriterionScore(criterion, None, [])
    parts = []
    if kind == CriterionKind.TRAININGS:
        for u in facts.new_unions:
            note = _("Đã tập huấn") if u.trained else _("Chưa tập huấn")
            parts.append(Part(u.name, value=float(u.trained), note=note, url=facts.url))
        fraction = sum(p.value for p in parts) / len(parts)
    else:  # MILESTONES
        total = len(MILESTONE_KINDS)
        for u in facts.new_unions:
            done = len(u.milestones & set(MILESTONE_KINDS))
            parts.append(
                Part(
                    u.name,
                    target=total,
                    achieved=done,
                    value=done / total,
                    note=_("Thành lập ngày %(d)s") % {"d": u.founded_on.strftime("%d/%m/%Y")},
                    url=facts.url,
                )
            )
        fraction = sum(p.value for p in parts) / len(parts)
    return CriterionScore(criterion, fraction, parts)
