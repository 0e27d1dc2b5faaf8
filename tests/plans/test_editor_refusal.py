"""Issue 13 item 3: the web editors refuse what the Excel import refuses — an "of which" part
above its total, or split parts adding up to more — all or nothing, naming each bad cell."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.services import create_user
from organisation.models import Sector, UnitKind
from organisation.services import create_unit
from plans.models import Amendment, Measure, Relation, Target
from plans.services import (
    CellChange,
    PartsAboveTotal,
    allocate_targets,
    issue_plan,
    save_target_cells,
    set_target,
)
from plans.validation import parts_over_total
from tests.actors import SYSTEM
from tests.conftest import PASSWORD
from tests.plans.factories import LONG_AGO, federation, indicator, plan_for

D = datetime.date


@pytest.fixture
def tree(db):
    """A total with two split parts and one subset part."""
    fed = federation()
    plan = plan_for(fed)
    total = indicator(plan, "dv", Measure.NET_MEMBERS)
    a = indicator(plan, "dv-a", Measure.NET_MEMBERS, parent=total)
    b = indicator(plan, "dv-b", Measure.NET_MEMBERS, parent=total)
    women = indicator(plan, "dv-nu", Measure.NET_MEMBERS, parent=total)
    a.relation = b.relation = Relation.SPLIT
    a.save()
    b.save()
    admin = create_user(
        username="t.admin.refusal",
        password=PASSWORD,
        role=Role.PROVINCE_ADMIN,
        unit=fed.province,
        validate=False,
    )
    return fed, plan, plan.periods.get(), admin, (total, a, b, women)


def test_the_rule_is_the_imports(tree):
    _fed, _plan, _period, _admin, (total, a, b, women) = tree
    indicators = [total, a, b, women]
    found = parts_over_total({total.pk: 129, a.pk: 200, women.pk: 130}, indicators)
    assert [(f.kid, f.value, f.total) for f in found] == [(a, 200, 129), (women, 130, 129)]
    # Parts each within the total but adding up to more: one finding, on the total.
    found = parts_over_total({total.pk: 100, a.pk: 60, b.pk: 50}, indicators)
    assert [(f.parent, f.kid, f.value) for f in found] == [(total, None, 110)]
    # Parts under the total, or no total: nothing (as the import accepts).
    assert parts_over_total({total.pk: 100, a.pk: 40, b.pk: 50, women.pk: 100}, indicators) == []
    assert parts_over_total({a.pk: 400}, indicators) == []


def test_a_draft_save_with_a_part_above_its_total_saves_nothing(tree):
    fed, _plan, period, admin, (total, a, b, women) = tree
    with pytest.raises(PartsAboveTotal) as refused:
        save_target_cells(
            user=admin,
            period=period,
            cells=[
                CellChange(fed.d2, total, 50),  # a good row: not saved either
                CellChange(fed.d1, total, 129),
                CellChange(fed.d1, a, 200),
            ],
        )
    assert [(p.unit_id, p.indicator_id) for p in refused.value.problems] == [(fed.d1.pk, a.pk)]
    assert "Công đoàn phường Một, cột “dv-a”: 200 vượt quá “dv” (129)" in str(refused.value)
    assert not Target.objects.exists()


def test_the_stored_row_counts_split_sums_and_the_province_row(tree):
    fed, plan, period, admin, (total, a, b, women) = tree
    set_target(period=period, unit=fed.d1, indicator=total, value=100, user=SYSTEM)
    set_target(period=period, unit=fed.d1, indicator=a, value=60, user=SYSTEM)
    with pytest.raises(PartsAboveTotal, match="cộng lại 110, vượt quá tổng 100") as refused:
        save_target_cells(user=admin, period=period, cells=[CellChange(fed.d1, b, 50)])
    assert [(p.unit_id, p.indicator_id) for p in refused.value.problems] == [(fed.d1.pk, total.pk)]
    with pytest.raises(PartsAboveTotal, match="^Toàn tỉnh, cột “dv-nu”"):
        save_target_cells(
            user=admin,
            period=period,
            cells=[CellChange(fed.province, total, 10), CellChange(fed.province, women, 11)],
        )
    # A row the save does not touch is not judged; a good save still saves.
    Target.objects.filter(unit=fed.d1, indicator=a).update(value=500)
    assert save_target_cells(user=admin, period=period, cells=[CellChange(fed.d2, a, 5)]) == 1


def test_an_amendment_that_breaks_the_rule_leaves_no_amendment(tree):
    fed, plan, period, admin, (total, a, b, women) = tree
    set_target(period=period, unit=fed.d1, indicator=total, value=100, user=SYSTEM)
    set_target(period=period, unit=fed.d1, indicator=women, value=40, user=SYSTEM)
    issue_plan(user=admin, plan=plan)
    period.plan.refresh_from_db()
    with pytest.raises(PartsAboveTotal):
        save_target_cells(
            user=admin,
            period=period,
            cells=[CellChange(fed.d1, total, 30)],
            effective_on=D(2026, 7, 1),
            decision_number="9/QĐ",
            reason="Giảm",
        )
    assert not Amendment.objects.exists()
    assert Target.objects.get(unit=fed.d1, indicator=total).value == 100


def test_the_allocation_page_refuses_and_marks_the_cell(tree, client):
    fed, plan, period, admin, (total, a, b, women) = tree
    g1 = create_unit(
        user=SYSTEM,
        name="CĐCS Trường Một",
        kind=UnitKind.GRASSROOTS,
        parent=fed.d1,
        sector=Sector.ENTERPRISE_SMALL,
        valid_from=LONG_AGO,
    )
    officer = create_user(
        username="t.off.refusal",
        password=PASSWORD,
        role=Role.UNIT_OFFICER,
        unit=fed.d1,
        validate=False,
    )
    with pytest.raises(PartsAboveTotal):
        allocate_targets(
            user=officer,
            period=period,
            parent=fed.d1,
            cells=[CellChange(g1, total, 5), CellChange(g1, women, 6)],
        )
    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("plans:allocate", args=[plan.pk, period.code, fed.d1.pk])
    response = client.post(url, {f"t-{g1.pk}-{total.pk}": "5", f"t-{g1.pk}-{women.pk}": "6"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Chưa lưu" in html and "6 vượt quá “dv” (5)" in html
    assert f'class="cell bad" type="text" inputmode="numeric" name="t-{g1.pk}-{women.pk}"' in html
    assert not Target.objects.filter(unit=g1).exists()
