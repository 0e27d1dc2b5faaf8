"""An accepted report is a frozen snapshot: later records show as a difference, never silently."""

import datetime

from progress.models import RecordKind
from progress.services import record_batch
from reports import services
from reports.figures import live_figures
from reports.selectors import consolidated_figures, report_differences, report_figures
from tests.reports.conftest import grassroots_under


def _net_members(figures, unit):
    column = next(i for i, c in enumerate(figures.columns) if c.code == "dv-thuc-tang")
    return figures.row_for(unit.pk).cells[column]


def _submit_and_accept(deadline, unit, officer, admin):
    report = services.get_or_create_report(deadline=deadline, unit=unit, user=officer)
    if report.is_editable:  # (Tam Đường's demo campaign report is already submitted)
        report = services.save_report(
            report=report, user=officer, expected_version=report.version, results="Kết quả."
        )
        report = services.submit_report(report=report, user=officer)
    return services.accept_report(report=report, user=admin)


def test_accepted_report_keeps_its_figures_after_new_records(
    campaign, unit_b, officer_b, admin_user
):
    report = _submit_and_accept(campaign, unit_b, officer_b, admin_user)
    frozen = _net_members(report_figures(report), unit_b)
    assert frozen.target == 91

    record_batch(
        kind=RecordKind.ADMITTED,
        union=grassroots_under(unit_b),
        on_date=datetime.date(2024, 7, 20),
        count=7,
        user=admin_user,
    )
    live = _net_members(live_figures(campaign, [unit_b.pk]), unit_b)
    assert live.achieved == frozen.achieved + 7

    report.refresh_from_db()
    again = _net_members(report_figures(report), unit_b)
    assert (again.target, again.achieved) == (frozen.target, frozen.achieved)

    changes = {d.header: d for d in report_differences(report)}
    assert changes["Tổng thực tăng (người)"].accepted == frozen.achieved
    assert changes["Tổng thực tăng (người)"].delta == 7

    consolidated = consolidated_figures(campaign)
    row = consolidated.row_for(unit_b.pk)
    assert row.accepted and row.note == "Đã duyệt"
    assert _net_members(consolidated, unit_b).achieved == frozen.achieved
    assert _net_members(consolidated.extra["live"], unit_b).achieved == frozen.achieved + 7


def test_the_report_page_shows_the_difference(campaign, unit_b, officer_b, admin_user, client_for):
    _submit_and_accept(campaign, unit_b, officer_b, admin_user)
    record_batch(
        kind=RecordKind.ADMITTED,
        union=grassroots_under(unit_b),
        on_date=datetime.date(2024, 7, 21),
        count=2,
        user=admin_user,
    )
    body = client_for(officer_b).get(f"/reports/{campaign.pk}/unit/{unit_b.pk}/").content.decode()
    assert "Số liệu đã thay đổi sau khi duyệt" in body
    assert "(+2)" in body


def test_quarterly_figures_are_cumulative_against_the_year(quarter3, unit_a, admin_user):
    union = grassroots_under(unit_a)
    before = _net_members(live_figures(quarter3, [unit_a.pk]), unit_a)
    record_batch(
        kind=RecordKind.ADMITTED,
        union=union,
        on_date=datetime.date(2024, 7, 2),
        count=4,
        user=admin_user,
    )
    after = _net_members(live_figures(quarter3, [unit_a.pk]), unit_a)
    assert after.in_range == (before.in_range or 0) + 4
    assert after.achieved == (before.achieved or 0) + 4
    assert after.target is None  # per-unit annual targets are not in the seed
