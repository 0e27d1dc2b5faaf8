"""Demo plan: 78/KH-LĐLĐ (Lai Châu, 11/06/2024), its periods, indicators and targets.

The peak-month table is loaded as DOMAIN.md reads the source's garbled columns; grassroots
unions are split into informal, enterprises under 25 workers (DN <25) and enterprises with 25 or
more (DN ≥25, one per listed enterprise). Per-unit annual targets are in Decision 100/QĐ-LĐLĐ,
which the source does not contain, so they stay unassigned. Findings of the table as printed
are recorded by importing the printed table (``plans.source_table``).
"""

import datetime

from organisation import demo as organisation_demo
from organisation.models import Sector, Unit
from plans import source_table
from plans.models import Indicator, Measure, Period, Plan, PlanUnit, Relation, Target, UnitNote

PLAN_NUMBER = "78/KH-LĐLĐ"
YEAR_CODE = "nam-2024"
PEAK_CODE = "thang-cao-diem-2024"

NON_STATE = ",".join([Sector.ENTERPRISE_SMALL, Sector.ENTERPRISE_LARGE, Sector.INFORMAL])

# code, parent code, relation, measure, sectors, unit, minimum, group header, header, name
INDICATORS = [
    (
        "dv-thuc-tang",
        None,
        Relation.SPLIT,
        Measure.NET_MEMBERS,
        "",
        "người",
        False,
        "Giao phát triển ĐV",
        "Tổng thực tăng (người)",
        "Phát triển đoàn viên thực tăng",
    ),
    (
        "dv-hcsn-dn-duoi-25",
        "dv-thuc-tang",
        Relation.SPLIT,
        Measure.NET_MEMBERS,
        ",".join([Sector.STATE_ADMIN, Sector.PUBLIC_SERVICE, Sector.ENTERPRISE_SMALL]),
        "người",
        False,
        "",
        "HCSN, SNCL, DN dưới 25 LĐ (người)",
        "Thực tăng tại HCSN, SNCL, DN dưới 25 lao động",
    ),
    (
        "dv-dn-tu-25",
        "dv-thuc-tang",
        Relation.SPLIT,
        Measure.NET_MEMBERS,
        Sector.ENTERPRISE_LARGE,
        "người",
        False,
        "",
        "DN có từ 25 LĐ trở lên (người)",
        "Thực tăng tại doanh nghiệp từ 25 lao động trở lên",
    ),
    (
        "dv-phi-chinh-thuc",
        "dv-thuc-tang",
        Relation.SPLIT,
        Measure.ADMITTED_MEMBERS,
        Sector.INFORMAL,
        "người",
        False,
        "",
        "Kết nạp mới khu vực phi chính thức (người)",
        "Kết nạp mới đoàn viên khu vực phi chính thức",
    ),
    (
        "cdcs-moi",
        None,
        Relation.SPLIT,
        Measure.NEW_UNIONS,
        NON_STATE,
        "đơn vị",
        False,
        "Giao thành lập CĐCS",
        "Tổng số (đơn vị)",
        "Thành lập CĐCS ngoài khu vực nhà nước",
    ),
    (
        "cdcs-phi-chinh-thuc",
        "cdcs-moi",
        Relation.SPLIT,
        Measure.NEW_UNIONS,
        Sector.INFORMAL,
        "đơn vị",
        True,
        "",
        "Khu vực phi chính thức (đơn vị)",
        "Thành lập nghiệp đoàn cơ sở khu vực phi chính thức",
    ),
    (
        "cdcs-dn-duoi-25",
        "cdcs-moi",
        Relation.SPLIT,
        Measure.NEW_UNIONS,
        Sector.ENTERPRISE_SMALL,
        "đơn vị",
        False,
        "",
        "DN có dưới 25 LĐ (đơn vị)",
        "Thành lập CĐCS tại DN dưới 25 lao động",
    ),
    (
        "cdcs-dn-tu-25",
        "cdcs-moi",
        Relation.SPLIT,
        Measure.NEW_UNIONS,
        Sector.ENTERPRISE_LARGE,
        "đơn vị",
        False,
        "",
        "DN có từ 25 LĐ trở lên (đơn vị)",
        "Thành lập CĐCS tại DN từ 25 lao động trở lên",
    ),
    (
        "gioi-thieu-dang",
        None,
        Relation.SPLIT,
        Measure.PARTY_INTRODUCTIONS,
        "",
        "người",
        False,
        "",
        "Giới thiệu đoàn viên ưu tú cho Đảng xem xét bồi dưỡng, kết nạp",
        "Giới thiệu đoàn viên ưu tú cho Đảng",
    ),
]

ALIASES = {
    "dv-dn-tu-25": "DN có trên 25 LĐ (người)",
    "dv-phi-chinh-thuc": "Khu vực phi chính thức (người)\nKhu vực phi chính thức",
    "cdcs-dn-tu-25": "DN có trên 25 LĐ (đơn vị)",
    "gioi-thieu-dang": "Giới thiệu đoàn viên ưu tú cho Đảng",
}

# Province totals from the plan's text, per period.
PROVINCE_TARGETS = {
    YEAR_CODE: {
        "dv-thuc-tang": 1100,
        "dv-phi-chinh-thuc": 100,
        "cdcs-moi": 16,
        "cdcs-phi-chinh-thuc": 4,
        "gioi-thieu-dang": 780,
    },
    PEAK_CODE: {
        "dv-thuc-tang": 475,
        "dv-phi-chinh-thuc": 50,
        "cdcs-moi": 13,
        "cdcs-phi-chinh-thuc": 2,
        "gioi-thieu-dang": 275,
    },
}

# Peak month per unit, DOMAIN.md's reading: members total, HCSN/SNCL/DN<25, DN≥25, informal;
# CĐCS total, informal, DN<25, DN≥25 (= listed enterprises); Party introductions.
PEAK_ROWS = [
    ("LĐLĐ thành phố Lai Châu", [102, 0, 102, 0, 2, 0, 0, 2, 50], ""),
    ("LĐLĐ huyện Tam Đường", [91, 0, 91, 0, 2, 0, 0, 2, 40], ""),
    ("LĐLĐ huyện Tân Uyên", [20, 20, 0, 0, 1, 0, 1, 0, 30], ""),
    ("LĐLĐ huyện Than Uyên", [25, 0, 0, 25, 1, 0, 1, 0, 20], ""),
    ("LĐLĐ huyện Phong Thổ", [40, 15, 0, 25, 2, 1, 1, 0, 40], ""),
    (
        "LĐLĐ huyện Sìn Hồ",
        [12, 12, 0, 0, 1, 1, 0, 0, 10],
        "Khuyến khích TL 01 CĐCS và KN mới 12 ĐV",
    ),
    ("LĐLĐ huyện Nậm Nhùn", [26, 0, 26, 0, 1, 0, 0, 1, 15], ""),
    ("LĐLĐ huyện Mường Tè", [129, 0, 129, 0, 3, 0, 0, 3, 30], ""),
    ("Công đoàn ngành Giáo dục", [2, 2, 0, 0, 0, 0, 0, 0, 0], ""),
    (
        "Công đoàn ngành Y tế",
        [8, 8, 0, 0, 0, 0, 0, 0, 10],
        "Khuyến khích GT 10 ĐV UT cho Đảng xem xét, BD, KN",
    ),
    ("Công đoàn Viên chức tỉnh", [20, 20, 0, 0, 0, 0, 0, 0, 30], ""),
]
INDICATOR_ORDER = [row[0] for row in INDICATORS]

# Which targets the "Khuyến khích" notes mark as encouraged.
ENCOURAGED = {
    "LĐLĐ huyện Sìn Hồ": {"dv-thuc-tang", "cdcs-moi"},
    "Công đoàn ngành Y tế": {"gioi-thieu-dang"},
}

TITLE = (
    "Phát triển đoàn viên, thành lập CĐCS năm 2024 và triển khai “Tháng cao điểm phát triển "
    "đoàn viên, thành lập công đoàn cấp cơ sở; giới thiệu đoàn viên công đoàn ưu tú cho Đảng "
    "xem xét bồi dưỡng, kết nạp”"
)
PEAK_TABLE_TITLE = (
    "Phát triển đoàn viên, thành lập tổ chức công đoàn cơ sở nhân “Tháng cao điểm phát triển "
    "đoàn viên, thành lập công đoàn cấp cơ sở; giới thiệu đoàn viên ưu tú cho Đảng xem xét "
    "bồi dưỡng, kết nạp”"
)
YEAR_TABLE_TITLE = "Phát triển đoàn viên, thành lập tổ chức công đoàn cơ sở năm 2024"


def load(*, user=None) -> Plan:
    """The plan, its periods, indicators and targets (written directly: demo data, idempotent)."""
    province = organisation_demo.province()
    plan, _ = Plan.objects.get_or_create(
        number=PLAN_NUMBER,
        defaults=dict(
            issued_on=datetime.date(2024, 6, 11),
            issuing_unit=province,
            issuing_body="Ban Thường vụ LĐLĐ tỉnh",
            title=TITLE,
            year=2024,
            signer_name="Hoàng Thọ Trung",
            signer_title="Chủ tịch",
        ),
    )
    periods = {
        YEAR_CODE: Period.objects.get_or_create(
            plan=plan,
            code=YEAR_CODE,
            defaults=dict(
                name="Năm 2024",
                header_suffix="năm 2024",
                table_title=YEAR_TABLE_TITLE,
                start=datetime.date(2024, 1, 1),
                end=datetime.date(2024, 12, 31),
                sort_order=1,
            ),
        )[0],
        PEAK_CODE: Period.objects.get_or_create(
            plan=plan,
            code=PEAK_CODE,
            defaults=dict(
                name="Tháng cao điểm 2024",
                header_suffix="tháng cao điểm",
                table_title=PEAK_TABLE_TITLE,
                start=datetime.date(2024, 7, 1),
                end=datetime.date(2024, 7, 31),
                sort_order=2,
            ),
        )[0],
    }
    indicators = {}
    for order, (
        code,
        parent,
        relation,
        measure,
        sectors,
        uom,
        minimum,
        group,
        header,
        name,
    ) in enumerate(INDICATORS, start=1):
        indicators[code], _ = Indicator.objects.get_or_create(
            plan=plan,
            code=code,
            defaults=dict(
                parent=indicators.get(parent),
                relation=relation,
                measure=measure,
                sectors=sectors,
                unit_of_measure=uom,
                is_minimum=minimum,
                group_header=group,
                header=header,
                name=name,
                sort_order=order,
                aliases=ALIASES.get(code, ""),
            ),
        )
    units = {}
    for order, (name, _values, _note) in enumerate(PEAK_ROWS, start=1):
        units[name] = Unit.objects.get(name=name)
        PlanUnit.objects.get_or_create(plan=plan, unit=units[name], defaults={"row_number": order})

    # The printed table's findings (DOMAIN.md), recorded again on every run: idempotent.
    source_table.record_findings(periods[PEAK_CODE], source_table.demo_table())
    if Target.objects.filter(period__plan=plan).exists():
        return plan  # idempotent: never overwrite targets someone may have corrected
    for period_code, figures in PROVINCE_TARGETS.items():
        for code, value in figures.items():
            Target.objects.create(
                period=periods[period_code], unit=province, indicator=indicators[code], value=value
            )
    peak = periods[PEAK_CODE]
    for name, values, note in PEAK_ROWS:
        for code, value in zip(INDICATOR_ORDER, values, strict=True):
            Target.objects.create(
                period=peak,
                unit=units[name],
                indicator=indicators[code],
                value=value,
                encouraged=code in ENCOURAGED.get(name, set()),
                note=note if code in ENCOURAGED.get(name, set()) else "",
            )
        if note:
            UnitNote.objects.create(period=peak, unit=units[name], text=note, encouraged=True)
    return plan
