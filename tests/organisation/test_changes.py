"""Move, dissolve, change sector, create: each refusal names what is wrong, in Vietnamese."""

import datetime

import pytest
from django.urls import reverse

from organisation import selectors
from organisation.models import SectorChange, Unit, UnitKind, UnitLink
from organisation.services import create_unit
from tests.actors import SYSTEM

D = datetime.date


@pytest.fixture
def admin(client_for, admin_user):
    return client_for(admin_user)


@pytest.fixture
def union_a(unit_a):
    return create_unit(
        name="CĐCS Công ty Thử",
        kind=UnitKind.GRASSROOTS,
        parent=unit_a,
        sector="dn_small",
        valid_from=D(2020, 3, 1),
        user=SYSTEM,
    )


def _errors(response):
    form = response.context["form"]
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def test_move_closes_the_old_link_the_day_before(admin, union_a, unit_a, unit_b):
    response = admin.post(
        reverse("organisation:move", args=[union_a.pk]),
        {"new_parent": unit_b.pk, "on_date": "01/09/2024"},
    )
    assert response.status_code == 302
    links = list(UnitLink.objects.filter(child=union_a).order_by("valid_from"))
    assert [(link.parent, link.valid_to) for link in links][0] == (unit_a, D(2024, 8, 31))
    assert links[1].parent == unit_b and links[1].valid_from == D(2024, 9, 1)
    assert selectors.parent_of(union_a, D(2024, 8, 31)) == unit_a


def test_move_before_founding_is_refused(admin, union_a, unit_b):
    response = admin.post(
        reverse("organisation:move", args=[union_a.pk]),
        {"new_parent": unit_b.pk, "on_date": "01/01/2019"},
    )
    assert response.status_code == 200
    assert "Ngày chuyển 01/01/2019 không hợp lệ" in _errors(response)
    assert "thành lập ngày 01/03/2020" in _errors(response)
    assert UnitLink.objects.filter(child=union_a).count() == 1


def test_move_into_own_subtree_is_refused_as_a_cycle(admin, unit_a):
    commune = create_unit(
        name="Công đoàn xã Thử", kind=UnitKind.COMMUNE, parent=unit_a, user=SYSTEM
    )
    response = admin.post(
        reverse("organisation:move", args=[unit_a.pk]),
        {"new_parent": commune.pk, "on_date": "01/09/2024"},
    )
    assert "vòng lặp" in _errors(response)
    assert "Công đoàn xã Thử" in _errors(response)


def test_move_under_a_grassroots_union_or_a_dissolved_unit_is_refused(admin, union_a, unit_b):
    other = create_unit(name="CĐCS Khác", kind=UnitKind.GRASSROOTS, parent=unit_b, user=SYSTEM)
    response = admin.post(
        reverse("organisation:move", args=[union_a.pk]),
        {"new_parent": other.pk, "on_date": "01/09/2024"},
    )
    # A grassroots union is not even offered as a parent.
    assert "new_parent" in response.context["form"].errors


def test_bad_dates_are_named(admin, union_a):
    response = admin.post(
        reverse("organisation:dissolve", args=[union_a.pk]), {"on_date": "32/13/2024"}
    )
    assert "dd/mm/yyyy" in _errors(response)
    response = admin.post(reverse("organisation:dissolve", args=[union_a.pk]), {"on_date": ""})
    assert "Chưa nhập" in _errors(response)


def test_dissolving_before_founding_is_refused(admin, union_a):
    response = admin.post(
        reverse("organisation:dissolve", args=[union_a.pk]), {"on_date": "28/02/2020"}
    )
    assert "Ngày giải thể 28/02/2020 trước ngày thành lập 01/03/2020" in _errors(response)
    union_a.refresh_from_db()
    assert union_a.dissolved_on is None


def test_dissolving_a_unit_that_still_has_units_below_is_refused(admin, unit_a, union_a):
    response = admin.post(
        reverse("organisation:dissolve", args=[unit_a.pk]), {"on_date": "30/06/2025"}
    )
    assert "vẫn còn đơn vị trực thuộc" in _errors(response)
    assert "CĐCS Công ty Thử" in _errors(response)


def test_dissolve_ends_the_unit_and_its_link(admin, union_a, unit_a):
    response = admin.post(
        reverse("organisation:dissolve", args=[union_a.pk]), {"on_date": "31/12/2024"}
    )
    assert response.status_code == 302
    union_a.refresh_from_db()
    assert union_a.dissolved_on == D(2024, 12, 31)
    assert union_a in selectors.children(unit_a, D(2024, 12, 31))
    assert union_a not in selectors.children(unit_a, D(2025, 1, 1))
    again = admin.post(
        reverse("organisation:dissolve", args=[union_a.pk]), {"on_date": "31/12/2025"}
    )
    assert "đã giải thể ngày 31/12/2024" in _errors(again)


def test_sector_change_from_a_date(admin, union_a):
    response = admin.post(
        reverse("organisation:sector", args=[union_a.pk]),
        {"sector": "dn_large", "effective_from": "01/01/2025"},
    )
    assert response.status_code == 302
    assert selectors.sector_as_of(union_a, D(2024, 12, 31)) == "dn_small"
    assert selectors.sector_as_of(union_a, D(2025, 1, 1)) == "dn_large"
    refused = admin.post(
        reverse("organisation:sector", args=[union_a.pk]),
        {"sector": "dn_large", "effective_from": "01/01/2019"},
    )
    assert "Ngày áp dụng 01/01/2019 không hợp lệ" in _errors(refused)
    assert SectorChange.objects.filter(unit=union_a).count() == 2
    page = admin.get(reverse("organisation:detail", args=[union_a.pk]), {"on": "01/06/2024"})
    assert page.context["sector_now"].startswith("Doanh nghiệp dưới 25")


def test_create_refuses_a_twin_name_and_a_parent_not_yet_founded(admin, unit_a, union_a):
    response = admin.post(
        reverse("organisation:create"),
        {
            "parent": unit_a.pk,
            "name": "cđcs công ty  THỬ",
            "kind": UnitKind.GRASSROOTS,
            "sector": "dn_small",
            "valid_from": "01/08/2024",
        },
    )
    assert "đã có đơn vị trực thuộc tên “CĐCS Công ty Thử”" in _errors(response)
    late = create_unit(
        name="Công đoàn xã Mới",
        kind=UnitKind.COMMUNE,
        parent=unit_a,
        valid_from=D(2025, 7, 1),
        user=SYSTEM,
    )
    response = admin.post(
        reverse("organisation:create"),
        {
            "parent": late.pk,
            "name": "CĐCS Sớm",
            "kind": UnitKind.GRASSROOTS,
            "sector": "dn_small",
            "valid_from": "01/08/2024",
        },
    )
    assert "Đơn vị cấp trên: “Công đoàn xã Mới” thành lập ngày 01/07/2025" in _errors(response)
    assert not Unit.objects.filter(name="CĐCS Sớm").exists()


def test_merge_form_needs_exactly_one_target(admin, unit_a, unit_b):
    response = admin.post(
        reverse("organisation:merge"),
        {"sources": [unit_a.pk], "on_date": "30/06/2025", "new_sector": "mixed"},
    )
    assert "Chọn một đơn vị nhận có sẵn hoặc nhập tên đơn vị mới" in _errors(response)
    response = admin.post(
        reverse("organisation:merge"),
        {
            "sources": [unit_a.pk],
            "on_date": "30/06/2025",
            "new_sector": "mixed",
            "target": unit_b.pk,
            "new_name": "Công đoàn xã X",
        },
    )
    assert "chỉ một trong hai" in _errors(response)


def test_merge_into_an_existing_unit(admin, unit_a, unit_b, union_a):
    response = admin.post(
        reverse("organisation:merge"),
        {
            "sources": [unit_a.pk],
            "on_date": "30/06/2025",
            "target": unit_b.pk,
            "new_sector": "mixed",
        },
    )
    assert response.status_code == 302
    assert selectors.parent_of(union_a, D(2025, 7, 1)) == unit_b
    assert selectors.parent_of(union_a, D(2025, 6, 30)) == unit_a


def test_sector_change_restamps_the_progress_records_dated_after_it(admin):
    from progress.models import Record

    record = Record.objects.filter(union__kind=UnitKind.GRASSROOTS, sector="dn_small").first()
    union = record.union
    response = admin.post(
        reverse("organisation:sector", args=[union.pk]),
        {"sector": "dn_large", "effective_from": f"{record.date:%d/%m/%Y}"},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.sector == "dn_large"
    earlier = Record.objects.filter(union=union, date__lt=record.date)
    assert all(r.sector == "dn_small" for r in earlier)
