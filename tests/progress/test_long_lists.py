"""Issue 13 item 5: the member register and the records behind a figure are long lists — 50 a
page with "X–Y trong N" and no silent cap, filters, a search by name or exact CCCD (never
confirming a masked one), an Excel export of the filtered list, every column filled, all
scoped by accounts.permissions.restrict."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.excel import LIST_HEADER_ROW
from plans.demo import PEAK_CODE
from plans.models import Indicator, Period
from progress.models import Member, Record
from progress.selectors import achieved

MEMBERS = reverse("progress:members")
MEMBERS_EXPORT = reverse("progress:members_export")


def _ids(response):
    return [m.pk for m in response.context["page"].object_list]


def _sheet_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[LIST_HEADER_ROW]]
    rows = [
        dict(zip(header, (c.value for c in row), strict=False))
        for row in sheet.iter_rows(min_row=LIST_HEADER_ROW + 1)
    ]
    return rows


def test_the_register_pages_through_every_member_50_at_a_time(demo, client_for, admin_user):
    client = client_for(admin_user)
    total = Member.objects.filter(left_on__isnull=True).count()
    assert total > 100
    first = client.get(MEMBERS)
    html = first.content.decode()
    assert f"1–50 trong {total:,}".replace(",", ".") in html
    assert len(_ids(first)) == 50
    seen = []
    pages = first.context["page"].paginator.num_pages
    for number in range(1, pages + 1):
        seen += _ids(client.get(MEMBERS, {"page": number}))
    assert len(seen) == len(set(seen)) == total  # every member reachable, none twice
    last = client.get(MEMBERS, {"page": pages}).content.decode()
    assert f"{(pages - 1) * 50 + 1}–{total} trong {total}" in last
    assert 'rel="prev"' in last and 'rel="next"' not in last


def test_the_register_filters_and_the_links_keep_them(demo, client_for, admin_user, unit_a):
    client = client_for(admin_user)
    member = Member.objects.filter(union__ancestor_paths__ancestor=unit_a).first()
    response = client.get(MEMBERS, {"union": member.union_id})
    assert {m.union_id for m in response.context["page"].object_list} == {member.union_id}
    under = client.get(MEMBERS, {"under": unit_a.pk})
    under_ids = set(
        Member.objects.filter(
            left_on__isnull=True, union__ancestor_paths__ancestor=unit_a
        ).values_list("pk", flat=True)
    )
    assert under.context["page"].paginator.count == len(under_ids)
    day = member.admitted_on.strftime("%d/%m/%Y")
    dated = client.get(MEMBERS, {"admitted_from": day, "admitted_to": day, "under": unit_a.pk})
    assert all(m.admitted_on == member.admitted_on for m in dated.context["page"].object_list)
    assert dated.context["page"].paginator.count >= 1
    html = dated.content.decode()
    # The export and the pages carry the filters, without the page number.
    export = re.search(r'id="members-export" href="([^"]+)"', html).group(1)
    assert "admitted_from=" in export and f"under={unit_a.pk}" in export and "page=" not in export
    bad = client.get(MEMBERS, {"admitted_from": "31/02/2024"})
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()


def test_search_by_name_and_by_exact_cccd_only_where_it_is_shown(
    demo, client_for, admin_user, viewer_user, officer_a, unit_a
):
    member = (
        Member.objects.filter(union__ancestor_paths__ancestor=unit_a, left_on__isnull=True)
        .order_by("pk")
        .first()
    )
    admin = client_for(admin_user)
    assert member.pk in _ids(admin.get(MEMBERS, {"q": member.full_name}))
    assert _ids(admin.get(MEMBERS, {"q": member.cccd})) == [member.pk]
    assert _ids(admin.get(MEMBERS, {"q": member.cccd[:8]})) == []  # exact only, no prefix
    assert _ids(admin.get(MEMBERS, {"q": member.cccd[-4:]})) == []
    officer = client_for(officer_a)
    assert _ids(officer.get(MEMBERS, {"q": member.cccd})) == [member.pk]
    # The viewer sees the row, its CCCD masked: searching the full number confirms nothing.
    viewer = client_for(viewer_user)
    assert member.pk in _ids(viewer.get(MEMBERS, {"q": member.full_name}))
    html = viewer.get(MEMBERS, {"q": member.cccd}).content.decode()
    assert member.full_name not in html
    assert "Không có đoàn viên nào khớp bộ lọc." in html


def test_the_export_is_the_filtered_list_masked_and_scoped(
    demo, client_for, admin_user, viewer_user, officer_b, unit_a
):
    under = {"under": unit_a.pk}
    expected = Member.objects.filter(
        left_on__isnull=True, union__ancestor_paths__ancestor=unit_a
    ).count()
    rows = _sheet_rows(client_for(admin_user).get(MEMBERS_EXPORT, under))
    assert len(rows) == expected > 50  # not one page: the whole filtered list
    cccds = {m.cccd for m in Member.objects.filter(union__ancestor_paths__ancestor=unit_a)}
    assert {r["Số CCCD"] for r in rows} <= cccds
    assert all(r["Họ và tên"] and r["CĐCS"] and r["Ngày kết nạp"] for r in rows)
    assert rows[0]["STT"] == 1 and rows[-1]["STT"] == expected
    assert isinstance(rows[0]["Ngày kết nạp"], datetime.datetime)  # a date cell, dd/mm/yyyy
    masked = _sheet_rows(client_for(viewer_user).get(MEMBERS_EXPORT, under))
    assert len(masked) == expected
    assert not {r["Số CCCD"] for r in masked} & cccds
    assert all(r["Số CCCD"].startswith("••••") for r in masked)
    assert all(r["Ngày sinh"] == "**/**/****" for r in masked)
    # Another union's officer exports its own members only, and may not name unit A.
    client = client_for(officer_b)
    assert client.get(MEMBERS_EXPORT, under).status_code == 403
    own = _sheet_rows(client.get(MEMBERS_EXPORT))
    assert own and not {r["Số CCCD"] for r in own} & cccds


@pytest.fixture
def figure(demo, province):
    """The province's "Tổng thực tăng" in the peak month: hundreds of records."""
    period = Period.objects.get(code=PEAK_CODE)
    indicator = Indicator.objects.get(plan=period.plan, code="dv-thuc-tang")
    url = reverse("progress:records", args=[period.plan_id, period.code, province.pk, indicator.pk])
    export = reverse(
        "progress:records_export", args=[period.plan_id, period.code, province.pk, indicator.pk]
    )
    return period, indicator, url, export


def test_the_records_page_through_and_their_total_is_the_figure(
    figure, client_for, admin_user, province
):
    period, indicator, url, _export = figure
    client = client_for(admin_user)
    response = client.get(url)
    page = response.context["page"]
    count = page.paginator.count
    assert count > 100 and len(page.object_list) == 50
    as_of = response.context["as_of"]
    value = achieved(period, [province.pk], end=as_of, indicators=[indicator])[
        province.pk, indicator.pk
    ]
    assert response.context["total"] == value  # all records, not the page
    html = response.content.decode()
    assert f'id="records-count">{count:,}<'.replace(",", ".") in html
    contributions = 0
    for number in range(1, page.paginator.num_pages + 1):
        for record in client.get(url, {"page": number}).context["page"].object_list:
            contributions += record.contribution
            assert record.detail and record.detail != ""
            assert record.entered_by_label
    assert contributions == value


def test_the_records_filter_search_and_export(figure, client_for, admin_user, viewer_user):
    period, indicator, url, export = figure
    client = client_for(admin_user)
    everything = client.get(url).context["page"].paginator.count
    left = client.get(url, {"kind": "left"})
    assert {r.kind for r in left.context["page"].object_list} == {"left"}
    assert left.context["total"] == client.get(url).context["total"]  # the figure stays
    assert left.context["shown_total"] < 0
    record = (
        Record.objects.filter(kind="admitted", member__isnull=False, date__gte=period.start)
        .select_related("member")
        .order_by("pk")
        .first()
    )
    found = client.get(url, {"q": record.member.cccd}).context["page"].object_list
    assert [r.pk for r in found] == [record.pk]
    viewer = client_for(viewer_user)
    assert list(viewer.get(url, {"q": record.member.cccd}).context["page"].object_list) == []
    by_union = client.get(url, {"union": record.union_id}).context["page"]
    assert {r.union_id for r in by_union.object_list} == {record.union_id}
    day = record.date.strftime("%d/%m/%Y")
    dated = client.get(url, {"date_from": day, "date_to": day}).context["page"]
    assert {r.date for r in dated.object_list} == {record.date}

    rows = _sheet_rows(client.get(export))
    assert len(rows) == everything
    assert all(r["Chi tiết"] and r["Người nhập"] for r in rows)
    assert sum(r["Tính vào kết quả"] for r in rows) == client.get(url).context["total"]
    only_left = _sheet_rows(client.get(export, {"kind": "left"}))
    assert len(only_left) == left.context["page"].paginator.count
    assert {r["Loại"] for r in only_left} == {"Giảm đoàn viên"}
    masked = _sheet_rows(viewer.get(export))
    assert not any(r["Số CCCD"] and r["Số CCCD"][0].isdigit() for r in masked)


def test_an_officer_drills_into_its_own_records_only(
    figure, client_for, officer_a, officer_b, unit_a, unit_b
):
    period, indicator, _url, _export = figure
    own = reverse("progress:records", args=[period.plan_id, period.code, unit_a.pk, indicator.pk])
    response = client_for(officer_a).get(own)
    unions = {r.union_id for r in response.context["page"].object_list}
    below = set(
        Record.objects.filter(union__ancestor_paths__ancestor=unit_a).values_list(
            "union_id", flat=True
        )
    )
    assert unions and unions <= below
    other = reverse(
        "progress:records_export", args=[period.plan_id, period.code, unit_a.pk, indicator.pk]
    )
    assert client_for(officer_b).get(other).status_code == 403
