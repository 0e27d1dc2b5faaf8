"""The home page at / for each role: figures, what is late, what to do next — and on an empty
database a first step instead of an empty table."""

import datetime

import pytest

from accounts.models import Role
from home import selectors
from reports import services as report_services
from tests.actors import SYSTEM
from tests.home.factories import admit, federation, units, user

pytestmark = pytest.mark.django_db

JULY_20 = datetime.date(2024, 7, 20)


def _body(client_for, who):
    response = client_for(who).get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_empty_database_tells_the_province_what_to_do_first(client_for):
    admin = user("t.admin", Role.PROVINCE_ADMIN)
    body = _body(client_for, admin)
    assert "Chưa có kế hoạch nào" in body
    assert "Nạp cơ cấu tổ chức" in body
    assert 'href="/units/new/"' in body


def test_units_without_a_plan_say_what_to_do_next(client_for):
    fed = units()
    admin = user("t.admin", Role.PROVINCE_ADMIN, fed.province)
    body = _body(client_for, admin)
    assert "Chưa có kế hoạch nào" in body and "Kiểm tra cơ cấu tổ chức" in body
    officer = user("t.a", Role.UNIT_OFFICER, fed.unit_a)
    body = _body(client_for, officer)
    assert "Chưa có kế hoạch nào giao chỉ tiêu cho đơn vị" in body
    assert "Kết nạp đoàn viên" in body
    grassroots = user("t.cdcs", Role.GRASSROOTS_OFFICER, fed.union_a)
    body = _body(client_for, grassroots)
    assert "Sổ đoàn viên của CĐCS chưa có ai" in body
    assert "chưa có kế hoạch nào" in body


def test_province_home_figures_lagging_units_and_reports():
    fed = federation()
    admit(fed.union_a, 8)
    admit(fed.union_b, 1)
    admin = user("t.admin", Role.PROVINCE_ADMIN, fed.province)
    officer_b = user("t.b", Role.UNIT_OFFICER, fed.unit_b)
    report = report_services.get_or_create_report(
        deadline=fed.deadline, unit=fed.unit_b, user=officer_b
    )
    report_services.save_report(
        report=report, user=officer_b, expected_version=report.version, results="Kết quả."
    )
    report_services.submit_report(report=report, user=officer_b)

    home = selectors.home_for(admin, today=JULY_20)
    assert home.kind == selectors.PROVINCE
    assert home.period == fed.period
    (cell,) = home.headline
    assert (cell.achieved, cell.target) == (9, 14)
    # 20 of 31 days gone: A (8 of 10) is on pace, B (1 of 4) behind.
    assert [row.unit for row, _ in home.lagging] == [fed.unit_b]
    assert [s.unit for s in home.reports.awaiting] == [fed.unit_b]
    assert [d.deadline for d in home.reports.upcoming] == [fed.deadline]


def test_province_home_page(client_for):
    fed = federation()
    admit(fed.union_b, 1)
    viewer = user("t.viewer", Role.PROVINCE_VIEWER, fed.province)
    body = _body(client_for, viewer)
    assert 'id="headline"' in body and "Phát triển đoàn viên thực tăng" in body
    assert "1</strong> / 14" in body
    # The period is over (today is after July 2024): both units are behind and listed.
    assert "LĐLĐ huyện A" in body and "LĐLĐ huyện B" in body
    assert f"?under={fed.unit_b.pk}" in body
    assert "Quá hạn, còn đơn vị chưa nộp" in body


def test_unit_officer_home_ranks_among_all_units_and_lists_its_to_do(client_for):
    fed = federation()
    admit(fed.union_a, 2)
    admit(fed.union_b, 4)
    officer_a = user("t.a", Role.UNIT_OFFICER, fed.unit_a)
    home = selectors.home_for(officer_a, today=JULY_20)
    assert home.kind == selectors.UNIT
    assert (home.rank, home.ranked) == (2, 2)
    (cell,) = home.headline
    assert (cell.achieved, cell.target) == (2, 10)
    assert [item.deadline for item in home.due] == [fed.deadline]
    # Batch admissions (counts) have no names in the register yet.
    assert home.unnamed_admitted == 2
    body = _body(client_for, officer_a)
    assert "Xếp hạng 2/2" in body
    assert 'id="admit-members"' in body and "/progress/members/new/" in body
    assert "Báo cáo kết thúc tháng 7" in body
    assert "2 đoàn viên đã kết nạp theo số lượng" in body
    # Only its own figures: B's admissions (4) are not on A's page.
    assert "4</strong>" not in body


def test_a_province_viewer_gets_no_entry_button(client_for):
    fed = federation()
    viewer = user("t.viewer", Role.PROVINCE_VIEWER, fed.province)
    assert 'id="admit-members"' not in _body(client_for, viewer)


def test_grassroots_home_shows_its_own_union_and_allocation(client_for):
    fed = federation()
    admit(fed.union_a, 3)
    admit(fed.union_b, 5)
    from plans.models import Target

    Target.objects.create(period=fed.period, unit=fed.union_a, indicator=fed.indicator, value=6)
    officer = user("t.cdcs", Role.GRASSROOTS_OFFICER, fed.union_a)
    home = selectors.home_for(officer, today=JULY_20)
    assert home.kind == selectors.GRASSROOTS
    assert (home.admitted, home.left) == (3, 0)
    assert [(a["target"], a["achieved"]) for a in home.allocation] == [(6, 3)]
    body = _body(client_for, officer)
    assert 'id="admitted">3<' in body
    assert 'id="allocation"' in body
    assert 'id="admit-members"' in body


def test_period_can_be_chosen_and_home_is_read_only(client_for):
    fed = federation()
    admin = user("t.admin", Role.PROVINCE_ADMIN, fed.province)
    client = client_for(admin)
    assert client.get("/?period=thang-7").status_code == 200
    assert client.get("/?period=no-such").status_code == 200
    assert client.post("/").status_code == 405


def test_home_query_count_does_not_grow_with_units(client_for, django_assert_max_num_queries):
    fed = federation()
    admit(fed.union_a, 1)
    admin = user("t.admin", Role.PROVINCE_ADMIN, fed.province)
    client = client_for(admin)
    with django_assert_max_num_queries(40):
        assert client.get("/").status_code == 200


def test_grassroots_home_counts_members_now_from_the_baseline(client_for):
    """Members now is the baseline plus the records since, as on every other page; without a
    baseline the home says the figure is the named register's."""
    from organisation.services import set_baselines

    fed = federation()
    officer = user("t.cdcs2", Role.GRASSROOTS_OFFICER, fed.union_a)
    body = _body(client_for, officer)
    assert "chưa có số liệu gốc" in body
    set_baselines(
        rows=[(fed.union_a, 40, 60, "test")], on_date=datetime.date(2024, 1, 1), user=SYSTEM
    )
    admit(fed.union_a, 3)
    home = selectors.home_for(officer, today=JULY_20)
    assert home.stock.members == 43
    assert 'id="members-now">43<' in _body(client_for, officer)
