"""backup / restore: a round trip restores every row; a bad archive changes nothing."""

import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from core.backup import DATA_NAME, MANIFEST_NAME
from plans.models import Target


def _snapshot():
    return {
        "users": sorted(User.objects.values_list("username", "role", "unit_id", "password")),
        "targets": sorted(Target.objects.values_list("id", "unit_id", "indicator_id", "value")),
        "target_history": Target.history.count(),
        "user_history": User.history.count(),
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media" / "decisions").mkdir(parents=True)
    (tmp_path / "media" / "decisions" / "qd-01.pdf").write_bytes(b"%PDF-1.4 quyet dinh")
    # An upload left by an abandoned import: never part of a backup.
    (tmp_path / "media" / "enterprises" / "imports").mkdir(parents=True)
    (tmp_path / "media" / "enterprises" / "imports" / "abc.xlsx").write_bytes(b"PK left over")
    return tmp_path / "media"


def test_round_trip(demo, admin_user, officer_a, media, tmp_path, capsys):
    target = Target.objects.filter(value__isnull=False).first()
    target.value += 5
    target.save()
    before = _snapshot()
    out = tmp_path / "sao-luu.zip"
    call_command("backup", str(out))
    assert "Đã sao lưu" in capsys.readouterr().out
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
    assert "media/decisions/qd-01.pdf" in names
    assert not any("imports" in name for name in names)

    # Damage everything the backup holds.
    Target.objects.all().update(value=0)
    User.objects.exclude(pk=admin_user.pk).delete()
    User.objects.create(username="ke.la", role="province_viewer")
    (media / "decisions" / "qd-01.pdf").unlink()

    call_command("restore", str(out), "--yes")
    assert "Đã khôi phục" in capsys.readouterr().out
    assert _snapshot() == before
    assert (media / "decisions" / "qd-01.pdf").read_bytes() == b"%PDF-1.4 quyet dinh"
    assert User.objects.get(username="t.officer.a").check_password
    assert not User.objects.filter(username="ke.la").exists()


def test_restore_of_a_broken_file_changes_nothing(demo, officer_a, tmp_path):
    before = _snapshot()
    bad = tmp_path / "hong.zip"
    bad.write_bytes(b"khong phai zip")
    with pytest.raises(CommandError, match="không phải tệp zip"):
        call_command("restore", str(bad), "--yes")
    with pytest.raises(CommandError, match="Không tìm thấy"):
        call_command("restore", str(tmp_path / "khong-co.zip"), "--yes")
    assert _snapshot() == before


def test_restore_failing_midway_rolls_back(demo, officer_a, tmp_path):
    out = tmp_path / "ok.zip"
    call_command("backup", str(out))
    with zipfile.ZipFile(out) as archive:
        manifest = archive.read(MANIFEST_NAME)
        rows = json.loads(archive.read(DATA_NAME))
    # The last row refers to a unit that does not exist: loaddata fails after the flush.
    rows.append(
        {"model": "plans.target", "pk": 999999, "fields": {**rows_target(rows), "unit": 987654}}
    )
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr(MANIFEST_NAME, manifest)
        archive.writestr(DATA_NAME, json.dumps(rows))
    User.objects.create(username="moi.sau.sao.luu", role="province_viewer")
    before = _snapshot()
    with pytest.raises(CommandError, match="giữ nguyên"):
        call_command("restore", str(broken), "--yes")
    assert _snapshot() == before


def rows_target(rows):
    return next(r["fields"] for r in rows if r["model"] == "plans.target")


def test_not_a_backup_zip(tmp_path, db):
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("x.txt", "x")
    with pytest.raises(CommandError, match="không phải bản sao lưu"):
        call_command("restore", str(other), "--yes")


def test_backup_into_missing_directory(tmp_path, db):
    with pytest.raises(CommandError, match="không tồn tại"):
        call_command("backup", str(tmp_path / "no" / "such" / "dir.zip"))
