import pytest

from accounts.models import Role
from accounts.services import create_user
from organisation.models import Sector, UnitKind
from organisation.services import create_unit
from tests.actors import SYSTEM
from tests.conftest import PASSWORD


def _grassroots(parent, name):
    return create_unit(
        name=name,
        kind=UnitKind.GRASSROOTS,
        parent=parent,
        sector=Sector.ENTERPRISE_LARGE,
        user=SYSTEM,
    )


@pytest.fixture
def grassroots_a(unit_a):
    return _grassroots(unit_a, "CĐCS Kiểm thử Mường Tè")


@pytest.fixture
def grassroots_b(unit_b):
    return _grassroots(unit_b, "CĐCS Kiểm thử Tam Đường")


@pytest.fixture
def grassroots_officer(grassroots_a):
    return create_user(
        username="t.cdcs.a",
        password=PASSWORD,
        role=Role.GRASSROOTS_OFFICER,
        unit=grassroots_a,
        validate=False,
    )


@pytest.fixture
def grassroots_officer_b(grassroots_b):
    return create_user(
        username="t.cdcs.b",
        password=PASSWORD,
        role=Role.GRASSROOTS_OFFICER,
        unit=grassroots_b,
        validate=False,
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 at its production cost makes each fixture user take half a second to create."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
