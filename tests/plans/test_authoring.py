"""Plan authoring: a federation that is not the demo writes its 2026 plan in the UI, issues it,
amends a target mid-year (earlier figures keep the old target), and makes 2027 from it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role
from accounts.services import create_user
from organisation.models import UnitKind
from organisation.services import create_unit, dissolve_unit
from plans import selectors
from plans.models import (
    Amendment,
    AmendmentChange,
    Indicator,
    Measure,
    Plan,
    PlanStatus,
    PlanUnit,
    Target,
)
from plans.services import (
    CellChange,
    PlanError,
    TargetError,
    copy_plan,
    create_plan,
    issue_plan,
    save_target_cells,
    set_target,
)
from tests.actors import SYSTEM
from tests.conftest import PASSWORD
from tests.plans.factories import LONG_AGO, federation, indicator, plan_for

D = datetime.date


@pytest.fixture
def fed(db):
    return federation()


@pytest.fixture
def admin(fed):
    return create_user(
        username="t.admin.plans",
        password=PASSWORD,
        role=Role.PROVINCE_ADMIN,
        unit=fed.province,
        validate=False,
    )


@pytest.fixture
def officer(fed):
    return create_user(
        username="t.officer.plans",
        password=PASSWORD,
        role=Role.UNIT_OFFICER,
        unit=fed.d1,
        validate=False,
    )


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _formset(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{k}": v for k, v in row.items()})
    return data


def _indicator_row(code, name, measure, unit, parent="", **extra):
    row = {
        "code": code,
        "name": name,
        "header": name,
        "group_header": "",
        "parent": parent,
        "relation": "split",
        "measure": measure,
        "unit_of_measure": unit,
        "min_workers": "",
        "aliases": "",
        "sort_order": "0",
    }
    row.update(extra)
    return row


def test_a_federation_writes_issues_and_amends_its_plan_in_the_ui(admin_client, fed):
    response = admin_client.post(
        reverse("plans:create"),
        {
            "number": "05/KH-LĐLĐ",
            "issued_on": "10/01/2026",
            "issuing_unit": fed.province.pk,
            "issuing_body": "Ban Thường vụ LĐLĐ tỉnh",
            "title": "Phát triển đoàn viên năm 2026",
            "year": "2026",
            "signer_name": "Nguyễn Văn A",
            "signer_title": "Chủ tịch",
            "enterprise_min_workers": "20",
        },
    )
    plan = Plan.objects.get(number="05/KH-LĐLĐ")
    assert response.status_code == 302 and plan.status == PlanStatus.DRAFT
    assert plan.enterprise_min_workers == 20

    response = admin_client.post(
        reverse("plans:periods", args=[plan.pk]),
        _formset(
            "periods",
            [
                {
                    "code": "nam-2026",
                    "name": "Năm 2026",
                    "start": "01/01/2026",
                    "end": "31/12/2026",
                    "header_suffix": "",
                    "table_title": "",
                    "sort_order": "0",
                },
                {
                    "code": "thang-cao-diem-2026",
                    "name": "Tháng cao điểm 2026",
                    "start": "01/07/2026",
                    "end": "31/07/2026",
                    "header_suffix": "tháng cao điểm",
                    "table_title": "",
                    "sort_order": "1",
                },
            ],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(plan.periods.values_list("code", flat=True)) == ["nam-2026", "thang-cao-diem-2026"]

    response = admin_client.post(
        reverse("plans:indicators", args=[plan.pk]),
        _formset(
            "indicators",
            [
                _indicator_row(
                    "dv-ket-nap", "Kết nạp đoàn viên (người)", "admitted_members", "người"
                ),
                _indicator_row(
                    "cdcs-dn-20",
                    "CĐCS tại DN từ 20 LĐ trở lên (đơn vị)",
                    "new_unions_sized",
                    "đơn vị",
                    is_minimum="on",
                ),
            ],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    root = Indicator.objects.get(plan=plan, code="dv-ket-nap")
    response = admin_client.post(
        reverse("plans:indicators", args=[plan.pk]),
        _formset(
            "indicators",
            [
                {
                    **_indicator_row(
                        "dv-ket-nap", "Kết nạp đoàn viên (người)", "admitted_members", "người"
                    ),
                    "id": root.pk,
                },
                {
                    **_indicator_row(
                        "cdcs-dn-20",
                        "CĐCS tại DN từ 20 LĐ trở lên (đơn vị)",
                        "new_unions_sized",
                        "đơn vị",
                        is_minimum="on",
                    ),
                    "id": Indicator.objects.get(plan=plan, code="cdcs-dn-20").pk,
                },
                _indicator_row(
                    "dv-nu",
                    "Trong đó nữ (người)",
                    "women_admitted",
                    "người",
                    parent=root.pk,
                    relation="subset",
                ),
            ],
            initial=2,
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    women = Indicator.objects.get(plan=plan, code="dv-nu")
    assert women.parent == root and women.relation == "subset"
    assert Indicator.objects.get(plan=plan, code="cdcs-dn-20").threshold == 20

    response = admin_client.post(
        reverse("plans:units", args=[plan.pk]),
        _formset(
            "plan_units",
            [{"unit": fed.d2.pk, "row_number": "1"}, {"unit": fed.d1.pk, "row_number": "2"}],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [pu.unit for pu in PlanUnit.objects.filter(plan=plan)] == [fed.d2, fed.d1]

    year = plan.periods.get(code="nam-2026")
    grid = reverse("plans:edit", args=[plan.pk, year.code])
    response = admin_client.post(grid, {f"t-{fed.d1.pk}-{root.pk}": "1.100"})
    assert response.status_code == 302
    target = Target.objects.get(period=year, unit=fed.d1, indicator=root)
    assert target.value == 1100

    assert admin_client.post(reverse("plans:issue", args=[plan.pk])).status_code == 302
    plan.refresh_from_db()
    assert plan.is_issued

    # Issued: the structure is fixed …
    response = admin_client.post(
        reverse("plans:periods", args=[plan.pk]), _formset("periods", [], initial=0)
    )
    assert "đã ban hành" in response.content.decode()
    assert plan.periods.count() == 2
    # … and a target changes only with an amendment.
    cell = {f"t-{fed.d1.pk}-{root.pk}": "1.200", f"v-{fed.d1.pk}-{root.pk}": str(target.version)}
    response = admin_client.post(grid, cell)
    assert response.status_code == 200
    assert "Điều chỉnh chỉ tiêu" in response.content.decode()
    target.refresh_from_db()
    assert target.value == 1100
    response = admin_client.post(
        grid,
        {
            **cell,
            "effective_on": "01/07/2026",
            "decision_number": "150/QĐ-LĐLĐ",
            "reason": "Bổ sung chỉ tiêu sau sáp nhập",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.value == 1200
    change = AmendmentChange.objects.get()
    assert (change.old_value, change.new_value) == (1100, 1200)
    assert change.amendment.decision_number == "150/QĐ-LĐLĐ"
    page = admin_client.get(reverse("plans:amendments", args=[plan.pk])).content.decode()
    assert "150/QĐ-LĐLĐ" in page and "Bổ sung chỉ tiêu sau sáp nhập" in page


@pytest.fixture
def issued(fed, admin):
    plan = plan_for(fed)
    net = indicator(plan, "dv", Measure.NET_MEMBERS)
    period = plan.periods.get()
    set_target(period=period, unit=fed.d1, indicator=net, value=100, user=SYSTEM)
    issue_plan(user=admin, plan=plan)
    plan.refresh_from_db()
    return plan, period, net


def test_an_amendment_mid_year_leaves_earlier_figures_with_the_old_target(issued, fed, admin):
    from progress.dashboard import build

    plan, period, net = issued
    save_target_cells(
        user=admin,
        period=period,
        cells=[CellChange(fed.d1, net, 150)],
        effective_on=D(2026, 7, 1),
        decision_number="20/QĐ",
        reason="Tăng chỉ tiêu",
    )
    save_target_cells(
        user=admin,
        period=period,
        cells=[CellChange(fed.d1, net, 170)],
        effective_on=D(2026, 10, 1),
        decision_number="30/QĐ",
        reason="Tăng tiếp",
    )
    key = (fed.d1.pk, net.pk)
    assert selectors.targets_in_force(period, D(2026, 6, 30))[key] == 100
    assert selectors.targets_in_force(period, D(2026, 7, 1))[key] == 150
    assert selectors.targets_in_force(period, D(2026, 9, 30))[key] == 150
    assert selectors.targets_in_force(period, D(2026, 12, 31))[key] == 170

    def target_on(day):
        board = build(period, visible_unit_ids=None, today=day)
        return next(r for r in board.rows if r.unit == fed.d1).cells[0].target

    assert (target_on(D(2026, 6, 30)), target_on(D(2026, 8, 1)), target_on(D(2026, 12, 31))) == (
        100,
        150,
        170,
    )
    assert Amendment.objects.filter(plan=plan).count() == 2


def test_an_issued_plans_target_needs_an_amendment(issued, fed, admin):
    plan, period, net = issued
    with pytest.raises(TargetError):
        set_target(period=period, unit=fed.d1, indicator=net, value=1, user=SYSTEM)
    with pytest.raises(TargetError, match="số quyết định"):
        save_target_cells(
            user=admin,
            period=period,
            cells=[CellChange(fed.d1, net, 1)],
            effective_on=D(2026, 7, 1),
            reason="x",
        )
    assert Target.objects.get(period=period, unit=fed.d1).value == 100
    assert not Amendment.objects.exists()


def test_an_issued_plan_refuses_a_form_import(issued, admin):
    from plans.excel_import import ImportFailed
    from plans.services import import_targets_file

    plan, period, _net = issued
    with pytest.raises(ImportFailed, match="đã ban hành"):
        import_targets_file(source=None, source_name="x.xlsx", plan=plan, period=period, user=admin)


def test_only_plan_managers_write_plans(fed, officer):
    with pytest.raises(PermissionDenied):
        create_plan(
            user=officer,
            data={
                "number": "1",
                "issued_on": D(2026, 1, 1),
                "issuing_unit": fed.province,
                "title": "x",
                "year": 2026,
            },
        )


def test_a_plan_without_periods_indicators_or_units_cannot_be_issued(fed, admin):
    plan = create_plan(
        user=admin,
        data={
            "number": "9",
            "issued_on": D(2026, 1, 1),
            "issuing_unit": fed.province,
            "title": "x",
            "year": 2026,
        },
    )
    with pytest.raises(PlanError, match="chưa có đợt nào; chưa có chỉ tiêu nào"):
        issue_plan(user=admin, plan=plan)


def test_an_of_which_line_cannot_have_its_own_of_which(admin_client, fed):
    plan = plan_for(fed)
    root = indicator(plan, "a", Measure.NET_MEMBERS)
    child = indicator(plan, "b", Measure.NET_MEMBERS, parent=root)
    response = admin_client.post(
        reverse("plans:indicators", args=[plan.pk]),
        _formset(
            "indicators",
            [
                {**_indicator_row("a", "a", "net_members", "người"), "id": root.pk},
                {
                    **_indicator_row("b", "b", "net_members", "người", parent=root.pk),
                    "id": child.pk,
                },
                _indicator_row("c", "c", "net_members", "người", parent=child.pk),
            ],
            initial=2,
        ),
    )
    # The form offers only root indicators as parents: the grandchild is refused, nothing saved.
    assert response.status_code == 200
    assert not Indicator.objects.filter(plan=plan, code="c").exists()


def test_next_years_plan_from_this_one(fed, admin):
    plan = plan_for(fed, min_workers=20)
    root = indicator(plan, "dv", Measure.NET_MEMBERS)
    indicator(plan, "nu", Measure.WOMEN_ADMITTED, parent=root)
    indicator(plan, "cdcs", Measure.NEW_UNIONS_SIZED, unit="đơn vị", min_workers=10)
    set_target(period=plan.periods.get(), unit=fed.d1, indicator=root, value=50, user=SYSTEM)
    # The reorganisation: D2 ends on 30/06/2026; a new commune union D3 from 01/07/2026.
    dissolve_unit(unit=fed.d2, on_date=D(2026, 6, 30), user=SYSTEM)
    d3 = create_unit(
        user=SYSTEM,
        name="Công đoàn xã Ba",
        kind=UnitKind.COMMUNE,
        parent=fed.province,
        valid_from=D(2026, 7, 1),
        sort_order=3,
    )
    create_unit(
        user=SYSTEM, name="CĐCS cũ", kind=UnitKind.GRASSROOTS, parent=d3, valid_from=LONG_AGO
    )

    new = copy_plan(user=admin, source=plan, number="02/KH-TEST", issued_on=D(2027, 1, 8))
    assert (new.year, new.status, new.enterprise_min_workers) == (2027, PlanStatus.DRAFT, 20)
    assert new.title == "Phát triển đoàn viên năm 2027"
    period = new.periods.get()
    assert (period.code, period.name, period.start, period.end) == (
        "nam-2027",
        "Năm 2027",
        D(2027, 1, 1),
        D(2027, 12, 31),
    )
    copied = {i.code: i for i in new.indicators.all()}
    assert copied["nu"].parent == copied["dv"] and copied["nu"].measure == Measure.WOMEN_ADMITTED
    assert copied["cdcs"].threshold == 10
    assert [pu.unit for pu in PlanUnit.objects.filter(plan=new)] == [fed.d1, d3]
    assert not Target.objects.filter(period__plan=new).exists()
    with pytest.raises(PlanError, match="đã có"):
        copy_plan(user=admin, source=plan, number="02/KH-TEST", issued_on=D(2027, 1, 8))


def test_copy_page_makes_the_draft(admin_client, fed):
    plan = plan_for(fed)
    response = admin_client.post(
        reverse("plans:copy", args=[plan.pk]),
        {"number": "03/KH-TEST", "issued_on": "05/12/2026", "year": "2027", "title": ""},
    )
    new = Plan.objects.get(number="03/KH-TEST")
    assert response.status_code == 302 and response["Location"] == reverse(
        "plans:setup", args=[new.pk]
    )
    assert new.year == 2027 and new.periods.get().start == D(2027, 1, 1)
    page = admin_client.get(reverse("plans:setup", args=[new.pk])).content.decode()
    assert "Năm 2027" in page and "Công đoàn phường Một" in page


def test_describe_plan_prints_periods_tree_threshold_and_relation(fed, capsys):
    plan = plan_for(fed, min_workers=20)
    root = indicator(plan, "cdcs-moi", Measure.NEW_UNIONS, unit="đơn vị")
    indicator(plan, "cdcs-dn-20", Measure.NEW_UNIONS_SIZED, unit="đơn vị", parent=root)
    call_command("describe_plan", "--plan", plan.number)
    out = capsys.readouterr().out
    assert "Năm 2026 [nam-2026]: 01/01/2026 – 31/12/2026" in out
    assert "↳ Trong đó: cdcs-dn-20" in out
    assert "ngưỡng: từ 20 lao động trở lên" in out
    assert "quan hệ: Tập con" in out
    assert "2. Công đoàn xã Hai" in out


def test_two_periods_with_one_code_are_refused_not_a_server_error(admin_client, fed):
    plan = plan_for(fed)
    existing = plan.periods.get()
    row = {
        "name": "X",
        "start": "01/01/2026",
        "end": "31/12/2026",
        "header_suffix": "",
        "table_title": "",
        "sort_order": "0",
    }
    response = admin_client.post(
        reverse("plans:periods", args=[plan.pk]),
        _formset(
            "periods",
            [{**row, "code": existing.code, "id": existing.pk}, {**row, "code": existing.code}],
            initial=1,
        ),
    )
    assert response.status_code == 200
    assert plan.periods.count() == 1


def test_a_bad_indicator_threshold_and_dates_are_form_errors(admin_client, fed):
    plan = plan_for(fed)
    response = admin_client.post(
        reverse("plans:indicators", args=[plan.pk]),
        _formset(
            "indicators", [_indicator_row("a", "a", "net_members", "người", min_workers="20")]
        ),
    )
    assert response.status_code == 200
    assert "Ngưỡng số lao động chỉ dùng" in response.content.decode()
    response = admin_client.post(
        reverse("plans:periods", args=[plan.pk]),
        _formset(
            "periods",
            [
                {
                    "code": "b",
                    "name": "B",
                    "start": "31/12/2026",
                    "end": "01/01/2026",
                    "header_suffix": "",
                    "table_title": "",
                    "sort_order": "0",
                }
            ],
        ),
    )
    assert "Ngày bắt đầu phải trước ngày kết thúc" in response.content.decode()
