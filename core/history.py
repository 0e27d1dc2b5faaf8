"""django-simple-history's ``HistoricalRecords`` with Vietnamese names for what it adds.

Every model's history is declared with this class (``history = HistoricalRecords()``), so the
historical copy of a model is named "lịch sử <model>" instead of "historical <model>" and the
bookkeeping columns the library adds (history_id, history_date, history_change_reason,
history_type, history_user) carry Vietnamese verbose names like every other field
(tests/core/test_verbose_names.py). The library offers options only for two of those columns
(``history_id_field``, ``history_change_reason_field``); the names are therefore given to the
fields the library builds, before they are bound to the historical model, which changes
nothing in the database.

Who did a change (``history_user``, and the "entered by" columns of the rows imports write by
the thousand, ``attribution``) is kept without a database constraint. Accounts are locked,
never deleted, by the product; a deletion in the admin still sets these columns to NULL, done
by Django (``on_delete``), as simple-history already leaves every other key of a history row
unconstrained. A constraint there only cost: PostgreSQL checks each new row's user at the
commit (Django defers the checks), one lookup and row lock a row: an officer's 20 000-member
import made 60 000 such checks (its members' history rows, its records and theirs) beside the
60 000 of its units and members.
"""

import functools

from django.conf import settings
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history import models as simple_history

# The labels the audit log's columns already use (accounts/templates/accounts/_entries.html).
HISTORY_FIELD_NAMES = {
    "history_id": _("mã lịch sử"),
    "history_date": _("thời điểm"),
    "history_change_reason": _("lý do thay đổi"),
    "history_type": _("thao tác"),
    "history_user": _("người thực hiện"),
}


@functools.cache
def history_model(model):
    """The historical model of a tracked model. ``Model.history`` builds a new manager class
    on every access (simple-history's descriptor, about 0.3 ms each): read it once."""
    return getattr(model, model._meta.simple_history_manager_attribute).model


def attribution(verbose_name, **options) -> models.ForeignKey:
    """The account that entered a row (nullable, kept without a database constraint: see
    the module's note)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
        db_constraint=False,
        **options,
    )


class HistoricalRecords(simple_history.HistoricalRecords):
    def __init__(self, *args, user_db_constraint=False, **kwargs):
        super().__init__(*args, user_db_constraint=user_db_constraint, **kwargs)

    def get_extra_fields(self, model, fields):
        extra = super().get_extra_fields(model, fields)
        for name, label in HISTORY_FIELD_NAMES.items():
            field = extra.get(name)
            if isinstance(field, models.Field) and field.verbose_name is None:
                # As if passed to the constructor: Field.__init__ keeps the argument in
                # _verbose_name too, which deconstruct() (hence the migrations) reads.
                field.verbose_name = field._verbose_name = label
        return extra

    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        if not self.user_set_verbose_name:
            options["verbose_name"] = format_lazy(_("lịch sử {}"), model._meta.verbose_name)
        if not self.user_set_verbose_name_plural:
            options["verbose_name_plural"] = format_lazy(
                _("lịch sử {}"), model._meta.verbose_name_plural
            )
        return options
