"""Two people editing the same draft: the second save is refused and nothing is overwritten."""

import pytest

from accounts.models import Role
from accounts.services import create_user
from reports import services
from reports.models import Report


@pytest.fixture
def colleague(unit_a):
    return create_user(
        username="t.officer.a2", password="x", role=Role.UNIT_OFFICER, unit=unit_a, validate=False
    )


def test_second_save_with_an_old_version_is_refused(quarter3, unit_a, officer_a, colleague):
    report = services.get_or_create_report(deadline=quarter3, unit=unit_a, user=officer_a)
    loaded = report.version  # both open the page at this version
    services.save_report(
        report=report, user=officer_a, expected_version=loaded, results="Bản của người thứ nhất."
    )
    with pytest.raises(services.StaleReport) as refused:
        services.save_report(
            report=report, user=colleague, expected_version=loaded, results="Bản thứ hai."
        )
    message = str(refused.value)
    assert "t.officer.a" in message and "chưa được lưu" in message and "tải lại trang" in message
    assert Report.objects.get(pk=report.pk).results == "Bản của người thứ nhất."


def test_the_page_says_so_and_keeps_what_was_typed(
    quarter3, unit_a, officer_a, colleague, client_for
):
    report = services.get_or_create_report(deadline=quarter3, unit=unit_a, user=officer_a)
    services.save_report(
        report=report, user=officer_a, expected_version=report.version, results="Bản đầu."
    )
    client = client_for(colleague)
    response = client.post(
        f"/reports/{quarter3.pk}/unit/{unit_a.pk}/save/",
        {"version": 1, "results": "Bản của đồng nghiệp", "signer_title": "Chủ tịch"},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "chưa được lưu" in body
    assert "Bản của đồng nghiệp" in body  # nothing the second person typed is lost
    assert Report.objects.get(pk=report.pk).results == "Bản đầu."


def test_a_stale_submit_is_refused(quarter3, unit_a, officer_a, colleague):
    report = services.get_or_create_report(deadline=quarter3, unit=unit_a, user=officer_a)
    old = report.version
    services.save_report(report=report, user=officer_a, expected_version=old, results="Nội dung.")
    with pytest.raises(services.StaleReport):
        services.submit_report(report=report, user=colleague, expected_version=old)
