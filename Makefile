# Two front-door commands: `make run` serves the demo, `make test` runs every test.
# Both go through `make setup`, which works on a fresh machine (it checks what it needs first).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# `make bench`: a scratch database of its own (never db.sqlite3) and the quick sizes.
BENCH_DATABASE_URL ?= sqlite:////tmp/union-bench-quick.sqlite3
# The page sizes load the demo: a scratch database of their own too.
BENCH_PAGES_DATABASE_URL ?= sqlite:////tmp/union-bench-pages.sqlite3
BENCH_IMPORT_DATABASE_URL ?= sqlite:////tmp/union-bench-import.sqlite3
BENCH_SCALE ?= 0.01

.PHONY: prerequisites setup run test lint format bench clean messages

# Say what to install instead of failing halfway with a cryptic error.
prerequisites:
	@command -v $(PYTHON) >/dev/null 2>&1 || { \
	  echo "Thiếu Python 3.11 ($(PYTHON)). Cài: sudo apt-get install python3.11 python3.11-venv"; \
	  echo "Missing Python 3.11 ($(PYTHON)); install python3.11 and python3.11-venv (or set PYTHON=...)."; \
	  exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { \
	  echo "$(PYTHON) không phải Python 3.11 — $(PYTHON) is not Python 3.11 (set PYTHON=python3.11)."; \
	  exit 1; }
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { \
	  echo "Python 3.11 thiếu venv. Cài: sudo apt-get install python3.11-venv"; \
	  echo "Python 3.11 has no venv/ensurepip; install python3.11-venv."; \
	  exit 1; }
	@command -v msgfmt >/dev/null 2>&1 || { \
	  echo "Thiếu gettext (msgfmt, để dịch giao diện). Cài: sudo apt-get install gettext"; \
	  echo "Missing gettext (msgfmt, compiles the translations); install gettext."; \
	  exit 1; }

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

# Readable by its owner only; settings read it when the environment names no secret key.
.secret-key:
	umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

setup: prerequisites $(VENV)/.installed .secret-key
	chmod 600 .secret-key $(wildcard db.sqlite3 db.sqlite3-wal db.sqlite3-shm .demo-admin-password)
	if [ -d locale/en ]; then $(PY) manage.py compilemessages --ignore=.venv -v 0; fi
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py collectstatic --noinput -v 0

run: setup
	$(PY) manage.py load_demo
	$(PY) manage.py ensure_demo_admin
	@echo "Mở http://127.0.0.1:$(PORT) — Serving http://127.0.0.1:$(PORT)"
	$(VENV)/bin/gunicorn -c config/gunicorn.py config.wsgi:application --bind 127.0.0.1:$(PORT) --access-logfile -

test: setup $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# The quick benchmarks of bench/ (a few minutes); the full sizes are in the README.
bench: setup
	rm -f $(addsuffix *,$(patsubst sqlite:///%,%,$(filter sqlite:///%,$(BENCH_DATABASE_URL) $(BENCH_PAGES_DATABASE_URL) $(BENCH_IMPORT_DATABASE_URL))))
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/progress_bench.py --scale $(BENCH_SCALE) --pages --baselines
	DATABASE_URL=$(BENCH_PAGES_DATABASE_URL) $(PY) bench/page_sizes.py
	DATABASE_URL=$(BENCH_PAGES_DATABASE_URL) $(PY) bench/dashboard_profile.py --repeat 10
	DATABASE_URL=$(BENCH_IMPORT_DATABASE_URL) $(PY) bench/import_bench.py
	rm -f /tmp/union-bench-units.sqlite3*
	DATABASE_URL=sqlite:////tmp/union-bench-units.sqlite3 $(PY) bench/units_bench.py --units 1500
	rm -f /tmp/union-bench-refresh.sqlite3*
	DATABASE_URL=sqlite:////tmp/union-bench-refresh.sqlite3 $(PY) bench/refresh_bench.py
	$(PY) bench/excel_bench.py --rows 3000
	rm -f /tmp/union-bench-load.sqlite3*
	DATABASE_URL=sqlite:////tmp/union-bench-load.sqlite3 $(PY) bench/load_test.py --users 20 --seconds 15 --rate 40

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages:
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=staticfiles --ignore=bench --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm .secret-key
