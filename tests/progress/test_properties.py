"""Property tests on random trees and records (hypothesis), against the SQL aggregate.

- a parent equals the sum of its children (also when a union moves between parents mid-period:
  each record counts where its union was on the record's date);
- a transfer inside a subtree never changes the subtree's net;
- net = admitted − left when no transfer crosses.
"""

import datetime
import itertools

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from organisation.models import Sector, UnitKind
from organisation.services import create_unit, move_unit
from plans.models import Indicator, Measure, Period, Plan
from progress import selectors, services
from progress.models import RecordKind
from tests.actors import SYSTEM

START = datetime.date(2024, 7, 1)
END = datetime.date(2024, 7, 31)
SECTORS = [Sector.STATE_ADMIN, Sector.ENTERPRISE_SMALL, Sector.ENTERPRISE_LARGE, Sector.INFORMAL]

pytestmark = pytest.mark.django_db(transaction=False)

PROPERTY_SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

days = st.integers(min_value=0, max_value=30).map(lambda n: START + datetime.timedelta(days=n))
trees = st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=4)  # unions per upper
events = st.lists(
    st.tuples(
        st.sampled_from(["admit", "leave", "transfer", "found"]),
        st.integers(min_value=0, max_value=99),  # which union
        st.integers(min_value=0, max_value=99),  # which other union
        days,
        st.integers(min_value=1, max_value=5),  # count
    ),
    max_size=25,
)


CCCD_SERIAL = itertools.count(1)  # CCCDs stay unique across several _apply calls


class Rollback(Exception):
    pass


def _build(shape, sectors_seed=0):
    province = create_unit(name="Tỉnh thử", kind=UnitKind.PROVINCE, user=SYSTEM)
    uppers, unions = [], []
    for i, size in enumerate(shape):
        upper = create_unit(name=f"Huyện {i}", kind=UnitKind.DISTRICT, parent=province, user=SYSTEM)
        uppers.append(upper)
        for j in range(size):
            sector = SECTORS[(i + j + sectors_seed) % len(SECTORS)]
            kind = UnitKind.INFORMAL if sector == Sector.INFORMAL else UnitKind.GRASSROOTS
            unions.append(
                create_unit(
                    name=f"CĐCS {i}.{j}",
                    kind=kind,
                    parent=upper,
                    sector=sector,
                    valid_from=datetime.date(2020, 1, 1),
                    user=SYSTEM,
                )
            )
    plan = Plan.objects.create(
        number="P/1", issued_on=START, issuing_unit=province, title="t", year=2024
    )
    period = Period.objects.create(plan=plan, code="p", name="p", start=START, end=END)
    for code, measure, sectors in [
        ("net", Measure.NET_MEMBERS, ""),
        ("net-dn", Measure.NET_MEMBERS, f"{Sector.ENTERPRISE_SMALL},{Sector.ENTERPRISE_LARGE}"),
        ("adm", Measure.ADMITTED_MEMBERS, ""),
        ("new", Measure.NEW_UNIONS, ""),
    ]:
        Indicator.objects.create(
            plan=plan,
            code=code,
            name=code,
            header=code,
            measure=measure,
            sectors=sectors,
            unit_of_measure="người",
        )
    return province, uppers, unions, period


def _person(n):
    return {
        "full_name": f"Người {n}",
        "date_of_birth": datetime.date(1990, 1, 1),
        "gender": "female",
        "ethnicity": "Thái",
        "cccd": f"{n:012d}",
        "job": "",
        "admitted_on": START,
    }


def _apply(events, uppers, unions, ledger=None):
    """Run the events through the services; return the transfers made (source, target).

    ledger (union id -> net), if given, is kept in Python as the reference to compare with.
    """
    ledger = {} if ledger is None else ledger
    transfers = []
    serial = 0
    for action, a, b, day, count in events:
        serial += 1
        union = unions[a % len(unions)]
        if day < union.founded_on:
            continue
        if action == "admit":
            services.record_batch(
                kind=RecordKind.ADMITTED, union=union, on_date=day, count=count, user=SYSTEM
            )
            ledger[union.pk] = ledger.get(union.pk, 0) + count
        elif action == "leave":
            services.record_batch(
                kind=RecordKind.LEFT,
                union=union,
                on_date=day,
                count=count,
                user=SYSTEM,
                reason="retired",
            )
            ledger[union.pk] = ledger.get(union.pk, 0) - count
        elif action == "found":
            new = services.found_grassroots_union(
                name=f"Mới {serial}",
                parent=uppers[b % len(uppers)],
                founded_on=day,
                sector=Sector.ENTERPRISE_SMALL,
                user=SYSTEM,
            )
            unions.append(new)
        else:
            target = unions[b % len(unions)]
            if target.pk == union.pk or target.founded_on > day:
                continue
            person = {**_person(next(CCCD_SERIAL)), "admitted_on": day}
            (member,) = services.admit_members(union=union, members=[person], user=SYSTEM)
            services.transfer_member(member=member, to_union=target, on_date=day, user=SYSTEM)
            transfers.append((union, target))
            ledger[target.pk] = ledger.get(target.pk, 0) + 1  # +1 admitted, -1 out, +1 in
    return transfers


def _codes(period):
    return {i.code: i.pk for i in Indicator.objects.filter(plan=period.plan)}


@PROPERTY_SETTINGS
@given(shape=trees, events=events, move=st.booleans())
def test_parent_equals_sum_of_children(db, shape, events, move):
    try:
        with transaction.atomic():
            province, uppers, unions, period = _build(shape)
            if move and len(uppers) > 1:
                # Half-way through the period a union changes parent: records before the move
                # count for the old parent, records after it for the new one.
                move_unit(
                    unit=unions[0],
                    new_parent=uppers[-1],
                    on_date=datetime.date(2024, 7, 16),
                    user=SYSTEM,
                )
            _apply(events, uppers, unions)
            figures = selectors.achieved(period, [province.pk, *[u.pk for u in uppers]])
            for indicator_id in _codes(period).values():
                assert figures[province.pk, indicator_id] == sum(
                    figures[u.pk, indicator_id] for u in uppers
                )
            for upper in uppers:
                # an upper-level union equals the sum of the unions under it (as of each date)
                from organisation.models import UnitPath

                below = set(
                    UnitPath.objects.filter(ancestor=upper, depth=1).values_list(
                        "descendant_id", flat=True
                    )
                )
                if not move:
                    kids = selectors.achieved(period, below)
                    for indicator_id in _codes(period).values():
                        assert figures[upper.pk, indicator_id] == sum(
                            kids[k, indicator_id] for k in below
                        )
            raise Rollback
    except Rollback:
        pass


@PROPERTY_SETTINGS
@given(shape=trees, events=events, day=days, a=st.integers(0, 99), b=st.integers(0, 99))
def test_transfer_inside_subtree_keeps_its_net(db, shape, events, day, a, b):
    try:
        with transaction.atomic():
            province, uppers, unions, period = _build(shape)
            _apply([e for e in events if e[0] != "found"], uppers, unions)
            upper = uppers[a % len(uppers)]
            inside = [u for u in unions if u.name.startswith(f"CĐCS {a % len(uppers)}.")]
            ids = [province.pk, upper.pk]
            net = _codes(period)["net"]
            before = selectors.achieved(period, ids)
            (member,) = services.admit_members(
                union=inside[0], members=[_person(10**6 + b)], user=SYSTEM
            )
            after_admit = selectors.achieved(period, ids)
            assert after_admit[upper.pk, net] == before[upper.pk, net] + 1
            target = inside[b % len(inside)]
            if target.pk != inside[0].pk:
                services.transfer_member(member=member, to_union=target, on_date=day, user=SYSTEM)
            after = selectors.achieved(period, ids)
            assert after[upper.pk, net] == after_admit[upper.pk, net]
            assert after[province.pk, net] == after_admit[province.pk, net]
            raise Rollback
    except Rollback:
        pass


@PROPERTY_SETTINGS
@given(shape=trees, events=events)
def test_net_is_admitted_minus_left_without_crossing_transfers(db, shape, events):
    try:
        with transaction.atomic():
            province, uppers, unions, period = _build(shape)
            _apply([e for e in events if e[0] in ("admit", "leave")], uppers, unions)
            codes = _codes(period)
            ids = [province.pk, *[u.pk for u in uppers]]
            figures = selectors.achieved(period, ids)
            sums = selectors.grouped_sums(START, END, ids)
            for unit_id in ids:
                admitted = sum(v for (s, k), v in sums[unit_id].items() if k == "admitted")
                left = sum(v for (s, k), v in sums[unit_id].items() if k == "left")
                assert figures[unit_id, codes["net"]] == admitted - left
                assert figures[unit_id, codes["adm"]] == admitted
            # Python reference over the events, for the province.
            expected = sum(
                (c if e == "admit" else -c)
                for e, _a, _b, _d, c in events
                if e in ("admit", "leave")
            )
            assert figures[province.pk, codes["net"]] == expected
            raise Rollback
    except Rollback:
        pass


@PROPERTY_SETTINGS
@given(shape=trees, events=events)
def test_crossing_transfer_counts_out_and_in(db, shape, events):
    """Each upper's net equals a Python ledger of the same events (transfer = out + in)."""
    from organisation.models import UnitPath

    try:
        with transaction.atomic():
            province, uppers, unions, period = _build(shape)
            ledger = {}
            _apply(events, uppers, unions, ledger)
            net = _codes(period)["net"]
            figures = selectors.achieved(period, [province.pk, *[u.pk for u in uppers]])
            parent = dict(
                UnitPath.objects.filter(depth=1).values_list("descendant_id", "ancestor_id")
            )
            for upper in uppers:
                expected = sum(v for pk, v in ledger.items() if parent[pk] == upper.pk)
                assert figures[upper.pk, net] == expected
            assert figures[province.pk, net] == sum(ledger.values())
            raise Rollback
    except Rollback:
        pass
