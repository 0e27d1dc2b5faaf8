"""Hardening: lock-out, password rules, session expiry, CSRF, headers, deploy checks, secrets."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD

BASE_DIR = Path(settings.BASE_DIR)


def _login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_five_failures_lock_the_account_out(officer_a, client):
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
    # Another account from the same address is not locked (lock-out is per user name).
    assert settings.AXES_FAILURE_LIMIT == 5


def test_lockout_is_per_user_name(officer_a, officer_b, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, officer_a.username, "sai")
    response = _login(Client(), officer_b.username, PASSWORD)
    assert response.status_code == 302


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


def test_production_refuses_to_start_without_a_secret_key():
    env = _production_env()
    env.pop("SECRET_KEY")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
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
