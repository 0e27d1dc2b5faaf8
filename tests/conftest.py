"""Shared fixtures: the demo data set and one user per role (healthchecks-style)."""

import pytest
from django.db import connections

from accounts.models import Role
from accounts.services import create_user
from organisation.models import Unit
from tests.demo_snapshot import load_demo_for_test
from tests.factories import PASSWORD  # noqa: F401  (tests import it from here)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases, dropped cleanly on PostgreSQL.

    A thread still alive at the end of the session (the live server's request threads, a worker
    a test started) keeps its own connection, and PostgreSQL then refuses to drop the test
    database ("is being accessed by other users"), leaving it behind for the next run. Before
    pytest-django drops it, close this thread's connections and end every other session on it.
    """
    yield
    with django_db_blocker.unblock():
        for alias in connections:
            conn = connections[alias]
            if conn.vendor != "postgresql":
                continue
            name = conn.settings_dict["NAME"]
            with conn.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    [name],
                )
        connections.close_all()


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests don't depend on collectstatic's manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def demo(db):
    """The whole demo data set (seconds through the loader; replayed as rows after the first)."""
    load_demo_for_test()


@pytest.fixture
def province(demo):
    return Unit.objects.get(name="Liên đoàn Lao động tỉnh Lai Châu")


@pytest.fixture
def unit_a(demo):
    return Unit.objects.get(name="LĐLĐ huyện Mường Tè")


@pytest.fixture
def unit_b(demo):
    return Unit.objects.get(name="LĐLĐ huyện Tam Đường")


def _user(username, role, unit=None):
    return create_user(username=username, password=PASSWORD, role=role, unit=unit, validate=False)


@pytest.fixture
def admin_user(province):
    return _user("t.admin", Role.PROVINCE_ADMIN, province)


@pytest.fixture
def viewer_user(province):
    return _user("t.viewer", Role.PROVINCE_VIEWER, province)


@pytest.fixture
def officer_a(unit_a):
    return _user("t.officer.a", Role.UNIT_OFFICER, unit_a)


@pytest.fixture
def officer_b(unit_b):
    return _user("t.officer.b", Role.UNIT_OFFICER, unit_b)


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client signed in as user."""

    def sign_in(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return sign_in
