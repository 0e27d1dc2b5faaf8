"""Hardening: lock-out, password rules, session expiry, CSRF, headers, deploy checks, secrets."""

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.middleware import REFRESHED_KEY
from accounts.models import Role
from tests.factories import PASSWORD, make_user, small_tree
from tests.project_copy import copy_project, manage

BASE_DIR = Path(settings.BASE_DIR)


# Sign-in, sessions and headers need a province, two districts and their accounts, not the
# whole demo data set: the conftest's fixtures, rebuilt small.
@pytest.fixture
def tree(db):
    return small_tree()


@pytest.fixture
def admin_user(tree):
    return make_user("t.admin", Role.PROVINCE_ADMIN, tree.province)


@pytest.fixture
def officer_a(tree):
    return make_user("t.officer.a", Role.UNIT_OFFICER, tree.unit_a)


@pytest.fixture
def officer_b(tree):
    return make_user("t.officer.b", Role.UNIT_OFFICER, tree.unit_b)


def _login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_five_failures_lock_the_account_out(officer_a, officer_b, client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, officer_a.username, "sai-mat-khau")
        assert response.status_code == 200
    locked = _login(client, officer_a.username, "sai-mat-khau")
    assert locked.status_code in (403, 429)
    text = locked.content.decode()
    assert "Tạm khoá đăng nhập" in text and "15 phút" in text
    # Even the right password is refused while locked, and nobody is signed in.
    again = _login(client, officer_a.username, PASSWORD)
    assert again.status_code in (403, 429)
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked: it signs in.
    other = Client()
    assert _login(other, officer_b.username, PASSWORD).status_code == 302
    assert other.session["_auth_user_id"] == str(officer_b.pk)


def test_a_user_name_locked_from_one_address_still_signs_in_from_another(officer_a):
    """Five wrong tries for the administrator's name from anywhere no longer lock them out."""
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(attacker, officer_a.username, "sai")
    assert _login(attacker, officer_a.username, PASSWORD).status_code in (403, 429)
    office = Client(REMOTE_ADDR="10.1.2.3")
    assert _login(office, officer_a.username, PASSWORD).status_code == 302
    assert office.session["_auth_user_id"] == str(officer_a.pk)


def test_many_user_names_from_one_address_lock_the_address(officer_a, officer_b, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8
    sprayer = Client(REMOTE_ADDR="203.0.113.7")
    # Fewer than five tries per name, so no single user name is locked ...
    for n in range(settings.AXES_ADDRESS_FAILURE_LIMIT):
        response = _login(sprayer, f"khong-co-{n}", "sai")
    assert response.status_code in (403, 429)
    assert "Tạm khoá đăng nhập" in response.content.decode()
    # ... but the address is: even a right password from it is refused.
    assert _login(sprayer, officer_b.username, PASSWORD).status_code in (403, 429)
    assert "_auth_user_id" not in sprayer.session
    # Other addresses are not affected.
    assert _login(Client(REMOTE_ADDR="10.1.2.3"), officer_b.username, PASSWORD).status_code == 302


def test_an_office_behind_one_address_has_room_for_typos(officer_a, officer_b):
    """A district office shares one NAT address: one officer's five typos lock only that
    officer's name there, and a colleague's sign-in does not wipe the office's count."""
    office = "10.20.30.40"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(REMOTE_ADDR=office), officer_a.username, "sai")
    colleague = Client(REMOTE_ADDR=office)
    assert _login(colleague, officer_b.username, PASSWORD).status_code == 302
    assert _login(Client(REMOTE_ADDR=office), officer_a.username, PASSWORD).status_code in (
        403,
        429,
    )


def test_success_before_limit_resets_the_count(officer_a, client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, officer_a.username, "sai")
    assert _login(client, officer_a.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, officer_a.username, "sai")
    assert _login(client, officer_a.username, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "password",
    ["12345678", "password", "ngan", "t.officer.a1", "99999999999"],
)
def test_password_validators_refuse_weak_passwords(password, officer_a):
    with pytest.raises(ValidationError):
        validate_password(password, officer_a)


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("Ab1!", "Mật khẩu quá ngắn: cần ít nhất 8 ký tự."),
        ("password", "Mật khẩu này quá phổ biến, dễ bị đoán."),
        ("8203945713", "Mật khẩu không được chỉ gồm chữ số."),
        ("t.officer.a", "Mật khẩu quá giống"),
    ],
)
def test_password_messages_are_in_vietnamese(password, expected, officer_a):
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        validate_password(password, officer_a)
    messages = refused.value.messages
    assert any(m.startswith(expected) for m in messages), messages
    english = ("password", "This ", "must contain", "too ", "entirely")
    assert not any(word in m for m in messages for word in english), messages


def test_password_help_texts_are_in_vietnamese():
    with translation.override("vi"):
        texts = password_validators_help_texts()
    assert len(texts) == 4
    assert all(text.startswith("Mật khẩu") for text in texts), texts


def test_password_validators_accept_a_good_one(officer_a):
    validate_password("Lai-Chau-Tam-Duong-2024", officer_a)
    names = {v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert names >= {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }


def test_session_expires(officer_a, client):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_HTTPONLY
    assert _login(client, officer_a.username, PASSWORD).status_code == 302
    assert client.get(reverse("plans:list")).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    session.expire_date = timezone.now() - timezone.timedelta(seconds=1)
    session.save()
    response = client.get(reverse("plans:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _writes(queries):
    verbs = ("INSERT", "UPDATE", "DELETE", "REPLACE")
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(verbs)]


def test_pages_do_not_write_the_session_on_every_request(officer_a, client):
    """On SQLite a write per GET queued every page behind a long import: reading writes nothing."""
    assert not settings.SESSION_SAVE_EVERY_REQUEST
    assert _login(client, officer_a.username, PASSWORD).status_code == 302
    client.get(reverse("plans:list"))  # the first page after signing in starts the idle clock
    pages = [reverse(name) for name in ("plans:list", "progress:dashboard_home", "reports:list")]
    with CaptureQueriesContext(connection) as queries:
        for url in pages * 2:
            assert client.get(url).status_code < 400, url
    assert _writes(queries.captured_queries) == []


def test_activity_keeps_the_session_alive_and_idleness_ends_it(officer_a, client, settings):
    """Sessions still end after 8 idle hours: a request after the refresh interval moves the
    expiry forward (one write), a request inside it does not."""
    assert _login(client, officer_a.username, PASSWORD).status_code == 302
    client.get(reverse("plans:list"))
    key = client.session.session_key
    # As if the session had been refreshed 7 hours ago and not since.
    stale = timezone.now() + timezone.timedelta(hours=1)
    session = client.session
    session[REFRESHED_KEY] = int(time.time()) - 7 * 3600
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=stale)
    assert client.get(reverse("plans:list")).status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + timezone.timedelta(hours=7, minutes=59)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("plans:list")).status_code == 200
    assert _writes(queries.captured_queries) == []
    assert Session.objects.get(session_key=key).expire_date == renewed
    # Idle past the expiry: signed out.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timezone.timedelta(seconds=1)
    )
    response = client.get(reverse("plans:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_signing_out_is_not_undone_by_the_refresh(officer_a, client):
    assert _login(client, officer_a.username, PASSWORD).status_code == 302
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("plans:list")).status_code == 302


def test_csrf_is_enforced_on_forms(admin_user):
    client = Client(enforce_csrf_checks=True)
    assert _login(client, admin_user.username, PASSWORD).status_code == 403
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    for name in ("accounts:user_create", "accounts:logout"):
        assert client.post(reverse(name), {}).status_code == 403, name
    page = client.get(reverse("accounts:user_create"))
    token = page.context["csrf_token"]
    assert (
        client.post(reverse("accounts:user_create"), {"csrfmiddlewaretoken": token}).status_code
        == 200
    )


def test_every_form_carries_a_csrf_token(admin_user, client_for):
    client = client_for(admin_user)
    for name in ("accounts:user_create", "accounts:user_list", "plans:list"):
        html = client.get(reverse(name)).content.decode()
        assert html.count("<form") == html.count("csrfmiddlewaretoken") + html.count(
            'method="get"'
        ), name


def test_security_headers_and_csp(client):
    response = client.get(reverse("accounts:login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def _production_env(**extra):
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; production never has it.
    drop = {"SECRET_KEY_FILE", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        SECURE_SSL="1",
        ALLOWED_HOSTS="union.example.vn",
        PYTHONPATH=str(BASE_DIR),
    )
    env.update(extra)
    return env


def test_check_deploy_is_clean_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    """No SECRET_KEY, no SECRET_KEY_FILE and no `.secret-key` beside manage.py: no start."""
    project = copy_project(tmp_path / "project")
    env = _production_env()
    env.pop("SECRET_KEY")
    env["PYTHONPATH"] = str(project)
    result = manage(project, "check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_no_secret_or_database_password_in_the_source():
    text = (BASE_DIR / "config" / "settings.py").read_text(encoding="utf-8")
    assert "postgres://" not in text and "PASSWORD'" not in text
    assert 'envsecret(\n    "SECRET_KEY"' in text or 'envsecret("SECRET_KEY"' in text
    assert "dj_database_url.config(" in text  # DATABASE_URL from the environment


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("plans:list"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
