"""The WSGI application gunicorn serves (``make run``, bench/load_test.py).

A worker's threads share one interpreter lock. A thread whose database answer has arrived waits
for that lock until the thread holding it lets go, which CPython asks for only after the
"switch interval" (5 ms by default): a request making 20 queries could wait 20 such turns while
another thread draws a page. ``GIL_SWITCH_INTERVAL_MS`` (default 1) shortens the turn; see
README "Unit lists and load" for what it changed under load.
"""

import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.setswitchinterval(float(os.environ.get("GIL_SWITCH_INTERVAL_MS", "1")) / 1000)

application = get_wsgi_application()
