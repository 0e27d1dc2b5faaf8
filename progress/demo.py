"""Demo progress: grassroots unions under every upper-level union and a simulated July 2024.

Everything created here is flagged ``is_simulated`` and the dashboard says so. The simulation
is deterministic (seeded random): each unit reaches a fixed share of its peak-month targets, so
some units are on track and some behind. The eight enterprises of the plan's list (≥25 workers,
no union yet) are left to the enterprises app. Idempotent: a second run changes nothing.
"""

import datetime
import random

from organisation.models import Sector, Unit, UnitKind, UnitPath
from organisation.services import create_unit
from plans.models import Indicator, Period, Target
from progress.models import Gender, LeaveReason, Member, PartyOutcome, Record, RecordKind
from progress.services import found_grassroots_union

SEED = 20240728
JULY = [datetime.date(2024, 7, d) for d in range(1, 32)]
PEAK_CODE = "thang-cao-diem-2024"
ESTABLISHED = datetime.date(2015, 1, 1)

H, S, DS, DL, INF = (
    Sector.STATE_ADMIN,
    Sector.PUBLIC_SERVICE,
    Sector.ENTERPRISE_SMALL,
    Sector.ENTERPRISE_LARGE,
    Sector.INFORMAL,
)

# Existing grassroots unions per upper-level union: (name, sector).
UNIONS = {
    "LĐLĐ thành phố Lai Châu": [
        ("CĐCS Cơ quan UBND phường Tân Phong", H),
        ("CĐCS Trường THCS Đoàn Kết", S),
        ("CĐCS Công ty TNHH Xây dựng Thành Đạt Lai Châu", DS),
        ("CĐCS Công ty Cổ phần Cấp nước Lai Châu", DL),
        ("CĐCS Công ty TNHH Một thành viên Môi trường đô thị Lai Châu", DL),
    ],
    "LĐLĐ huyện Tam Đường": [
        ("CĐCS Cơ quan UBND xã Bình Lư", H),
        ("CĐCS Trường THCS Sơn Bình", S),
        ("CĐCS Công ty Cổ phần Chè Tam Đường", DL),
        ("CĐCS Công ty TNHH Thương mại Hoàng Long Tam Đường", DS),
    ],
    "LĐLĐ huyện Tân Uyên": [
        ("CĐCS Cơ quan UBND xã Phúc Khoa", H),
        ("CĐCS Trường Tiểu học thị trấn Tân Uyên", S),
        ("CĐCS Công ty TNHH Chè Tân Uyên", DS),
    ],
    "LĐLĐ huyện Than Uyên": [
        ("CĐCS Cơ quan UBND xã Mường Kim", H),
        ("CĐCS Trung tâm Y tế huyện Than Uyên", S),
        ("Nghiệp đoàn cơ sở Nông dân trồng chè xã Phúc Than", INF),
    ],
    "LĐLĐ huyện Phong Thổ": [
        ("CĐCS Bệnh viện Đa khoa huyện Phong Thổ", S),
        ("CĐCS Cơ quan UBND xã Mường So", H),
        ("CĐCS Công ty TNHH Khai thác đá Phong Thổ", DS),
        ("Nghiệp đoàn cơ sở Xe ôm thị trấn Phong Thổ", INF),
    ],
    "LĐLĐ huyện Sìn Hồ": [
        ("CĐCS Cơ quan UBND xã Pa Tần", H),
        ("CĐCS Trường THPT Sìn Hồ", S),
    ],
    "LĐLĐ huyện Nậm Nhùn": [
        ("CĐCS Cơ quan UBND thị trấn Nậm Nhùn", H),
        ("CĐCS Công ty Cổ phần Thủy điện Nậm Na 2", DL),
    ],
    "LĐLĐ huyện Mường Tè": [
        ("CĐCS Cơ quan UBND xã Bum Nưa", H),
        ("CĐCS Trường THCS thị trấn Mường Tè", S),
        ("CĐCS Công ty Cổ phần Thủy điện Pắc Ma", DL),
        ("CĐCS Công ty TNHH Xây dựng Sông Đà Mường Tè", DL),
    ],
    "Công đoàn ngành Giáo dục": [
        ("CĐCS Trường THPT chuyên Lê Quý Đôn", S),
        ("CĐCS Trường Cao đẳng Cộng đồng Lai Châu", S),
    ],
    "Công đoàn ngành Y tế": [
        ("CĐCS Bệnh viện Đa khoa tỉnh Lai Châu", S),
        ("CĐCS Trung tâm Kiểm soát bệnh tật tỉnh Lai Châu", S),
    ],
    "Công đoàn Viên chức tỉnh": [
        ("CĐCS Sở Tài chính tỉnh Lai Châu", H),
        ("CĐCS Sở Nội vụ tỉnh Lai Châu", H),
        ("CĐCS Sở Kế hoạch và Đầu tư tỉnh Lai Châu", H),
    ],
}

# New unions founded in the simulated July: (upper-level union, name, kind, sector, day).
NEW_UNIONS = [
    ("LĐLĐ huyện Tân Uyên", "CĐCS Hợp tác xã Chè Thanh Sơn", UnitKind.GRASSROOTS, DS, 18),
    ("LĐLĐ huyện Than Uyên", "CĐCS Công ty TNHH Vận tải Minh Thành", UnitKind.GRASSROOTS, DS, 22),
    (
        "LĐLĐ huyện Phong Thổ",
        "Nghiệp đoàn cơ sở Tiểu thương chợ Vàng Pheo",
        UnitKind.INFORMAL,
        INF,
        15,
    ),
    ("LĐLĐ huyện Phong Thổ", "CĐCS Hợp tác xã Nông nghiệp Dào San", UnitKind.GRASSROOTS, DS, 25),
    (
        "LĐLĐ huyện Sìn Hồ",
        "Nghiệp đoàn cơ sở Lao động tự do xã Chăn Nưa",
        UnitKind.INFORMAL,
        INF,
        26,
    ),
]

# Share of each unit's peak-month targets the simulation reaches (some behind, some done).
COMPLETION = {
    "LĐLĐ thành phố Lai Châu": 1.05,
    "LĐLĐ huyện Tam Đường": 0.62,
    "LĐLĐ huyện Tân Uyên": 1.10,
    "LĐLĐ huyện Than Uyên": 0.80,
    "LĐLĐ huyện Phong Thổ": 1.00,
    "LĐLĐ huyện Sìn Hồ": 0.50,
    "LĐLĐ huyện Nậm Nhùn": 1.15,
    "LĐLĐ huyện Mường Tè": 0.71,
    "Công đoàn ngành Giáo dục": 1.50,
    "Công đoàn ngành Y tế": 1.00,
    "Công đoàn Viên chức tỉnh": 0.85,
}

FAMILY = ["Nguyễn", "Lò", "Vàng", "Giàng", "Tao", "Lường", "Hoàng", "Lê", "Trần", "Sùng", "Phạm"]
MIDDLE_M = ["Văn", "A", "Đức", "Minh", "Seo"]
MIDDLE_F = ["Thị", "Thị Thu", "Thị Hồng", "Thị Ngọc"]
GIVEN_M = ["Hùng", "Dũng", "Páo", "Sính", "Chứ", "Tuấn", "Hải", "Cường", "Phóng", "Lả"]
GIVEN_F = ["Lan", "Mai", "Hương", "Xuân", "Dung", "Pằng", "Ngân", "Thảo", "Mỷ", "Hoa"]
ETHNICITIES = ["Thái", "Mông", "Dao", "Kinh", "Hà Nhì", "Giáy", "Lự", "Khơ Mú"]
JOBS = {
    H: ["Công chức", "Chuyên viên"],
    S: ["Giáo viên", "Viên chức", "Điều dưỡng", "Bác sĩ"],
    DS: ["Công nhân", "Nhân viên kinh doanh", "Lái xe"],
    DL: ["Công nhân", "Công nhân vận hành", "Kỹ thuật viên"],
    INF: ["Lao động tự do", "Tiểu thương", "Xe ôm", "Nông dân trồng chè"],
}
LEAVE_REASONS = [LeaveReason.CHANGED_JOB, LeaveReason.RETIRED, LeaveReason.WITHDREW]


def _day(rng) -> datetime.date:
    """More admissions towards 28/7, the union's anniversary."""
    return rng.choices(JULY, weights=[1 + (d.day / 8) for d in JULY])[0]


def _person(rng, sector, used: set[str]) -> dict:
    female = rng.random() < 0.45
    year = rng.randint(1975, 2003)
    century_digit = (0 if year < 2000 else 2) + (1 if female else 0)
    while True:
        cccd = f"012{century_digit}{year % 100:02d}{rng.randint(0, 999999):06d}"
        if cccd not in used:
            used.add(cccd)
            break
    middle = rng.choice(MIDDLE_F if female else MIDDLE_M)
    given = rng.choice(GIVEN_F if female else GIVEN_M)
    return {
        "full_name": f"{rng.choice(FAMILY)} {middle} {given}",
        "date_of_birth": datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)),
        "gender": Gender.FEMALE if female else Gender.MALE,
        "ethnicity": rng.choice(ETHNICITIES),
        "cccd": cccd,
        "job": rng.choice(JOBS[sector]),
    }


def _ensure_unions(user) -> dict[str, list[Unit]]:
    by_parent: dict[str, list[Unit]] = {}
    for parent_name, unions in UNIONS.items():
        parent = Unit.objects.get(name=parent_name)
        found = []
        for order, (name, sector) in enumerate(unions, start=1):
            unit = Unit.objects.filter(name=name).first()
            if unit is None:
                kind = UnitKind.INFORMAL if sector == INF else UnitKind.GRASSROOTS
                unit = create_unit(
                    name=name,
                    kind=kind,
                    parent=parent,
                    sector=sector,
                    valid_from=ESTABLISHED,
                    sort_order=order,
                    is_simulated=True,
                    user=user,
                )
            found.append(unit)
        by_parent[parent_name] = found
    return by_parent


def load(*, user) -> None:
    from progress import rollup

    unions = _ensure_unions(user)
    if Record.objects.filter(is_simulated=True).exists():
        return
    period = Period.objects.filter(code=PEAK_CODE, plan__number="78/KH-LĐLĐ").first()
    if period is None:
        return
    _simulate(period, unions, user=user)
    rollup.rebuild()  # the simulation is bulk-inserted


def _target(targets, unit, code) -> int:
    return targets.get((unit.pk, code)) or 0


def _simulate(period: Period, unions: dict[str, list[Unit]], *, user) -> None:
    rng = random.Random(SEED)
    used: set[str] = set()
    targets = {
        (t.unit_id, t.indicator.code): t.value
        for t in Target.objects.filter(period=period).select_related("indicator")
    }
    assert Indicator.objects.filter(plan=period.plan).exists()
    for parent_name, name, kind, sector, day in NEW_UNIONS:
        parent = Unit.objects.get(name=parent_name)
        union = found_grassroots_union(
            name=name,
            parent=parent,
            founded_on=datetime.date(2024, 7, day),
            sector=sector,
            kind=kind,
            user=user,
            simulated=True,
        )
        unions[parent_name].append(union)
    members: list[Member] = []
    records: list[Record] = []
    for parent_name, share in COMPLETION.items():
        parent = Unit.objects.get(name=parent_name)
        own = unions[parent_name]

        def pick(sectors, own=own):
            matches = [u for u in own if u.sector in sectors]
            return rng.choice(matches) if matches else None

        net_small = _target(targets, parent, "dv-hcsn-dn-duoi-25")
        net_large = _target(targets, parent, "dv-dn-tu-25")
        informal = _target(targets, parent, "dv-phi-chinh-thuc")
        for goal, sectors in ((net_small, (H, S, DS)), (net_large, (DL,)), (informal, (INF,))):
            reach = round(goal * share)
            leaving = rng.randint(0, max(1, goal // 12)) if goal else 0
            for _ in range(reach + leaving):
                union = pick(sectors)
                if union is None:
                    break
                day = max(_day(rng), union.founded_on)
                person = _person(rng, union.sector, used)
                members.append(Member(union=union, admitted_on=day, is_simulated=True, **person))
                records.append(_rec(RecordKind.ADMITTED, union, day, member=members[-1]))
            for _ in range(leaving):
                union = pick(sectors)
                if union is None:
                    break
                records.append(
                    _rec(
                        RecordKind.LEFT,
                        union,
                        _day(rng),
                        leave_reason=rng.choice(LEAVE_REASONS),
                    )
                )
    Member.objects.bulk_create(members, batch_size=500)
    for record in records:
        if record.member is not None:
            record.member_id = record.member.pk
    # Party introductions: among this month's new members and counted for established ones.
    by_union: dict[int, list[Member]] = {}
    for member in members:
        by_union.setdefault(member.union_id, []).append(member)
    for parent_name, share in COMPLETION.items():
        parent = Unit.objects.get(name=parent_name)
        goal = round(_target(targets, parent, "gioi-thieu-dang") * share)
        candidates = [m for u in unions[parent_name] for m in by_union.get(u.pk, [])]
        rng.shuffle(candidates)
        for index in range(goal):
            if index < len(candidates):
                member = candidates[index]
                union, day = member.union, max(member.admitted_on, _day(rng))
            else:
                member, union, day = None, rng.choice(unions[parent_name]), _day(rng)
            records.append(
                _rec(
                    RecordKind.PARTY_INTRODUCED,
                    union,
                    day,
                    member=member,
                    party_outcome=rng.choice(
                        [PartyOutcome.PENDING, PartyOutcome.PENDING, PartyOutcome.ADMITTED]
                    ),
                )
            )
    Record.objects.bulk_create(records, batch_size=500)
    _transfers(rng, members)


def _rec(kind, union, day, member=None, **fields) -> Record:
    return Record(
        kind=kind,
        union=union,
        date=day,
        sector=union.sector,
        member=member,
        is_simulated=True,
        **fields,
    )


def _transfers(rng, members: list[Member]) -> None:
    """A few members move: two across districts, one between unions of the same district."""
    parents = {
        p.descendant_id: p.ancestor_id
        for p in UnitPath.objects.filter(depth=1, descendant__in={m.union_id for m in members})
    }
    pool = [m for m in members if m.admitted_on.day <= 20]
    rng.shuffle(pool)
    moves = []
    for member in pool:
        if len(moves) == 4:
            break
        same = len(moves) == 3
        options = [
            m.union
            for m in members
            if m.union_id != member.union_id
            and (parents.get(m.union_id) == parents.get(member.union_id)) == same
            and m.union.founded_on <= member.admitted_on
        ]
        if options:
            moves.append((member, rng.choice(options)))
    rows = []
    for member, target in moves:
        day = member.admitted_on + datetime.timedelta(days=rng.randint(3, 9))
        key = Record.new_transfer_key()
        source = member.union
        rows.append(
            _rec(
                RecordKind.TRANSFER_OUT,
                source,
                day,
                member=member,
                other_union=target,
                transfer_key=key,
            )
        )
        rows.append(
            _rec(
                RecordKind.TRANSFER_IN,
                target,
                day,
                member=member,
                other_union=source,
                transfer_key=key,
            )
        )
        member.union = target
        member.save(update_fields=["union"])
    Record.objects.bulk_create(rows)
