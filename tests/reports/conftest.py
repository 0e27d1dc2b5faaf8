import datetime

import pytest

from organisation.models import UnitKind, UnitPath
from reports.models import ReportingDeadline

CAMPAIGN = "ket-thuc-thang-cao-diem-2024"


@pytest.fixture
def campaign(demo):
    return ReportingDeadline.objects.get(code=CAMPAIGN)


@pytest.fixture
def quarter3(demo):
    return ReportingDeadline.objects.get(code="quy-3-2024")


def grassroots_under(unit):
    """A grassroots union in unit's subtree in July 2024 (from the progress demo)."""
    path = (
        UnitPath.objects.filter(
            ancestor=unit,
            depth__gt=0,
            descendant__kind__in=UnitKind.grassroots_level(),
            valid_from__lte=datetime.date(2024, 7, 1),
            valid_to__gte=datetime.date(2024, 7, 31),
        )
        .select_related("descendant")
        .order_by("descendant__founded_on", "descendant_id")
        .first()
    )
    return path.descendant
