"""create_user accepts every role; bad input exits non-zero with a Vietnamese message."""

import pytest
from django.core.management import CommandError, call_command

from accounts.demo import GRASSROOTS_DEMO_USER
from accounts.models import Role, User

GOOD = "Phong-Tho-Sin-Ho-2024"


@pytest.fixture(autouse=True)
def _password(monkeypatch):
    monkeypatch.setenv("NEW_USER_PASSWORD", GOOD)


@pytest.mark.parametrize(
    "role, unit_name",
    [
        (Role.PROVINCE_ADMIN, "Liên đoàn Lao động tỉnh Lai Châu"),
        (Role.PROVINCE_VIEWER, "Liên đoàn Lao động tỉnh Lai Châu"),
        (Role.UNIT_OFFICER, "LĐLĐ huyện Mường Tè"),
        (Role.GRASSROOTS_OFFICER, "CĐCS Kiểm thử Mường Tè"),
    ],
)
def test_every_role(role, unit_name, grassroots_a, capsys):
    call_command("create_user", "moi", "--role", role, "--unit", unit_name)
    user = User.objects.get(username="moi")
    assert user.role == role and user.unit.name == unit_name and user.check_password(GOOD)
    assert "Đã tạo tài khoản moi" in capsys.readouterr().out
    assert user.history.count() == 1


def test_province_roles_need_no_unit(db):
    call_command("create_user", "xem", "--role", Role.PROVINCE_VIEWER)
    assert User.objects.get(username="xem").unit is None


@pytest.mark.parametrize(
    "args, message",
    [
        (["--role", "unit_officer"], "cần chỉ rõ đơn vị"),
        (["--role", "unit_officer", "--unit", "Không có"], "Không tìm thấy đơn vị"),
        (["--role", "grassroots_officer", "--unit", "LĐLĐ huyện Mường Tè"], "CĐCS"),
    ],
)
def test_bad_input(args, message, demo):
    with pytest.raises(CommandError, match=message):
        call_command("create_user", "moi", *args)
    assert not User.objects.filter(username="moi").exists()


def test_duplicate_and_weak_password(demo, monkeypatch):
    call_command("create_user", "moi", "--role", "province_viewer")
    with pytest.raises(CommandError, match="đã tồn tại"):
        call_command("create_user", "MOI", "--role", "province_viewer")
    monkeypatch.setenv("NEW_USER_PASSWORD", "12345678")
    with pytest.raises(CommandError):
        call_command("create_user", "yeu", "--role", "province_viewer")


def test_demo_has_a_grassroots_officer(demo):
    user = User.objects.filter(username=GRASSROOTS_DEMO_USER).first()
    if user is None:
        pytest.skip("the progress demo has no grassroots unions yet")
    assert user.role == Role.GRASSROOTS_OFFICER and user.unit.is_grassroots
