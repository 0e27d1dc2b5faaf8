"""Reminder e-mails to unit officers about reports due and overdue (run daily).

- Before the deadline: once, on any day from ``remind_days_before`` days before the due date up
  to the due date itself (so a missed daily run still reminds).
- Overdue: on the first day after the due date, then every ``OVERDUE_EVERY_DAYS`` days, for at
  most ``OVERDUE_FOR_DAYS`` days.
Only units that have not handed the report in (no report, a draft, or returned) are reminded,
and only officers (role unit_officer of that unit) with an e-mail address. Every e-mail sent is
recorded in ``ReminderLog``; a second run the same day sends nothing again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from accounts.models import User
from accounts.permissions import report_writers
from plans.models import PlanUnit
from reports.models import ReminderKind, ReminderLog, Report, ReportingDeadline, Status

OVERDUE_EVERY_DAYS = 7
OVERDUE_FOR_DAYS = 60


@dataclass
class Reminder:
    deadline: ReportingDeadline
    unit: object
    user: User
    kind: str
    report: Report | None

    @property
    def subject(self) -> str:
        if self.kind == ReminderKind.OVERDUE:
            return f"[Quá hạn] {self.deadline.name} — {self.unit.name}"
        return f"[Nhắc hạn] {self.deadline.name} — hạn nộp {self.deadline.due_on:%d/%m/%Y}"

    def body(self, today: datetime.date) -> str:
        days = (self.deadline.due_on - today).days
        status = self.report.get_status_display() if self.report else "chưa lập"
        if self.kind == ReminderKind.OVERDUE:
            when = f"đã quá hạn {-days} ngày (hạn nộp {self.deadline.due_on:%d/%m/%Y})"
        elif days == 0:
            when = "hạn nộp là hôm nay"
        else:
            when = f"hạn nộp {self.deadline.due_on:%d/%m/%Y}, còn {days} ngày"
        lines = [
            f"Kính gửi đồng chí {self.user.get_full_name() or self.user.username},",
            "",
            f"{self.deadline.name} của {self.unit.name} ({when}) hiện ở trạng thái: {status}.",
            f"Kế hoạch: {self.deadline.plan.number}. Số liệu từ ngày "
            f"{self.deadline.start:%d/%m/%Y} đến ngày {self.deadline.end:%d/%m/%Y}.",
        ]
        if self.report is not None and self.report.status == Status.RETURNED:
            lines.append(f"Báo cáo bị trả lại, lý do: {self.report.return_reason}")
        lines += [
            "",
            "Đề nghị đồng chí hoàn thiện và nộp báo cáo trên hệ thống (mục Báo cáo).",
            "",
            "Ban Tổ chức - Kiểm tra, LĐLĐ tỉnh",
        ]
        return "\n".join(lines)


def _kind_for(deadline: ReportingDeadline, today: datetime.date) -> str | None:
    days = (deadline.due_on - today).days
    if 0 <= days <= deadline.remind_days_before:
        return ReminderKind.BEFORE
    overdue = -days
    if 1 <= overdue <= OVERDUE_FOR_DAYS:
        return ReminderKind.OVERDUE
    return None


def _already_sent(deadline, user, kind, today) -> bool:
    logs = ReminderLog.objects.filter(deadline=deadline, user=user, kind=kind)
    if kind == ReminderKind.BEFORE:
        return logs.exists()
    since = today - datetime.timedelta(days=OVERDUE_EVERY_DAYS - 1)
    return logs.filter(sent_on__gte=since).exists()


def due_reminders(today: datetime.date) -> list[Reminder]:
    """What should be sent today (nothing already sent is repeated)."""
    reminders = []
    deadlines = ReportingDeadline.objects.select_related("plan").order_by("due_on", "pk")
    for deadline in deadlines:
        kind = _kind_for(deadline, today)
        if kind is None:
            continue
        reports = {r.unit_id: r for r in Report.objects.filter(deadline=deadline)}
        for plan_unit in PlanUnit.objects.filter(plan=deadline.plan).select_related("unit"):
            report = reports.get(plan_unit.unit_id)
            if report is not None and report.status not in Status.editable():
                continue
            officers = report_writers(plan_unit.unit).exclude(email="").order_by("username")
            for user in officers:
                if not _already_sent(deadline, user, kind, today):
                    reminders.append(Reminder(deadline, plan_unit.unit, user, kind, report))
    return reminders


def send_reminders(*, today: datetime.date, dry_run: bool = False) -> list[Reminder]:
    """Send today's reminders; each is recorded as soon as its e-mail has gone out."""
    reminders = due_reminders(today)
    if dry_run:
        return reminders
    for reminder in reminders:
        with transaction.atomic():
            log, created = ReminderLog.objects.get_or_create(
                deadline=reminder.deadline,
                user=reminder.user,
                kind=reminder.kind,
                sent_on=today,
                defaults={"unit": reminder.unit, "email": reminder.user.email},
            )
            if not created:
                continue  # a parallel run got there first
            send_mail(
                reminder.subject,
                reminder.body(today),
                settings.DEFAULT_FROM_EMAIL,
                [reminder.user.email],
                fail_silently=False,
            )
    return reminders
