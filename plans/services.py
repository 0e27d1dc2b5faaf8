"""Writes to plans and targets. Each runs in one transaction and refuses stale edits."""

from django.db import transaction
from django.utils.translation import gettext as _

from plans.models import Indicator, Period, Target, UnitNote


class StaleEdit(Exception):
    """Someone else saved this target after it was loaded; nothing was overwritten."""


class TargetError(ValueError):
    pass


@transaction.atomic
def set_target(
    *,
    period: Period,
    unit,
    indicator: Indicator,
    value: int | None,
    note: str | None = None,
    encouraged: bool | None = None,
    user=None,
    expected_version: int | None = None,
) -> Target:
    if indicator.plan_id != period.plan_id:
        raise TargetError(_("Chỉ tiêu không thuộc kế hoạch của đợt này."))
    if value is not None and value < 0:
        raise TargetError(_("Chỉ tiêu không được là số âm."))
    target, created = Target.objects.select_for_update().get_or_create(
        period=period, unit=unit, indicator=indicator, defaults={"value": value}
    )
    if not created and expected_version is not None and target.version != expected_version:
        raise StaleEdit(
            _(
                "Chỉ tiêu “%(ind)s” của %(unit)s vừa được người khác sửa; "
                "hãy tải lại trang và nhập lại."
            )
            % {"ind": indicator.header, "unit": unit.name}
        )
    target.value = value
    if note is not None:
        target.note = note
    if encouraged is not None:
        target.encouraged = encouraged
    if user is not None and user.is_authenticated:
        target.updated_by = user
    if not created:
        target.version += 1
    target.save()
    return target


@transaction.atomic
def set_unit_note(*, period: Period, unit, text: str, encouraged: bool = False) -> UnitNote:
    note, _created = UnitNote.objects.update_or_create(
        period=period, unit=unit, defaults={"text": text, "encouraged": encouraged}
    )
    return note
