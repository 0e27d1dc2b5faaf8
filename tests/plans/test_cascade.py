"""Cascade: an upper-level union allocates its target to its CĐCS, checked against its own;
the CĐCS officer sees its allocation and results."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import Role
from accounts.services import create_user
from organisation.models import Sector, UnitKind
from organisation.services import create_unit
from plans.models import Measure, Target
from plans.services import CellChange, allocate_targets, issue_plan, set_target
from progress.dashboard import build
from progress.services import record_batch
from tests.actors import SYSTEM
from tests.conftest import PASSWORD
from tests.plans.factories import LONG_AGO, federation, indicator, plan_for

D = datetime.date


def _user(name, role, unit):
    return create_user(username=name, password=PASSWORD, role=role, unit=unit, validate=False)


@pytest.fixture
def world(db):
    fed = federation()
    g1, g2 = (
        create_unit(
            user=SYSTEM,
            name=name,
            kind=UnitKind.GRASSROOTS,
            parent=fed.d1,
            sector=Sector.ENTERPRISE_SMALL,
            valid_from=LONG_AGO,
            sort_order=i,
        )
        for i, name in enumerate(["CĐCS Trường Một", "CĐCS Trường Hai"])
    )
    plan = plan_for(fed)
    net = indicator(plan, "dv", Measure.NET_MEMBERS)
    period = plan.periods.get()
    admin = _user("t.admin.c", Role.PROVINCE_ADMIN, fed.province)
    set_target(period=period, unit=fed.d1, indicator=net, value=10, user=SYSTEM)
    issue_plan(user=admin, plan=plan)
    record_batch(kind="admitted", union=g1, on_date=D(2026, 5, 4), count=4, user=SYSTEM)
    return fed, plan, period, net, g1, g2


def test_an_upper_level_union_allocates_to_its_cdcs_after_the_plan_is_issued(world, client):
    fed, plan, period, net, g1, g2 = world
    officer = _user("t.off.d1", Role.UNIT_OFFICER, fed.d1)
    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("plans:allocate", args=[plan.pk, period.code, fed.d1.pk])
    response = client.post(url, {f"t-{g1.pk}-{net.pk}": "6", f"t-{g2.pk}-{net.pk}": "3"})
    assert response.status_code == 302
    values = dict(
        Target.objects.filter(period=period, unit__in=[g1, g2]).values_list("unit", "value")
    )
    assert values == {g1.pk: 6, g2.pk: 3}
    page = client.get(url).content.decode()
    # The children's allocations against the parent's own target.
    assert "tổng giao cho các đơn vị là 9, thấp hơn chỉ tiêu Công đoàn phường Một 10" in page
    # Its dashboard of its CĐCS against their allocations.
    board = build(period, visible_unit_ids=None, parent=fed.d1, today=D(2026, 12, 31))
    by_unit = {r.unit: r.cells[0] for r in board.rows}
    assert (by_unit[g1].target, by_unit[g1].achieved, by_unit[g1].percent) == (6, 4, 66.7)
    assert (by_unit[g2].target, by_unit[g2].achieved) == (3, 0)


def test_only_the_union_above_allocates(world):
    fed, plan, period, net, g1, _g2 = world
    other = _user("t.off.d2", Role.UNIT_OFFICER, fed.d2)
    with pytest.raises(PermissionDenied):
        allocate_targets(user=other, period=period, parent=fed.d1, cells=[CellChange(g1, net, 1)])
    grassroots = _user("t.g1", Role.GRASSROOTS_OFFICER, g1)
    with pytest.raises(PermissionDenied):
        allocate_targets(
            user=grassroots, period=period, parent=fed.d1, cells=[CellChange(g1, net, 1)]
        )
    assert not Target.objects.filter(unit=g1).exists()


def test_the_grassroots_officer_sees_its_allocation_and_results(world, client):
    fed, plan, period, net, g1, g2 = world
    officer = _user("t.off.d1b", Role.UNIT_OFFICER, fed.d1)
    allocate_targets(user=officer, period=period, parent=fed.d1, cells=[CellChange(g1, net, 8)])
    grassroots = _user("t.g1b", Role.GRASSROOTS_OFFICER, g1)
    client.force_login(grassroots, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("plans:period", args=[plan.pk, period.code]))
    rows = response.context["own_rows"]
    assert [(r["target"], r["achieved"], r["percent"]) for r in rows] == [(8, 4, 50.0)]
    assert "Chỉ tiêu được giao và kết quả: CĐCS Trường Một" in response.content.decode()


def test_the_unions_own_form_round_trips_and_refuses_bad_input(world, tmp_path):
    from openpyxl import load_workbook

    from plans.cascade_excel import cascade_workbook, import_cascade
    from plans.excel_import import ImportFailed

    fed, plan, period, net, g1, g2 = world
    officer = _user("t.off.d1c", Role.UNIT_OFFICER, fed.d1)
    allocate_targets(
        user=officer,
        period=period,
        parent=fed.d1,
        cells=[CellChange(g1, net, 7), CellChange(g2, net, 3)],
    )
    path = tmp_path / "d1.xlsx"
    cascade_workbook(period, fed.d1).save(path)
    ws = load_workbook(path).active
    rows = [
        r for r in ws.iter_rows(values_only=True) if r[1] in ("CĐCS Trường Một", "CĐCS Trường Hai")
    ]
    assert [r[:3] for r in rows] == [(1, "CĐCS Trường Một", 7), (2, "CĐCS Trường Hai", 3)]
    # Change a figure in the file and read it back.
    book = load_workbook(path)
    sheet = book.active
    for row in sheet.iter_rows():
        if row[1].value == "CĐCS Trường Hai":
            row[2].value = "4"
    book.save(path)
    assert import_cascade(source=path, period=period, parent=fed.d1, user=officer) == 1
    assert Target.objects.get(period=period, unit=g2, indicator=net).value == 4
    # An unknown unit and a number that is not whole: nothing changes.
    for row in sheet.iter_rows():
        if row[1].value == "CĐCS Trường Một":
            row[1].value = "CĐCS Không Có"
        if row[1].value == "CĐCS Trường Hai":
            row[2].value = "4,5"
    book.save(path)
    with pytest.raises(ImportFailed) as caught:
        import_cascade(source=path, period=period, parent=fed.d1, user=officer)
    messages = " ".join(str(p) for p in caught.value.problems)
    assert "CĐCS Không Có" in messages and "“4,5”" in messages
    assert Target.objects.get(period=period, unit=g1, indicator=net).value == 7
    assert Target.objects.get(period=period, unit=g2, indicator=net).value == 4


def test_the_allocation_form_pages(world, client):
    fed, plan, period, net, g1, g2 = world
    officer = _user("t.off.d1d", Role.UNIT_OFFICER, fed.d1)
    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    args = [plan.pk, period.code, fed.d1.pk]
    response = client.get(reverse("plans:allocate_export", args=args))
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("d1.xlsx", response.content)
    response = client.post(reverse("plans:allocate_import", args=args), {"file": upload})
    assert response.status_code == 302
