"""A copy of the project in a temporary directory, to run ``manage.py`` as a person or cron would.

The copy has none of the files ``make setup`` writes (``.secret-key``, ``db.sqlite3``,
``.demo-admin-password``), so a test decides which of them exist; the commands run in a fresh
process with a cron-like environment: no SECRET_KEY, no DEBUG, no DJANGO_SETTINGS_MODULE.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
SKIPPED = shutil.ignore_patterns(
    ".git",
    ".venv",
    "staticfiles",
    "media",
    "out",
    "db.sqlite3*",
    ".secret-key",
    ".demo-admin-password",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "data",
    "*.log",
)


def copy_project(target: Path) -> Path:
    shutil.copytree(BASE_DIR, target, ignore=SKIPPED)
    return target


def cron_env(**extra) -> dict:
    """What cron gives a job: a bare PATH and HOME, nothing of the developer's shell."""
    env = {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8"}
    env.update(extra)
    return env


def manage(project: Path, *args, env=None, timeout=120) -> subprocess.CompletedProcess:
    """``python /path/to/manage.py ARGS`` from ``/`` (cron's working directory is not ours)."""
    return subprocess.run(
        [sys.executable, str(project / "manage.py"), *args],
        cwd="/",
        env=cron_env() if env is None else env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
