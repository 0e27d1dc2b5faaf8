"""Demo accounts, one per role, so each view of the system can be tried.

Their shared password is DEMO_PASSWORD (default in the README); the administrator's is made by
``ensure_demo_admin`` and printed by ``make run``.
"""

import os

from accounts.models import Role, User
from organisation.models import Unit, UnitKind, UnitPath

DEFAULT_DEMO_PASSWORD = "LaiChau@2024"

DEMO_USERS = [
    ("xem.tinh", Role.PROVINCE_VIEWER, "Liên đoàn Lao động tỉnh Lai Châu"),
    ("cb.muongte", Role.UNIT_OFFICER, "LĐLĐ huyện Mường Tè"),
    ("cb.tamduong", Role.UNIT_OFFICER, "LĐLĐ huyện Tam Đường"),
]


# The grassroots officer's union: a CĐCS of the progress demo under Mường Tè.
GRASSROOTS_DEMO_USER = "cb.cdcs.muongte"
GRASSROOTS_DEMO_PARENT = "LĐLĐ huyện Mường Tè"
GRASSROOTS_DEMO_UNION = "CĐCS Trường THCS thị trấn Mường Tè"


def grassroots_demo_union() -> Unit | None:
    parent = Unit.objects.filter(name=GRASSROOTS_DEMO_PARENT).first()
    if parent is None:
        return None
    below = UnitPath.objects.filter(ancestor=parent, depth__gt=0).values("descendant_id")
    unions = Unit.objects.filter(id__in=below, kind__in=UnitKind.grassroots_level())
    return unions.filter(name=GRASSROOTS_DEMO_UNION).first() or unions.order_by("id").first()


def _create(username, role, unit, password):
    if User.objects.filter(username=username).exists():
        return
    user = User(username=username, role=role, unit=unit)
    user.set_password(password)
    user.save()


def load(*, user=None) -> None:
    """The demo accounts (made directly: accounts.services.create_user takes no actor)."""
    password = os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
    for username, role, unit_name in DEMO_USERS:
        _create(username, role, Unit.objects.get(name=unit_name), password)
    union = grassroots_demo_union()
    if union is not None:  # only once the progress demo has made grassroots unions
        _create(GRASSROOTS_DEMO_USER, Role.GRASSROOTS_OFFICER, union, password)


# After the illustrative 1/7/2025 reorganisation: an officer of the commune union that took the
# Mường Tè CĐCS, so today's tree can be tried as a unit officer too.
COMMUNE_DEMO_USER = "cb.xamuongte"


def load_after_reorganisation(*, user=None) -> None:
    from organisation.demo_reorganisation import successor_name

    commune = Unit.objects.filter(name=successor_name(GRASSROOTS_DEMO_PARENT)).first()
    if commune is not None:
        password = os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
        _create(COMMUNE_DEMO_USER, Role.UNIT_OFFICER, commune, password)
