"""Small factories for tests that need a few units and accounts, not the whole demo data set.

``small_tree()`` is the demo's shape in miniature — the province and two of its districts, with
the demo's names — so a test written against the demo fixtures reads the same with it.
"""

from dataclasses import dataclass

from accounts.models import Role, User
from accounts.services import create_user
from organisation.models import Sector, Unit, UnitKind
from organisation.services import create_unit
from tests.actors import SYSTEM

PASSWORD = "Mat-khau-th3-test!"
PROVINCE_NAME = "Liên đoàn Lao động tỉnh Lai Châu"
UNIT_A_NAME = "LĐLĐ huyện Mường Tè"
UNIT_B_NAME = "LĐLĐ huyện Tam Đường"


def make_unit(name: str, kind: str = UnitKind.DISTRICT, parent: Unit | None = None, **extra):
    return create_unit(name=name, kind=kind, parent=parent, user=SYSTEM, **extra)


def make_grassroots(parent: Unit, name: str, sector: str = Sector.ENTERPRISE_LARGE) -> Unit:
    return create_unit(
        name=name, kind=UnitKind.GRASSROOTS, parent=parent, sector=sector, user=SYSTEM
    )


def make_user(username: str, role: str, unit: Unit | None = None, **extra) -> User:
    return create_user(
        username=username, password=PASSWORD, role=role, unit=unit, validate=False, **extra
    )


@dataclass
class SmallTree:
    province: Unit
    unit_a: Unit
    unit_b: Unit


def small_tree() -> SmallTree:
    province = make_unit(PROVINCE_NAME, UnitKind.PROVINCE)
    return SmallTree(
        province=province,
        unit_a=make_unit(UNIT_A_NAME, parent=province, sort_order=1),
        unit_b=make_unit(UNIT_B_NAME, parent=province, sort_order=2),
    )


def role_users(tree: SmallTree) -> dict[str, User]:
    """The conftest's users (same user names) on a small tree."""
    return {
        "admin_user": make_user("t.admin", Role.PROVINCE_ADMIN, tree.province),
        "viewer_user": make_user("t.viewer", Role.PROVINCE_VIEWER, tree.province),
        "officer_a": make_user("t.officer.a", Role.UNIT_OFFICER, tree.unit_a),
        "officer_b": make_user("t.officer.b", Role.UNIT_OFFICER, tree.unit_b),
    }
