"""Members now: a baseline plus the records since, following the tree valid on each date; a
merge moves members and stock; ending a CĐCS with members is refused."""

import datetime
import io
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from organisation import services as org
from organisation.models import Baseline, Sector, UnitKind
from plans.models import Measure
from progress import services
from progress.models import Member, Record, RecordKind
from progress.selectors import MEASURE_KINDS, grouped_sums
from progress.stock import stock_of, stocks
from tests.actors import SYSTEM

D = datetime.date
SERIAL = itertools.count(1)


FOUNDED = D(2020, 1, 1)


def _unit(name, kind, parent=None, on=FOUNDED):
    return org.create_unit(name=name, kind=kind, parent=parent, valid_from=on, user=SYSTEM)


@pytest.fixture
def tree(db):
    province = _unit("LĐLĐ tỉnh Thử", UnitKind.PROVINCE)
    district = _unit("LĐLĐ huyện Thử", UnitKind.DISTRICT, province)
    commune = _unit("Công đoàn xã Thử", UnitKind.COMMUNE, province, D(2025, 7, 1))
    a = _unit("CĐCS Trường Thử A", UnitKind.GRASSROOTS, district)
    b = _unit("CĐCS Trường Thử B", UnitKind.GRASSROOTS, district)
    return province, district, commune, a, b


def _admit(union, n, on):
    people = [
        dict(
            full_name=f"Người Thử {union.pk}-{i}",
            date_of_birth=D(1990, 1, 1),
            gender="female",
            ethnicity="Kinh",
            cccd=f"0120{next(SERIAL):08d}",
            job="Giáo viên",
            admitted_on=on,
        )
        for i in range(n)
    ]
    return services.admit_members(union=union, members=people, user=SYSTEM)


def test_members_now_is_the_baseline_plus_records_since(tree):
    province, district, _commune, a, b = tree
    org.set_baseline(unit=a, on_date=D(2025, 1, 1), members=100, workers=120, user=SYSTEM)
    _admit(a, 2, D(2024, 12, 1))  # before the baseline: already in its 100
    _admit(a, 3, D(2025, 2, 1))
    services.record_batch(
        kind=RecordKind.ADMITTED, union=b, on_date=D(2025, 2, 1), count=5, user=SYSTEM
    )
    now = stocks([province, district, a, b], D(2025, 3, 1))
    assert (now[a.pk].members, now[a.pk].workers) == (103, 120)
    assert round(now[a.pk].share) == 86
    assert now[b.pk].members is None  # no baseline: said so, not 0
    assert (now[district.pk].members, now[district.pk].counted, now[district.pk].missing) == (
        103,
        1,
        1,
    )
    assert now[province.pk].members == 103
    assert stock_of(a, D(2024, 12, 31)).members is None  # before any baseline


def test_a_moved_cdcs_takes_its_members_to_its_new_parent(tree):
    province, district, commune, a, _b = tree
    org.set_baseline(unit=a, on_date=D(2025, 1, 1), members=40, user=SYSTEM)
    _admit(a, 2, D(2025, 3, 1))
    org.move_unit(unit=a, new_parent=commune, on_date=D(2025, 7, 1), user=SYSTEM)
    before, after = D(2025, 6, 30), D(2025, 7, 1)
    assert stock_of(district, before).members == 42 and stock_of(commune, before).members is None
    assert stock_of(district, after).members is None and stock_of(commune, after).members == 42
    assert stock_of(province, before).members == stock_of(province, after).members == 42


def test_an_upper_level_unit_with_only_its_own_total(tree):
    _province, district, _commune, _a, b = tree
    org.set_baseline(unit=district, on_date=D(2025, 1, 1), members=500, user=SYSTEM)
    services.record_batch(
        kind=RecordKind.ADMITTED, union=b, on_date=D(2025, 2, 1), count=7, user=SYSTEM
    )
    stock = stock_of(district, D(2025, 3, 1))
    assert (stock.members, stock.missing) == (507, 2)


def test_a_merge_moves_members_and_stock_but_not_the_net_increase(tree):
    province, district, _commune, a, b = tree
    org.set_baseline(unit=a, on_date=D(2025, 1, 1), members=30, user=SYSTEM)
    org.set_baseline(unit=b, on_date=D(2025, 1, 1), members=50, user=SYSTEM)
    moved_people = _admit(a, 2, D(2025, 2, 1))
    net_before = _net(district, D(2025, 1, 1), D(2025, 12, 31))
    org.merge_units(sources=[a], target=b, on_date=D(2025, 8, 31), user=SYSTEM)
    assert {m.union_id for m in Member.objects.filter(pk__in=[m.pk for m in moved_people])} == {
        b.pk
    }
    assert stock_of(b, D(2025, 9, 1)).members == 82
    assert stock_of(b, D(2025, 8, 31)).members == 50  # the merge takes effect the day after
    assert stock_of(province, D(2025, 8, 31)).members == stock_of(province, D(2025, 9, 1)).members
    assert Record.objects.filter(kind=RecordKind.MERGED_IN, union=b, count=32).exists()
    assert _net(district, D(2025, 1, 1), D(2025, 12, 31)) == net_before  # not development


def _net(unit, start, end):
    signs = MEASURE_KINDS[Measure.NET_MEMBERS]
    sums = grouped_sums(start, end, [unit.pk])[unit.pk]
    return sum(total * signs.get(kind, 0) for (_sector, kind), total in sums.items())


def test_ending_a_cdcs_with_members_is_refused(tree):
    *_rest, a, _b = tree
    _admit(a, 1, D(2025, 2, 1))
    with pytest.raises(ValidationError, match="còn 1 đoàn viên"):
        org.dissolve_unit_checked(unit=a, on_date=D(2025, 6, 30), user=SYSTEM)
    assert a.__class__.objects.get(pk=a.pk).dissolved_on is None


def test_a_cdcs_with_members_cannot_merge_into_an_upper_level_union(tree):
    _province, district, commune, a, _b = tree
    _admit(a, 1, D(2025, 2, 1))
    with pytest.raises(ValidationError, match="chỉ sáp nhập được vào một công đoàn cơ sở"):
        org.merge_units(sources=[a], target=commune, on_date=D(2025, 8, 31), user=SYSTEM)
    assert Member.objects.filter(union=a).count() == 1


def test_a_baseline_keeps_what_an_empty_figure_does_not_say(tree):
    *_rest, a, _b = tree
    org.set_baseline(unit=a, on_date=D(2025, 1, 1), members=10, workers=12, user=SYSTEM)
    assert org.set_baseline(unit=a, on_date=D(2025, 1, 1), members=10, user=SYSTEM) is None
    org.set_baseline(unit=a, on_date=D(2025, 1, 1), workers=15, user=SYSTEM)
    baseline = Baseline.objects.get(unit=a)
    assert (baseline.members, baseline.workers) == (10, 15)
    assert Sector.MIXED  # the unit's own sector is untouched by a baseline


def test_the_stock_rollup_follows_a_bulk_baseline_import_records_and_a_move(tree):
    """set_baselines (the unit import's path), records after it, a move of a CĐCS: the rollup
    equals the direct reading at each step, and the check and refresh see and repair a baseline
    written past the services."""
    from progress import rollup, stock, stock_rollup

    province, district, commune, a, b = tree
    rollup.rebuild()
    uppers = [province.pk, district.pk, commune.pk]

    def same(day):
        assert stock_rollup.differences() == []
        rolled, direct = stock_rollup.read(uppers, day), stock._grassroots_stocks(uppers, day)
        for uid in uppers:
            s = direct[uid]
            assert rolled[uid] == (s.members, s.workers, s.counted, s.missing, s.since)
        return rolled

    _admit(a, 2, D(2023, 5, 1))  # before the baseline: in it
    org.set_baselines(
        rows=[(a, 10, 30, "danh sách"), (b, 5, None, "danh sách")], on_date=D(2024, 1, 1),
        user=SYSTEM,
    )  # fmt: skip
    assert same(D(2024, 6, 30))[province.pk] == (15, 30, 2, 0, D(2024, 1, 1))
    _admit(a, 3, D(2024, 3, 1))
    assert same(D(2024, 6, 30))[province.pk][0] == 18
    org.move_unit(unit=a, new_parent=commune, on_date=D(2025, 8, 1), user=SYSTEM)
    assert same(D(2025, 9, 1))[commune.pk][0] == 13
    assert same(D(2025, 9, 1))[district.pk][0] == 5
    Baseline.objects.create(unit=b, on_date=D(2024, 3, 1), members=99)  # past the services
    found = stock_rollup.differences()
    assert any("đoàn viên +99" in expected for _key, _stored, expected in found)
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("check_progress_rollup", stdout=out)
    assert "đoàn viên hiện có" in out.getvalue()
    rollup.rebuild()
    assert same(D(2025, 9, 1))[district.pk][0] == 99
