"""Demo data: the organisation of plan 78/KH-LĐLĐ (mục 2.1 and IV) — the province's steering
committee and the tasks the plan gives each department and each upper-level union.

The plan names the "Ban Chỉ đạo Phát triển đoàn viên LĐLĐ tỉnh" but neither its decision nor its
members, so the committee is recorded without them (the board flags it). Tasks are worded from
the plan; the plan gives no due date except the July 2024 ceremonies (31/07/2024) and the
end-of-campaign report (05/08/2024, assumed as in the reporting calendar of the demo). Every task
starts "chưa làm": the source says nothing about what was done. Idempotent.
"""

import datetime

from campaign.models import Department, SteeringCommittee, Task
from campaign.services import create_task, save_committee
from organisation.demo import PROVINCE_NAME
from organisation.models import Unit, UnitKind
from plans.demo import PLAN_NUMBER
from plans.models import Plan

SOURCE = "Kế hoạch 78/KH-LĐLĐ ngày 11/06/2024"
COMMITTEE_NAME = "Ban Chỉ đạo Phát triển đoàn viên LĐLĐ tỉnh Lai Châu"
COMMITTEE_NOTE = (
    "Kế hoạch 78/KH-LĐLĐ nêu Ban Chỉ đạo nhưng không ghi số, ngày quyết định thành lập và danh "
    "sách thành viên: cần nhập từ quyết định."
)
JULY_END = datetime.date(2024, 7, 31)
PEAK_REPORT_DUE = datetime.date(2024, 8, 5)  # assumed, as reports.demo

DEPARTMENT_TASKS = [
    (
        Department.ORGANISATION,
        "Làm bộ phận thường trực: tham mưu Ban Thường vụ, Ban Chỉ đạo Phát triển đoàn viên "
        "LĐLĐ tỉnh triển khai các nội dung của Kế hoạch",
        None,
    ),
    (
        Department.ORGANISATION,
        "Kiểm tra, đôn đốc, theo dõi tiến độ triển khai ở các đơn vị",
        None,
    ),
    (
        Department.ORGANISATION,
        "Tổng hợp số liệu, báo cáo định kỳ với Thường trực LĐLĐ tỉnh",
        None,
    ),
    (
        Department.ORGANISATION,
        "Chủ trì, phối hợp với Văn phòng, các ban xây dựng chương trình, tổ chức tập huấn, bồi "
        "dưỡng về công tác phát triển đoàn viên cho cán bộ công đoàn các cấp",
        None,
    ),
    (
        Department.POLICY,
        "Xây dựng nội dung tập huấn, hướng dẫn cách xây dựng, thương lượng, ký kết và thực hiện "
        "thỏa ước lao động tập thể",
        None,
    ),
    (
        Department.POLICY,
        "Hướng dẫn xây dựng quy chế dân chủ cơ sở và đối thoại xã hội tại nơi làm việc để hỗ "
        "trợ CĐCS thực hiện nhiệm vụ cốt lõi ngay sau khi thành lập",
        None,
    ),
    (
        Department.POLICY,
        "Chủ trì xây dựng tiêu chí đánh giá kết quả để khen thưởng cá nhân, tập thể có thành "
        "tích xuất sắc thực hiện kế hoạch phát triển đoàn viên",
        None,
    ),
    (
        Department.POLICY,
        "Nắm tình hình thành lập tổ chức của người lao động; theo dõi, tổng hợp tình hình quan "
        "hệ lao động báo cáo Ban Thường vụ LĐLĐ tỉnh",
        None,
    ),
    (
        Department.OFFICE,
        "Tham mưu quy định cụ thể về nội dung, định mức chi cho công tác phát triển đoàn viên, "
        "thành lập CĐCS",
        None,
    ),
    (
        Department.OFFICE,
        "Hướng dẫn các cấp công đoàn xây dựng dự toán, quyết toán kinh phí theo quy định",
        None,
    ),
    (
        Department.PROPAGANDA,
        "Tham mưu, hướng dẫn các cấp công đoàn đổi mới, đa dạng hoá cách thức tiếp cận người "
        "lao động, người sử dụng lao động; đẩy mạnh tuyên truyền, vận động",
        None,
    ),
    (
        Department.PROPAGANDA,
        "Phối hợp với các cơ quan thông tấn, báo chí, truyền thông tuyên truyền các mô hình hay, "
        "cách làm tiêu biểu",
        None,
    ),
]

UNIT_TASKS = [
    (
        "Xây dựng kế hoạch phát triển đoàn viên, thành lập CĐCS theo chỉ tiêu được LĐLĐ tỉnh giao "
        "(Quyết định 100/QĐ-LĐLĐ và Kế hoạch 78/KH-LĐLĐ)",
        None,
    ),
    (
        "Thành lập ban chỉ đạo phát triển đoàn viên của cấp mình; phân công nhiệm vụ cụ thể cho "
        "các thành viên, cán bộ, công chức trong cơ quan",
        None,
    ),
    ("Cử 01 cán bộ làm công tác phát triển đoàn viên", None),
    (
        "Hướng dẫn, giúp đỡ ban vận động tổ chức đại hội thành lập hoặc lễ ra mắt CĐCS; ra quyết "
        "định công nhận đoàn viên, BCH CĐCS; tổ chức lễ kết nạp đoàn viên, lễ công bố quyết định "
        "thành lập CĐCS trong tháng 7/2024",
        JULY_END,
    ),
    ("Xây dựng dự toán kinh phí cho công tác phát triển đoàn viên, thành lập CĐCS", None),
    (
        "Xây dựng kế hoạch và tổ chức các lớp bồi dưỡng, tập huấn nghiệp vụ cho cán bộ CĐCS mới "
        "thành lập",
        None,
    ),
    (
        "Báo cáo kết quả kết thúc tháng cao điểm về LĐLĐ tỉnh (qua Ban Tổ chức - Kiểm tra)",
        PEAK_REPORT_DUE,
    ),
]


def load(*, user) -> None:
    plan = Plan.objects.filter(number=PLAN_NUMBER).first()
    province = Unit.objects.filter(name=PROVINCE_NAME, kind=UnitKind.PROVINCE).first()
    if plan is None or province is None:
        return
    if not SteeringCommittee.objects.filter(unit=province).exists():
        save_committee(
            unit=province, user=user, name=COMMITTEE_NAME, note=COMMITTEE_NOTE, is_demo=True
        )
    existing = set(Task.objects.filter(plan=plan).values_list("unit_id", "title"))

    def add(unit, title, due_on, order, department=""):
        if (unit.pk, title) in existing:
            return
        create_task(
            plan=plan,
            unit=unit,
            title=title,
            department=department,
            due_on=due_on,
            source=SOURCE,
            sort_order=order,
            is_demo=True,
            user=user,
        )

    for order, (department, title, due_on) in enumerate(DEPARTMENT_TASKS, start=1):
        add(province, title, due_on, order, department)
    for row in plan.plan_units.select_related("unit").order_by("row_number"):
        for order, (title, due_on) in enumerate(UNIT_TASKS, start=1):
            add(row.unit, title, due_on, order)
