"""The structure pages: tree as of a date, a unit's history, scoping and permissions."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from organisation.models import Unit, UnitKind, UnitLink
from organisation.services import create_unit
from tests.actors import SYSTEM

D = datetime.date


def test_tree_lists_the_province_and_its_eleven_units_with_counts(client_for, viewer_user):
    response = client_for(viewer_user).get(reverse("organisation:tree"), {"on": "15/07/2024"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Liên đoàn Lao động tỉnh Lai Châu" in html
    assert html.count('class="org-node"') >= 11
    assert "LĐLĐ huyện Mường Tè" in html and "Công đoàn Viên chức tỉnh" in html
    assert "<details" in html and "<script>" not in html
    tree = response.context["tree"]
    province = tree[0]
    assert len(province.upper_children) == 11
    assert province.grassroots_count == sum(n.grassroots_count for n in province.upper_children)
    assert province.grassroots_count > 0


def test_tree_query_count_does_not_grow_with_units(
    client_for, admin_user, province, django_assert_max_num_queries
):
    client = client_for(admin_user)
    client.get(reverse("organisation:tree"))  # warm caches (session, content types)
    with django_assert_max_num_queries(12) as before:
        client.get(reverse("organisation:tree"))
    for i in range(30):
        district = create_unit(
            name=f"LĐLĐ thử {i}", kind=UnitKind.DISTRICT, parent=province, user=SYSTEM
        )
        create_unit(name=f"CĐCS thử {i}", kind=UnitKind.GRASSROOTS, parent=district, user=SYSTEM)
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = client.get(reverse("organisation:tree"))
    assert response.context["tree"][0].upper_count >= 41


def test_unit_officer_sees_only_its_subtree(client_for, officer_a, unit_b):
    response = client_for(officer_a).get(reverse("organisation:tree"))
    names = {n.unit.name for n in response.context["tree"]}
    assert names == {"LĐLĐ huyện Mường Tè"}
    assert "Tam Đường" not in response.content.decode()
    assert (
        client_for(officer_a).get(reverse("organisation:detail", args=[unit_b.pk])).status_code
        == 403
    )


def test_bad_as_of_date_falls_back_to_today_with_a_message(client_for, viewer_user):
    response = client_for(viewer_user).get(reverse("organisation:tree"), {"on": "31/02/2024"})
    assert response.status_code == 200
    assert response.context["on_date"] == timezone.localdate()
    assert "dd/mm/yyyy" in response.content.decode()


def test_detail_shows_parent_history_children_and_sector_history(
    client_for, admin_user, unit_a, province
):
    client = client_for(admin_user)
    union = Unit.objects.filter(
        parent_links__parent=unit_a, kind__in=UnitKind.grassroots_level()
    ).first()
    url = reverse("organisation:detail", args=[unit_a.pk])
    response = client.get(url, {"on": "15/07/2024"})
    html = response.content.decode()
    assert response.status_code == 200
    assert province.name in html and 'id="parent-history"' in html
    assert union.name in html
    assert [n.unit for n in response.context["children"]].count(union) == 1
    union_page = client.get(reverse("organisation:detail", args=[union.pk])).content.decode()
    assert 'id="sector-history"' in union_page  # demo unions start with a sector
    assert "Nhật ký thay đổi" in union_page  # the audit app's link, since it is installed


@pytest.mark.parametrize("method", ["get", "post"])
def test_viewer_cannot_open_or_post_any_change(client_for, viewer_user, unit_a, method):
    client = client_for(viewer_user)
    for name, args in [
        ("organisation:create", []),
        ("organisation:merge", []),
        ("organisation:move", [unit_a.pk]),
        ("organisation:dissolve", [unit_a.pk]),
        ("organisation:sector", [unit_a.pk]),
    ]:
        response = getattr(client, method)(reverse(name, args=args), {"on_date": "01/07/2025"})
        assert response.status_code == 403, name
    assert Unit.objects.get(pk=unit_a.pk).dissolved_on is None


def test_officer_of_b_cannot_create_under_a(client_for, officer_b, unit_a):
    before = Unit.objects.count()
    response = client_for(officer_b).post(
        reverse("organisation:create"),
        {
            "parent": unit_a.pk,
            "name": "CĐCS Lạ",
            "kind": UnitKind.GRASSROOTS,
            "sector": "dn_small",
            "valid_from": "01/08/2024",
        },
    )
    assert response.status_code == 200  # unit A is not among the choices: the form refuses
    assert "parent" in response.context["form"].errors
    assert Unit.objects.count() == before


def test_officer_creates_a_grassroots_union_under_its_own_unit(client_for, officer_a, unit_a):
    response = client_for(officer_a).post(
        reverse("organisation:create"),
        {
            "parent": unit_a.pk,
            "name": "  CĐCS  Công ty Mới  ",
            "kind": UnitKind.GRASSROOTS,
            "sector": "dn_small",
            "valid_from": "01/08/2024",
        },
    )
    assert response.status_code == 302
    unit = Unit.objects.get(name="CĐCS Công ty Mới")
    assert unit.founded_on == D(2024, 8, 1)
    assert UnitLink.objects.get(child=unit).parent == unit_a


def test_officer_cannot_create_an_upper_level_union(client_for, officer_a, unit_a):
    response = client_for(officer_a).post(
        reverse("organisation:create"),
        {
            "parent": unit_a.pk,
            "name": "Công đoàn xã Lạ",
            "kind": UnitKind.COMMUNE,
            "sector": "mixed",
            "valid_from": "01/08/2024",
        },
    )
    assert "kind" in response.context["form"].errors
    assert not Unit.objects.filter(name="Công đoàn xã Lạ").exists()


def test_grassroots_officer_sees_only_its_own_union(client_for, unit_a):
    from accounts.models import Role
    from accounts.services import create_user
    from tests.conftest import PASSWORD

    union = Unit.objects.filter(
        parent_links__parent=unit_a, kind__in=UnitKind.grassroots_level()
    ).first()
    officer = create_user(
        username="t.cdcs",
        password=PASSWORD,
        role=Role.GRASSROOTS_OFFICER,
        unit=union,
        validate=False,
    )
    client = client_for(officer)
    tree = client.get(reverse("organisation:tree"), {"on": "15/07/2024"}).context["tree"]
    assert [n.unit for n in tree] == [union] and not tree[0].children
    assert client.get(reverse("organisation:detail", args=[unit_a.pk])).status_code == 403
    page = client.get(reverse("organisation:detail", args=[union.pk]))
    assert page.status_code == 200
    assert "Chuyển đơn vị cấp trên" not in page.content.decode()
    assert client.get(reverse("organisation:create")).status_code == 403
