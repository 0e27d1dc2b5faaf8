"""Writes for the campaign's organisation. All atomic.

Each takes the acting user (``user=``) and checks accounts.permissions itself: every write is a
change to the unit the row belongs to (``require_edit``, PermissionDenied) — a unit officer edits
its own unit's committee, officer, tasks, budget, trainings and its CĐCS' milestones; the
departments' tasks and the province's committee belong to the province, so only a province
administrator edits them; the province viewer writes nothing. Then the data is checked
(``CampaignError``, a Vietnamese message naming the field).
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import recorded_user, require_edit, require_view
from campaign.models import (
    BudgetCategory,
    BudgetKind,
    BudgetLine,
    BudgetNorm,
    CommitteeMember,
    Department,
    DesignatedOfficer,
    MemberBody,
    MemberRole,
    Milestone,
    MilestoneKind,
    NormMeasure,
    ReviewMeeting,
    SteeringCommittee,
    Task,
    TaskComment,
    TaskStatus,
    Training,
    UnitPlan,
)
from core.errors import ServiceError
from core.text import clean
from enterprises.uploads import check_decision_file
from organisation.models import Unit, UnitKind, UnitPath
from plans.models import Plan, PlanUnit

KEEP = object()  # update_task: leave this field as it is


class CampaignError(ServiceError):
    """Bad input; the message is Vietnamese and names the field."""


def _d(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _not_future(day, label) -> None:
    if day is not None and day > timezone.localdate():
        raise CampaignError(
            _("%(label)s %(date)s ở tương lai.") % {"label": label, "date": _d(day)}
        )


def _organising_unit(unit: Unit) -> None:
    """Committees, officers, tasks, budgets and trainings belong to the province or an
    upper-level union, not to a CĐCS."""
    if unit.kind not in [UnitKind.PROVINCE, *UnitKind.upper_level()]:
        raise CampaignError(
            _("“%(name)s” không phải LĐLĐ tỉnh hoặc công đoàn cấp trên trực tiếp cơ sở.")
            % {"name": unit}
        )


def _required(value, label) -> str:
    value = clean(value)
    if not value:
        raise CampaignError(_("Thiếu %(label)s.") % {"label": label})
    return value


# --- Steering committees ----------------------------------------------------------------------


@transaction.atomic
def save_committee(
    *,
    unit: Unit,
    user,
    name: str = "",
    decision_number: str = "",
    decision_on: datetime.date | None = None,
    note: str = "",
    is_demo: bool = False,
) -> SteeringCommittee:
    """The unit's steering committee (created, or its header changed)."""
    require_edit(user, unit)
    _organising_unit(unit)
    name = clean(name) or _("Ban Chỉ đạo Phát triển đoàn viên %(unit)s") % {"unit": unit.name}
    decision_number = clean(decision_number)
    if bool(decision_number) != bool(decision_on):
        raise CampaignError(_("Số quyết định và ngày quyết định phải ghi cùng nhau."))
    _not_future(decision_on, _("Ngày quyết định"))
    committee, _created = SteeringCommittee.objects.select_for_update().get_or_create(
        unit=unit, defaults={"name": name, "is_demo": is_demo}
    )
    committee.name = name
    committee.decision_number = decision_number
    committee.decision_on = decision_on
    committee.note = clean(note)
    committee.updated_by = recorded_user(user)
    committee.save()
    return committee


@transaction.atomic
def add_committee_member(
    *,
    committee: SteeringCommittee,
    full_name: str,
    user,
    position: str = "",
    role: str = MemberRole.MEMBER,
    body: str = MemberBody.UNION,
    assignment: str = "",
) -> CommitteeMember:
    require_edit(user, committee.unit)
    full_name = _required(full_name, _("họ và tên thành viên"))
    if role not in MemberRole.values:
        raise CampaignError(_("Vai trò trong ban chỉ đạo không hợp lệ."))
    if body not in MemberBody.values:
        raise CampaignError(_("Cơ quan của thành viên không hợp lệ."))
    members = committee.members.all()
    if role == MemberRole.HEAD and members.filter(role=MemberRole.HEAD).exists():
        raise CampaignError(_("Ban chỉ đạo đã có trưởng ban; sửa hoặc bỏ người cũ trước."))
    if members.filter(full_name__iexact=full_name).exists():
        raise CampaignError(_("“%(name)s” đã có trong ban chỉ đạo.") % {"name": full_name})
    return CommitteeMember.objects.create(
        committee=committee,
        unit=committee.unit,
        full_name=full_name,
        position=clean(position),
        role=role,
        body=body,
        assignment=(assignment or "").strip(),
        sort_order=members.count() + 1,
    )


@transaction.atomic
def remove_committee_member(*, member: CommitteeMember, user) -> None:
    member = CommitteeMember.objects.select_related("committee__unit").get(pk=member.pk)
    require_edit(user, member.committee.unit)
    member.delete()


# --- The designated officer -------------------------------------------------------------------


@transaction.atomic
def designate_officer(
    *,
    unit: Unit,
    full_name: str,
    since: datetime.date,
    user,
    position: str = "",
    phone: str = "",
    email: str = "",
) -> DesignatedOfficer:
    """The unit's officer for member development from ``since``; the previous one (if another
    person) ends the day before, so who was in charge when stays on record."""
    require_edit(user, unit)
    _organising_unit(unit)
    full_name = _required(full_name, _("họ và tên cán bộ phụ trách"))
    if since is None:
        raise CampaignError(_("Thiếu ngày bắt đầu phụ trách."))
    _not_future(since, _("Ngày bắt đầu phụ trách"))
    current = (
        DesignatedOfficer.objects.select_for_update().filter(unit=unit, until__isnull=True).first()
    )
    fields = {
        "position": clean(position),
        "phone": clean(phone),
        "email": clean(email),
        "updated_by": recorded_user(user),
    }
    if current is not None and current.full_name.casefold() == full_name.casefold():
        for key, value in {**fields, "full_name": full_name, "since": since}.items():
            setattr(current, key, value)
        current.save()
        return current
    if current is not None:
        if since <= current.since:
            raise CampaignError(
                _("Ngày bắt đầu phải sau ngày %(date)s, ngày %(name)s bắt đầu phụ trách.")
                % {"date": _d(current.since), "name": current.full_name}
            )
        current.until = since - datetime.timedelta(days=1)
        current.save(update_fields=["until"])
    return DesignatedOfficer.objects.create(unit=unit, full_name=full_name, since=since, **fields)


# --- Tasks ------------------------------------------------------------------------------------


def _check_status(status, done_on):
    if status not in TaskStatus.values:
        raise CampaignError(_("Trạng thái nhiệm vụ không hợp lệ."))
    if done_on is not None and status != TaskStatus.DONE:
        raise CampaignError(_("Chỉ ghi ngày hoàn thành khi nhiệm vụ đã xong."))
    _not_future(done_on, _("Ngày hoàn thành"))


def _check_evidence(evidence_file):
    if evidence_file:
        check_decision_file(evidence_file)


@transaction.atomic
def create_task(
    *,
    plan: Plan,
    unit: Unit,
    title: str,
    user,
    department: str = "",
    owner: str = "",
    due_on: datetime.date | None = None,
    status: str = TaskStatus.TODO,
    source: str = "",
    comment: str = "",
    sort_order: int = 0,
    is_demo: bool = False,
) -> Task:
    require_edit(user, unit)
    _organising_unit(unit)
    title = _required(title, _("nội dung nhiệm vụ"))
    if department:
        if department not in Department.values:
            raise CampaignError(_("Ban phụ trách không hợp lệ."))
        if unit.kind != UnitKind.PROVINCE:
            raise CampaignError(_("Nhiệm vụ của các ban thuộc LĐLĐ tỉnh."))
    _check_status(status, None)
    return Task.objects.create(
        plan=plan,
        unit=unit,
        department=department,
        title=title,
        owner=clean(owner),
        due_on=due_on,
        status=status,
        source=clean(source),
        comment=(comment or "").strip(),
        sort_order=sort_order,
        is_demo=is_demo,
        updated_by=recorded_user(user),
    )


@transaction.atomic
def update_task(
    *,
    task: Task,
    user,
    status: str | None = None,
    done_on: datetime.date | None = None,
    owner: str | None = None,
    due_on=KEEP,
    comment: str | None = None,
    evidence_link: str | None = None,
    evidence_file=None,
) -> Task:
    """Progress on a task: status (xong needs a date: today by default), owner, due date,
    comment, evidence as a link or a scanned file (PDF/JPG/PNG ≤ 10 MB, checked by content,
    kept under a random name)."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    require_edit(user, task.unit)
    status = task.status if status is None else status
    if status == TaskStatus.DONE and done_on is None:
        done_on = task.done_on or timezone.localdate()
    elif status != TaskStatus.DONE:
        done_on = None  # reopened: the old completion date no longer holds
    _check_status(status, done_on)
    _check_evidence(evidence_file)
    task.status, task.done_on = status, done_on
    if due_on is not KEEP:
        task.due_on = due_on
    if owner is not None:
        task.owner = clean(owner)
    if comment is not None:
        task.comment = comment.strip()
    if evidence_link is not None:
        task.evidence_link = clean(evidence_link)
    if evidence_file:
        old = task.evidence_file.name if task.evidence_file else ""
        task.evidence_name = evidence_file.name[:255]
        task.evidence_file.save(evidence_file.name, evidence_file, save=False)
        if old:
            transaction.on_commit(lambda: task.evidence_file.storage.delete(old))
    task.updated_by = recorded_user(user)
    task.save()
    return task


# --- Comments on tasks -----------------------------------------------------------------------


@transaction.atomic
def add_task_comment(*, task: Task, text: str, user) -> TaskComment:
    """A comment in the task's thread: anyone who may read the task may comment (the province
    viewer too: a comment changes nothing of the task). Kept with its author and time."""
    task = Task.objects.select_related("unit").get(pk=task.pk)
    require_view(user, task.unit)
    text = (text or "").strip()
    if not text:
        raise CampaignError(_("Thiếu nội dung ý kiến."))
    if len(text) > 4000:
        raise CampaignError(_("Ý kiến dài quá 4.000 ký tự."))
    author = recorded_user(user)
    name = ""
    if author is not None:
        name = author.get_full_name() or author.get_username()
    return TaskComment.objects.create(
        task=task, unit=task.unit, author=author, author_name=name[:150], text=text
    )


# --- Unit implementation plans ---------------------------------------------------------------


@transaction.atomic
def save_unit_plan(
    *,
    plan: Plan,
    unit: Unit,
    number: str,
    issued_on: datetime.date,
    user,
    file=None,
    note: str = "",
) -> UnitPlan:
    """The unit's own implementation plan for the province plan (mục IV: each upper-level union
    builds its plan from its allocation): number, date, optionally the scanned document (PDF,
    JPG, PNG ≤ 10 MB, checked by content, kept under a random name). Recording it again
    replaces it; the audit trail keeps the previous one."""
    require_edit(user, unit)
    if unit.kind not in UnitKind.upper_level():
        raise CampaignError(
            _("“%(name)s” không phải công đoàn cấp trên trực tiếp cơ sở.") % {"name": unit}
        )
    if not PlanUnit.objects.filter(plan=plan, unit=unit).exists():
        raise CampaignError(
            _("“%(name)s” không nhận chỉ tiêu của kế hoạch %(plan)s.")
            % {"name": unit, "plan": plan.number}
        )
    number = _required(number, _("số kế hoạch của đơn vị"))
    if issued_on is None:
        raise CampaignError(_("Thiếu ngày ban hành kế hoạch của đơn vị."))
    _not_future(issued_on, _("Ngày ban hành"))
    if issued_on < plan.issued_on:
        raise CampaignError(
            _("Ngày ban hành %(date)s trước ngày %(plan_date)s của kế hoạch %(plan)s.")
            % {"date": _d(issued_on), "plan_date": _d(plan.issued_on), "plan": plan.number}
        )
    _check_evidence(file)
    current = UnitPlan.objects.select_for_update().filter(plan=plan, unit=unit).first()
    if current is None:
        current = UnitPlan(plan=plan, unit=unit)
    current.number = number
    current.issued_on = issued_on
    current.note = clean(note)
    current.updated_by = recorded_user(user)
    if file:
        old = current.file.name if current.file else ""
        current.file_name = file.name[:255]
        current.file.save(file.name, file, save=False)
        if old:
            storage = current.file.storage
            transaction.on_commit(lambda: storage.delete(old))
    current.save()
    return current


# --- Review meetings (giao ban) --------------------------------------------------------------


@transaction.atomic
def record_meeting(
    *,
    plan: Plan,
    unit: Unit,
    held_on: datetime.date,
    chair: str,
    user,
    attendees: str = "",
    minutes: str = "",
    conclusions=(),
    due_on: datetime.date | None = None,
) -> ReviewMeeting:
    """A review meeting; each conclusion (a line of text) becomes a task of the unit, due on
    ``due_on`` when given, linked to the meeting."""
    require_edit(user, unit)
    _organising_unit(unit)
    if held_on is None:
        raise CampaignError(_("Thiếu ngày họp."))
    _not_future(held_on, _("Ngày họp"))
    chair = _required(chair, _("người chủ trì"))
    if due_on is not None and due_on < held_on:
        raise CampaignError(_("Hạn thực hiện kết luận trước ngày họp."))
    meeting = ReviewMeeting.objects.create(
        plan=plan,
        unit=unit,
        held_on=held_on,
        chair=chair,
        attendees=(attendees or "").strip(),
        minutes=(minutes or "").strip(),
        updated_by=recorded_user(user),
    )
    source = _("Kết luận giao ban ngày %(date)s") % {"date": _d(held_on)}
    for text in conclusions:
        if clean(text):
            task = create_task(
                plan=plan, unit=unit, title=text, due_on=due_on, source=source, user=user
            )
            task.meeting = meeting
            task.save(update_fields=["meeting"])
    return meeting


# --- Budget -----------------------------------------------------------------------------------


@transaction.atomic
def save_budget_norm(
    *, plan: Plan, category: str, measure: str, rate: int, user, note: str = ""
) -> BudgetNorm:
    """The province's spending norm for one category of the plan (Văn phòng LĐLĐ tỉnh): so
    many đồng per measure. Setting it again replaces it; a province administrator only."""
    require_edit(user, plan.issuing_unit)
    if category not in BudgetCategory.values:
        raise CampaignError(_("Nội dung chi không hợp lệ."))
    if measure not in NormMeasure.values:
        raise CampaignError(_("Đơn vị tính của định mức không hợp lệ."))
    if rate is None or rate <= 0:
        raise CampaignError(_("Định mức phải lớn hơn 0 đồng."))
    norm, _created = BudgetNorm.objects.update_or_create(
        plan=plan,
        category=category,
        defaults={
            "unit": plan.issuing_unit,
            "measure": measure,
            "rate": rate,
            "note": clean(note),
            "updated_by": recorded_user(user),
        },
    )
    return norm


@transaction.atomic
def remove_budget_norm(*, norm: BudgetNorm, user) -> None:
    norm = BudgetNorm.objects.select_related("plan__issuing_unit").get(pk=norm.pk)
    require_edit(user, norm.plan.issuing_unit)
    norm.delete()


@transaction.atomic
def add_budget_line(
    *,
    plan: Plan,
    unit: Unit,
    kind: str,
    category: str,
    amount: int,
    user,
    note: str = "",
    recorded_on: datetime.date | None = None,
    quantity: int | None = None,
) -> BudgetLine:
    """A line of the unit's estimate or settlement. ``quantity`` counts the line in the unit
    of measure of the category's norm (CĐCS, courses, collaborators…): the budget page then
    compares the amount with quantity × norm."""
    require_edit(user, unit)
    _organising_unit(unit)
    if kind not in BudgetKind.values:
        raise CampaignError(_("Loại (dự toán / quyết toán) không hợp lệ."))
    if category not in BudgetCategory.values:
        raise CampaignError(_("Nội dung chi không hợp lệ."))
    if amount is None or amount <= 0:
        raise CampaignError(_("Số tiền phải lớn hơn 0 đồng."))
    if quantity is not None and quantity < 0:
        raise CampaignError(_("Số lượng không được âm."))
    recorded_on = recorded_on or timezone.localdate()
    _not_future(recorded_on, _("Ngày lập"))
    return BudgetLine.objects.create(
        plan=plan,
        unit=unit,
        kind=kind,
        category=category,
        amount=amount,
        quantity=quantity or None,
        note=clean(note),
        recorded_on=recorded_on,
        updated_by=recorded_user(user),
    )


# --- Trainings --------------------------------------------------------------------------------


def _grassroots_below(unit: Unit, unions) -> list[Unit]:
    unions = list(unions or [])
    below = set(
        UnitPath.objects.filter(ancestor=unit, depth__gt=0).values_list("descendant_id", flat=True)
    )
    for union in unions:
        if union.kind not in UnitKind.grassroots_level() or union.pk not in below:
            raise CampaignError(
                _("“%(union)s” không phải CĐCS thuộc %(unit)s.") % {"union": union, "unit": unit}
            )
    return unions


@transaction.atomic
def add_training(
    *,
    unit: Unit,
    title: str,
    held_on: datetime.date,
    participants: int,
    user,
    place: str = "",
    content: str = "",
    unions=(),
) -> Training:
    require_edit(user, unit)
    _organising_unit(unit)
    title = _required(title, _("tên lớp tập huấn"))
    if held_on is None:
        raise CampaignError(_("Thiếu ngày tổ chức."))
    _not_future(held_on, _("Ngày tổ chức"))
    if not participants or participants < 1:
        raise CampaignError(_("Số người dự phải từ 1 trở lên."))
    unions = _grassroots_below(unit, unions)
    training = Training.objects.create(
        unit=unit,
        title=title,
        held_on=held_on,
        participants=participants,
        place=clean(place),
        content=(content or "").strip(),
        updated_by=recorded_user(user),
    )
    training.unions.set(unions)
    return training


# --- CĐCS quality milestones ------------------------------------------------------------------


@transaction.atomic
def record_milestone(
    *,
    union: Unit,
    kind: str,
    reached_on: datetime.date,
    user,
    better_terms: int | None = None,
    note: str = "",
) -> Milestone:
    """A new CĐCS reached a milestone (one date per kind; recording it again corrects it)."""
    require_edit(user, union)
    if union.kind not in UnitKind.grassroots_level():
        raise CampaignError(
            _("“%(name)s” không phải công đoàn cơ sở hoặc nghiệp đoàn cơ sở.") % {"name": union}
        )
    if kind not in MilestoneKind.values:
        raise CampaignError(_("Mốc không hợp lệ."))
    if reached_on is None:
        raise CampaignError(_("Thiếu ngày đạt mốc."))
    _not_future(reached_on, _("Ngày đạt mốc"))
    if reached_on < union.founded_on:
        raise CampaignError(
            _("Ngày đạt mốc %(date)s trước ngày thành lập CĐCS %(founded)s.")
            % {"date": _d(reached_on), "founded": _d(union.founded_on)}
        )
    if better_terms is not None and kind != MilestoneKind.AGREEMENT:
        better_terms = None
    milestone, _created = Milestone.objects.update_or_create(
        union=union,
        kind=kind,
        defaults={
            "reached_on": reached_on,
            "better_terms": better_terms,
            "note": clean(note),
            "updated_by": recorded_user(user),
        },
    )
    return milestone
