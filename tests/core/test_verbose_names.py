"""Every field and model of the project's apps has a Vietnamese name (issue 13, item 7).

The audit log and the object history name a changed field by its verbose name, and the audit
filter's "Loại dữ liệu" lists the models by theirs: a field declared without one would show its
code name ("parent", "updated by"). The historical copies made by django-simple-history are
covered too: core.history.HistoricalRecords names the model "lịch sử …" and the library's own
columns (history_id, history_date, history_change_reason, history_type, history_user).
"""

import datetime

import pytest
from django.apps import apps
from django.contrib.auth.models import AbstractUser
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import camel_case_to_spaces

from accounts import audit
from accounts.models import Role, User
from accounts.services import set_active, update_account
from organisation.models import UnitKind
from organisation.services import move_unit
from tests.actors import SYSTEM
from tests.factories import make_unit, role_users, small_tree

PROJECT_APPS = {
    "accounts",
    "api",
    "campaign",
    "core",
    "emulation",
    "enterprises",
    "home",
    "organisation",
    "plans",
    "progress",
    "reports",
}
# Terms written the same in Vietnamese, allowed although pure ASCII.
ASCII_TERMS = {"CCCD", "Email", "URL", "MST", "API", "TT"}


def _project_models():
    return [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS]


def _fields(model):
    return [
        f for f in model._meta.get_fields() if getattr(f, "concrete", False) and not f.auto_created
    ]


def _declared_by_django(model, f) -> bool:
    """A field the project inherits from django.contrib.auth (AbstractUser)."""
    return issubclass(model, AbstractUser) and any(
        f.name == g.name for g in AbstractUser._meta.get_fields()
    )


def _is_vietnamese(text: str) -> bool:
    return not text.isascii() or text in ASCII_TERMS


def test_the_project_has_models_and_history_models():
    labels = {m._meta.label for m in _project_models()}
    assert {"organisation.Unit", "organisation.HistoricalUnitLink", "accounts.User"} <= labels


def test_every_field_has_an_explicit_vietnamese_verbose_name():
    missing = []
    with translation.override("vi"):
        for model in _project_models():
            for f in _fields(model):
                if _declared_by_django(model, f):
                    continue  # Django's own names; the audit log renames them, see below
                name = str(f.verbose_name)
                if (
                    name == f.name.replace("_", " ")
                    or not _is_vietnamese(name)
                    or not isinstance(f.verbose_name, Promise)  # _("…"), for the English UI
                ):
                    missing.append(f"{model._meta.label}.{f.name}: {name!r}")
    assert not missing, "fields without a Vietnamese verbose_name:\n" + "\n".join(missing)


def test_every_model_has_a_vietnamese_verbose_name():
    missing = []
    with translation.override("vi"):
        for model in _project_models():
            meta = model._meta
            default = camel_case_to_spaces(meta.object_name)
            for value, fallback in (
                (meta.verbose_name, default),
                (meta.verbose_name_plural, f"{meta.verbose_name}s"),
            ):
                text = str(value)
                if text == fallback or not _is_vietnamese(text) or not isinstance(value, Promise):
                    missing.append(f"{meta.label}: {text!r}")
    assert not missing, "models without a Vietnamese verbose_name:\n" + "\n".join(missing)


def test_history_models_and_their_own_columns_are_named_in_vietnamese():
    history = User.history.model
    with translation.override("vi"):
        assert str(history._meta.verbose_name) == "lịch sử tài khoản"
        names = {f.name: str(f.verbose_name) for f in history._meta.get_fields() if f.concrete}
    assert names["history_user"] == "người thực hiện"
    assert names["history_date"] == "thời điểm"
    assert names["history_type"] == "thao tác"
    assert names["history_change_reason"] == "lý do thay đổi"
    assert names["history_id"] == "mã lịch sử"


def test_every_account_field_the_log_shows_has_a_product_name():
    """Django's names of its auth fields ("trạng thái superuser", "tình trạng nhân viên",
    "Kích hoạt") are not the product's: the audit log names each one the product's way."""
    shown = [
        f.name
        for f in User._meta.concrete_fields
        if f.name not in audit.HIDDEN_FIELDS and not f.primary_key and f.editable
    ]
    for name in shown:
        f = User._meta.get_field(name)
        if _declared_by_django(User, f):
            assert name in audit.USER_FIELD_LABELS, name
    with translation.override("vi"):
        labels = {name: audit.field_label(User, User._meta.get_field(name)) for name in shown}
    assert labels["is_superuser"] == "quản trị toàn hệ thống"
    assert labels["is_staff"] == "vào trang quản trị Django"
    assert labels["is_active"] == "đang hoạt động"
    assert labels["role"] == "vai trò"  # the project's own field: its verbose name
    assert not any("superuser" in label or "nhân viên" in label for label in labels.values())


@pytest.fixture
def tree(db):
    return small_tree()


@pytest.fixture
def users(tree):
    return role_users(tree)


@pytest.fixture
def admin_client(users, client):
    client.force_login(users["admin_user"])
    return client


def _log(client, model_key):
    response = client.get(reverse("accounts:audit_log"), {"model": model_key})
    assert response.status_code == 200
    fields = {c.field for e in response.context["entries"] for c in e.changes}
    return response.content.decode(), fields


def test_audit_log_names_a_moved_units_parent_in_vietnamese(tree, admin_client):
    other = make_unit("Công đoàn ngành Giáo dục", UnitKind.INDUSTRY, parent=tree.province)
    move_unit(unit=tree.unit_a, new_parent=other, on_date=datetime.date(2025, 7, 1), user=SYSTEM)

    html, fields = _log(admin_client, "organisation.unitlink")
    assert {"đơn vị", "đơn vị cấp trên", "đến ngày"} <= fields
    assert "Đơn vị cấp trên" in html
    assert "Parent" not in html and "Child" not in html and "Valid to" not in html


def test_audit_log_names_account_changes_in_the_products_words(tree, users, admin_client):
    admin, officer = users["admin_user"], users["officer_b"]
    update_account(actor=admin, user=officer, role=Role.PROVINCE_ADMIN, unit=tree.province)
    set_active(actor=admin, user=officer, active=False)
    officer.refresh_from_db()
    officer.is_superuser = True
    officer.save()

    html, fields = _log(admin_client, "accounts.user")
    assert {"vai trò", "vào trang quản trị Django", "đang hoạt động"} <= fields
    assert "quản trị toàn hệ thống" in fields
    assert "Quản trị toàn hệ thống" in html and "Vào trang quản trị Django" in html
    assert "superuser" not in html.lower()
    assert "nhân viên" not in html and "Kích hoạt" not in html
