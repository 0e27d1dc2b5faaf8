"""Demo reporting calendar and reports for plan 78/KH-LĐLĐ.

The plan asks for a report "định kỳ hàng quý và kết thúc tháng cao điểm" but names no due
dates; the dates here are ASSUMED for the demo: each quarter's report is due on the 5th day after
the quarter ends, the end-of-campaign report on 05/08/2024. Reminders go out 3 days before.

Demo reports (2024): Mường Tè's campaign report accepted (figures frozen), Tam Đường's submitted
and awaiting review, Phong Thổ's returned with a reason, Than Uyên's still a draft, and the
province's consolidated campaign report drafted. Their history is dated in August 2024.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from organisation.models import Unit
from plans.models import Period, Plan
from reports import services
from reports.models import Action, DeadlineKind, Report, ReportEvent, ReportingDeadline, Status

PLAN_NUMBER = "78/KH-LĐLĐ"
YEAR_CODE = "nam-2024"
PEAK_CODE = "thang-cao-diem-2024"
ASSUMED = "Hạn nộp giả định cho dữ liệu mẫu (kế hoạch không ghi ngày cụ thể)."

QUARTERS = [
    ("quy-1-2024", "Quý I/2024", (1, 1), (3, 31), datetime.date(2024, 4, 5)),
    ("quy-2-2024", "Quý II/2024", (4, 1), (6, 30), datetime.date(2024, 7, 5)),
    ("quy-3-2024", "Quý III/2024", (7, 1), (9, 30), datetime.date(2024, 10, 5)),
    ("quy-4-2024", "Quý IV/2024", (10, 1), (12, 31), datetime.date(2025, 1, 5)),
]
CAMPAIGN_CODE = "ket-thuc-thang-cao-diem-2024"


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def load_calendar(plan: Plan) -> dict[str, ReportingDeadline]:
    year = Period.objects.get(plan=plan, code=YEAR_CODE)
    peak = Period.objects.get(plan=plan, code=PEAK_CODE)
    deadlines = {}
    for order, (code, name, start, end, due) in enumerate(QUARTERS, start=1):
        deadlines[code], _ = ReportingDeadline.objects.get_or_create(
            plan=plan,
            code=code,
            defaults=dict(
                name=f"Báo cáo {name}",
                kind=DeadlineKind.QUARTERLY,
                period=year,
                start=datetime.date(plan.year, *start),
                end=datetime.date(plan.year, *end),
                due_on=due,
                remind_days_before=3,
                note=ASSUMED,
                sort_order=order * 10,
            ),
        )
    deadlines[CAMPAIGN_CODE], _ = ReportingDeadline.objects.get_or_create(
        plan=plan,
        code=CAMPAIGN_CODE,
        defaults=dict(
            name="Báo cáo kết thúc Tháng cao điểm 2024",
            kind=DeadlineKind.CAMPAIGN,
            period=peak,
            start=peak.start,
            end=peak.end,
            due_on=datetime.date(2024, 8, 5),
            remind_days_before=3,
            note=ASSUMED,
            sort_order=25,  # between Q2 and Q3 by due date
        ),
    )
    return deadlines


NARRATIVE = {
    "LĐLĐ huyện Mường Tè": dict(
        number="18/BC-LĐLĐ",
        results=(
            "Ban Thường vụ LĐLĐ huyện ban hành kế hoạch triển khai Tháng cao điểm, thành lập "
            "Ban Chỉ đạo và phân công cán bộ phụ trách từng doanh nghiệp.\n"
            "Phối hợp với chủ doanh nghiệp tổ chức gặp gỡ, tuyên truyền cho người lao động tại "
            "Công ty Cổ phần Sâm Pu Si Lung, Công ty Cổ phần Thủy điện Nậm Sí Lùng và Công ty "
            "Cổ phần Sông Đà 705."
        ),
        good_practices=(
            "Tuyên truyền trực tiếp tại công trường vào giờ nghỉ giữa ca, có cán bộ biết tiếng "
            "dân tộc đi cùng."
        ),
        difficulties=(
            "Lao động phần lớn làm theo mùa vụ, thường xuyên di chuyển giữa các công trường; "
            "một số chủ doanh nghiệp chưa quan tâm đến việc thành lập công đoàn."
        ),
        proposals="Đề nghị LĐLĐ tỉnh hỗ trợ kinh phí tuyên truyền tại các công trường thủy điện.",
        signer_name="Lò Văn Minh",
    ),
    "LĐLĐ huyện Tam Đường": dict(
        number="21/BC-LĐLĐ",
        results=(
            "Tổ chức 04 buổi tuyên truyền tại doanh nghiệp; vận động người lao động Công ty Cổ "
            "phần Xi măng NORCEM Yên Bình tại Lai Châu gia nhập công đoàn."
        ),
        good_practices="Gắn việc vận động với hỗ trợ pháp lý miễn phí cho người lao động.",
        difficulties="Doanh nghiệp xây dựng có lao động thời vụ, khó duy trì sinh hoạt.",
        proposals="Đề nghị tập huấn nghiệp vụ cho cán bộ CĐCS mới thành lập.",
        signer_name="Tẩn Thị Hoa",
    ),
    "LĐLĐ huyện Phong Thổ": dict(
        number="",
        results="Đã vận động được một số đoàn viên khu vực phi chính thức.",
        good_practices="",
        difficulties="",
        proposals="",
        signer_name="",
    ),
    "LĐLĐ huyện Than Uyên": dict(
        number="",
        results="(Đang tổng hợp số liệu từ các CĐCS.)",
        good_practices="",
        difficulties="",
        proposals="",
        signer_name="",
    ),
}

PROVINCE_NARRATIVE = dict(
    number="95/BC-LĐLĐ",
    dated_on=datetime.date(2024, 8, 5),
    results=(
        "Ban Thường vụ LĐLĐ tỉnh ban hành Kế hoạch số 78/KH-LĐLĐ ngày 11/6/2024, giao chỉ tiêu "
        "Tháng cao điểm cho 11 công đoàn cấp trên trực tiếp cơ sở; các đơn vị đã thành lập "
        "Ban Chỉ đạo, phân công cán bộ phụ trách và tổ chức tuyên truyền tại doanh nghiệp.\n"
        "Kết quả cụ thể theo biểu dưới đây và phụ lục kèm theo."
    ),
    good_practices=(
        "Phân công cán bộ phụ trách từng doanh nghiệp có từ 25 lao động trở lên chưa có tổ "
        "chức công đoàn; phối hợp với chính quyền địa phương trong vận động."
    ),
    difficulties=(
        "Nhiều doanh nghiệp xây dựng, thủy điện sử dụng lao động thời vụ; một số chủ doanh "
        "nghiệp chưa phối hợp."
    ),
    proposals=(
        "Đề nghị Tổng LĐLĐ Việt Nam tiếp tục hỗ trợ kinh phí phát triển đoàn viên khu vực phi "
        "chính thức cho các tỉnh miền núi."
    ),
)


def _officer(unit: Unit):
    from accounts.permissions import report_writers

    return report_writers(unit).first()


def _redate(report: Report, **moments) -> None:
    Report.objects.filter(pk=report.pk).update(**moments)


@transaction.atomic
def load_reports(plan: Plan, deadlines: dict[str, ReportingDeadline], *, user) -> None:
    if Report.objects.filter(deadline__plan=plan).exists():
        return  # idempotent: never touch reports someone may have worked on
    campaign = deadlines[CAMPAIGN_CODE]
    reports = {}
    for unit_name, fields in NARRATIVE.items():
        unit = Unit.objects.get(name=unit_name)
        officer = _officer(unit)
        report = services.get_or_create_report(deadline=campaign, unit=unit, user=user)
        Report.objects.filter(pk=report.pk).update(**fields, updated_by=officer)
        report.refresh_from_db()
        ReportEvent.objects.filter(report=report, action=Action.CREATED).update(
            at=_moment(datetime.date(2024, 8, 1), 8), actor=officer
        )
        reports[unit_name] = (report, officer)

    def submit(name, day):
        report, officer = reports[name]
        report.status = Status.SUBMITTED
        report.first_submitted_at = report.submitted_at = _moment(day, 9)
        report.snapshot = services.freeze_figures(report)
        report.save(update_fields=["status", "first_submitted_at", "submitted_at", "snapshot"])
        event = services._log(report, Action.SUBMITTED, Status.DRAFT, officer, data=report.snapshot)
        ReportEvent.objects.filter(pk=event.pk).update(at=_moment(day, 9))
        return report

    muong_te = submit("LĐLĐ huyện Mường Tè", datetime.date(2024, 8, 3))
    with transaction.atomic():
        accepted = services._accept_locked(muong_te, None)
    _redate(accepted, accepted_at=_moment(datetime.date(2024, 8, 6), 14))
    ReportEvent.objects.filter(report=accepted, action=Action.ACCEPTED).update(
        at=_moment(datetime.date(2024, 8, 6), 14)
    )
    submit("LĐLĐ huyện Tam Đường", datetime.date(2024, 8, 7))
    phong_tho = submit("LĐLĐ huyện Phong Thổ", datetime.date(2024, 8, 5))
    reason = (
        "Thiếu mục “Khó khăn, vướng mắc” và “Đề xuất, kiến nghị”; đề nghị bổ sung số CĐCS "
        "khu vực phi chính thức đã thành lập."
    )
    phong_tho.status = Status.RETURNED
    phong_tho.return_reason = reason
    phong_tho.save(update_fields=["status", "return_reason"])
    event = services._log(phong_tho, Action.RETURNED, Status.SUBMITTED, None, reason)
    ReportEvent.objects.filter(pk=event.pk).update(at=_moment(datetime.date(2024, 8, 6), 10))

    province = plan.issuing_unit
    report = services.get_or_create_report(deadline=campaign, unit=province, user=user)
    Report.objects.filter(pk=report.pk).update(**PROVINCE_NARRATIVE)
    ReportEvent.objects.filter(report=report, action=Action.CREATED).update(
        at=_moment(datetime.date(2024, 8, 5), 8)
    )


def load(*, user) -> None:
    plan = Plan.objects.filter(number=PLAN_NUMBER).first()
    if plan is None:
        return
    deadlines = load_calendar(plan)
    load_reports(plan, deadlines, user=user)
