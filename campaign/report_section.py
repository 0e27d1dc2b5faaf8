"""The section "Công tác tổ chức thực hiện" of the unit's and the province's Word report
(registered with reports.extensions in CampaignConfig.ready): committee, officer, own plan,
tasks done / due, budget estimated / settled, trainings and their coverage, milestones of new
CĐCS — the board's figures, in the report's official Vietnamese wording."""

from __future__ import annotations

from django.utils import timezone

from campaign.models import MilestoneKind
from campaign.selectors import Board, UnitStatus, unit_statuses
from core.text import format_int
from organisation.models import UnitKind
from plans.models import PlanUnit

TITLE = "CÔNG TÁC TỔ CHỨC THỰC HIỆN"
MILESTONE_WORDS = {
    MilestoneKind.AGREEMENT: "ký thỏa ước lao động tập thể",
    MilestoneKind.DIALOGUE: "tổ chức đối thoại tại nơi làm việc",
    MilestoneKind.DEMOCRACY: "ban hành quy chế dân chủ cơ sở",
    MilestoneKind.FEES: "bắt đầu thu đoàn phí",
}


def _pct(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}".replace(".", ",") + "%" if whole else "–"


def _d(day) -> str:
    return day.strftime("%d/%m/%Y")


def _tasks(done: int, total: int, overdue: int) -> str:
    text = f"- Nhiệm vụ: {format_int(done)}/{format_int(total)} nhiệm vụ đã hoàn thành"
    return text + (
        f", {format_int(overdue)} nhiệm vụ quá hạn." if overdue else ", không có nhiệm vụ quá hạn."
    )


def _budget(estimated: int, settled: int) -> str:
    if not estimated and not settled:
        return "- Kinh phí: chưa lập dự toán."
    spent = f" ({_pct(settled, estimated)} dự toán)" if estimated else ""
    return f"- Kinh phí: dự toán {format_int(estimated)} đồng, quyết toán {format_int(settled)} đồng{spent}."


def _trainings(trainings: int, people: int, trained: int, new: int) -> str:
    text = f"- Tập huấn cán bộ CĐCS mới: {format_int(trainings)} lớp, {format_int(people)} lượt người dự"
    if new:
        text += f"; {format_int(trained)}/{format_int(new)} CĐCS thành lập mới được tập huấn ({_pct(trained, new)})"
    return text + "."


def _milestones(new: int, reached: dict) -> str:
    if not new:
        return "- Chất lượng CĐCS thành lập mới: không có CĐCS thành lập mới trong năm."
    parts = [
        f"{MILESTONE_WORDS[kind]} {format_int(reached.get(kind, 0))}/{format_int(new)} ({_pct(reached.get(kind, 0), new)})"
        for kind in MilestoneKind.values
    ]
    return f"- Chất lượng {format_int(new)} CĐCS thành lập mới: " + "; ".join(parts) + "."


def _names(rows: list[UnitStatus]) -> str:
    return ", ".join(r.unit.name for r in rows)


def unit_paragraphs(s: UnitStatus) -> list[str]:
    lines = []
    if s.committee is None:
        lines.append("- Ban chỉ đạo phát triển đoàn viên: chưa thành lập.")
    elif s.committee.has_decision:
        lines.append(
            f"- Ban chỉ đạo phát triển đoàn viên: thành lập theo Quyết định số "
            f"{s.committee.decision_number} ngày {_d(s.committee.decision_on)}, "
            f"{format_int(s.committee_members)} thành viên."
        )
    else:
        lines.append(
            f"- Ban chỉ đạo phát triển đoàn viên: {format_int(s.committee_members)} thành viên; "
            f"chưa ghi số, ngày quyết định thành lập."
        )
    if not s.is_province:
        if s.officer is None:
            lines.append("- Cán bộ phụ trách công tác phát triển đoàn viên: chưa cử.")
        else:
            who = s.officer.full_name + (f", {s.officer.position}" if s.officer.position else "")
            lines.append(
                f"- Cán bộ phụ trách công tác phát triển đoàn viên: {who} "
                f"(từ ngày {_d(s.officer.since)})."
            )
        if s.has_own_plan:
            lines.append(f"- Kế hoạch thực hiện của đơn vị: số {s.own_plan_label}.")
        else:
            lines.append("- Kế hoạch thực hiện của đơn vị: chưa ban hành.")
    lines.append(_tasks(s.tasks_done, s.tasks_total, s.tasks_overdue))
    lines.append(_budget(s.estimated, s.settled))
    if not s.is_province:
        lines.append(_trainings(s.trainings, s.trained_people, s.trained_unions, s.new_unions))
        lines.append(_milestones(s.new_unions, s.milestones))
    return lines


def province_paragraphs(board: Board) -> list[str]:
    rows = board.unit_rows
    t = board.totals
    units = t["units"]
    lines = []
    province = next((r for r in board.rows if r.is_province), None)
    if province is not None:
        own = unit_paragraphs(province)[0].replace(
            "- Ban chỉ đạo phát triển đoàn viên", "- Ban chỉ đạo phát triển đoàn viên của tỉnh"
        )
        lines.append(own)

    def count_line(label: str, done: list, missing_label: str) -> str:
        missing = [r for r in rows if r not in done]
        text = f"- {label}: {format_int(len(done))}/{format_int(units)} đơn vị"
        if missing:
            text += f"; {missing_label}: {_names(missing)}"
        return text + "."

    lines.append(
        count_line(
            "Công đoàn cấp trên cơ sở đã thành lập ban chỉ đạo có quyết định",
            [r for r in rows if r.has_committee],
            "chưa có",
        )
    )
    lines.append(
        count_line(
            "Đã cử cán bộ phụ trách công tác phát triển đoàn viên",
            [r for r in rows if r.officer is not None],
            "chưa cử",
        )
    )
    lines.append(
        count_line(
            "Đã ban hành kế hoạch thực hiện của đơn vị",
            [r for r in rows if r.has_own_plan],
            "chưa có",
        )
    )
    lines.append(_tasks(t["tasks_done"], t["tasks_total"], t["tasks_overdue"]))
    if province is not None:
        lines[-1] = lines[-1][:-1] + (
            f" (trong đó các ban, Văn phòng LĐLĐ tỉnh: {format_int(province.tasks_done)}/"
            f"{format_int(province.tasks_total)} đã hoàn thành)."
        )
    lines.append(_budget(t["estimated"], t["settled"]))
    lines.append(
        _trainings(
            sum(r.trainings for r in rows),
            sum(r.trained_people for r in rows),
            t["trained_unions"],
            t["new_unions"],
        )
    )
    reached = {kind: sum(r.milestones.get(kind, 0) for r in rows) for kind in MilestoneKind.values}
    lines.append(_milestones(t["new_unions"], reached))
    return lines


def section(deadline, unit, *, consolidated: bool):
    """The section for the report of unit (the province's when consolidated); None for a
    CĐCS's report (it has no committee, officer or plan of its own)."""
    from reports.document import Section

    if unit.kind not in [UnitKind.PROVINCE, *UnitKind.upper_level()]:
        return None
    plan = deadline.plan
    if consolidated:
        units = [plan.issuing_unit] + [
            row.unit
            for row in PlanUnit.objects.filter(plan=plan)
            .select_related("unit")
            .order_by("row_number")
        ]
        board = Board(plan=plan, rows=unit_statuses(plan, units, None))
        paragraphs = province_paragraphs(board)
    else:
        paragraphs = unit_paragraphs(unit_statuses(plan, [unit], None)[0])
    paragraphs.append(
        f"(Số liệu công tác tổ chức thực hiện tính đến ngày {_d(timezone.localdate())}.)"
    )
    return Section("", TITLE, paragraphs, key="campaign")
