"""The demo's illustrative reorganisation of 1/7/2025 ("minh họa"), applied after the 2024 plan.

From 1/7/2025 the district federations (LĐLĐ huyện, thành phố) ended and commune/ward unions
took their CĐCS. The demo shows that change on Lai Châu's tree: each district federation ends
on 30/06/2025 and one commune or ward union per district (named after the district's seat, and
marked "(minh họa)": the real new communes are the province's own list, loaded with
``import_units``) receives all its CĐCS from 01/07/2025. Sector unions and the civil servants'
union stay. 2024 adds up exactly as before: every link and path up to 30/06/2025 is untouched.

Idempotent: a district already ended is left as it is.
"""

import datetime

from organisation import services
from organisation.models import Unit, UnitKind
from organisation.selectors import children

REORGANISED_ON = datetime.date(2025, 7, 1)
LAST_DAY = REORGANISED_ON - datetime.timedelta(days=1)
ILLUSTRATIVE = " (minh họa)"

# district federation → the commune/ward union that takes its CĐCS
SUCCESSORS = [
    ("LĐLĐ thành phố Lai Châu", "Công đoàn phường Tân Phong"),
    ("LĐLĐ huyện Tam Đường", "Công đoàn xã Bình Lư"),
    ("LĐLĐ huyện Tân Uyên", "Công đoàn xã Tân Uyên"),
    ("LĐLĐ huyện Than Uyên", "Công đoàn xã Than Uyên"),
    ("LĐLĐ huyện Phong Thổ", "Công đoàn xã Phong Thổ"),
    ("LĐLĐ huyện Sìn Hồ", "Công đoàn xã Sìn Hồ"),
    ("LĐLĐ huyện Nậm Nhùn", "Công đoàn xã Nậm Nhùn"),
    ("LĐLĐ huyện Mường Tè", "Công đoàn xã Mường Tè"),
]


def successor_name(district_name: str) -> str:
    return dict(SUCCESSORS)[district_name] + ILLUSTRATIVE


def load(*, user) -> None:
    from organisation.demo import province

    top = province()
    for order, (district_name, commune_name) in enumerate(SUCCESSORS, start=1):
        district = Unit.objects.filter(name=district_name, kind=UnitKind.DISTRICT).first()
        if district is None or district.dissolved_on is not None:
            continue
        commune = services.create_unit(
            name=commune_name + ILLUSTRATIVE,
            kind=UnitKind.COMMUNE,
            parent=top,
            valid_from=REORGANISED_ON,
            sort_order=100 + order,
            is_simulated=True,
            user=user,
        )
        for child in children(district, REORGANISED_ON):
            services.move_unit_checked(
                unit=child, new_parent=commune, on_date=REORGANISED_ON, user=user
            )
        services.dissolve_unit_checked(unit=district, on_date=LAST_DAY, user=user)
