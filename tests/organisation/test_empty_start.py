"""A federation that is not the demo starts on an empty database: its administrator creates the
provincial federation by hand (a top unit, no parent), then accounts are made for it."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role, User
from organisation.models import Unit, UnitKind, UnitLink

NAME = "Liên đoàn Lao động tỉnh Điện Biên"


@pytest.fixture
def superuser(db):
    assert not Unit.objects.exists()
    return User.objects.create_superuser("quantri", "", "Mat-khau-dai-2026!")


def _create(client, **fields):
    data = {"name": NAME, "kind": UnitKind.PROVINCE, "sector": "mixed", "valid_from": "01/01/2026"}
    data.update(fields)
    return client.post(reverse("organisation:create"), data)


def test_the_province_is_created_by_hand_then_an_account_for_it_signs_in(
    client, superuser, monkeypatch
):
    client.force_login(superuser)
    page = client.get(reverse("organisation:create"))
    assert UnitKind.PROVINCE.value in [
        v for v, _label in page.context["form"].fields["kind"].choices
    ]
    response = _create(client)
    assert response.status_code == 302
    province = Unit.objects.get(name=NAME)
    assert province.kind == UnitKind.PROVINCE and not UnitLink.objects.filter(child=province)
    # The README's recipe: create_user … --unit "Liên đoàn Lao động tỉnh …", then sign in.
    monkeypatch.setenv("NEW_USER_PASSWORD", "Dien-Bien-2026!")
    call_command("create_user", "cb.tinh", "--role", Role.PROVINCE_ADMIN.value, "--unit", NAME)
    client.logout()
    signed_in = client.post(
        reverse("accounts:login"), {"username": "cb.tinh", "password": "Dien-Bien-2026!"}
    )
    assert signed_in.status_code == 302
    home = client.get("/")
    assert home.status_code == 200 and home.context["user"].username == "cb.tinh"
    # A unit under it, by the same page.
    response = _create(
        client, name="Công đoàn xã Mường Phăng", kind=UnitKind.upper_level()[0], parent=province.pk
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_second_province_of_the_same_name_and_a_province_with_a_parent_are_refused(
    client, superuser
):
    client.force_login(superuser)
    _create(client)
    province = Unit.objects.get(name=NAME)
    twice = _create(client, name=NAME.upper())
    assert twice.status_code == 200 and "Đã có đơn vị" in twice.content.decode()
    under = _create(client, name="Liên đoàn Lao động tỉnh Khác", parent=province.pk)
    assert "bỏ trống đơn vị cấp trên" in under.content.decode()
    assert Unit.objects.count() == 1


def test_a_unit_other_than_a_province_needs_a_parent(client, superuser):
    client.force_login(superuser)
    response = _create(client, kind=UnitKind.GRASSROOTS, name="CĐCS Trường Tiểu học")
    assert "Chưa chọn đơn vị cấp trên." in response.content.decode()
    assert not Unit.objects.exists()
