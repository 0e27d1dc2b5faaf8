"""Demo accounts, one per role, so each view of the system can be tried.

Their shared password is DEMO_PASSWORD (default in the README); the administrator's is made by
``ensure_demo_admin`` and printed by ``make run``.
"""

import os

from accounts.models import Role, User
from organisation.models import Unit

DEFAULT_DEMO_PASSWORD = "LaiChau@2024"

DEMO_USERS = [
    ("xem.tinh", Role.PROVINCE_VIEWER, "Liên đoàn Lao động tỉnh Lai Châu"),
    ("cb.muongte", Role.UNIT_OFFICER, "LĐLĐ huyện Mường Tè"),
    ("cb.tamduong", Role.UNIT_OFFICER, "LĐLĐ huyện Tam Đường"),
]


def load() -> None:
    password = os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
    for username, role, unit_name in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        user = User(username=username, role=role, unit=Unit.objects.get(name=unit_name))
        user.set_password(password)
        user.save()
