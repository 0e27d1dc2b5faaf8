"""The contract other apps build on: achieved() and found_grassroots_union()."""

import datetime

from organisation.models import Sector, UnitKind
from plans.models import Indicator, Period
from progress import selectors, services
from progress.models import Record, RecordKind

JULY_5 = datetime.date(2024, 7, 5)


def _person(n, **extra):
    return {
        "full_name": f"Nguyễn Văn {n}",
        "date_of_birth": datetime.date(1990, 1, 1),
        "gender": "male",
        "ethnicity": "Kinh",
        "cccd": f"0120900{n:05d}",
        "job": "Công nhân",
        **extra,
    }


def test_found_union_counts_in_its_sector_and_members(demo, unit_a, province, admin_user):
    period = Period.objects.get(code="thang-cao-diem-2024")
    before = selectors.achieved(period)
    union = services.found_grassroots_union(
        name="CĐCS Công ty TNHH Thử nghiệm",
        parent=unit_a,
        founded_on=JULY_5,
        sector=Sector.ENTERPRISE_SMALL,
        user=admin_user,
        founding_members=[_person(i) for i in range(1, 6)],
    )
    assert union.kind == UnitKind.GRASSROOTS
    assert Record.objects.filter(union=union, kind=RecordKind.ADMITTED).count() == 5
    after = selectors.achieved(period)
    ind = {i.code: i.pk for i in Indicator.objects.filter(plan=period.plan)}
    for unit in (unit_a, province):
        assert after[unit.pk, ind["cdcs-moi"]] - before[unit.pk, ind["cdcs-moi"]] == 1
        assert after[unit.pk, ind["cdcs-dn-duoi-25"]] - before[unit.pk, ind["cdcs-dn-duoi-25"]] == 1
        assert after[unit.pk, ind["dv-thuc-tang"]] - before[unit.pk, ind["dv-thuc-tang"]] == 5
        assert (
            after[unit.pk, ind["dv-hcsn-dn-duoi-25"]] - before[unit.pk, ind["dv-hcsn-dn-duoi-25"]]
            == 5
        )
    assert len(after) == len(before)
