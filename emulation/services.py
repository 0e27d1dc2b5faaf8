"""Writes to the emulation rule and reward proposals; each checks its user= itself.

Rule: a province administrator writes a draft version and publishes it; a published version is
never changed: ``new_version`` copies it into the next draft, which needs a reason to publish.

Proposals: proposed (by a unit officer for a unit of its own subtree, or the province) →
reviewed → approved with the decision's number and date, or declined with a reason (from
proposed or reviewed), by the province.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import (
    can_decide_rewards,
    can_manage_plans,
    can_propose_reward,
    recorded_user,
    require,
)
from core.errors import ServiceError
from emulation.models import (
    Criterion,
    CriterionKind,
    ProposalStatus,
    RecipientKind,
    RewardForm,
    RewardLevel,
    RewardProposal,
    RuleSet,
    RuleStatus,
)
from plans.models import Period, Plan, PlanUnit

DEFAULT_CRITERIA = [
    (CriterionKind.TARGET_SHARE, "Tỷ lệ hoàn thành các chỉ tiêu được giao", 60, True),
    (CriterionKind.MINIMUMS_MET, "Đạt các chỉ tiêu “trở lên”", 20, True),
    (CriterionKind.REPORT_TIMELINESS, "Nộp báo cáo đúng hạn", 20, True),
]


class EmulationError(ServiceError):
    """A change the rule's or the proposal's state does not allow; the message says why."""


def _draft_or_refuse(rule_set: RuleSet) -> None:
    if rule_set.is_published:
        raise EmulationError(
            _("Phiên bản %(v)s đã công bố, không sửa được: hãy tạo phiên bản mới.")
            % {"v": rule_set.version}
        )


@transaction.atomic
def new_version(*, plan: Plan, user) -> RuleSet:
    """The next draft version of plan's rule: a copy of the latest version (or the defaults).
    With a draft already open, that draft is returned."""
    require(can_manage_plans(user))
    latest = RuleSet.objects.select_for_update().filter(plan=plan).order_by("-version").first()
    if latest is not None and not latest.is_published:
        return latest
    rule_set = RuleSet.objects.create(
        plan=plan,
        version=(latest.version + 1) if latest else 1,
        created_by=recorded_user(user),
        **(
            {f: getattr(latest, f) for f in ("excellent_min", "good_min", "done_min")}
            if latest
            else {}
        ),
    )
    if latest is not None:
        source = [(c.kind, c.name, c.weight, c.capped) for c in latest.criteria.all()]
    else:
        source = DEFAULT_CRITERIA
    Criterion.objects.bulk_create(
        Criterion(rule_set=rule_set, kind=k, name=n, weight=w, capped=c, sort_order=i)
        for i, (k, n, w, c) in enumerate(source)
    )
    return rule_set


def _check_bands(excellent, good, done) -> None:
    if not (0 <= done <= good <= excellent <= 100):
        raise EmulationError(
            _(
                "Ngưỡng xếp loại phải tăng dần trong khoảng 0–100: hoàn thành ≤ hoàn thành tốt "
                "≤ hoàn thành xuất sắc."
            )
        )


@transaction.atomic
def save_rule(*, rule_set: RuleSet, criteria: list[dict], bands: dict, user) -> RuleSet:
    """Replace a draft's criteria (dicts of kind, name, weight, capped) and bands
    (excellent_min, good_min, done_min)."""
    require(can_manage_plans(user))
    rule_set = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    _draft_or_refuse(rule_set)
    problems = []
    if not criteria:
        problems.append(_("Bộ tiêu chí cần ít nhất một tiêu chí."))
    for i, c in enumerate(criteria, start=1):
        if c.get("kind") not in CriterionKind.values:
            problems.append(_("Tiêu chí %(n)s: loại không hợp lệ.") % {"n": i})
        if not str(c.get("name") or "").strip():
            problems.append(_("Tiêu chí %(n)s: cần tên.") % {"n": i})
        weight = c.get("weight")
        if not isinstance(weight, int) or not 1 <= weight <= 1000:
            problems.append(_("Tiêu chí %(n)s: trọng số là số nguyên từ 1 đến 1.000.") % {"n": i})
    if problems:
        raise EmulationError(problems)
    _check_bands(bands["excellent_min"], bands["good_min"], bands["done_min"])
    for name in ("excellent_min", "good_min", "done_min"):
        setattr(rule_set, name, bands[name])
    rule_set.save()
    rule_set.criteria.all().delete()
    Criterion.objects.bulk_create(
        Criterion(
            rule_set=rule_set,
            kind=c["kind"],
            name=c["name"].strip(),
            weight=c["weight"],
            capped=bool(c.get("capped", True)),
            sort_order=i,
        )
        for i, c in enumerate(criteria)
    )
    return rule_set


@transaction.atomic
def publish_rule(
    *, rule_set: RuleSet, user, published_on: datetime.date | None = None, reason: str = ""
) -> RuleSet:
    require(can_manage_plans(user))
    rule_set = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    _draft_or_refuse(rule_set)
    reason = (reason or "").strip()
    if rule_set.version > 1 and not reason:
        raise EmulationError(_("Phiên bản thay đổi sau khi đã công bố cần ghi rõ lý do."))
    if not rule_set.criteria.exists():
        raise EmulationError(_("Bộ tiêu chí cần ít nhất một tiêu chí."))
    previous = (
        RuleSet.objects.filter(plan=rule_set.plan, status=RuleStatus.PUBLISHED)
        .order_by("-version")
        .first()
    )
    published_on = published_on or timezone.localdate()
    if previous is not None and published_on < previous.published_on:
        raise EmulationError(
            _("Ngày công bố không được trước ngày công bố phiên bản %(v)s (%(d)s).")
            % {"v": previous.version, "d": previous.published_on.strftime("%d/%m/%Y")}
        )
    rule_set.status = RuleStatus.PUBLISHED
    rule_set.published_on = published_on
    rule_set.reason = reason
    rule_set.save()
    return rule_set


# Reward proposals ------------------------------------------------------------------------------


def _check_proposal(plan, period, unit, recipient_kind, person_name, form, level, achievements):
    problems = []
    if period.plan_id != plan.pk:
        problems.append(_("Đợt không thuộc kế hoạch này."))
    if recipient_kind not in RecipientKind.values:
        problems.append(_("Đối tượng phải là tập thể hoặc cá nhân."))
    if recipient_kind == RecipientKind.INDIVIDUAL and not (person_name or "").strip():
        problems.append(_("Đề nghị khen thưởng cá nhân cần họ và tên."))
    if form not in RewardForm.values:
        problems.append(_("Hình thức khen thưởng không hợp lệ."))
    elif level not in RewardLevel.for_form(form):
        problems.append(
            _("%(form)s không có cấp “%(level)s”.")
            % {
                "form": RewardForm(form).label,
                "level": RewardLevel(level).label if level in RewardLevel.values else level,
            }
        )
    if not (achievements or "").strip():
        problems.append(_("Cần nêu thành tích."))
    if problems:
        raise EmulationError(problems)


@transaction.atomic
def propose_reward(
    *,
    plan: Plan,
    period: Period,
    unit,
    recipient_kind: str,
    form: str,
    level: str,
    achievements: str,
    user,
    person_name: str = "",
    person_position: str = "",
) -> RewardProposal:
    require(can_propose_reward(user, unit))
    _check_proposal(plan, period, unit, recipient_kind, person_name, form, level, achievements)

    in_plan = PlanUnit.objects.filter(plan=plan, unit__in=_ancestors_and_self(unit)).exists()
    if not in_plan:
        raise EmulationError(_("Đơn vị không thuộc các đơn vị nhận chỉ tiêu của kế hoạch."))
    individual = recipient_kind == RecipientKind.INDIVIDUAL
    return RewardProposal.objects.create(
        plan=plan,
        period=period,
        unit=unit,
        recipient_kind=recipient_kind,
        person_name=person_name.strip() if individual else "",
        person_position=person_position.strip() if individual else "",
        form=form,
        level=level,
        achievements=achievements.strip(),
        proposed_by=recorded_user(user),
    )


def _ancestors_and_self(unit):
    from organisation.models import UnitPath

    return UnitPath.objects.filter(descendant=unit).values("ancestor_id")


def _locked(proposal: RewardProposal) -> RewardProposal:
    return RewardProposal.objects.select_for_update().get(pk=proposal.pk)


def _refuse(proposal, action) -> None:
    raise EmulationError(
        _("Đề nghị đang ở trạng thái “%(status)s”: không thể %(action)s.")
        % {"status": proposal.get_status_display(), "action": action}
    )


@transaction.atomic
def review_proposal(*, proposal: RewardProposal, user) -> RewardProposal:
    require(can_decide_rewards(user))
    proposal = _locked(proposal)
    if proposal.status != ProposalStatus.PROPOSED:
        _refuse(proposal, _("thẩm định"))
    proposal.status = ProposalStatus.REVIEWED
    proposal.save()
    return proposal


@transaction.atomic
def approve_proposal(
    *, proposal: RewardProposal, decision_number: str, decision_date: datetime.date | None, user
) -> RewardProposal:
    require(can_decide_rewards(user))
    proposal = _locked(proposal)
    if proposal.status != ProposalStatus.REVIEWED:
        _refuse(proposal, _("quyết định khen thưởng (cần thẩm định trước)"))
    problems = []
    if not (decision_number or "").strip():
        problems.append(_("Cần số quyết định khen thưởng."))
    if decision_date is None:
        problems.append(_("Cần ngày quyết định khen thưởng."))
    if problems:
        raise EmulationError(problems)
    proposal.status = ProposalStatus.APPROVED
    proposal.decision_number = decision_number.strip()
    proposal.decision_date = decision_date
    proposal.save()
    return proposal


@transaction.atomic
def decline_proposal(*, proposal: RewardProposal, reason: str, user) -> RewardProposal:
    require(can_decide_rewards(user))
    proposal = _locked(proposal)
    if proposal.status not in (ProposalStatus.PROPOSED, ProposalStatus.REVIEWED):
        _refuse(proposal, _("từ chối"))
    if not (reason or "").strip():
        raise EmulationError(_("Cần ghi lý do không khen thưởng."))
    proposal.status = ProposalStatus.DECLINED
    proposal.decline_reason = reason.strip()
    proposal.save()
    return proposal
