"""Pages of the campaign's organisation (Tổ chức thực hiện): the province board, a unit's page
and the forms that fill it. Views are thin: rights through accounts.permissions, reads through
campaign.selectors, writes through campaign.services."""

from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import (
    can_edit_unit,
    require_edit,
    require_view,
    sees_all_units,
)
from campaign import forms, selectors, services
from campaign.models import BudgetNorm, CommitteeMember, SteeringCommittee, Task, UnitPlan
from core.query import query_int
from enterprises.uploads import CONTENT_TYPES, extension
from organisation.models import Unit, UnitKind


def _plan(request):
    plan = selectors.current_plan(request.user, query_int(request, "plan"))
    if plan is None and query_int(request, "plan"):
        raise Http404
    return plan


def _plan_or_404(request):
    plan = _plan(request)
    if plan is None:
        raise Http404
    return plan


def _unit(request, pk, edit=False) -> Unit:
    unit = get_object_or_404(Unit, pk=pk)
    (require_edit if edit else require_view)(request.user, unit)
    return unit


def _unit_url(unit, plan=None) -> str:
    url = reverse("campaign:unit", args=[unit.pk])
    return f"{url}?plan={plan.pk}" if plan is not None else url


def _organising(unit):
    if unit.kind not in [UnitKind.PROVINCE, *UnitKind.upper_level()]:
        raise Http404


@require_GET
def board(request):
    """The province board; a unit's own officers go straight to their unit's page."""
    user = request.user
    if not sees_all_units(user) and user.unit_id is not None:
        return redirect(_unit_url(user.unit))
    plan = _plan(request)
    data = selectors.board(plan, user) if plan is not None else None
    return render(request, "campaign/board.html", {"plan": plan, "board": data})


@require_GET
def export(request):
    """The board as the official Excel sheet (the rows the user may read)."""
    from campaign.export import board_bytes
    from core.excel import XLSX_CONTENT_TYPE

    plan = _plan_or_404(request)
    response = HttpResponse(
        board_bytes(selectors.board(plan, request.user)), content_type=XLSX_CONTENT_TYPE
    )
    name = f"to-chuc-thuc-hien-{plan.number}".replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@require_GET
def unit_page(request, pk):
    unit = _unit(request, pk)
    plan = _plan(request)
    organising = unit.kind in [UnitKind.PROVINCE, *UnitKind.upper_level()]
    status = None
    if plan is not None and organising:
        status = selectors.unit_statuses(plan, [unit], request.user)[0]
    year = plan.year if plan is not None else None
    budget_rows = selectors.budget_table(plan, unit) if plan is not None else []
    return render(
        request,
        "campaign/unit.html",
        {
            "unit": unit,
            "plan": plan,
            "status": status,
            "organising": organising,
            "can_edit": can_edit_unit(request.user, unit),
            "committee": selectors.committee_of(unit),
            "officers": selectors.officers_of(unit) if organising else [],
            "tasks": selectors.tasks_of(plan, unit) if plan is not None else [],
            "budget": budget_rows,
            "budget_total": selectors.budget_total(budget_rows),
            "unit_plan": (
                UnitPlan.objects.filter(plan=plan, unit=unit).first() if plan is not None else None
            ),
            "meetings": selectors.meetings_of(plan, unit) if plan is not None else [],
            "trainings": selectors.trainings_of(unit) if organising else [],
            "new_unions": selectors.new_unions_of(unit, year) if year else [],
        },
    )


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _form_page(request, form, save, *, done, to, template="campaign/form.html", **context):
    """The shape every campaign form shares: on a valid POST run save(cleaned_data) (a service,
    which checks the rights), say done and go to ``to``; a refusal lists its Vietnamese
    messages above the form, nothing saved."""
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, done)
            return redirect(to)
    return render(request, template, {"form": form, "errors": errors, **context})


def committee(request, pk):
    unit = _unit(request, pk, edit=True)
    _organising(unit)
    current = selectors.committee_of(unit)
    initial = {}
    if current is not None:
        initial = {
            f: getattr(current, f) for f in ("name", "decision_number", "decision_on", "note")
        }
    else:
        initial["name"] = _("Ban Chỉ đạo Phát triển đoàn viên %(unit)s") % {"unit": unit.name}
    form = forms.CommitteeForm(request.POST or None, initial=initial)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            services.save_committee(unit=unit, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Đã lưu ban chỉ đạo."))
            return redirect("campaign:committee", pk=unit.pk)
    return render(
        request,
        "campaign/committee.html",
        {
            "unit": unit,
            "committee": current,
            "form": form,
            "member_form": forms.MemberForm(),
            "members": current.members.all() if current else [],
            "errors": errors,
        },
    )


@require_POST
def member_add(request, pk):
    current = get_object_or_404(SteeringCommittee.objects.select_related("unit"), pk=pk)
    require_edit(request.user, current.unit)
    form = forms.MemberForm(request.POST)
    errors = []
    if form.is_valid():
        try:
            services.add_committee_member(committee=current, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Đã thêm thành viên ban chỉ đạo."))
            return redirect("campaign:committee", pk=current.unit_id)
    return render(
        request,
        "campaign/committee.html",
        {
            "unit": current.unit,
            "committee": current,
            "form": forms.CommitteeForm(
                initial={
                    f: getattr(current, f)
                    for f in ("name", "decision_number", "decision_on", "note")
                }
            ),
            "member_form": form,
            "members": current.members.all(),
            "errors": errors,
        },
    )


@require_POST
def member_remove(request, pk):
    member = get_object_or_404(CommitteeMember.objects.select_related("committee__unit"), pk=pk)
    unit = member.committee.unit
    services.remove_committee_member(member=member, user=request.user)
    messages.success(request, _("Đã bỏ %(name)s khỏi ban chỉ đạo.") % {"name": member.full_name})
    return redirect("campaign:committee", pk=unit.pk)


def officer(request, pk):
    unit = _unit(request, pk, edit=True)
    _organising(unit)
    return _form_page(
        request,
        forms.OfficerForm(request.POST or None),
        lambda data: services.designate_officer(unit=unit, user=request.user, **data),
        done=_("Đã lưu cán bộ phụ trách."),
        to=_unit_url(unit),
        unit=unit,
        title=_("Cán bộ phụ trách phát triển đoàn viên"),
        intro=_(
            "Mỗi công đoàn cấp trên trực tiếp cơ sở cử 01 người làm công tác phát triển "
            "đoàn viên. Người mới thay người cũ từ ngày bắt đầu; lịch sử được giữ lại."
        ),
        history=selectors.officers_of(unit),
    )


def task_create(request, pk):
    unit = _unit(request, pk, edit=True)
    _organising(unit)
    plan = _plan_or_404(request)
    province = unit.kind == UnitKind.PROVINCE
    return _form_page(
        request,
        forms.TaskCreateForm(request.POST or None, province=province),
        lambda data: services.create_task(plan=plan, unit=unit, user=request.user, **data),
        done=_("Đã thêm nhiệm vụ."),
        to=_unit_url(unit, plan) + "#tasks",
        unit=unit,
        plan=plan,
        title=_("Thêm nhiệm vụ"),
    )


def task_detail(request, pk):
    task = get_object_or_404(Task.objects.select_related("unit", "plan"), pk=pk)
    require_view(request.user, task.unit)
    can_edit = can_edit_unit(request.user, task.unit)
    initial = {
        f: getattr(task, f) for f in ("status", "done_on", "owner", "due_on", "evidence_link")
    }
    initial["comment"] = task.comment
    form = forms.TaskUpdateForm(request.POST or None, request.FILES or None, initial=initial)
    errors = []
    if request.method == "POST":
        require_edit(request.user, task.unit)
        if form.is_valid():
            try:
                services.update_task(task=task, user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, _("Đã cập nhật nhiệm vụ."))
                return redirect(_unit_url(task.unit, task.plan) + "#tasks")
    return render(
        request,
        "campaign/task.html",
        {
            "task": task,
            "unit": task.unit,
            "plan": task.plan,
            "form": form if can_edit else None,
            "errors": errors,
            "comments": task.comments.select_related("author"),
            "comment_form": forms.CommentForm(),
            "history": task.history.select_related("history_user").order_by("-history_date")[:20],
        },
    )


@require_GET
def task_evidence(request, pk):
    """The evidence file, only to those who may read the task (never a public media URL)."""
    task = get_object_or_404(Task.objects.select_related("unit"), pk=pk)
    require_view(request.user, task.unit)
    return _file_response(task.evidence_file, task.evidence_name, f"minh-chung-{task.pk}")


def meeting(request, pk):
    unit = _unit(request, pk, edit=True)
    _organising(unit)
    plan = _plan_or_404(request)
    return _form_page(
        request,
        forms.MeetingForm(request.POST or None),
        lambda data: services.record_meeting(plan=plan, unit=unit, user=request.user, **data),
        done=_("Đã ghi cuộc giao ban."),
        to=_unit_url(unit, plan) + "#meetings",
        unit=unit,
        plan=plan,
        title=_("Giao ban đánh giá tình hình phát triển đoàn viên"),
    )


def budget(request, pk):
    unit = _unit(request, pk, edit=True)
    _organising(unit)
    plan = _plan_or_404(request)
    table = selectors.budget_table(plan, unit)
    return _form_page(
        request,
        forms.BudgetForm(request.POST or None),
        lambda data: services.add_budget_line(plan=plan, unit=unit, user=request.user, **data),
        done=_("Đã ghi dòng kinh phí."),
        to=_unit_url(unit, plan) + "#budget",
        template="campaign/budget.html",
        unit=unit,
        plan=plan,
        lines=selectors.budget_of(plan, unit),
        table=table,
        total=selectors.budget_total(table),
        norms=selectors.norms_of(plan).values(),
    )


def training(request, pk):
    unit = _unit(request, pk, edit=True)
    _organising(unit)
    return _form_page(
        request,
        forms.TrainingForm(request.POST or None, unions=selectors.training_unions(unit)),
        lambda data: services.add_training(unit=unit, user=request.user, **data),
        done=_("Đã ghi lớp tập huấn."),
        to=_unit_url(unit) + "#trainings",
        unit=unit,
        title=_("Tập huấn cán bộ CĐCS mới thành lập"),
    )


def milestone(request, pk):
    unit = _unit(request, pk, edit=True)
    return _form_page(
        request,
        forms.MilestoneForm(
            request.POST or None, unions=selectors.milestone_unions(unit, request.user)
        ),
        lambda data: services.record_milestone(user=request.user, **data),
        done=_("Đã ghi mốc chất lượng CĐCS."),
        to=_unit_url(unit) + "#quality",
        unit=unit,
        title=_("Mốc chất lượng hoạt động của CĐCS mới"),
        intro=_(
            "Thỏa ước lao động tập thể (có lợi hơn luật), đối thoại tại nơi làm việc, quy chế "
            "dân chủ cơ sở, thu đoàn phí — mỗi mốc một ngày; ghi lại để sửa."
        ),
    )


@require_POST
def task_comment(request, pk):
    """Add a comment to the task's thread (anyone who may read the task)."""
    task = get_object_or_404(Task.objects.select_related("unit", "plan"), pk=pk)
    require_view(request.user, task.unit)
    form = forms.CommentForm(request.POST)
    to = reverse("campaign:task", args=[task.pk]) + "#comments"
    if not form.is_valid():
        messages.error(request, _("Thiếu nội dung ý kiến."))
        return redirect(to)
    try:
        services.add_task_comment(task=task, user=request.user, **form.cleaned_data)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("Đã gửi ý kiến."))
    return redirect(to)


def unit_plan(request, pk):
    """The unit's own implementation plan for the province plan (number, date, file)."""
    unit = _unit(request, pk, edit=True)
    if unit.kind not in UnitKind.upper_level():
        raise Http404
    plan = _plan_or_404(request)
    current = UnitPlan.objects.filter(plan=plan, unit=unit).first()
    initial = {}
    if current is not None:
        initial = {"number": current.number, "issued_on": current.issued_on, "note": current.note}
    return _form_page(
        request,
        forms.UnitPlanForm(request.POST or None, request.FILES or None, initial=initial),
        lambda data: services.save_unit_plan(plan=plan, unit=unit, user=request.user, **data),
        done=_("Đã lưu kế hoạch của đơn vị."),
        to=_unit_url(unit, plan) + "#unit-plan",
        unit=unit,
        plan=plan,
        title=_("Kế hoạch thực hiện của đơn vị"),
        intro=_(
            "Kế hoạch của đơn vị xây dựng theo Kế hoạch số %(number)s và chỉ tiêu được giao: "
            "số, ngày ban hành và bản quét. Ghi lại để thay bản cũ."
        )
        % {"number": plan.number},
        current_plan=current,
    )


def _file_response(field, name, fallback):
    if not field:
        raise Http404
    path = Path(field.path)
    if not path.exists():
        raise Http404
    ext = extension(path.name)
    return FileResponse(
        path.open("rb"),
        content_type=CONTENT_TYPES.get(ext, "application/octet-stream"),
        filename=name or f"{fallback}.{ext}",
    )


@require_GET
def unit_plan_file(request, pk):
    """The scanned unit plan, only to those who may read the unit."""
    record = get_object_or_404(UnitPlan.objects.select_related("unit"), pk=pk)
    require_view(request.user, record.unit)
    return _file_response(record.file, record.file_name, f"ke-hoach-{record.pk}")


def norms(request):
    """The province's spending norms of the plan (Văn phòng LĐLĐ tỉnh): everyone who sees the
    plan reads them; the province administrator sets them."""
    plan = _plan_or_404(request)
    issuer = plan.issuing_unit
    can_edit = can_edit_unit(request.user, issuer)
    if request.method == "POST":
        require_edit(request.user, issuer)
    return _form_page(
        request,
        forms.NormForm(request.POST or None),
        lambda data: services.save_budget_norm(plan=plan, user=request.user, **data),
        done=_("Đã lưu định mức chi."),
        to=f"{reverse('campaign:norms')}?plan={plan.pk}",
        template="campaign/norms.html",
        plan=plan,
        norms=selectors.norms_of(plan).values(),
        can_edit=can_edit,
    )


@require_POST
def norm_remove(request, pk):
    norm = get_object_or_404(BudgetNorm.objects.select_related("plan"), pk=pk)
    services.remove_budget_norm(norm=norm, user=request.user)
    messages.success(request, _("Đã bỏ định mức chi."))
    return redirect(f"{reverse('campaign:norms')}?plan={norm.plan_id}")


@require_GET
def budget_overview(request):
    """Every unit's estimate against the norms, spent vs estimated, cost per new member and
    per new CĐCS (the rows the user may read)."""
    plan = _plan_or_404(request)
    return render(
        request,
        "campaign/budget_overview.html",
        {"plan": plan, "overview": selectors.budget_overview(plan, request.user)},
    )
