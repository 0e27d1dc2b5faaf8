"""The register: tax codes, workforce history, the ≥25 list and coverage, demo data."""

import datetime

import pytest
from django.conf import settings

from enterprises import selectors, services
from enterprises.demo import ENTERPRISES, SURVEY_DATE
from enterprises.demo import load as load_enterprises
from enterprises.models import Enterprise, FoundingCase, Stage, WorkforceSurvey
from organisation.models import Unit, UnitKind
from organisation.services import create_unit
from tests.actors import SYSTEM

pytestmark = pytest.mark.django_db


def test_demo_has_the_plans_eight_enterprises_with_348_workers(demo):
    assert Enterprise.objects.count() == 8
    assert sum(e.workers for e in Enterprise.objects.all()) == 348
    assert all(e.workers_surveyed_on == SURVEY_DATE for e in Enterprise.objects.all())
    assert SURVEY_DATE < datetime.date(2024, 7, 1)
    by_unit = {}
    for e in Enterprise.objects.select_related("unit"):
        by_unit[e.unit.name] = by_unit.get(e.unit.name, 0) + e.workers
    # Each equals that unit's DN ≥25 member target in the allocation table.
    assert by_unit == {
        "LĐLĐ huyện Mường Tè": 129,
        "LĐLĐ huyện Tam Đường": 91,
        "LĐLĐ huyện Nậm Nhùn": 26,
        "LĐLĐ thành phố Lai Châu": 102,
    }
    assert FoundingCase.objects.filter(stage=Stage.IDENTIFIED).count() == 8


def test_demo_is_idempotent(demo):
    load_enterprises(user=SYSTEM)
    assert Enterprise.objects.count() == len(ENTERPRISES)
    assert WorkforceSurvey.objects.count() == 8
    assert FoundingCase.objects.count() == 8


def test_tax_code_checksum_and_branch_suffix():
    assert services.normalise_tax_code("0100109106") == "0100109106"
    assert services.normalise_tax_code(" 0100109106-001 ") == "0100109106-001"
    assert services.normalise_tax_code("0100109106001") == "0100109106-001"
    assert services.normalise_tax_code("") == ""
    with pytest.raises(services.EnterpriseError, match="chữ số kiểm tra"):
        services.normalise_tax_code("0100109107")
    with pytest.raises(services.EnterpriseError, match="độ dài"):
        services.normalise_tax_code("01001091")


def test_the_quick_tax_code_check_agrees_with_stdnum():
    """A code already in register form is checked without stdnum's cleaning: same verdicts."""
    import random

    from stdnum.vn import mst

    rng = random.Random(12)
    for _ in range(5000):
        body = f"{rng.randrange(10**10):010d}"
        branch = f"{rng.randrange(1000):03d}"
        for code in (body, f"{body}-{branch}", f"{body}-000", body[:2] + "0000000" + body[9]):
            try:
                expected = mst.format(mst.validate(code)) == code
            except Exception:
                expected = False
            assert services._plain_valid_tax_code(code) is expected, code
    for code in ("０１００１０９１０６", "0100109106 ", "0100109106-01", 100109106):
        assert not services._plain_valid_tax_code(code)


def test_duplicate_tax_code_refused(unit_a, admin_user):
    services.create_enterprise(name="A", unit=unit_a, user=admin_user, tax_code="0100109106")
    with pytest.raises(services.EnterpriseError, match="đã có"):
        services.create_enterprise(name="B", unit=unit_a, user=admin_user, tax_code="0100109106")


def test_enterprise_must_be_under_an_upper_level_union(province, unit_a, admin_user):
    union = create_unit(name="CĐCS X", kind=UnitKind.GRASSROOTS, parent=unit_a, user=SYSTEM)
    with pytest.raises(services.EnterpriseError, match="cấp trên"):
        services.create_enterprise(name="A", unit=union, user=admin_user)


def test_workforce_history_is_kept(sam_pu, admin_user):
    services.record_workforce(
        enterprise=sam_pu, workers=20, surveyed_on=datetime.date(2024, 6, 30), user=admin_user
    )
    services.record_workforce(  # an older survey entered later does not replace the latest
        enterprise=sam_pu, workers=99, surveyed_on=datetime.date(2023, 1, 1), user=admin_user
    )
    sam_pu.refresh_from_db()
    assert sam_pu.workers == 20
    assert sam_pu.workers_surveyed_on == datetime.date(2024, 6, 30)
    assert list(sam_pu.surveys.values_list("workers", flat=True)) == [20, 60, 99]
    assert services.workers_on(sam_pu, datetime.date(2024, 6, 1)) == 60
    # The same figure on the same date adds nothing.
    assert (
        services.record_workforce(
            enterprise=sam_pu, workers=20, surveyed_on=datetime.date(2024, 6, 30), user=admin_user
        )
        is None
    )
    assert sam_pu.surveys.count() == 3


def test_future_survey_refused(sam_pu, admin_user):
    with pytest.raises(services.EnterpriseError, match="tương lai"):
        services.record_workforce(
            enterprise=sam_pu, workers=1, surveyed_on=datetime.date(2999, 1, 1), user=admin_user
        )


def test_threshold_is_the_setting(demo, admin_user, settings):
    assert selectors.large_without_union(Enterprise.objects.all()).count() == 8
    settings.LARGE_ENTERPRISE_MIN_WORKERS = 30  # 26 and 29 fall out
    assert selectors.large_without_union(Enterprise.objects.all()).count() == 6
    settings.LARGE_ENTERPRISE_MIN_WORKERS = 26  # ≥, not >: 26 is in
    assert selectors.large_without_union(Enterprise.objects.all()).count() == 8


def test_coverage_per_unit_and_province(demo, admin_user, unit_a):
    sam_pu = Enterprise.objects.get(name="Công ty Cổ phần Sâm Pu Si Lung")
    union = create_unit(name="CĐCS Sâm Pu", kind=UnitKind.GRASSROOTS, parent=unit_a, user=SYSTEM)
    services.link_union(enterprise=sam_pu, union=union, user=admin_user)
    report = selectors.coverage(admin_user)
    assert report.threshold == settings.LARGE_ENTERPRISE_MIN_WORKERS
    assert (report.total.large, report.total.covered) == (8, 1)
    assert report.total.percent == 12.5
    assert report.total.workers_uncovered == 348 - 60
    muong_te = next(r for r in report.rows if r.unit == unit_a)
    assert (muong_te.large, muong_te.covered, muong_te.percent) == (3, 1, 33.3)


def test_officer_sees_only_own_subtree(demo, officer_a, viewer_user, unit_a):
    assert {e.unit for e in selectors.enterprises_for(officer_a)} == {unit_a}
    assert selectors.enterprises_for(officer_a).count() == 3
    assert selectors.enterprises_for(viewer_user).count() == 8
    assert selectors.coverage(officer_a).total.large == 3
    assert list(selectors.responsible_units_for(officer_a)) == [unit_a]
    assert not selectors.responsible_units_for(viewer_user).exists()


def test_informal_group_opens_a_case(unit_a, admin_user):
    group = services.create_informal_group(
        trade="Xe ôm", place="Bến xe Mường Tè", workers=12, unit=unit_a, user=admin_user
    )
    assert group.founding.stage == Stage.IDENTIFIED
    assert not Unit.objects.filter(
        kind=UnitKind.INFORMAL, name__contains="Bến xe Mường Tè"
    ).exists()


def test_linked_enterprise_leaves_the_board(demo, admin_user, unit_a):
    from enterprises.selectors import board

    sam_pu = Enterprise.objects.get(name="Công ty Cổ phần Sâm Pu Si Lung")
    union = create_unit(name="CĐCS Sâm Pu", kind=UnitKind.GRASSROOTS, parent=unit_a, user=SYSTEM)
    services.link_union(enterprise=sam_pu, union=union, user=admin_user)
    identified = board(admin_user)[0]
    assert sam_pu.founding not in identified.cases
    assert len(identified.cases) == 7
