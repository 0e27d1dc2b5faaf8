"""A small federation of 2026 for plan tests (no demo): a province, two upper-level unions,
four grassroots unions, a handful of enterprises, and a draft plan with one year period."""

import datetime
from dataclasses import dataclass

from organisation.models import Sector, Unit, UnitKind
from organisation.services import create_unit
from plans.models import Indicator, Measure, Period, Plan, PlanUnit, Relation
from tests.actors import SYSTEM

YEAR_START = datetime.date(2026, 1, 1)
YEAR_END = datetime.date(2026, 12, 31)
LONG_AGO = datetime.date(2020, 1, 1)


@dataclass
class Federation:
    province: Unit
    d1: Unit
    d2: Unit


def federation() -> Federation:
    province = create_unit(
        user=SYSTEM, name="LĐLĐ tỉnh Thử Nghiệm", kind=UnitKind.PROVINCE, valid_from=LONG_AGO
    )
    d1 = create_unit(
        user=SYSTEM,
        name="Công đoàn phường Một",
        kind=UnitKind.COMMUNE,
        parent=province,
        valid_from=LONG_AGO,
        sort_order=1,
    )
    d2 = create_unit(
        user=SYSTEM,
        name="Công đoàn xã Hai",
        kind=UnitKind.COMMUNE,
        parent=province,
        valid_from=LONG_AGO,
        sort_order=2,
    )
    return Federation(province, d1, d2)


def plan_for(fed: Federation, *, number="01/KH-TEST", min_workers=20, year=2026) -> Plan:
    plan = Plan.objects.create(
        number=number,
        issued_on=datetime.date(year, 1, 5),
        issuing_unit=fed.province,
        title=f"Phát triển đoàn viên năm {year}",
        year=year,
        enterprise_min_workers=min_workers,
    )
    Period.objects.create(
        plan=plan,
        code=f"nam-{year}",
        name=f"Năm {year}",
        start=datetime.date(year, 1, 1),
        end=datetime.date(year, 12, 31),
    )
    PlanUnit.objects.create(plan=plan, unit=fed.d1, row_number=1)
    PlanUnit.objects.create(plan=plan, unit=fed.d2, row_number=2)
    return plan


def indicator(plan, code, measure, *, unit="người", parent=None, min_workers=None, sectors=""):
    return Indicator.objects.create(
        plan=plan,
        code=code,
        name=code,
        header=code,
        measure=measure,
        unit_of_measure=unit,
        parent=parent,
        relation=Relation.SUBSET if parent else Relation.SPLIT,
        min_workers=min_workers,
        sectors=sectors,
        sort_order=Indicator.objects.filter(plan=plan).count(),
    )


__all__ = ["Federation", "Measure", "Sector", "federation", "indicator", "plan_for"]
