"""The per-day rollup equals the records after every kind of write, with no stale fallback."""

import datetime
import io
import threading
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from organisation.models import Sector, Unit, UnitKind, UnitPath
from organisation.services import create_unit, dissolve_unit, merge_units, move_unit, set_baseline
from plans.models import Period
from progress import rollup, selectors, services, stock, stock_rollup
from progress.models import (
    DayTotal,
    Member,
    MonthTotal,
    Record,
    RecordKind,
    RollupBypassError,
    RollupState,
    StockChange,
)
from tests.actors import SYSTEM
from tests.progress.test_properties import (
    CCCD_SERIAL,
    PROPERTY_SETTINGS,
    Rollback,
    _apply,
    _build,
    _person,
    days,
    events,
    trees,
)

D = datetime.date


def _exact(period=None):
    """The rollup equals the direct aggregate, row by row and through the figures."""
    assert rollup.differences() == []
    ids = list(Unit.objects.values_list("id", flat=True))
    start, end = (period.start, period.end) if period else (D(2020, 1, 1), D(2030, 12, 31))
    assert selectors.grouped_sums(start, end, ids) == selectors.direct_sums(start, end, ids)
    for start, end in EDGES:  # whole months from MonthTotal, edge days from DayTotal
        assert selectors.grouped_sums(start, end, ids) == selectors.direct_sums(start, end, ids)


EDGES = [
    (D(2024, 1, 1), D(2024, 12, 31)),
    (D(2024, 6, 17), D(2024, 9, 3)),
    (D(2024, 7, 1), D(2024, 7, 15)),
    (D(2024, 7, 10), D(2024, 8, 31)),
    (D(2023, 12, 31), D(2025, 1, 1)),
]


STOCK_DAYS = [D(2023, 12, 31), D(2024, 7, 1), D(2024, 7, 9), D(2024, 7, 20), D(2024, 7, 31)]


def _stock_exact():
    """Members now from the stock rollup equals what the records and baselines say (the direct
    reading over the closure table), for every upper-level unit on several days."""
    uppers = [u.pk for u in Unit.objects.exclude(kind__in=UnitKind.grassroots_level())]
    for day in STOCK_DAYS:
        rolled = stock_rollup.read(uppers, day)
        direct = stock._grassroots_stocks(uppers, day)
        for uid in uppers:
            s = direct[uid]
            assert rolled[uid] == (s.members, s.workers, s.counted, s.missing, s.since), (uid, day)


def _set_baselines(items, unions):
    for n, day, members, workers in items:
        union = unions[n % len(unions)]
        set_baseline(unit=union, on_date=day, members=members, workers=workers, user=SYSTEM)


baselines = st.lists(
    st.tuples(st.integers(0, 99), days, st.one_of(st.none(), st.integers(0, 50)),
              st.one_of(st.none(), st.integers(0, 90))),
    max_size=6,
)  # fmt: skip


def _built():
    rollup.rebuild()
    assert rollup.is_built()


def test_demo_rollup_is_built_and_equal(demo):
    assert rollup.is_built() and DayTotal.objects.exists()
    _exact(Period.objects.get(code="thang-cao-diem-2024"))


def test_figures_read_the_rollup_once_built(demo):
    period = Period.objects.get(code="thang-cao-diem-2024")
    province = Unit.objects.get(name="Liên đoàn Lao động tỉnh Lai Châu")
    with CaptureQueriesContext(connection) as queries:
        selectors.achieved(period, [province.pk])
    sql = " ".join(q["sql"] for q in queries)
    assert MonthTotal._meta.db_table in sql and "organisation_unitpath" not in sql


def test_a_year_reads_month_rows_and_edges_read_days(demo):
    province = Unit.objects.get(name="Liên đoàn Lao động tỉnh Lai Châu")
    for (start, end), tables in {
        (D(2024, 1, 1), D(2024, 12, 31)): {MonthTotal},
        (D(2024, 7, 3), D(2024, 7, 20)): {DayTotal},
        (D(2024, 6, 20), D(2024, 8, 10)): {DayTotal, MonthTotal},
    }.items():
        with CaptureQueriesContext(connection) as queries:
            selectors.grouped_sums(start, end, [province.pk])
        sql = " ".join(q["sql"] for q in queries)
        assert {m for m in (DayTotal, MonthTotal) if m._meta.db_table in sql} == tables
        direct = selectors.direct_sums(start, end, [province.pk])
        assert selectors.grouped_sums(start, end, [province.pk]) == direct


def test_a_broken_month_row_is_reported_and_repaired(demo):
    row = MonthTotal.objects.filter(total__gt=1).first()
    MonthTotal.objects.filter(pk=row.pk).update(total=row.total - 1)  # behind the rollup's back
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("check_progress_rollup", stdout=out)
    assert "(tháng)" in out.getvalue()
    call_command("refresh_progress_rollup", stdout=io.StringIO())
    assert rollup.differences() == []
    assert MonthTotal.objects.get(pk=row.pk).total == row.total


def test_the_migration_fills_months_from_existing_days(demo):
    import importlib

    migration = importlib.import_module("progress.migrations.0007_month_total")
    expected = sorted(
        MonthTotal.objects.values_list("ancestor", "month", "sector", "kind", "total")
    )
    MonthTotal.objects.all().delete()
    migration.fill_from_days(None, type("Editor", (), {"connection": connection})())
    assert (
        sorted(MonthTotal.objects.values_list("ancestor", "month", "sector", "kind", "total"))
        == expected
    )
    assert rollup.differences() == []


def test_a_new_union_with_members_writes_the_rollup_once(demo, admin_user):
    upper = Unit.objects.get(name="LĐLĐ huyện Mường Tè")
    with CaptureQueriesContext(connection) as queries:
        services.found_grassroots_union(
            name="CĐCS Công ty Thử nghiệm",
            parent=upper,
            kind=UnitKind.GRASSROOTS,
            sector=Sector.ENTERPRISE_SMALL,
            founded_on=D(2024, 6, 9),
            founding_members=[_person(990000101), _person(990000102)],
            user=admin_user,
        )
    tables = [q["sql"].split()[2] for q in queries if "ON CONFLICT" in q["sql"]]
    assert tables == [connection.ops.quote_name(DayTotal._meta.db_table),
                      connection.ops.quote_name(MonthTotal._meta.db_table),
                      connection.ops.quote_name(StockChange._meta.db_table)]  # fmt: skip
    _exact()


def test_a_merge_writes_the_rollup_once_in_lock_order(demo, admin_user):
    """A CĐCS merged into another: its paths end, its members and stock move as records; one
    upsert per table, day rows, then month rows, then members now
    (organisation.services.write_scopes)."""
    uppers = list(Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("pk")[:2])

    def cdcs_with_members(upper):
        under = UnitPath.objects.filter(ancestor=upper, descendant__kind=UnitKind.GRASSROOTS)
        for path in under.select_related("descendant"):
            if Member.objects.filter(union=path.descendant, left_on__isnull=True).exists():
                return path.descendant
        return under.first().descendant

    source, target = cdcs_with_members(uppers[0]), cdcs_with_members(uppers[1])
    set_baseline(unit=source, on_date=D(2024, 1, 1), members=7, user=SYSTEM)
    _built()
    with CaptureQueriesContext(connection) as queries:
        merge_units(user=admin_user, sources=[source], target=target, on_date=D(2024, 12, 30))
    assert Record.objects.filter(union=source, kind=RecordKind.MERGED_OUT).exists()
    tables = [q["sql"].split()[2] for q in queries if "ON CONFLICT" in q["sql"]]
    assert tables == [connection.ops.quote_name(DayTotal._meta.db_table),
                      connection.ops.quote_name(MonthTotal._meta.db_table),
                      connection.ops.quote_name(StockChange._meta.db_table)]  # fmt: skip
    _exact()
    _stock_exact()


def test_writes_and_reorganisations_keep_it_exact(demo, admin_user, unit_a, unit_b):
    period = Period.objects.get(code="thang-cao-diem-2024")
    union_a = Unit.objects.get(name="CĐCS Công ty Cổ phần Thủy điện Pắc Ma")
    union_b = Unit.objects.get(name="CĐCS Trường THCS Sơn Bình")
    (member,) = services.admit_members(
        union=union_a, members=[{**_person(990000001), "admitted_on": D(2024, 7, 3)}],
        user=admin_user,
    )  # fmt: skip
    services.introduce_to_party(member=member, on_date=D(2024, 7, 5), user=admin_user)
    services.transfer_member(
        member=member, to_union=union_b, on_date=D(2024, 7, 9), user=admin_user
    )
    services.record_batch(
        kind=RecordKind.LEFT, union=union_b, on_date=D(2024, 7, 10), count=2, user=admin_user,
        reason="retired",
    )  # fmt: skip
    services.record_departure(
        member=Member.objects.get(pk=member.pk), on_date=D(2024, 7, 12), reason="retired",
        user=admin_user,
    )  # fmt: skip
    services.found_grassroots_union(
        name="CĐCS Mới", parent=unit_a, founded_on=D(2024, 7, 11), sector=Sector.ENTERPRISE_SMALL,
        user=admin_user, founding_members=[{**_person(990000002), "admitted_on": None}],
    )  # fmt: skip
    _exact(period)
    Record.objects.filter(member=member, kind=RecordKind.ADMITTED).update_with_rollup(
        date=D(2024, 7, 4)
    )
    Record.objects.filter(member=member, kind=RecordKind.TRANSFER_IN).delete_with_rollup()
    _exact(period)
    before = selectors.achieved(period, [unit_a.pk, unit_b.pk])
    move_unit(user=SYSTEM, unit=union_a, new_parent=unit_b, on_date=D(2024, 7, 15))
    _exact(period)  # no refresh: the move moved the figures itself
    assert rollup.is_built()
    after = selectors.achieved(period, [unit_a.pk, unit_b.pk])
    assert after != before or not union_a.progress_records.filter(date__gte=D(2024, 7, 15))
    merge_units(user=SYSTEM, sources=[unit_a], target=unit_b, on_date=D(2024, 7, 20))
    _exact(period)
    dissolve_unit(user=SYSTEM, unit=union_b, on_date=D(2024, 7, 25))
    _exact(period)


def test_a_second_reorganised_call_changes_nothing(demo, unit_b):
    union = Unit.objects.get(name="CĐCS Công ty Cổ phần Thủy điện Pắc Ma")
    move_unit(user=SYSTEM, unit=union, new_parent=unit_b, on_date=D(2024, 7, 15))
    rows = list(DayTotal.objects.order_by("pk").values_list("pk", "total"))
    assert rollup.reorganised([union.pk], D(2024, 7, 15)) == 0
    assert list(DayTotal.objects.order_by("pk").values_list("pk", "total")) == rows


def test_bulk_writes_that_bypass_it_are_refused(demo):
    records = Record.objects.filter(kind=RecordKind.ADMITTED)
    with pytest.raises(RollupBypassError, match="update_with_rollup"):
        records.update(count=3)
    with pytest.raises(RollupBypassError, match="delete_with_rollup"):
        records.filter(pk=records.first().pk).delete()
    record = records.first()
    with pytest.raises(RollupBypassError):
        record.delete()
    record.date = D(2024, 7, 2) if record.date != D(2024, 7, 2) else D(2024, 7, 3)
    with pytest.raises(RollupBypassError):
        record.save()
    assert records.filter(pk=record.pk).update(note="ghi chú") == 1  # not a counted field
    record.refresh_from_db()
    record.note = "khác"
    record.save()  # unchanged counted fields: allowed
    _exact()


def test_bulk_insert_adds_up_per_group_and_writes_once(db):
    province = create_unit(user=SYSTEM, name="Tỉnh", kind=UnitKind.PROVINCE)
    upper = create_unit(user=SYSTEM, name="Huyện", kind=UnitKind.DISTRICT, parent=province)
    union = create_unit(
        user=SYSTEM,
        name="CĐCS",
        kind=UnitKind.GRASSROOTS,
        parent=upper,
        sector=Sector.ENTERPRISE_SMALL,
    )
    _built()
    rows = [
        Record(kind=RecordKind.ADMITTED, union=union, date=D(2024, 7, 1 + n % 3),
               sector=Sector.ENTERPRISE_SMALL, count=1)
        for n in range(300)
    ]  # fmt: skip
    Record.objects.bulk_create(rows)
    with CaptureQueriesContext(connection) as queries:
        assert rollup.add_records(rows) == 6  # 2 ancestors × 3 days
    upserts = [q for q in queries if "ON CONFLICT" in q["sql"]]
    assert len(upserts) == 2  # one for the days, one for their month
    assert DayTotal.objects.get(ancestor=province, date=D(2024, 7, 1)).total == 100
    _exact()


def test_check_command_reports_differences(db):
    province = create_unit(user=SYSTEM, name="Tỉnh", kind=UnitKind.PROVINCE)
    union = create_unit(
        user=SYSTEM,
        name="CĐCS",
        kind=UnitKind.GRASSROOTS,
        parent=province,
        sector=Sector.STATE_ADMIN,
    )
    _built()
    services.record_batch(
        kind=RecordKind.ADMITTED, union=union, on_date=D(2024, 7, 1), count=4, user=SYSTEM
    )
    out = io.StringIO()
    call_command("check_progress_rollup", stdout=out)
    assert "khớp" in out.getvalue()
    Record.objects.bulk_create(  # bypasses the services on purpose
        [Record(kind=RecordKind.LEFT, union=union, date=D(2024, 7, 2), sector="hcsn", count=1)]
    )
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("check_progress_rollup", stdout=out)
    assert exit_.value.code == 1
    assert "02/07/2024" in out.getvalue() and "left" in out.getvalue()
    call_command("refresh_progress_rollup", stdout=io.StringIO())
    call_command("check_progress_rollup", stdout=io.StringIO())  # exact again: exit 0


def test_a_slow_refresh_step_shrinks_the_next_day_range_on_sqlite(db, monkeypatch):
    province = create_unit(user=SYSTEM, name="Tỉnh", kind=UnitKind.PROVINCE)
    union = create_unit(
        user=SYSTEM, name="CĐCS", kind=UnitKind.GRASSROOTS, parent=province,
        sector=Sector.STATE_ADMIN,
    )  # fmt: skip
    _built()
    Record.objects.bulk_create(  # bypasses the services on purpose: the refresh has work
        [
            Record(kind=RecordKind.ADMITTED, union=union, date=D(2024, 7, day), sector="hcsn")
            for day in range(1, 31)
        ]
    )
    monkeypatch.setattr(rollup, "SQLITE_STEP_SECONDS", 0.0)  # every step "too long"
    ranges = []
    rollup.rebuild(days_per_step=8, progress=lambda start, end: ranges.append((end - start).days))
    if connection.vendor == "sqlite":
        assert ranges[:4] == [7, 3, 1, 0] and set(ranges[3:]) == {0}  # 8, 4, 2, then 1 day
    else:
        assert set(ranges[:-1]) == {7}  # PostgreSQL: steps block no writer, the range stays
    assert rollup.differences() == []


def test_never_built_rollup_reads_the_records(db):
    province = create_unit(user=SYSTEM, name="Tỉnh", kind=UnitKind.PROVINCE)
    union = create_unit(
        user=SYSTEM,
        name="CĐCS",
        kind=UnitKind.GRASSROOTS,
        parent=province,
        sector=Sector.STATE_ADMIN,
    )
    services.record_batch(
        kind=RecordKind.ADMITTED, union=union, on_date=D(2024, 7, 1), count=2, user=SYSTEM
    )
    assert not rollup.is_built()
    figures = selectors.grouped_sums(D(2024, 7, 1), D(2024, 7, 31), [province.pk])
    assert figures[province.pk] == {("hcsn", "admitted"): 2}
    rollup.rebuild()
    assert rollup.is_built() and rollup.differences() == []


reorganisations = st.lists(
    st.tuples(
        st.sampled_from(["move", "merge", "dissolve"]),
        st.integers(0, 99),
        st.integers(0, 99),
        days,
    ),
    max_size=3,
)
edits = st.lists(
    st.tuples(st.sampled_from(["void", "redate", "recount", "party", "leave"]), st.integers(0, 999),
              days),
    max_size=6,
)  # fmt: skip


def _edit(action, n, day, unions):
    records = list(Record.objects.order_by("pk"))
    if action == "party" or action == "leave":
        members = list(Member.objects.filter(left_on__isnull=True, admitted_on__lte=day))
        if not members:
            return
        member = members[n % len(members)]
        if action == "leave":
            services.record_departure(member=member, on_date=day, reason="retired", user=SYSTEM)
        elif not member.records.filter(kind=RecordKind.PARTY_INTRODUCED).exists():
            services.introduce_to_party(member=member, on_date=day, user=SYSTEM)
        return
    if not records:
        return
    record = Record.objects.filter(pk=records[n % len(records)].pk)
    if action == "void":
        record.delete_with_rollup()
    elif action == "redate":
        record.update_with_rollup(date=day)
    else:
        record.update_with_rollup(count=1 + n % 4)


def _reorganise(action, a, b, day, uppers, unions):
    alive = [u for u in uppers if u.dissolved_on is None]
    if action == "move":
        union = unions[a % len(unions)]
        target = alive[b % len(alive)]
        if union.dissolved_on is None and union.founded_on < day:
            move_unit(user=SYSTEM, unit=union, new_parent=target, on_date=day)
    elif len(alive) > 1:
        source = alive[a % len(alive)]
        target = [u for u in alive if u.pk != source.pk][b % (len(alive) - 1)]
        if action == "merge":
            merge_units(user=SYSTEM, sources=[source], target=target, on_date=day)
        else:
            for union in unions:  # hand its unions over first, then end it
                if union.founded_on < day:
                    move_unit(user=SYSTEM, unit=union, new_parent=target, on_date=day)
            dissolve_unit(user=SYSTEM, unit=source, on_date=day)
        source.refresh_from_db()


@PROPERTY_SETTINGS
@given(shape=trees, first=events, second=events, changes=edits, reorgs=reorganisations,
       bulk=st.lists(st.tuples(st.integers(0, 99), days, st.integers(1, 5)), max_size=10),
       before=baselines, after=baselines)  # fmt: skip
def test_rollup_equals_records_after_every_kind_of_write(
    db, shape, first, second, changes, reorgs, bulk, before, after
):
    try:
        with transaction.atomic():
            _province, uppers, unions, period = _build(shape)
            _apply(first, uppers, unions)  # admit, batch leave, transfer, found
            _set_baselines(before, unions)  # before the build: the rebuild computes them
            _built()  # a rebuild over existing records
            _exact(period)
            _stock_exact()
            _apply(second, uppers, unions)  # incremental upkeep
            _exact(period)
            _set_baselines(after, unions)  # baselines written after records
            _exact(period)
            _stock_exact()
            for action, n, day in changes:  # void, re-date, re-count, party, departure
                _edit(action, n, day, unions)
            _exact(period)
            rows = [
                Record(
                    kind=RecordKind.ADMITTED,
                    union=unions[u % len(unions)],
                    date=max(day, unions[u % len(unions)].founded_on),
                    sector=unions[u % len(unions)].sector,
                    count=c,
                )
                for u, day, c in bulk
            ]
            Record.objects.bulk_create(rows)  # a bulk import, then its one rollup write
            rollup.add_records(rows)
            _exact(period)
            for action, a, b, day in reorgs:  # move, merge, dissolve
                _reorganise(action, a, b, day, uppers, unions)
                _exact(period)
            _stock_exact()
            services.admit_members(
                union=unions[0], members=[_person(next(CCCD_SERIAL))], user=SYSTEM
            )  # writes after a reorganisation go to the new ancestors
            _exact(period)
            _stock_exact()
            raise Rollback
    except Rollback:
        pass


def test_dashboard_queries_do_not_repeat_or_grow(demo, client_for, admin_user):
    period = Period.objects.get(code="thang-cao-diem-2024")
    url = reverse("progress:dashboard", args=[period.plan_id, period.code])
    client = client_for(admin_user)
    client.get(url)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return [q["sql"] for q in captured]

    few = queries()
    repeated = [sql for sql, n in Counter(few).items() if n > 1]
    assert repeated == []
    parent = Unit.objects.get(name="LĐLĐ huyện Sìn Hồ")
    for n in range(5):
        union = services.found_grassroots_union(
            name=f"CĐCS Thử {n}", parent=parent, founded_on=D(2024, 7, 2),
            sector=Sector.ENTERPRISE_SMALL, user=admin_user,
        )  # fmt: skip
        services.record_batch(
            kind=RecordKind.ADMITTED, union=union, on_date=D(2024, 7, 3), count=7, user=SYSTEM
        )
    assert len(queries()) == len(few)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_refresh_completes_while_writers_save():
    from django.db import connections

    province = create_unit(user=SYSTEM, name="Tỉnh", kind=UnitKind.PROVINCE)
    upper = create_unit(user=SYSTEM, name="Huyện", kind=UnitKind.DISTRICT, parent=province)
    unions = [
        create_unit(
            user=SYSTEM,
            name=f"CĐCS {n}",
            kind=UnitKind.GRASSROOTS,
            parent=upper,
            sector=Sector.STATE_ADMIN,
            valid_from=D(2020, 1, 1),
        )  # fmt: skip
        for n in range(4)
    ]
    Record.objects.bulk_create(  # bypassing data for the refresh to repair
        [
            Record(kind=RecordKind.ADMITTED, union=unions[n % 4], date=D(2024, 1, 1) +
                   datetime.timedelta(days=n % 200), sector="hcsn", count=1)
            for n in range(2000)
        ]
    )  # fmt: skip
    errors, stop = [], threading.Event()

    def writer(union):
        try:
            n = 0
            while not stop.is_set() and n < 40:
                services.record_batch(
                    kind=RecordKind.ADMITTED, union=union,
                    on_date=D(2024, 1, 1) + datetime.timedelta(days=n % 200), count=1, user=SYSTEM,
                )  # fmt: skip
                n += 1
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)
        finally:
            connections.close_all()

    def refresher():
        try:
            for _ in range(3):
                rollup.rebuild(days_per_step=3)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(u,)) for u in unions]
    threads.append(threading.Thread(target=refresher))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    stop.set()
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    assert RollupState.objects.get(pk=1).built_at is not None
    assert rollup.differences() == []
