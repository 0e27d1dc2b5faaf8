"""Demo data: the 8 enterprises with 25 or more workers and no union in plan 78/KH-LĐLĐ.

348 workers in all, each under its district federation, matching the DN ≥25 member targets.
Assumptions (the source gives neither): the survey date is 31/05/2024, before the plan's date
(11/06/2024); tax codes are left blank rather than invented.
"""

import datetime

from enterprises.models import Enterprise, Ownership
from enterprises.services import create_enterprise
from organisation.models import Unit

SURVEY_DATE = datetime.date(2024, 5, 31)  # assumed: the plan lists them as of its drafting
SOURCE = "Kế hoạch 78/KH-LĐLĐ ngày 11/06/2024 (danh sách DN từ 25 lao động chưa có CĐCS)"

# (district federation, enterprise, workers), in the plan's order.
ENTERPRISES = [
    ("LĐLĐ huyện Mường Tè", "Công ty Cổ phần Sâm Pu Si Lung", 60),
    ("LĐLĐ huyện Mường Tè", "Công ty Cổ phần Thủy điện Nậm Sí Lùng", 37),
    ("LĐLĐ huyện Mường Tè", "Công ty Cổ phần Sông Đà 705", 32),
    ("LĐLĐ huyện Tam Đường", "Công ty TNHH Xây dựng và thương mại Đông Hưng Lai Châu", 30),
    ("LĐLĐ huyện Tam Đường", "Công ty Cổ phần Xi măng NORCEM Yên Bình tại Lai Châu", 61),
    ("LĐLĐ huyện Nậm Nhùn", "Công ty Cổ phần Liên Việt Lai Châu", 26),
    ("LĐLĐ thành phố Lai Châu", "Công ty TNHH số 10 Lai Châu", 73),
    ("LĐLĐ thành phố Lai Châu", "Công ty TNHH MTV Phương Nam Lai Châu", 29),
]


def load(*, user) -> None:
    for unit_name, name, workers in ENTERPRISES:
        if Enterprise.objects.filter(name=name).exists():
            continue
        create_enterprise(
            name=name,
            unit=Unit.objects.get(name=unit_name),
            user=user,
            ownership=Ownership.NON_STATE,
            workers=workers,
            surveyed_on=SURVEY_DATE,
            source=SOURCE,
            note="Dữ liệu demo: mã số thuế chưa có trong nguồn.",
            is_demo=True,
        )
