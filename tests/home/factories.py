"""A small federation for the home and snapshot tests (quicker than the whole demo).

Province P with two district unions A and B, one CĐCS under each; plan "1/KH-TEST" with one
period (July 2024) and one indicator (net members); A is given 10, B 4, the province 14.
"""

import datetime
from dataclasses import dataclass

from accounts.models import Role
from accounts.services import create_user
from organisation.models import Sector, Unit, UnitKind
from organisation.services import create_unit
from plans.models import Indicator, Measure, Period, Plan, PlanUnit, Target
from progress.models import RecordKind
from progress.services import record_batch
from reports.models import DeadlineKind, ReportingDeadline
from tests.actors import SYSTEM
from tests.conftest import PASSWORD

START = datetime.date(2024, 7, 1)
END = datetime.date(2024, 7, 31)
FOUNDED = datetime.date(2020, 1, 1)


@dataclass
class Federation:
    province: Unit
    unit_a: Unit
    unit_b: Unit
    union_a: Unit
    union_b: Unit
    plan: Plan | None = None
    period: Period | None = None
    indicator: Indicator | None = None
    deadline: ReportingDeadline | None = None


def user(username, role, unit=None):
    return create_user(username=username, password=PASSWORD, role=role, unit=unit, validate=False)


def units() -> Federation:
    province = create_unit(
        name="LĐLĐ tỉnh Thử", kind=UnitKind.PROVINCE, valid_from=FOUNDED, user=SYSTEM
    )
    unit_a = create_unit(
        name="LĐLĐ huyện A",
        kind=UnitKind.DISTRICT,
        parent=province,
        valid_from=FOUNDED,
        user=SYSTEM,
    )
    unit_b = create_unit(
        name="LĐLĐ huyện B",
        kind=UnitKind.DISTRICT,
        parent=province,
        valid_from=FOUNDED,
        user=SYSTEM,
    )
    union_a = create_unit(
        name="CĐCS Công ty A",
        kind=UnitKind.GRASSROOTS,
        parent=unit_a,
        sector=Sector.ENTERPRISE_LARGE,
        valid_from=FOUNDED,
        user=SYSTEM,
    )
    union_b = create_unit(
        name="CĐCS Trường B",
        kind=UnitKind.GRASSROOTS,
        parent=unit_b,
        sector=Sector.STATE_ADMIN,
        valid_from=FOUNDED,
        user=SYSTEM,
    )
    return Federation(province, unit_a, unit_b, union_a, union_b)


def federation(*, targets=(10, 4)) -> Federation:
    fed = units()
    fed.plan = Plan.objects.create(
        number="1/KH-TEST",
        issued_on=datetime.date(2024, 6, 1),
        issuing_unit=fed.province,
        title="Kế hoạch thử",
        year=2024,
    )
    fed.period = Period.objects.create(
        plan=fed.plan, code="thang-7", name="Tháng 7/2024", start=START, end=END
    )
    fed.indicator = Indicator.objects.create(
        plan=fed.plan,
        code="dv-thuc-tang",
        name="Phát triển đoàn viên thực tăng",
        header="Thực tăng (người)",
        measure=Measure.NET_MEMBERS,
        unit_of_measure="người",
    )
    for number, unit in enumerate([fed.unit_a, fed.unit_b], start=1):
        PlanUnit.objects.create(plan=fed.plan, unit=unit, row_number=number)
    for unit, value in [(fed.unit_a, targets[0]), (fed.unit_b, targets[1])]:
        Target.objects.create(period=fed.period, unit=unit, indicator=fed.indicator, value=value)
    Target.objects.create(
        period=fed.period, unit=fed.province, indicator=fed.indicator, value=sum(targets)
    )
    fed.deadline = ReportingDeadline.objects.create(
        plan=fed.plan,
        code="ket-thuc-thang-7",
        name="Báo cáo kết thúc tháng 7",
        kind=DeadlineKind.CAMPAIGN,
        period=fed.period,
        start=START,
        end=END,
        due_on=datetime.date(2024, 8, 5),
    )
    return fed


def admit(union, count, day=datetime.date(2024, 7, 10), by=None):
    return record_batch(
        kind=RecordKind.ADMITTED, union=union, on_date=day, count=count, user=by or SYSTEM
    )


__all__ = ["Role", "admit", "federation", "units", "user"]
