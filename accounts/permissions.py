"""Who may see or change which unit's data: the one place every view and command asks.

Rules
- province administrator: reads and writes everything;
- province viewer: reads everything, writes nothing;
- unit officer: reads and writes its own unit's subtree (at any date, so 2024 records of a unit
  that has since moved stay readable by the officers who entered them);
- grassroots officer: its own grassroots union only.
Target allocation is a write on the *receiving* unit by someone above it: the province for the
upper-level unions, a unit officer for the units below its own.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from accounts.models import Role
from organisation.models import Unit, UnitPath


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _subtree_ids(unit: Unit) -> QuerySet:
    return UnitPath.objects.filter(ancestor=unit).values("descendant_id")


def visible_units(user) -> QuerySet[Unit]:
    """Units whose data the user may read."""
    if not _active(user):
        return Unit.objects.none()
    if user.is_province_level:
        return Unit.objects.all()
    if user.unit_id is None:
        return Unit.objects.none()
    if user.role == Role.GRASSROOTS_OFFICER:
        return Unit.objects.filter(pk=user.unit_id)
    return Unit.objects.filter(id__in=_subtree_ids(user.unit))


def editable_units(user) -> QuerySet[Unit]:
    """Units whose records the user may change."""
    if not _active(user) or user.role == Role.PROVINCE_VIEWER:
        return Unit.objects.none()
    return visible_units(user)


def can_view_unit(user, unit: Unit) -> bool:
    return visible_units(user).filter(pk=unit.pk).exists()


def can_edit_unit(user, unit: Unit) -> bool:
    return editable_units(user).filter(pk=unit.pk).exists()


def can_assign_targets(user, unit: Unit) -> bool:
    """Allocating a target to unit is done from above it."""
    if not _active(user):
        return False
    if user.is_province_admin:
        return True
    if user.role != Role.UNIT_OFFICER or user.unit_id is None or user.unit_id == unit.pk:
        return False
    return UnitPath.objects.filter(ancestor_id=user.unit_id, descendant=unit, depth__gt=0).exists()


def can_see_personal_data(user, unit: Unit) -> bool:
    """Unmasked CCCD and date of birth: province administrators and the unit's own officers."""
    if not _active(user):
        return False
    if user.is_province_admin:
        return True
    if user.role in Role.unit_roles() and user.unit_id is not None:
        return can_edit_unit(user, unit)
    return False


def can_manage_plans(user) -> bool:
    return _active(user) and user.is_province_admin


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def require_view(user, unit: Unit) -> None:
    require(can_view_unit(user, unit))


def require_edit(user, unit: Unit) -> None:
    require(can_edit_unit(user, unit))
