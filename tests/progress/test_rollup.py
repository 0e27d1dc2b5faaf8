"""The per-day rollup gives the same figures as the records, and is never used when stale."""

import datetime

from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from organisation.models import Sector, Unit
from organisation.services import move_unit
from plans.models import Period
from progress import rollup, selectors, services
from progress.models import DayTotal, RecordKind
from tests.actors import SYSTEM
from tests.progress.test_properties import (
    PROPERTY_SETTINGS,
    Rollback,
    _apply,
    _build,
    events,
    trees,
)

D = datetime.date


def _all_ids():
    return list(Unit.objects.values_list("id", flat=True))


def _same(period):
    ids = _all_ids()
    direct = selectors.direct_sums(period.start, period.end, ids)
    assert selectors.grouped_sums(period.start, period.end, ids) == direct


def test_demo_rollup_is_current_and_equal(demo):
    period = Period.objects.get(code="thang-cao-diem-2024")
    if not rollup.is_fresh():  # other apps' demo data may have added units since
        rollup.rebuild()
    assert rollup.is_fresh() and DayTotal.objects.exists()
    _same(period)


def test_writes_keep_it_current(demo, admin_user, unit_a, unit_b):
    period = Period.objects.get(code="thang-cao-diem-2024")
    call_command("refresh_progress_rollup", verbosity=0)
    union_a = Unit.objects.get(name="CĐCS Công ty Cổ phần Thủy điện Pắc Ma")
    union_b = Unit.objects.get(name="CĐCS Trường THCS Sơn Bình")
    (member,) = services.admit_members(
        union=union_a,
        members=[
            {
                "full_name": "Lò Văn A",
                "date_of_birth": D(1990, 1, 1),
                "gender": "male",
                "ethnicity": "Thái",
                "cccd": "012090999999",
                "job": "",
                "admitted_on": D(2024, 7, 3),
            }
        ],
        user=admin_user,
    )
    services.transfer_member(
        member=member, to_union=union_b, on_date=D(2024, 7, 9), user=admin_user
    )
    services.record_batch(
        kind=RecordKind.LEFT, union=union_b, on_date=D(2024, 7, 10), count=2, user=admin_user,
        reason="retired",
    )  # fmt: skip
    services.found_grassroots_union(
        name="CĐCS Mới", parent=unit_a, founded_on=D(2024, 7, 11), sector=Sector.ENTERPRISE_SMALL,
        user=admin_user,
    )  # fmt: skip
    record = member.records.filter(kind=RecordKind.ADMITTED).get()
    record.date = D(2024, 7, 4)
    record.save()
    assert rollup.is_fresh()
    _same(period)
    member.records.filter(kind=RecordKind.TRANSFER_IN).get().delete()
    assert rollup.is_fresh()
    _same(period)


def test_reorganisation_makes_it_stale_until_rebuilt(demo, unit_a, unit_b):
    period = Period.objects.get(code="thang-cao-diem-2024")
    rollup.rebuild()
    union = Unit.objects.get(name="CĐCS Công ty Cổ phần Thủy điện Pắc Ma")
    before = selectors.achieved(period, [unit_a.pk, unit_b.pk])
    move_unit(unit=union, new_parent=unit_b, on_date=D(2024, 7, 15), user=SYSTEM)
    assert not rollup.is_fresh()
    after = selectors.achieved(period, [unit_a.pk, unit_b.pk])  # direct: already right
    rollup.rebuild()
    assert rollup.is_fresh()
    assert selectors.achieved(period, [unit_a.pk, unit_b.pk]) == after
    assert after != before or not union.progress_records.filter(date__gte=D(2024, 7, 15)).exists()
    _same(period)


@PROPERTY_SETTINGS
@given(shape=trees, first=events, second=events, move=st.booleans())
def test_rollup_equals_records_on_random_data(db, shape, first, second, move):
    from django.db import transaction

    try:
        with transaction.atomic():
            _province, uppers, unions, period = _build(shape)
            _apply(first, uppers, unions)
            rollup.rebuild()
            _apply(second, uppers, unions)  # incremental upkeep
            if move and len(uppers) > 1:
                move_unit(
                    unit=unions[0], new_parent=uppers[-1], on_date=D(2024, 7, 16), user=SYSTEM
                )
                assert not rollup.is_fresh()
                rollup.rebuild()
            assert rollup.is_fresh()
            _same(period)
            raise Rollback
    except Rollback:
        pass
