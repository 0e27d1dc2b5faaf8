# Two front-door commands: `make run` serves the demo, `make test` runs every test.
# Both go through `make setup`, which works on a fresh machine.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export SECRET_KEY_FILE ?= $(CURDIR)/.secret-key

.PHONY: setup run test lint format bench clean messages

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

.secret-key:
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

setup: $(VENV)/.installed .secret-key
	if [ -d locale/en ]; then $(PY) manage.py compilemessages --ignore=.venv -v 0; fi
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py collectstatic --noinput -v 0

run: setup
	$(PY) manage.py load_demo
	$(PY) manage.py ensure_demo_admin
	@echo "Mở http://127.0.0.1:$(PORT) — Serving http://127.0.0.1:$(PORT)"
	$(VENV)/bin/gunicorn config.wsgi:application --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 --timeout 60 --access-logfile -

test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format:
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages:
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=staticfiles --ignore=bench --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm .secret-key
