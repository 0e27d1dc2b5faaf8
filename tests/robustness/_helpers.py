"""Subprocess helpers: run Django against a database of its own (a file SQLite or a scratch
PostgreSQL database), because WAL, locking and a killed process need a real separate process."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def django_env(database_url: str, **extra) -> dict:
    drop = {"DATABASE_URL", "SECRET_KEY_FILE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(40),
        DEBUG="0",
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONPATH=str(BASE_DIR),
    )
    env.update(extra)
    return env


def manage(database_url: str, *args, timeout=300, **extra) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=django_env(database_url, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def postgres_scratch_url(settings_db: dict, suffix: str) -> str | None:
    """A fresh PostgreSQL database next to the test database, or None when not on PostgreSQL."""
    if settings_db["ENGINE"] != "django.db.backends.postgresql":
        return None
    import psycopg

    name = f"{settings_db['NAME']}_{suffix}".replace("-", "_")[:60]
    user = settings_db.get("USER") or "postgres"
    host = settings_db.get("HOST") or "127.0.0.1"
    port = settings_db.get("PORT") or 5432
    password = settings_db.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else f"{user}@"
    with psycopg.connect(f"postgresql://{auth}{host}:{port}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://{auth}{host}:{port}/{name}"


def drop_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(
        base.replace("postgres://", "postgresql://") + "/postgres", autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
