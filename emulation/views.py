"""Emulation pages: the rule and its versions, scores and ranking, reward proposals."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import (
    can_decide_rewards,
    can_manage_plans,
    can_propose_reward,
    editable_units,
    require,
    require_view,
    sees_all_units,
)
from core.errors import ServiceError
from core.query import query_int
from emulation import selectors, services
from emulation.forms import (
    KIND_CHOICES,
    DecisionForm,
    ProposalForm,
    PublishForm,
    criteria_rows,
    parse_rule,
)
from emulation.models import RecipientKind, RewardProposal, RuleSet
from emulation.scoring import TIE_RULE
from organisation.models import Unit
from plans.models import PlanUnit
from plans.selectors import get_period, get_plan_for, plans_for


def _errors(request, exc: ServiceError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def home(request):
    plans = list(plans_for(request.user))
    rows = [
        {"plan": p, "rule": selectors.published_rule(p), "periods": list(p.periods.all())}
        for p in plans
    ]
    return render(
        request,
        "emulation/home.html",
        {"rows": rows, "can_manage": can_manage_plans(request.user)},
    )


def rules(request, plan_pk):
    plan = get_plan_for(request.user, plan_pk)
    if request.method == "POST":
        require(can_manage_plans(request.user))
        rule_set = services.new_version(plan=plan, user=request.user)
        return redirect("emulation:rule_edit", rule_set.pk)
    return render(
        request,
        "emulation/rules.html",
        {
            "plan": plan,
            "versions": selectors.rule_versions(plan, request.user),
            "can_manage": can_manage_plans(request.user),
        },
    )


def rule_edit(request, pk):
    require(can_manage_plans(request.user))
    rule_set = get_object_or_404(RuleSet.objects.select_related("plan"), pk=pk)
    if rule_set.is_published:
        messages.info(request, _("Phiên bản này đã công bố; hãy tạo phiên bản mới để thay đổi."))
        return redirect("emulation:rules", rule_set.plan_id)
    rows = criteria_rows(rule_set)
    if request.method == "POST":
        criteria, bands, problems = parse_rule(request.POST, len(rows))
        try:
            if problems:
                raise services.EmulationError(problems)
            services.save_rule(rule_set=rule_set, criteria=criteria, bands=bands, user=request.user)
        except ServiceError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Đã lưu dự thảo bộ tiêu chí."))
            return redirect("emulation:rule_edit", rule_set.pk)
    return render(
        request,
        "emulation/rule_edit.html",
        {
            "rule_set": rule_set,
            "plan": rule_set.plan,
            "rows": rows,
            "kinds": KIND_CHOICES,
            "publish_form": PublishForm(),
        },
    )


@require_POST
def rule_publish(request, pk):
    require(can_manage_plans(request.user))
    rule_set = get_object_or_404(RuleSet, pk=pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            services.publish_rule(
                rule_set=rule_set,
                published_on=form.cleaned_data["published_on"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ServiceError as exc:
            _errors(request, exc)
            return redirect("emulation:rule_edit", rule_set.pk)
        messages.success(request, _("Đã công bố phiên bản %(v)s.") % {"v": rule_set.version})
    else:
        messages.error(request, _("Ngày công bố không hợp lệ (dd/mm/yyyy)."))
        return redirect("emulation:rule_edit", rule_set.pk)
    return redirect("emulation:rules", rule_set.plan_id)


def _rule_for(request, plan):
    version = query_int(request, "version")
    rule_set = selectors.published_rule(plan, version)
    if rule_set is None and version is not None:
        raise Http404
    return rule_set


def scores(request, plan_pk, period_code):
    plan = get_plan_for(request.user, plan_pk)
    period = get_period(plan, period_code)
    rule_set = _rule_for(request, plan)
    result, rows = (None, [])
    if rule_set is not None:
        result, rows = selectors.scores_for(request.user, rule_set, period)
    return render(
        request,
        "emulation/scores.html",
        {
            "plan": plan,
            "period": period,
            "rule_set": rule_set,
            "versions": selectors.rule_versions(plan, request.user).filter(status="published"),
            "scores": result,
            "rows": rows,
            "tie_rule": TIE_RULE,
            "is_province": sees_all_units(request.user),
        },
    )


def scores_export(request, plan_pk, period_code):
    """The ranking page as the official Excel table: the rows the user sees, ranks among all."""
    from core.excel import XLSX_CONTENT_TYPE
    from emulation.export import ranking_bytes

    plan = get_plan_for(request.user, plan_pk)
    period = get_period(plan, period_code)
    rule_set = _rule_for(request, plan)
    if rule_set is None:
        raise Http404
    result, rows = selectors.scores_for(request.user, rule_set, period)
    response = HttpResponse(ranking_bytes(result, rows), content_type=XLSX_CONTENT_TYPE)
    name = f"xep-hang-thi-dua-{period.code}-v{rule_set.version}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def unit_score(request, plan_pk, period_code, unit_pk):
    plan = get_plan_for(request.user, plan_pk)
    period = get_period(plan, period_code)
    unit = get_object_or_404(Unit, pk=unit_pk)
    require_view(request.user, unit)
    if not PlanUnit.objects.filter(plan=plan, unit=unit).exists():
        raise Http404
    rule_set = _rule_for(request, plan)
    row = None
    if rule_set is not None:
        result, _rows = selectors.scores_for(request.user, rule_set, period)
        row = result.for_unit(unit.pk)
    return render(
        request,
        "emulation/unit_score.html",
        {
            "plan": plan,
            "period": period,
            "unit": unit,
            "rule_set": rule_set,
            "row": row,
            "tie_rule": TIE_RULE,
            "can_propose": can_propose_reward(request.user, unit),
        },
    )


def _proposal_filters(request):
    """The plan of ?plan= (default: the newest the user sees with proposals, else the newest)
    and the period of ?period= (optional)."""
    plans = list(plans_for(request.user).order_by("-year", "-issued_on", "-id"))
    wanted = query_int(request, "plan")
    with_proposals = set(
        selectors.proposals_for(request.user).values_list("plan_id", flat=True).distinct()
    )
    default = next((p for p in plans if p.pk in with_proposals), plans[0] if plans else None)
    plan = next((p for p in plans if p.pk == wanted), default)
    period = None
    code = request.GET.get("period")
    if plan is not None and code:
        period = plan.periods.filter(code=code).first()
    return plans, plan, period


def proposals(request):
    plans, plan, period = _proposal_filters(request)
    listed = selectors.proposals_for(request.user, plan, period) if plan else []
    return render(
        request,
        "emulation/proposals.html",
        {
            "proposals": listed[:500],
            "plans": plans,
            "plan": plan,
            "period": period,
            "periods": list(plan.periods.all()) if plan else [],
            "can_decide": can_decide_rewards(request.user),
        },
    )


EXPORT_FORMATS = ("xlsx", "docx")


def proposals_export(request, fmt):
    """The proposal list the user may read (plan, optional period) as Excel, or the open ones
    as the Word submission (tờ trình) signed by the user's unit (the province's for the
    province)."""
    from core.excel import XLSX_CONTENT_TYPE
    from emulation.export import proposals_bytes
    from emulation.word import build_submission, docx_bytes
    from reports.word import DOCX_CONTENT_TYPE

    if fmt not in EXPORT_FORMATS:
        raise Http404
    _plans, plan, period = _proposal_filters(request)
    if plan is None:
        raise Http404
    listed = list(selectors.proposals_for(request.user, plan, period))
    issuer = selectors.submitting_unit(request.user, plan)
    if fmt == "xlsx":
        what = period.name if period else _("mọi đợt")
        subtitle = _("Kế hoạch số %(plan)s — %(what)s; lập ngày %(day)s") % {
            "plan": plan.number,
            "what": what,
            "day": timezone.localdate().strftime("%d/%m/%Y"),
        }
        body = proposals_bytes(listed, federation=issuer.name.upper(), subtitle=subtitle)
        response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
        name = f"de-nghi-khen-thuong-{plan.year}.xlsx"
    else:
        sub = build_submission(
            listed,
            plan=plan,
            issuer=issuer,
            period=period,
            rule_set=selectors.published_rule(plan) if period else None,
        )
        response = HttpResponse(docx_bytes(sub), content_type=DOCX_CONTENT_TYPE)
        name = f"{sub.filename_stem}.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _proposable_units(user, plan):
    plan_units = PlanUnit.objects.filter(plan=plan).values("unit_id")
    from organisation.models import UnitPath

    below = UnitPath.objects.filter(ancestor_id__in=plan_units).values("descendant_id")
    units = editable_units(user).filter(id__in=below).order_by("sort_order", "name")
    return [u for u in units if can_propose_reward(user, u)]


def proposal_create(request):
    plans = list(plans_for(request.user))
    plan = next(
        (p for p in plans if p.pk == query_int(request, "plan")), plans[0] if plans else None
    )
    if plan is None:
        raise Http404
    units = _proposable_units(request.user, plan)
    require(bool(units))
    unit_qs = Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("sort_order", "name")
    periods = plan.periods.all()
    initial = {"recipient_kind": RecipientKind.COLLECTIVE}
    wanted_unit = query_int(request, "unit")
    period = get_period(plan, request.GET.get("period"))
    if wanted_unit and unit_qs.filter(pk=wanted_unit).exists():
        unit = unit_qs.get(pk=wanted_unit)
        initial.update(unit=unit, period=period)
        rule_set = selectors.published_rule(plan)
        if rule_set is not None:
            result, _rows = selectors.scores_for(request.user, rule_set, period)
            initial["achievements"] = selectors.achievements_text(result, unit)
    if request.method == "POST":
        form = ProposalForm(request.POST, units=unit_qs, periods=periods)
        if form.is_valid():
            data = form.cleaned_data
            try:
                proposal = services.propose_reward(plan=plan, user=request.user, **data)
            except ServiceError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("Đã gửi đề nghị khen thưởng."))
                return redirect("emulation:proposal_detail", proposal.pk)
    else:
        form = ProposalForm(initial=initial, units=unit_qs, periods=periods)
    return render(
        request, "emulation/proposal_form.html", {"form": form, "plan": plan, "plans": plans}
    )


def proposal_detail(request, pk):
    proposal = get_object_or_404(selectors.proposals_for(request.user), pk=pk)
    return render(
        request,
        "emulation/proposal_detail.html",
        {
            "proposal": proposal,
            "history": proposal.history.order_by("-history_date")[:50],
            "can_decide": can_decide_rewards(request.user),
            "form": DecisionForm(),
        },
    )


ACTIONS = ("review", "approve", "decline")


@require_POST
def proposal_action(request, pk, action):
    require(can_decide_rewards(request.user))
    if action not in ACTIONS:
        raise Http404
    proposal = get_object_or_404(RewardProposal, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ngày quyết định không hợp lệ (dd/mm/yyyy)."))
        return redirect("emulation:proposal_detail", proposal.pk)
    data = form.cleaned_data
    try:
        if action == "review":
            services.review_proposal(proposal=proposal, user=request.user)
        elif action == "approve":
            services.approve_proposal(
                proposal=proposal,
                decision_number=data["decision_number"],
                decision_date=data["decision_date"],
                user=request.user,
            )
        else:
            services.decline_proposal(proposal=proposal, reason=data["reason"], user=request.user)
    except ServiceError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Đã cập nhật đề nghị khen thưởng."))
    return redirect("emulation:proposal_detail", proposal.pk)
