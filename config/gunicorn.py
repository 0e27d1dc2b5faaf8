"""gunicorn's settings, one place for `make run`, a deployment and bench/load_test.py:
``gunicorn -c config/gunicorn.py config.wsgi:application --bind HOST:PORT``.

Two worker processes of a few threads each suit the 2-core machines we measure on: a process's
threads take turns on one interpreter lock, so more threads add waiting, not work
(README "Unit lists and load"). ``WEB_WORKERS`` / ``WEB_THREADS`` change them; a request
never holds a worker longer than ``timeout`` seconds.
"""

import os

workers = int(os.environ.get("WEB_WORKERS", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 60
