"""Run import_targets, but stop inside its transaction after a few targets are written: touch
MARKER and sleep, so the test can SIGKILL the process mid-import.

Run: DATABASE_URL=... python -m tests.robustness._killable_import FILE.xlsx MARKER
"""

import sys
import time
from pathlib import Path

import django

django.setup()

from django.core.management import call_command  # noqa: E402

import plans.services as services  # noqa: E402

WRITES_BEFORE_STOP = 3
real_set_target = services.set_target
calls = {"n": 0}


def slow_set_target(**kwargs):
    target = real_set_target(**kwargs)
    calls["n"] += 1
    if calls["n"] == WRITES_BEFORE_STOP:
        Path(sys.argv[2]).write_text("mid-import", encoding="utf-8")
        time.sleep(300)
    return target


services.set_target = slow_set_target
call_command("import_targets", sys.argv[1], "--plan", "78/KH-LĐLĐ")
