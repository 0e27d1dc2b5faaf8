"""config/gunicorn.py and config/wsgi.py: what `make run` serves with, and its overrides."""

import importlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _in_fresh_python(code: str, **env) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_two_workers_of_four_threads_unless_told():
    import config.gunicorn as served

    served = importlib.reload(served)
    assert (served.workers, served.threads, served.timeout) == (2, 4, 60)
    code = "import config.gunicorn as g; print(g.workers, g.threads)"
    assert _in_fresh_python(code, WEB_WORKERS="5", WEB_THREADS="2") == "5 2"


def test_make_run_serves_with_these_settings():
    lines = [line for line in (ROOT / "Makefile").read_text().splitlines() if "gunicorn" in line]
    assert any("config.wsgi" in line for line in lines)
    for line in lines:
        if "config.wsgi" in line:
            assert "-c config/gunicorn.py" in line
