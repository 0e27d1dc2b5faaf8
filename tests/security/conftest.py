"""A small tree for the security tests (no demo): a province, two districts, one CĐCS each,
and one user per role."""

import datetime

import pytest

from accounts.models import Role
from accounts.services import create_user
from organisation.models import Sector, UnitKind
from organisation.services import create_unit
from tests.actors import SYSTEM
from tests.conftest import PASSWORD

FOUNDED = datetime.date(2020, 1, 1)


class Tree:
    def __init__(self):
        self.province = create_unit(
            name="LĐLĐ tỉnh Thử", kind=UnitKind.PROVINCE, valid_from=FOUNDED, user=SYSTEM
        )
        self.district_a = create_unit(
            name="LĐLĐ huyện A",
            kind=UnitKind.DISTRICT,
            parent=self.province,
            valid_from=FOUNDED,
            user=SYSTEM,
        )
        self.district_b = create_unit(
            name="LĐLĐ huyện B",
            kind=UnitKind.DISTRICT,
            parent=self.province,
            valid_from=FOUNDED,
            user=SYSTEM,
        )
        self.union_a = create_unit(
            name="CĐCS Công ty A",
            kind=UnitKind.GRASSROOTS,
            parent=self.district_a,
            sector=Sector.ENTERPRISE_LARGE,
            valid_from=FOUNDED,
            user=SYSTEM,
        )
        self.union_b = create_unit(
            name="CĐCS Công ty B",
            kind=UnitKind.GRASSROOTS,
            parent=self.district_b,
            sector=Sector.ENTERPRISE_LARGE,
            valid_from=FOUNDED,
            user=SYSTEM,
        )
        self.admin = self._user("s.admin", Role.PROVINCE_ADMIN, self.province)
        self.viewer = self._user("s.viewer", Role.PROVINCE_VIEWER, self.province)
        self.officer_a = self._user("s.officer.a", Role.UNIT_OFFICER, self.district_a)
        self.officer_b = self._user("s.officer.b", Role.UNIT_OFFICER, self.district_b)
        self.grassroots_a = self._user("s.cdcs.a", Role.GRASSROOTS_OFFICER, self.union_a)

    @staticmethod
    def _user(username, role, unit):
        return create_user(
            username=username, password=PASSWORD, role=role, unit=unit, validate=False
        )


@pytest.fixture
def tree(db):
    return Tree()


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return sign_in
