"""Demo structure: LĐLĐ tỉnh Lai Châu and its 11 upper-level unions, as in plan 78/KH-LĐLĐ."""

from organisation.models import Sector, Unit, UnitKind
from organisation.services import create_unit

PROVINCE_NAME = "Liên đoàn Lao động tỉnh Lai Châu"

# (name, kind, sector) in the source table's row order (TT 1–11).
UPPER_LEVEL_UNITS = [
    ("LĐLĐ thành phố Lai Châu", UnitKind.DISTRICT, Sector.MIXED),
    ("LĐLĐ huyện Tam Đường", UnitKind.DISTRICT, Sector.MIXED),
    ("LĐLĐ huyện Tân Uyên", UnitKind.DISTRICT, Sector.MIXED),
    ("LĐLĐ huyện Than Uyên", UnitKind.DISTRICT, Sector.MIXED),
    ("LĐLĐ huyện Phong Thổ", UnitKind.DISTRICT, Sector.MIXED),
    ("LĐLĐ huyện Sìn Hồ", UnitKind.DISTRICT, Sector.MIXED),
    ("LĐLĐ huyện Nậm Nhùn", UnitKind.DISTRICT, Sector.MIXED),
    ("LĐLĐ huyện Mường Tè", UnitKind.DISTRICT, Sector.MIXED),
    ("Công đoàn ngành Giáo dục", UnitKind.INDUSTRY, Sector.PUBLIC_SERVICE),
    ("Công đoàn ngành Y tế", UnitKind.INDUSTRY, Sector.PUBLIC_SERVICE),
    ("Công đoàn Viên chức tỉnh", UnitKind.CIVIL_SERVANTS, Sector.STATE_ADMIN),
]


def province() -> Unit:
    return Unit.objects.get(name=PROVINCE_NAME, kind=UnitKind.PROVINCE)


def load(*, user) -> None:
    top = Unit.objects.filter(name=PROVINCE_NAME, kind=UnitKind.PROVINCE).first()
    if top is None:
        top = create_unit(
            name=PROVINCE_NAME, kind=UnitKind.PROVINCE, short_name="LĐLĐ tỉnh", user=user
        )
    for order, (name, kind, sector) in enumerate(UPPER_LEVEL_UNITS, start=1):
        if not Unit.objects.filter(name=name, kind=kind).exists():
            create_unit(
                name=name, kind=kind, sector=sector, parent=top, sort_order=order, user=user
            )
