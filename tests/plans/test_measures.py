"""The measures beyond the four record kinds, each against hand-counted records.

The federation (see ``factories``) on 31/12/2026:
- ward union D1: G1 (founded 01/02/2026, enterprise E1 of 30 workers), G2 (since 2020,
  enterprise E2 of 20 workers); enterprise E3 (15 workers) has no union;
- commune union D2: G3 (nghiệp đoàn, since 2020), G4 (founded 01/03/2026, enterprise E5 of 10
  workers); enterprise E4 (40 workers) has no union.
Members admitted in 2026: G1 three women and two men, G3 one woman; G2 one woman in 2025.
Party: G1 introduces two members in April (one admitted 15/06, one "not yet"); G2 introduced one
in December 2025, admitted 10/02/2026.
"""

import datetime

import pytest

from enterprises.models import Enterprise
from organisation.models import Sector, UnitKind
from organisation.services import create_unit
from plans.models import Measure
from progress import selectors
from progress.dashboard import build, cumulative_chart
from progress.models import Gender, PartyOutcome
from progress.services import (
    admit_members,
    found_grassroots_union,
    introduce_to_party,
    set_party_outcome,
)
from tests.actors import SYSTEM
from tests.plans.factories import LONG_AGO, federation, indicator, plan_for

D = datetime.date
_cccd = iter(range(10**11, 10**12))


def _people(union, on, genders):
    return admit_members(
        union=union,
        members=[
            {
                "full_name": f"Người {i}",
                "date_of_birth": D(1990, 1, 1),
                "gender": g,
                "ethnicity": "Kinh",
                "cccd": str(next(_cccd)),
                "job": "",
                "admitted_on": on,
            }
            for i, g in enumerate(genders)
        ],
        user=SYSTEM,
    )


@pytest.fixture
def world(db):
    fed = federation()
    g1 = found_grassroots_union(
        name="CĐCS Công ty Một",
        parent=fed.d1,
        founded_on=D(2026, 2, 1),
        sector=Sector.ENTERPRISE_LARGE,
        user=SYSTEM,
    )
    g2 = create_unit(
        user=SYSTEM,
        name="CĐCS Công ty Hai",
        kind=UnitKind.GRASSROOTS,
        parent=fed.d1,
        sector=Sector.ENTERPRISE_SMALL,
        valid_from=LONG_AGO,
    )
    g3 = create_unit(
        user=SYSTEM,
        name="Nghiệp đoàn Ba",
        kind=UnitKind.INFORMAL,
        parent=fed.d2,
        sector=Sector.INFORMAL,
        valid_from=LONG_AGO,
    )
    g4 = found_grassroots_union(
        name="CĐCS Công ty Bốn",
        parent=fed.d2,
        founded_on=D(2026, 3, 1),
        sector=Sector.ENTERPRISE_SMALL,
        user=SYSTEM,
    )
    for name, unit, workers, union in [
        ("E1", fed.d1, 30, g1),
        ("E2", fed.d1, 20, g2),
        ("E3", fed.d1, 15, None),
        ("E4", fed.d2, 40, None),
        ("E5", fed.d2, 10, g4),
    ]:
        Enterprise.objects.create(name=name, unit=unit, workers=workers, grassroots_union=union)
    F, M = Gender.FEMALE, Gender.MALE
    g1_members = _people(g1, D(2026, 3, 10), [F, F, F, M, M])
    _people(g3, D(2026, 4, 2), [F])
    g2_members = _people(g2, D(2025, 6, 1), [F])
    first = introduce_to_party(member=g1_members[0], on_date=D(2026, 4, 20), user=SYSTEM)
    second = introduce_to_party(member=g1_members[3], on_date=D(2026, 4, 21), user=SYSTEM)
    old = introduce_to_party(member=g2_members[0], on_date=D(2025, 12, 5), user=SYSTEM)
    set_party_outcome(
        record=first, outcome=PartyOutcome.ADMITTED, on_date=D(2026, 6, 15), user=SYSTEM
    )
    set_party_outcome(
        record=second, outcome=PartyOutcome.NOT_YET, on_date=D(2026, 6, 15), user=SYSTEM
    )
    set_party_outcome(
        record=old, outcome=PartyOutcome.ADMITTED, on_date=D(2026, 2, 10), user=SYSTEM
    )
    plan = plan_for(fed, min_workers=20)
    return fed, plan, plan.periods.get()


def _figures(plan, period, fed, ind):
    ids = [fed.province.pk, fed.d1.pk, fed.d2.pk]
    got = selectors.achieved(period, ids, indicators=[ind])
    return {u: got[u.pk, ind.pk] for u in (fed.province, fed.d1, fed.d2)}


def test_women_admitted_counts_female_members_admitted_in_the_period(world):
    fed, plan, period = world
    ind = indicator(plan, "nu", Measure.WOMEN_ADMITTED)
    assert _figures(plan, period, fed, ind) == {fed.province: 4, fed.d1: 3, fed.d2: 1}


def test_party_admissions_count_introductions_admitted_in_the_period(world):
    fed, plan, period = world
    ind = indicator(plan, "ket-nap-dang", Measure.PARTY_ADMISSIONS)
    # G1's first (admitted 15/06/2026) and G2's of December 2025 (admitted 10/02/2026).
    assert _figures(plan, period, fed, ind) == {fed.province: 2, fed.d1: 2, fed.d2: 0}


def test_new_unions_in_sized_enterprises_use_the_plans_threshold(world):
    fed, plan, period = world
    ind = indicator(plan, "cdcs-dn-n", Measure.NEW_UNIONS_SIZED)
    assert ind.threshold == 20
    # G1 (30 workers) counts; G4 (10 workers) does not; G2 was not founded in 2026.
    assert _figures(plan, period, fed, ind) == {fed.province: 1, fed.d1: 1, fed.d2: 0}
    plan.enterprise_min_workers = 10
    plan.save()
    ind.refresh_from_db()
    assert _figures(plan, period, fed, ind) == {fed.province: 2, fed.d1: 1, fed.d2: 1}


def test_an_indicators_own_threshold_overrides_the_plans(world):
    fed, plan, period = world
    ind = indicator(plan, "cdcs-dn-31", Measure.NEW_UNIONS_SIZED, min_workers=31)
    assert ind.threshold == 31
    assert _figures(plan, period, fed, ind) == {fed.province: 0, fed.d1: 0, fed.d2: 0}


def test_party_introductions_per_grassroots_union_is_an_average(world):
    fed, plan, period = world
    ind = indicator(
        plan, "gt-dang-binh-quan", Measure.PARTY_INTRODUCTIONS_PER_UNION, unit="người/CĐCS"
    )
    # Introductions in 2026: two (G1); CĐCS alive on 31/12/2026: D1 two, D2 two, province four.
    assert _figures(plan, period, fed, ind) == {fed.province: 0.5, fed.d1: 1.0, fed.d2: 0.0}


def test_share_of_sized_enterprises_with_a_union(world):
    fed, plan, period = world
    ind = indicator(plan, "ty-le-dn", Measure.SIZED_ENTERPRISES_UNIONISED, unit="%")
    # ≥20: D1 E1, E2 (both unionised); D2 E4 (none) → province 2 of 3.
    assert _figures(plan, period, fed, ind) == {fed.province: 66.7, fed.d1: 100.0, fed.d2: 0.0}
    ind.min_workers = 10
    ind.save()
    # ≥10: D1 E1, E2 of E1, E2, E3; D2 E5 of E4, E5 → province 3 of 5.
    assert _figures(plan, period, fed, ind) == {fed.province: 60.0, fed.d1: 66.7, fed.d2: 50.0}
    behind = selectors.enterprises_behind(fed.province, ind, period.end)
    assert sorted(e.name for e in behind) == ["E1", "E2", "E3", "E4", "E5"]


@pytest.mark.parametrize(
    "measure", [Measure.WOMEN_ADMITTED, Measure.PARTY_ADMISSIONS, Measure.NEW_UNIONS_SIZED]
)
def test_drill_down_records_add_up_to_the_figure(world, measure):
    fed, plan, period = world
    ind = indicator(plan, "x", measure)
    for unit in (fed.province, fed.d1, fed.d2):
        rows = selectors.records_behind(period, unit, ind)
        assert sum(r.share * r.count for r in rows) == _figures(plan, period, fed, ind)[unit]


def test_sector_filter_applies_to_new_measures(world):
    fed, plan, period = world
    ind = indicator(plan, "nu-phi-chinh-thuc", Measure.WOMEN_ADMITTED, sectors=Sector.INFORMAL)
    assert _figures(plan, period, fed, ind) == {fed.province: 1, fed.d1: 0, fed.d2: 1}


def test_dashboard_shows_target_achieved_percent_and_chart_for_new_measures(world):
    from plans.models import Target

    fed, plan, period = world
    women = indicator(plan, "nu", Measure.WOMEN_ADMITTED)
    ratio = indicator(plan, "bq", Measure.PARTY_INTRODUCTIONS_PER_UNION, unit="người/CĐCS")
    share = indicator(plan, "tl", Measure.SIZED_ENTERPRISES_UNIONISED, unit="%")
    Target.objects.create(period=period, unit=fed.d1, indicator=women, value=6)
    Target.objects.create(period=period, unit=fed.province, indicator=ratio, value=1)
    Target.objects.create(period=period, unit=fed.province, indicator=share, value=100)
    board = build(period, visible_unit_ids=None, today=D(2026, 12, 31))
    d1 = next(r for r in board.rows if r.unit == fed.d1)
    assert (d1.cells[0].target, d1.cells[0].achieved, d1.cells[0].percent) == (6, 3, 50.0)
    province = board.province
    assert (province.cells[1].achieved, province.cells[1].percent) == (0.5, 50.0)
    assert (province.cells[2].achieved, province.cells[2].percent) == (66.7, 66.7)
    for ind, target in [(women, 4), (ratio, 1), (share, 100)]:
        chart = cumulative_chart(period, fed.province, ind, target, D(2026, 12, 31))
        expected = selectors.achieved(period, [fed.province.pk], indicators=[ind])
        assert chart.final == pytest.approx(expected[fed.province.pk, ind.pk])


def test_results_export_does_not_sum_averages_over_units(world):
    from progress.export import results_workbook

    fed, plan, period = world
    indicator(plan, "bq", Measure.PARTY_INTRODUCTIONS_PER_UNION, unit="người/CĐCS")
    ws = results_workbook(period, today=D(2026, 12, 31)).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    totals = next(r for r in rows if r[0] == "Cộng:")
    assert totals[2:5] == [None, None, None]
    province = next(r for r in rows if str(r[0]).startswith("Toàn tỉnh"))
    assert province[3] == 0.5


def test_drill_down_pages_of_an_average_and_a_share(world, client):
    from django.urls import reverse

    from accounts.models import Role
    from accounts.services import create_user
    from tests.conftest import PASSWORD

    fed, plan, period = world
    admin = create_user(
        username="t.admin.m",
        password=PASSWORD,
        role=Role.PROVINCE_ADMIN,
        unit=fed.province,
        validate=False,
    )
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    ratio = indicator(plan, "bq", Measure.PARTY_INTRODUCTIONS_PER_UNION, unit="người/CĐCS")
    share = indicator(plan, "tl", Measure.SIZED_ENTERPRISES_UNIONISED, unit="%")
    url = reverse("progress:records", args=[plan.pk, period.code, fed.province.pk, ratio.pk])
    response = client.get(url)
    assert response.context["figure"] == 0.5 and response.context["total"] == 2
    url = reverse("progress:records", args=[plan.pk, period.code, fed.province.pk, share.pk])
    response = client.get(url)
    assert response.context["figure"] == 66.7 and response.context["covered"] == 2
    assert [e.name for e in response.context["enterprises"]] == ["E1", "E2", "E4"]
