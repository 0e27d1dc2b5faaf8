"""Personal data masked by one rule: member pages, the audit log and history, search; the
processing log records who was shown whose data in full."""

import datetime

from django.urls import reverse

from core.models import PersonalDataAccess
from progress import services

CCCD = "012345678901"
ETHNICITY = "Hà Nhì"


def _member(tree):
    (member,) = services.admit_members(
        union=tree.union_a,
        members=[
            {
                "full_name": "Lò Thị Mẩy",
                "date_of_birth": datetime.date(1990, 5, 17),
                "gender": "female",
                "ethnicity": ETHNICITY,
                "cccd": CCCD,
                "job": "Công nhân",
                "admitted_on": datetime.date(2024, 7, 2),
            }
        ],
        user=tree.officer_a,
    )
    return member


def _page(client, name, *args, **query):
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200
    return response.content.decode()


def test_viewer_reads_no_full_cccd_birth_date_or_ethnicity_in_the_audit_log(tree, signed_in):
    member = _member(tree)
    html = _page(signed_in(tree.viewer), "accounts:audit_log")
    assert "Lò Thị Mẩy" in html and "8901" in html
    assert CCCD not in html and "17/05/1990" not in html and ETHNICITY not in html
    history = _page(
        signed_in(tree.viewer), "accounts:object_history", "progress", "member", member.pk
    )
    assert "8901" in history
    assert CCCD not in history and "17/05/1990" not in history and ETHNICITY not in history
    assert not PersonalDataAccess.objects.exists()


def test_the_viewer_cannot_search_the_audit_log_by_cccd(tree, signed_in):
    _member(tree)
    viewer = signed_in(tree.viewer)
    for text in (CCCD, "5678", ETHNICITY):
        assert "Lò Thị Mẩy" not in _page(viewer, "accounts:audit_log", q=text)
    assert "Lò Thị Mẩy" in _page(viewer, "accounts:audit_log", q="Mẩy")  # the name is not hidden
    admin = signed_in(tree.admin)
    assert "Lò Thị Mẩy" in _page(admin, "accounts:audit_log", q=CCCD)
    officer = signed_in(tree.officer_a)
    assert "Lò Thị Mẩy" in _page(officer, "accounts:audit_log", q=CCCD)


def test_those_who_may_see_it_read_it_in_full_and_the_reading_is_logged(tree, signed_in):
    member = _member(tree)
    html = _page(signed_in(tree.admin), "accounts:audit_log")
    assert CCCD in html and "17/05/1990" in html and ETHNICITY in html
    log = PersonalDataAccess.objects.get()
    assert log.user == tree.admin and log.purpose == "audit_log"
    assert log.subjects == [f"progress.member:{member.pk}"] and log.count == 1

    html = _page(signed_in(tree.officer_a), "progress:members")
    assert CCCD in html and ETHNICITY in html
    log = PersonalDataAccess.objects.filter(user=tree.officer_a).get()
    assert log.purpose == "member_list" and log.subjects == [f"progress.member:{member.pk}"]


def test_member_list_shows_ethnicity_only_to_those_who_may_see_personal_data(tree, signed_in):
    _member(tree)
    html = _page(signed_in(tree.viewer), "progress:members")
    assert "Lò Thị Mẩy" in html
    assert ETHNICITY not in html and CCCD not in html
    assert not PersonalDataAccess.objects.exists()


def test_the_processing_log_page(tree, signed_in):
    member = _member(tree)
    _page(signed_in(tree.officer_a), "progress:members")
    for user in (tree.viewer, tree.officer_a):
        response = signed_in(user).get(reverse("accounts:personal_data_log"))
        assert response.status_code == 403
    admin = signed_in(tree.admin)
    html = _page(admin, "accounts:personal_data_log", member=member.pk)
    assert "s.officer.a" in html and f"progress.member:{member.pk}" in html
    html = _page(admin, "accounts:personal_data_log", member=member.pk + 1000)
    assert "s.officer.a" not in html
    assert admin.get(reverse("accounts:personal_data_log"), {"member": "abc"}).status_code == 400
