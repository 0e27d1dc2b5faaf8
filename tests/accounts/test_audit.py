"""The audit trail: who, when, before and after; searchable; read-only; scoped by role."""

import datetime

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from accounts import audit
from accounts.models import User
from organisation.models import Unit
from plans.demo import PEAK_CODE
from plans.forms import cell_name
from plans.models import Indicator, Period, Target
from plans.services import set_target


def _target_of(unit):
    period = Period.objects.get(code=PEAK_CODE)
    indicator = Indicator.objects.filter(plan=period.plan).first()
    return period, indicator


def _change_target(user, unit, value):
    period, indicator = _target_of(unit)
    with audit.acting_as(user):
        return set_target(period=period, unit=unit, indicator=indicator, value=value, user=user)


def test_every_history_model_is_collected():
    keys = {audit.model_key(m) for m in audit.tracked_models()}
    assert {"plans.target", "organisation.unit", "accounts.user", "plans.plan"} <= keys
    # A model gets into the log by declaring HistoricalRecords, nothing else.
    for model in audit.tracked_models():
        assert hasattr(model, model._meta.simple_history_manager_attribute)


def test_target_change_is_logged_with_before_and_after(admin_user, unit_a, client_for):
    client = client_for(admin_user)
    period, indicator = _target_of(unit_a)
    target = Target.objects.get(period=period, unit=unit_a, indicator=indicator)
    old = target.value
    url = reverse("plans:edit", args=[period.plan.pk, period.code])
    page = client.get(url)
    data = {}
    for row in page.context["rows"]:
        for cell in row["cells"]:
            data[cell["name"]] = str(cell["value"])
            data[cell["version_name"]] = str(cell["version"])
    data[cell_name(unit_a.pk, indicator.pk)] = str((old or 0) + 7)
    assert client.post(url, data).status_code == 302

    log = client.get(reverse("accounts:audit_log"), {"model": "plans.target", "user": "t.admin"})
    assert log.status_code == 200
    entry = log.context["entries"][0]
    assert entry.user == admin_user
    change = next(c for c in entry.changes if c.new == str((old or 0) + 7))
    assert change.old == (str(old) if old is not None else "—")

    history = client.get(reverse("accounts:object_history", args=["plans", "target", target.pk]))
    assert history.status_code == 200
    assert "t.admin" in history.content.decode()


def test_account_history_hides_password(admin_user, officer_a, client_for):
    officer_a.set_password("Mot-mat-khau-moi-1")
    officer_a.save()
    assert not hasattr(officer_a.history.model, "password")
    client = client_for(admin_user)
    response = client.get(
        reverse("accounts:object_history", args=["accounts", "user", officer_a.pk])
    )
    text = response.content.decode()
    assert "đổi mật khẩu" in text
    assert "pbkdf2" not in text and officer_a.password not in text


def test_sign_in_does_not_add_audit_rows(officer_a, client):
    from tests.conftest import PASSWORD

    before = officer_a.history.count()
    client.post(reverse("accounts:login"), {"username": officer_a.username, "password": PASSWORD})
    assert "_auth_user_id" in client.session
    officer_a.refresh_from_db()
    assert officer_a.last_login is not None
    assert officer_a.history.count() == before


def test_log_filters(admin_user, officer_a, unit_a, unit_b, client_for):
    # A unit officer allocates targets to the units below its own (can_assign_targets).
    below = Unit.objects.filter(ancestor_paths__ancestor=unit_a, ancestor_paths__depth=1).first()
    _change_target(officer_a, below, 11)
    _change_target(admin_user, unit_b, 22)
    client = client_for(admin_user)
    url = reverse("accounts:audit_log")

    by_user = client.get(url, {"user": "t.officer.a", "model": "plans.target"}).context["entries"]
    assert by_user and all(e.user == officer_a for e in by_user)

    by_text = client.get(url, {"q": "đổi mật khẩu"}).context["entries"]
    assert all(e.reason == "đổi mật khẩu" for e in by_text)

    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    assert client.get(url, {"date_from": tomorrow.isoformat()}).context["total"] == 0
    assert (
        client.get(url, {"date_from": today.isoformat(), "date_to": today.isoformat()}).context[
            "total"
        ]
        > 0
    )
    bad = client.get(url, {"date_from": "31/12/2024", "date_to": "01/01/2024"})
    assert bad.status_code == 200 and "phải sau" in bad.content.decode()
    assert client.get(url, {"page": "9999"}).status_code == 200
    assert client.get(url, {"page": "x", "date_from": "not a date"}).status_code == 200


def test_officer_sees_only_its_subtree(admin_user, officer_a, unit_a, unit_b, client_for):
    mine = _change_target(admin_user, unit_a, 31)
    theirs = _change_target(admin_user, unit_b, 32)
    client = client_for(officer_a)
    entries = client.get(reverse("accounts:audit_log"), {"model": "plans.target"}).context[
        "entries"
    ]
    units = {e.record.unit_id for e in entries}
    assert units == {unit_a.pk}
    assert (
        client.get(
            reverse("accounts:object_history", args=["plans", "target", mine.pk])
        ).status_code
        == 200
    )
    assert (
        client.get(
            reverse("accounts:object_history", args=["plans", "target", theirs.pk])
        ).status_code
        == 404
    )
    # Models with no unit of their own (plans) are province-only.
    plans_rows = client.get(reverse("accounts:audit_log"), {"model": "plans.plan"}).context
    assert plans_rows["total"] == 0


def test_viewer_reads_log_grassroots_officer_does_not(viewer_user, grassroots_officer, client_for):
    assert client_for(viewer_user).get(reverse("accounts:audit_log")).status_code == 200
    assert client_for(grassroots_officer).get(reverse("accounts:audit_log")).status_code == 403


def test_log_is_read_only(admin_user, client_for):
    client = client_for(admin_user)
    assert client.post(reverse("accounts:audit_log")).status_code == 405
    user_history = reverse("accounts:object_history", args=["accounts", "user", admin_user.pk])
    assert client.post(user_history).status_code == 405
    assert client.delete(user_history).status_code == 405


def test_admin_site_cannot_change_history(db, rf):
    superuser = User.objects.create(username="t.super", is_staff=True, is_superuser=True)
    request = rf.get("/admin/")
    request.user = superuser
    history_admins = []
    for model in audit.tracked_models():
        historical = audit.history_model(model)
        assert historical not in admin.site._registry, historical  # no admin page edits history
        model_admin = admin.site._registry.get(model)
        if isinstance(model_admin, SimpleHistoryAdmin):
            history_admins.append(model)
            # Each history page is view-only, even for a superuser: no "revert" button.
            assert model_admin.revert_disabled(request) is True, model
    assert history_admins, "no model admin shows history: the check above checked nothing"


def test_unknown_model_or_object_is_404(admin_user, client_for):
    client = client_for(admin_user)
    assert client.get("/accounts/audit/nope/model/1/").status_code == 404
    assert client.get("/accounts/audit/accounts/user/abc/").status_code == 404
    assert client.get("/accounts/audit/accounts/user/999999/").status_code == 404


def test_create_user_is_logged_with_command_as_actor(admin_user):
    user = User.objects.get(username="t.admin")
    first = user.history.last()
    assert first.history_type == "+" and first.history_user is None
