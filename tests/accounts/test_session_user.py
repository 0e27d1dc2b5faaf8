"""accounts.middleware.AuthenticationMiddleware: the signed-in account read by one hand-written
query (accounts.selectors.user_with_unit) behaves as Django's ``auth.get_user``."""

from django.contrib.auth import get_user as django_get_user
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.middleware import session_user
from accounts.models import User
from accounts.selectors import user_with_unit

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _request(client):
    """A request carrying the client's session, as the middleware sees it."""
    from django.test import RequestFactory

    from core.sessions import SessionStore

    request = RequestFactory().get("/")
    request.session = SessionStore(client.session.session_key)
    return request


def test_the_same_account_as_the_orm_with_its_unit_loaded(officer_a, admin_user):
    for user in (officer_a, admin_user):
        loaded = user_with_unit(user.pk)
        orm = User.objects.get(pk=user.pk)
        names = [f.attname for f in User._meta.concrete_fields]
        assert [getattr(loaded, n) for n in names] == [getattr(orm, n) for n in names]
        unit = orm.unit
        with CaptureQueriesContext(connection) as queries:
            assert loaded.unit == unit and loaded.unit.name == unit.name
        assert len(queries) == 0
    assert user_with_unit(987654321) is None
    assert user_with_unit("not a number") is None


def test_as_django_reads_it(client, officer_a):
    client.force_login(officer_a, backend=BACKEND)
    ours, django = session_user(_request(client)), django_get_user(_request(client))
    assert ours == django and ours.is_authenticated
    # Deactivated: nobody (ModelBackend.user_can_authenticate).
    User.objects.filter(pk=officer_a.pk).update(is_active=False)
    assert not session_user(_request(client)).is_authenticated
    assert not django_get_user(_request(client)).is_authenticated


def test_a_changed_password_ends_the_session(client, officer_a):
    client.force_login(officer_a, backend=BACKEND)
    assert client.get(reverse("plans:list")).status_code == 200
    officer_a.set_password("another-long-passphrase-9")
    officer_a.save()
    response = client.get(reverse("plans:list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_page_reads_the_account_and_its_unit_in_one_query(client, officer_a):
    client.force_login(officer_a, backend=BACKEND)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("plans:list"))
    reads = [q["sql"] for q in queries if "accounts_user" in q["sql"]]
    assert len(reads) == 1 and "organisation_unit" in reads[0]
    assert not any(q["sql"].startswith('SELECT u."id"') for q in queries)  # no second unit read
