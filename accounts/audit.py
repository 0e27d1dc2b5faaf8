"""The audit trail: every change recorded by django-simple-history, read-only.

Every model carrying ``history = HistoricalRecords()`` shows up here without registration, so
models added later by other apps are covered automatically. Rows are filtered through
accounts.permissions.audit_unit_ids: a model's rows are tied to a unit by its own unit field
(``unit_field``); models without one are visible to province-level users only.

Personal data (core.masking.PERSONAL_FIELDS: CCCD, date of birth, ethnicity) follow the same rule
as on the member pages: shown in full only to users for whom
accounts.permissions.personal_data_unit_ids covers the row's unit, masked otherwise, and never
searchable by someone who could not see the value. ``describe`` marks entries that showed
personal data in full (``Entry.personal_shown``) so the views can log the access.
"""

import functools
from bisect import bisect_left
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from types import SimpleNamespace

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from accounts import permissions
from accounts.models import User
from core import masking
from core.history import history_model
from organisation.models import Unit

HISTORY_TYPES = {"+": gettext_lazy("Tạo mới"), "~": gettext_lazy("Sửa"), "-": gettext_lazy("Xoá")}
# Fields never shown: bookkeeping, or secrets (the password hash is not even stored).
HIDDEN_FIELDS = {"password", "last_login", "updated_at", "version", "name_key"}
UNIT_FIELD_PREFERENCE = ("unit", "union", "grassroots_union", "owner_unit", "responsible_unit")
# The account fields Django declares (AbstractUser) carry Django's own names ("trạng thái
# superuser", "tình trạng nhân viên", "Kích hoạt"); the trail names them in the product's words,
# as the account pages do (first_name holds the full name, accounts.services).
USER_FIELD_LABELS = {
    "username": gettext_lazy("tên đăng nhập"),
    "first_name": gettext_lazy("họ và tên"),
    "last_name": gettext_lazy("họ"),
    "email": gettext_lazy("thư điện tử"),
    "is_active": gettext_lazy("đang hoạt động"),
    "is_staff": gettext_lazy("vào trang quản trị Django"),
    "is_superuser": gettext_lazy("quản trị toàn hệ thống"),
    "date_joined": gettext_lazy("ngày tạo tài khoản"),
}


def tracked_models() -> list[type[models.Model]]:
    """Every model with a simple-history manager, in app order."""
    return list(_tracked_models())


@functools.cache
def _tracked_models() -> tuple[type[models.Model], ...]:
    # Once per process: reading ``Model.history`` builds a manager class (~0.3 ms a model).
    found = []
    for model in apps.get_models():
        attr = getattr(model._meta, "simple_history_manager_attribute", None)
        if attr and any(attr in vars(klass) for klass in model.__mro__):
            found.append(model)
    return tuple(found)


def model_key(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def get_model(app_label: str, model_name: str):
    for model in tracked_models():
        if (model._meta.app_label, model._meta.model_name) == (app_label, model_name.lower()):
            return model
    return None


def unit_field(model) -> str | None:
    """Attribute of the model's history rows naming the unit a row belongs to, if any."""
    if model is Unit:
        return "id"
    fks = [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model is Unit
    ]
    for name in UNIT_FIELD_PREFERENCE:
        for f in fks:
            if f.name == name:
                return f.attname
    return fks[0].attname if fks else None


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Entry:
    model: type
    record: object
    changes: list[Change] = field(default_factory=list)
    personal_shown: bool = False  # a personal data field was shown unmasked
    name: str | None = None  # the object's name, when describe_many worked it out already

    @property
    def model_label(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def model_key(self) -> str:
        return model_key(self.model)

    @property
    def history_url(self) -> str:
        meta = self.model._meta
        return reverse(
            "accounts:object_history", args=[meta.app_label, meta.model_name, self.object_id]
        )

    @property
    def object_id(self):
        return getattr(self.record, self.model._meta.pk.attname)

    @property
    def object_repr(self) -> str:
        if self.name is not None:
            return self.name
        try:
            return str(self.record.instance)
        except Exception:  # noqa: BLE001 - a history row may refer to deleted relations
            return f"#{self.object_id}"

    @property
    def action(self) -> str:
        return str(HISTORY_TYPES.get(self.record.history_type, self.record.history_type))

    @property
    def user(self):
        return self.record.history_user

    @property
    def date(self) -> datetime:
        return self.record.history_date

    @property
    def reason(self) -> str:
        return self.record.history_change_reason or ""


def _scoped(model, queryset, user):
    ids = permissions.audit_unit_ids(user)
    if ids is None:
        return queryset
    name = unit_field(model)
    if name is None:
        return queryset.none()
    return queryset.filter(**{f"{name}__in": ids})


def personal_scope(user) -> set[int] | None:
    """personal_data_unit_ids(user), computed once per user object (one query per page)."""
    cached = getattr(user, "_audit_personal_scope", False)
    if cached is False:
        cached = permissions.personal_data_unit_ids(user)
        try:
            user._audit_personal_scope = cached
        except AttributeError:  # AnonymousUser and friends
            pass
    return cached


def _text_q(model, text: str, user=None) -> Q:
    hist = history_model(model)
    q = Q(history_change_reason__icontains=text) | Q(history_user__username__icontains=text)
    allowed = personal_scope(user)
    unit_name = unit_field(model)
    for f in hist._meta.concrete_fields:
        if f.name in HIDDEN_FIELDS or f.name.startswith("history_"):
            continue
        if not isinstance(f, models.CharField | models.TextField):
            continue
        if masking.is_personal(f.name):
            # Only rows whose value the user may see in full: no search as an oracle.
            if allowed is None:
                q |= Q(**{f"{f.name}__icontains": text})
            elif allowed and unit_name is not None:
                q |= Q(**{f"{f.name}__icontains": text, f"{unit_name}__in": allowed})
            continue
        q |= Q(**{f"{f.name}__icontains": text})
    if text.isdecimal():  # not "²": isdigit() but int() refuses it
        q |= Q(**{model._meta.pk.attname: int(text)})
    return q


def history_rows(
    user,
    model,
    *,
    object_id=None,
    username: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    text: str = "",
):
    qs = history_model(model).objects.select_related("history_user")
    qs = _scoped(model, qs, user)
    if object_id is not None:
        qs = qs.filter(**{model._meta.pk.attname: object_id})
    if username:
        qs = qs.filter(history_user__username__icontains=username)
    if date_from:
        qs = qs.filter(history_date__date__gte=date_from)
    if date_to:
        qs = qs.filter(history_date__date__lte=date_to)
    if text:
        qs = qs.filter(_text_q(model, text, user))
    return qs.order_by("-history_date", "-history_id")


def search(user, *, model_keys=None, limit=50, offset=0, **filters) -> tuple[list[Entry], int]:
    """One page of the log across the tracked models, newest first, and the total count."""
    chosen = [m for m in tracked_models() if not model_keys or model_key(m) in model_keys]
    total = 0
    merged = []
    for model in chosen:
        qs = history_rows(user, model, **filters)
        total += qs.count()
        merged.extend(
            (row.history_date, row.history_id, model, row) for row in qs[: offset + limit]
        )
    merged.sort(key=lambda item: (item[0], item[1]), reverse=True)
    page = merged[offset : offset + limit]
    return describe_many([(model, row) for _d, _i, model, row in page], user=user), total


class Lookups:
    """What describing many entries reads once: related objects, one query per related model
    (``load``; ``get`` reads one more object if it was not loaded), and the translated field
    labels and choice labels (one gettext each, not one per row: 10 000 entries of 15 changes
    spent seconds in gettext). Made per request: the language and the data may change."""

    def __init__(self):
        self._objects: dict[type, dict] = {}
        self._labels: dict = {}
        self._choices: dict = {}

    def label(self, model, f) -> str:
        if (model, f) not in self._labels:
            self._labels[model, f] = field_label(model, f)
        return self._labels[model, f]

    def choice(self, f, value) -> str:
        if f not in self._choices:
            self._choices[f] = {k: str(v) for k, v in f.flatchoices}
        return self._choices[f].get(value, str(value))

    def load(self, model, pks) -> None:
        known = self._objects.setdefault(model, {})
        missing = {pk for pk in pks if pk is not None and pk not in known}
        if missing:
            found = model._default_manager.in_bulk(missing)
            for pk in missing:
                known[pk] = found.get(pk)

    def get(self, model, pk):
        if pk not in self._objects.get(model, {}):
            self.load(model, [pk])
        return self._objects[model].get(pk)


def _foreign_keys(model) -> list:
    """The model's foreign keys to a primary key (what Lookups reads by)."""
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.target_field.primary_key
    ]


def previous_rows(model, records) -> dict[int, object]:
    """history_id → the object's previous history row (the one before it in time), for the
    records that are not creations: one query per model instead of ``prev_record`` per row.
    Rows of the same instant: the one with the higher history_id comes later."""
    attname = model._meta.pk.attname
    wanted = [r for r in records if r.history_type != "+"]
    if not wanted:
        return {}
    versions: dict = {}
    older = history_model(model).objects.filter(
        **{f"{attname}__in": {getattr(r, attname) for r in wanted}},
        history_date__lt=max(r.history_date for r in wanted),
    )
    for row in older.order_by("history_date", "history_id"):
        versions.setdefault(getattr(row, attname), []).append(row)
    dates = {key: [v.history_date for v in rows] for key, rows in versions.items()}
    found = {}
    for record in wanted:
        key = getattr(record, attname)
        before = bisect_left(dates.get(key, []), record.history_date)
        found[record.history_id] = versions[key][before - 1] if before else None
    return found


def describe_many(pairs, *, user=None) -> list[Entry]:
    """``describe`` for many (model, history row) pairs, in their order, with the previous rows,
    the related objects shown as values and the objects' names read in bulk."""
    by_model: dict = {}
    for model, record in pairs:
        by_model.setdefault(model, []).append(record)
    lookups = Lookups()
    previous: dict = {}
    for model, records in by_model.items():
        previous[model] = previous_rows(model, records)
        rows = records + [p for p in previous[model].values() if p is not None]
        for f in _foreign_keys(model):
            lookups.load(f.related_model, {getattr(r, f.attname) for r in rows})
    entries = []
    for model, record in pairs:
        before = previous[model].get(record.history_id)
        entry = describe(model, record, user=user, previous=before, lookups=lookups)
        entry.name = _object_name(model, record, lookups)
        entries.append(entry)
    return entries


def _object_name(model, record, lookups: Lookups) -> str:
    """str() of the object as the row recorded it, its related objects taken from lookups."""
    try:
        instance = record.instance
        for f in _foreign_keys(model):
            value = getattr(instance, f.attname)
            related = lookups.get(f.related_model, value) if value is not None else None
            if related is not None:
                f.set_cached_value(instance, related)
        return str(instance)
    except Exception:  # noqa: BLE001 - a history row may refer to deleted relations
        return f"#{getattr(record, model._meta.pk.attname)}"


_UNKNOWN = object()


def describe(model, record, *, user=None, previous=_UNKNOWN, lookups=None) -> Entry:
    """The row's changes for display; personal fields masked unless user may see them.
    ``previous``: the object's previous history row when known (None for none), else it is
    read; ``lookups``: related objects already read (see ``describe_many``)."""
    entry = Entry(model=model, record=record)
    lookups = lookups or Lookups()
    unit_name = unit_field(model)
    unit_id = getattr(record, unit_name, None) if unit_name else None
    sees_personal = user is not None and (
        personal_scope(user) is None
        or (unit_id is not None and masking.sees_unit(personal_scope(user), unit_id))
    )
    if record.history_type == "+":
        previous = None
    elif previous is _UNKNOWN:
        previous = record.prev_record
    for f in model._meta.concrete_fields:
        if f.name in HIDDEN_FIELDS or f.primary_key or not f.editable:
            continue
        if not hasattr(record, f.attname):
            continue
        new = getattr(record, f.attname)
        old = getattr(previous, f.attname) if previous is not None else None
        if record.history_type == "-" or (previous is not None and old == new):
            continue
        if previous is None and new in (None, "", False):
            continue
        if masking.is_personal(f.name) and not sees_personal:
            shown_old = masking.mask_field(f.name, old) or "—"
            shown_new = masking.mask_field(f.name, new) or "—"
        else:
            shown_old = display_value(f, old, lookups=lookups)
            shown_new = display_value(f, new, lookups=lookups)
            if masking.is_personal(f.name):
                entry.personal_shown = True
        entry.changes.append(Change(lookups.label(model, f), shown_old, shown_new))
    return entry


def field_label(model, f) -> str:
    """The name a change of field f is shown under: its verbose name, in the product's words
    for the account fields Django declares."""
    if model is User and f.name in USER_FIELD_LABELS:
        return str(USER_FIELD_LABELS[f.name])
    return str(f.verbose_name)


def log_shown(user, entries: list[Entry], *, purpose: str, path: str = "") -> None:
    """Processing log (Decree 13/2023) for the entries that showed personal data in full."""
    masking.log_personal_data_access(
        user,
        purpose=purpose,
        subjects=[(e.model._meta.label_lower, e.object_id) for e in entries if e.personal_shown],
        path=path,
    )


def display_value(f, value, *, lookups: Lookups | None = None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(f, models.BooleanField):
        return _("Có") if value else _("Không")
    if f.choices:
        if lookups is not None:
            return lookups.choice(f, value)
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.ForeignKey):
        if lookups is not None and f.target_field.primary_key:
            related = lookups.get(f.related_model, value)
        else:
            related = f.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    if isinstance(f, models.DateTimeField):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(f, models.DateField):
        return value.strftime("%d/%m/%Y")
    return str(value)


@contextmanager
def acting_as(user):
    """Attribute changes made outside a request (commands, scripts) to user in the trail.

    with audit.acting_as(user): services.do_something(...)

    A ``permissions.SystemActor`` has no account: its rows name no user and carry the command
    as their change reason ("lệnh import_members"), see ``name_the_command``.
    """
    context = HistoricalRecords.context
    had = hasattr(context, "request")
    previous = getattr(context, "request", None)
    previous_command = getattr(context, "system_command", None)
    account = permissions.recorded_user(user)
    context.request = SimpleNamespace(user=account if account is not None else AnonymousUser())
    context.system_command = getattr(user, "command", None) if account is None else None
    try:
        yield
    finally:
        context.system_command = previous_command
        if had:
            context.request = previous
        else:
            del context.request


def reason_for(user) -> str | None:
    """The change reason of rows written in bulk by user: a system actor's command, else none
    (bulk writes skip the pre_create_historical_record signal that names it row by row)."""
    command = getattr(user, "command", None) if permissions.recorded_user(user) is None else None
    command = command or getattr(HistoricalRecords.context, "system_command", None)
    return f"lệnh {command}"[:100] if command else None


def name_the_command(sender, history_instance, **kwargs):
    """pre_create_historical_record: a row written by a system actor names its command."""
    command = getattr(HistoricalRecords.context, "system_command", None)
    if not command:
        return
    reason = history_instance.history_change_reason
    text = f"lệnh {command}: {reason}" if reason else f"lệnh {command}"
    history_instance.history_change_reason = text[:100]
