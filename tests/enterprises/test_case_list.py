"""The founding-case list (/enterprises/cases/): every case of the board, paged, filtered,
searched, exported as Excel with the same rows; another district's officer sees none of them."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.excel import LIST_HEADER_ROW
from enterprises import selectors, services
from enterprises.models import FoundingCase, Stage
from tests.actors import SYSTEM
from tests.factories import make_grassroots, role_users, small_tree

pytestmark = pytest.mark.django_db

TAX_CODE = "0100109106"
MANY = 53  # more than one page (50) in unit A


@pytest.fixture
def world():
    tree = small_tree()
    users = role_users(tree)
    cases_a = [
        services.create_enterprise(
            name=f"Công ty Thử {i:02d}", unit=tree.unit_a, workers=30 + i, user=SYSTEM
        ).founding
        for i in range(MANY)
    ]
    cases_b = [
        services.create_enterprise(
            name=f"Công ty Tam Đường {i}", unit=tree.unit_b, workers=40, user=SYSTEM
        ).founding
        for i in range(2)
    ]
    group = services.create_informal_group(
        trade="Bốc xếp", place="Chợ Mường Tè", workers=12, unit=tree.unit_a, user=SYSTEM
    )
    return {"tree": tree, "a": cases_a, "b": cases_b, "group": group.founding, **users}


def _get(client, **query):
    response = client.get(reverse("enterprises:case_list"), query)
    assert response.status_code == 200
    return response


def _names(response) -> list[str]:
    return [c.subject_name for c in response.context["page"].object_list]


def _export_rows(client, **query) -> list[tuple]:
    response = client.get(reverse("enterprises:case_export"), query)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(min_row=LIST_HEADER_ROW, values_only=True))


def test_paging_and_every_case_reachable(world, client_for):
    client = client_for(world["admin_user"])
    total = MANY + 2 + 1
    first = _get(client)
    html = first.content.decode()
    assert f"1–50 trong {total}" in html
    assert "Trang 1/2" in html and 'rel="next"' in html
    second = _get(client, page=2)
    assert f"51–{total} trong {total}" in second.content.decode()
    assert len(set(_names(first)) | set(_names(second))) == total
    assert reverse("enterprises:case_list") == "/enterprises/cases/"
    assert reverse("enterprises:case", args=[world["a"][0].pk]) in html


def test_filters_unit_stage_kind_and_stuck(world, client_for):
    tree = world["tree"]
    client = client_for(world["admin_user"])
    only_b = _get(client, unit=tree.unit_b.pk, page=1)
    assert only_b.context["page"].paginator.count == 2
    export = reverse("enterprises:case_export")
    assert f'href="{export}?unit={tree.unit_b.pk}"' in only_b.content.decode()  # not the page

    moved = world["a"][3]
    FoundingCase.objects.filter(pk=moved.pk).update(
        stage=Stage.COMMITTEE, committee_formed_on=timezone.localdate()
    )
    at_committee = _get(client, stage=Stage.COMMITTEE)
    assert _names(at_committee) == [moved.enterprise.name]
    # A step column appears once some case has reached the step, not before.
    assert "Ngày thành lập Ban vận động" in at_committee.content.decode()
    assert "Ngày thành lập Ban vận động" not in _get(client, unit=tree.unit_b.pk).content.decode()

    assert _names(_get(client, kind="informal")) == ["Bốc xếp — Chợ Mường Tè"]
    assert _get(client, kind="enterprise").context["page"].paginator.count == MANY + 2

    # Stuck: no step for more than 90 days (a finished case is never stuck).
    old = timezone.localdate() - datetime.timedelta(days=200)
    FoundingCase.objects.filter(pk__in=[world["a"][0].pk, world["a"][1].pk]).update(
        identified_on=old
    )
    FoundingCase.objects.filter(pk=world["a"][1].pk).update(
        stage=Stage.CEREMONY, ceremony_on=timezone.localdate()
    )
    FoundingCase.objects.filter(pk=world["b"][0].pk).update(identified_on=old)
    stuck = _get(client, stuck=90, unit=tree.unit_a.pk)
    assert _names(stuck) == [world["a"][0].enterprise.name]


def test_search_by_name_or_tax_code(world, client_for):
    client = client_for(world["admin_user"])
    target = world["a"][7].enterprise
    type(target).objects.filter(pk=target.pk).update(tax_code=TAX_CODE)
    assert _names(_get(client, q="công ty thử 07")) == [target.name]
    assert _names(_get(client, q="CÔNG TY THỬ 07")) == [target.name]  # case, not only ASCII
    by_tax = _get(client, q="0100109")
    assert _names(by_tax) == [target.name]
    assert TAX_CODE in by_tax.content.decode()
    assert _names(_get(client, q="chợ mường")) == ["Bốc xếp — Chợ Mường Tè"]
    assert _get(client, q="không có").context["page"].paginator.count == 0


def test_export_holds_the_filtered_rows_not_one_page(world, client_for):
    client = client_for(world["admin_user"])
    header, *rows = _export_rows(client)
    assert header[:3] == ("STT", "Doanh nghiệp / nhóm lao động", "Loại")
    assert "Ngày xác định" in header and "Ngày lễ công bố" not in header
    assert "Mã số thuế" not in header  # no case has one: the column is dropped
    assert len(rows) == MANY + 3
    listed = [c.subject_name for c in selectors.case_list(world["admin_user"])]
    assert [r[1] for r in rows] == listed
    identified = header.index("Ngày xác định")
    assert isinstance(rows[0][identified], datetime.datetime)  # a date cell, dd/mm/yyyy

    only_b = _export_rows(client, unit=world["tree"].unit_b.pk, q="Tam Đường 1")
    assert [r[1] for r in only_b[1:]] == ["Công ty Tam Đường 1"]

    sheet = load_workbook(
        io.BytesIO(client.get(reverse("enterprises:case_export"), {"kind": "informal"}).content)
    ).active
    assert sheet["A3"].value == "DANH SÁCH HỒ SƠ THÀNH LẬP CÔNG ĐOÀN CƠ SỞ"
    assert "khu vực phi chính thức" in sheet["A4"].value
    assert (
        sheet.cell(row=LIST_HEADER_ROW + 1, column=1 + header.index("Ngày xác định")).number_format
        == "dd/mm/yyyy"
    )


def test_another_districts_officer_sees_none_of_them(world, client_for):
    tree = world["tree"]
    client = client_for(world["officer_b"])
    page = _get(client)
    assert sorted(_names(page)) == ["Công ty Tam Đường 0", "Công ty Tam Đường 1"]
    assert [r[1] for r in _export_rows(client)[1:]] == [
        "Công ty Tam Đường 0",
        "Công ty Tam Đường 1",
    ]
    assert client.get(reverse("enterprises:case_list"), {"unit": tree.unit_a.pk}).status_code == 403
    assert (
        client.get(reverse("enterprises:case_export"), {"unit": tree.unit_a.pk}).status_code == 403
    )
    grassroots = make_grassroots(tree.unit_a, "CĐCS Thử")
    from tests.factories import make_user

    officer = make_user("t.cdcs", "grassroots_officer", grassroots)
    assert _get(client_for(officer)).context["page"].paginator.count == 0


def test_a_subject_linked_to_an_existing_union_leaves_the_list_like_the_board(world, client_for):
    case = world["a"][5]
    union = make_grassroots(world["tree"].unit_a, "CĐCS có sẵn")
    services.link_union(enterprise=case.enterprise, union=union, user=SYSTEM)
    names = [c.subject_name for c in selectors.case_list(world["admin_user"])]
    assert case.enterprise.name not in names and len(names) == MANY + 2


def test_bad_values_are_a_400(world, client_for):
    client = client_for(world["admin_user"])
    url = reverse("enterprises:case_list")
    for query in ({"stage": "9"}, {"stage": "x"}, {"stuck": "-1"}, {"q": "a\x00b"}, {"unit": "x"}):
        assert client.get(url, query).status_code == 400, query
    assert client.get(url, {"kind": "other"}).status_code == 200  # unknown kind: no filter


def test_the_boards_more_link_opens_the_list_of_that_step_and_unit(world, client_for, monkeypatch):
    monkeypatch.setattr(selectors, "BOARD_CARDS_PER_COLUMN", 5)
    unit = world["tree"].unit_a
    html = (
        client_for(world["admin_user"])
        .get(reverse("enterprises:board"), {"unit": unit.pk})
        .content.decode()
    )
    link = f"{reverse('enterprises:case_list')}?stage={Stage.IDENTIFIED}&amp;unit={unit.pk}"
    assert f"… và {MANY + 1 - 5} hồ sơ khác" in html and link in html
    listed = _get(client_for(world["admin_user"]), stage=Stage.IDENTIFIED, unit=unit.pk)
    assert listed.context["page"].paginator.count == MANY + 1
