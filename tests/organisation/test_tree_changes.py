"""The tree page says what changed on its date, and lists the dates on which it changed."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.services import create_user
from organisation import services as org
from organisation.models import UnitKind
from tests.actors import SYSTEM

D = datetime.date


@pytest.fixture
def reorganised(db):
    province = org.create_unit(name="LĐLĐ tỉnh Thử", kind=UnitKind.PROVINCE, user=SYSTEM)
    district = org.create_unit(
        name="LĐLĐ huyện Cũ", kind=UnitKind.DISTRICT, parent=province, user=SYSTEM
    )
    school = org.create_unit(
        name="CĐCS Trường Thử", kind=UnitKind.GRASSROOTS, parent=district, user=SYSTEM
    )
    commune = org.create_unit(
        name="Công đoàn xã Mới",
        kind=UnitKind.COMMUNE,
        parent=province,
        valid_from=D(2025, 7, 1),
        user=SYSTEM,
    )
    org.move_unit(unit=school, new_parent=commune, on_date=D(2025, 7, 1), user=SYSTEM)
    org.dissolve_unit_checked(unit=district, on_date=D(2025, 6, 30), user=SYSTEM)
    admin = create_user(
        username="t.admin.thu", password="x", role=Role.PROVINCE_ADMIN, unit=province,
        validate=False,
    )  # fmt: skip
    return admin


def _changes(client, on):
    html = client.get(reverse("organisation:tree"), {"on": on}).content.decode()
    return html[html.index('id="changes"') :].split("</section>")[0]


def test_what_changed_on_the_date(reorganised, client):
    client.force_login(reorganised, backend="django.contrib.auth.backends.ModelBackend")
    moved = _changes(client, "01/07/2025")
    assert "Thành lập" in moved and "Công đoàn xã Mới" in moved
    assert "CĐCS Trường Thử" in moved and "LĐLĐ huyện Cũ → Công đoàn xã Mới" in moved
    ended = _changes(client, "30/06/2025")
    assert "Kết thúc hoạt động" in ended and "LĐLĐ huyện Cũ" in ended
    quiet = _changes(client, "15/03/2024")
    assert "Không có thay đổi cơ cấu trong ngày 15/03/2024" in quiet
    assert "01/07/2025" in quiet and "30/06/2025" in quiet  # the dates with changes, as links
