"""An import killed midway (SIGKILL, inside its transaction) leaves the database as it was."""

import signal
import sqlite3
import subprocess
import sys
import time

from tests.robustness._helpers import BASE_DIR, django_env, manage


def _snapshot(db):
    with sqlite3.connect(db) as conn:
        return {
            "targets": conn.execute(
                "SELECT id, value, version FROM plans_target ORDER BY id"
            ).fetchall(),
            "history": conn.execute("SELECT COUNT(*) FROM plans_historicaltarget").fetchone(),
            "notes": conn.execute("SELECT id, text FROM plans_unitnote ORDER BY id").fetchall(),
        }


def test_sigkill_during_import_targets_changes_nothing(tmp_path):
    db = tmp_path / "import.sqlite3"
    url = f"sqlite:///{db}"
    manage(url, "migrate", "--noinput", "-v", "0")
    manage(url, "load_demo")
    form = tmp_path / "bieu.xlsx"
    manage(url, "export_targets", "--plan", "78/KH-LĐLĐ", "--out", str(form))
    # The database moves away from the form, so importing the form has many cells to write.
    with sqlite3.connect(db) as conn:
        changed = conn.execute(
            "UPDATE plans_target SET value = value + 1000 WHERE value IS NOT NULL"
        ).rowcount
    assert changed > 10
    before = _snapshot(db)

    marker = tmp_path / "marker"
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.robustness._killable_import", str(form), str(marker)],
        cwd=BASE_DIR,
        env=django_env(url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the import never reached its third write"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL

    after = _snapshot(db)
    assert after == before
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    # The same import run to the end does change the database (the kill is what stopped it).
    manage(url, "import_targets", str(form), "--plan", "78/KH-LĐLĐ")
    assert _snapshot(db)["targets"] != before["targets"]
