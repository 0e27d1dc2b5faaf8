"""50 concurrent writers on SQLite (WAL, file database) and PostgreSQL: no "database is locked",
no lost update. Each writer is a thread with its own connection in a separate process."""

import json
import subprocess
import sys

import pytest
from django.conf import settings

from tests.robustness._helpers import BASE_DIR, django_env, drop_postgres, postgres_scratch_url

THREADS = 50
INCREMENTS = 4


def _run(database_url):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.robustness._concurrent_writers",
            str(THREADS),
            str(INCREMENTS),
        ],
        cwd=BASE_DIR,
        env=django_env(database_url),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _check(stats):
    print(f"concurrency {stats['vendor']}: {THREADS} writers, {stats}")
    assert stats["errors"] == [] and stats["locked"] == 0
    assert stats["writes"] == THREADS * INCREMENTS
    # No lost update: every accepted write is in the value, the version and the history.
    assert stats["value"] == THREADS * INCREMENTS
    assert stats["version"] == THREADS * INCREMENTS + 1
    assert stats["history_added"] == THREADS * INCREMENTS


def test_fifty_writers_on_sqlite_wal(tmp_path):
    stats = _run(f"sqlite:///{tmp_path / 'charge.sqlite3'}")
    assert stats["journal_mode"] == "wal"
    _check(stats)


@pytest.mark.django_db
def test_fifty_writers_on_postgresql():
    url = postgres_scratch_url(settings.DATABASES["default"], "concurrency")
    if url is None:
        pytest.skip("PostgreSQL run only (DATABASE_URL=postgres://…)")
    try:
        _check(_run(url))
    finally:
        drop_postgres(url)
