"""Account management in the app: who may create, edit, lock and reset which accounts."""

import pytest
from django.urls import reverse

from accounts import permissions
from accounts.models import Role, User
from organisation.models import UnitPath

NEW_PASSWORD = "Dong-Bac-2024-xyz"


def _create(client, **data):
    payload = {
        "username": "moi.taikhoan",
        "full_name": "Lò Văn Mới",
        "email": "",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    payload.update(data)
    return client.post(reverse("accounts:user_create"), payload)


def test_admin_lists_all_accounts(admin_user, officer_a, officer_b, client_for):
    response = client_for(admin_user).get(reverse("accounts:user_list"))
    assert response.status_code == 200
    text = response.content.decode()
    for name in ("t.admin", "t.officer.a", "t.officer.b"):
        assert name in text


def test_admin_creates_every_role(admin_user, province, unit_a, grassroots_a, client_for):
    client = client_for(admin_user)
    cases = [
        ("p.admin2", Role.PROVINCE_ADMIN, province),
        ("p.viewer2", Role.PROVINCE_VIEWER, province),
        ("u.officer2", Role.UNIT_OFFICER, unit_a),
        ("g.officer2", Role.GRASSROOTS_OFFICER, grassroots_a),
    ]
    for username, role, unit in cases:
        response = _create(client, username=username, role=role, unit=unit.pk)
        assert response.status_code == 302, response.content.decode()
        user = User.objects.get(username=username)
        assert (user.role, user.unit) == (role, unit)
        assert user.check_password(NEW_PASSWORD)
    assert User.objects.get(username="p.admin2").is_staff


def test_officer_creates_grassroots_officer_in_own_subtree_only(
    officer_a, grassroots_a, grassroots_b, client_for
):
    client = client_for(officer_a)
    form = client.get(reverse("accounts:user_create")).context["form"]
    assert [v for v, _l in form.fields["role"].choices] == [Role.GRASSROOTS_OFFICER]
    offered = set(form.fields["unit"].queryset)
    assert grassroots_a in offered and grassroots_b not in offered
    below = set(
        UnitPath.objects.filter(ancestor=officer_a.unit).values_list("descendant_id", flat=True)
    )
    assert all(u.is_grassroots and u.pk in below for u in offered)

    response = _create(client, role=Role.GRASSROOTS_OFFICER, unit=grassroots_a.pk)
    assert response.status_code == 302
    assert User.objects.get(username="moi.taikhoan").unit == grassroots_a

    refused = _create(client, username="x2", role=Role.GRASSROOTS_OFFICER, unit=grassroots_b.pk)
    assert refused.status_code == 200 and not User.objects.filter(username="x2").exists()
    refused = _create(client, username="x3", role=Role.PROVINCE_ADMIN, unit=grassroots_a.pk)
    assert refused.status_code == 200 and not User.objects.filter(username="x3").exists()


def test_officer_sees_and_manages_only_its_grassroots_officers(
    officer_a, officer_b, grassroots_officer, grassroots_officer_b, admin_user, client_for
):
    managed = set(permissions.manageable_users(officer_a))
    assert grassroots_officer in managed and grassroots_officer_b not in managed
    assert all(u.role == Role.GRASSROOTS_OFFICER for u in managed)
    assert not managed & {officer_a, officer_b, admin_user}
    client = client_for(officer_a)
    text = client.get(reverse("accounts:user_list")).content.decode()
    assert "t.cdcs.a" in text and "t.cdcs.b" not in text and "t.officer.b" not in text
    for other in (grassroots_officer_b, officer_b, admin_user, officer_a):
        assert client.get(reverse("accounts:user_edit", args=[other.pk])).status_code == 404
        response = client.post(
            reverse("accounts:user_set_active", args=[other.pk]), {"active": "0"}
        )
        assert response.status_code == 404
        other.refresh_from_db()
        assert other.is_active


@pytest.mark.parametrize("who", ["viewer_user", "grassroots_officer"])
def test_viewer_and_grassroots_officer_cannot_manage_accounts(who, request, client_for):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("accounts:user_list")).status_code == 403
    assert client.get(reverse("accounts:user_create")).status_code == 403


def test_deactivate_and_reactivate(admin_user, officer_a, client_for):
    client = client_for(admin_user)
    url = reverse("accounts:user_set_active", args=[officer_a.pk])
    assert client.post(url, {"active": "0"}).status_code == 302
    officer_a.refresh_from_db()
    assert not officer_a.is_active
    assert client.post(url, {"active": "1"}).status_code == 302
    officer_a.refresh_from_db()
    assert officer_a.is_active


def test_admin_cannot_lock_itself(admin_user, client_for):
    client = client_for(admin_user)
    client.post(reverse("accounts:user_set_active", args=[admin_user.pk]), {"active": "0"})
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_locked_account_cannot_sign_in(officer_a, client):
    officer_a.is_active = False
    officer_a.save()
    from tests.conftest import PASSWORD

    response = client.post(
        reverse("accounts:login"), {"username": officer_a.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_reset_password_validates_and_records(admin_user, officer_a, client_for):
    client = client_for(admin_user)
    url = reverse("accounts:user_reset_password", args=[officer_a.pk])
    weak = client.post(url, {"password1": "12345678", "password2": "12345678"})
    assert weak.status_code == 200
    assert "phổ biến" in weak.content.decode() or "chữ số" in weak.content.decode()
    mismatch = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert "không khớp" in mismatch.content.decode()
    ok = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert ok.status_code == 302
    officer_a.refresh_from_db()
    assert officer_a.check_password(NEW_PASSWORD)
    last = officer_a.history.first()
    assert last.history_change_reason == "đổi mật khẩu"
    assert last.history_user == admin_user


def test_edit_assigns_role_and_unit(admin_user, officer_a, unit_b, client_for):
    client = client_for(admin_user)
    url = reverse("accounts:user_edit", args=[officer_a.pk])
    response = client.post(
        url,
        {
            "full_name": "Lò Thị A",
            "email": "a@example.vn",
            "role": "unit_officer",
            "unit": unit_b.pk,
        },
    )
    assert response.status_code == 302
    officer_a.refresh_from_db()
    assert (officer_a.unit, officer_a.first_name) == (unit_b, "Lò Thị A")


def test_unit_role_without_unit_is_refused(admin_user, client_for):
    client = client_for(admin_user)
    response = _create(client, role=Role.UNIT_OFFICER, unit="")
    assert response.status_code == 200
    assert "cần chỉ rõ đơn vị" in response.content.decode()
    assert not User.objects.filter(username="moi.taikhoan").exists()


def test_grassroots_role_needs_a_grassroots_unit(admin_user, unit_a, client_for):
    response = _create(client_for(admin_user), role=Role.GRASSROOTS_OFFICER, unit=unit_a.pk)
    assert "CĐCS" in response.content.decode()
    assert not User.objects.filter(username="moi.taikhoan").exists()


def test_new_account_form_defaults_to_the_lowest_role(admin_user, client_for):
    """Least privilege: the form starts on the grassroots officer, not province admin."""
    body = client_for(admin_user).get("/accounts/users/new/").content.decode()
    assert '<option value="grassroots_officer" selected>' in body
    assert '<option value="province_admin" selected>' not in body
