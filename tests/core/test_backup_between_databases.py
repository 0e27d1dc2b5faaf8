"""backup on one database, restore into another (a second SQLite file, and PostgreSQL in the
PostgreSQL run), in real processes: same rows, same passwords, same audit trail."""

import json
import zipfile

import pytest
from django.conf import settings

from tests.robustness._helpers import drop_postgres, manage, postgres_scratch_url

COUNT_SCRIPT = "import json; from core.backup import _counts; print(json.dumps(_counts()))"


def _counts(url):
    out = manage(url, "shell", "-c", COUNT_SCRIPT).stdout.strip().splitlines()[-1]
    return json.loads(out)


def _round_trip(source_url, target_url, tmp_path):
    manage(source_url, "migrate", "--noinput", "-v", "0")
    manage(source_url, "load_demo")
    manage(
        source_url,
        "create_user",
        "sao.luu",
        "--role",
        "province_viewer",
        NEW_USER_PASSWORD="Sao-Luu-Lai-Chau-2024",
    )
    archive = tmp_path / "sao-luu.zip"
    manage(source_url, "backup", str(archive))
    with zipfile.ZipFile(archive) as zf:
        assert {"data.json", "manifest.json"} <= set(zf.namelist())
    manage(target_url, "migrate", "--noinput", "-v", "0")
    manage(target_url, "load_demo")  # an existing database: replaced, not merged
    manage(
        target_url,
        "create_user",
        "se.mat",
        "--role",
        "province_viewer",
        NEW_USER_PASSWORD="Se-Mat-Sau-Khoi-Phuc-1",
    )
    result = manage(target_url, "restore", str(archive), "--yes")
    assert "Đã khôi phục" in result.stdout
    assert "Cảnh báo" not in result.stderr
    assert _counts(target_url) == _counts(source_url)
    check = manage(
        target_url,
        "shell",
        "-c",
        "from accounts.models import User; u = User.objects.get(username='sao.luu'); "
        "print(u.check_password('Sao-Luu-Lai-Chau-2024'), User.objects.filter(username='se.mat').exists())",
    )
    assert check.stdout.strip().splitlines()[-1] == "True False"


def test_sqlite_to_sqlite(tmp_path):
    _round_trip(
        f"sqlite:///{tmp_path / 'nguon.sqlite3'}",
        f"sqlite:///{tmp_path / 'dich.sqlite3'}",
        tmp_path,
    )


@pytest.mark.django_db
def test_sqlite_to_postgresql(tmp_path):
    target = postgres_scratch_url(settings.DATABASES["default"], "restore")
    if target is None:
        pytest.skip("PostgreSQL run only (DATABASE_URL=postgres://…)")
    try:
        _round_trip(f"sqlite:///{tmp_path / 'nguon.sqlite3'}", target, tmp_path)
    finally:
        drop_postgres(target)
