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


def test_the_wsgi_module_shortens_the_interpreter_lock_turn():
    code = "import sys, config.wsgi; print(sys.getswitchinterval())"
    assert float(_in_fresh_python(code)) == 0.001
    assert float(_in_fresh_python(code, GIL_SWITCH_INTERVAL_MS="5")) == 0.005
    for line in (ROOT / "Makefile").read_text().splitlines():
        if "gunicorn" in line and "config.wsgi" in line:
            assert "-c config/gunicorn.py" in line
