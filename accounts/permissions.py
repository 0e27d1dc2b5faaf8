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


def personal_data_unit_ids(user) -> set[int] | None:
    """The units whose members' personal data user may see unmasked; None = every unit.

    The same rule as ``can_see_personal_data``, for lists (one query instead of one per row).
    """
    if not _active(user):
        return set()
    if user.is_province_admin:
        return None
    if user.role in Role.unit_roles() and user.unit_id is not None:
        return set(editable_units(user).values_list("id", flat=True))
    return set()


def can_manage_plans(user) -> bool:
    return _active(user) and user.is_province_admin


def can_manage_structure(user) -> bool:
    """Moving, dissolving, merging units and changing their sector: province administrators."""
    return _active(user) and user.is_province_admin


def can_create_units(user) -> bool:
    """May open the new-unit page: province administrators and unit officers."""
    return _active(user) and (
        user.is_province_admin or (user.role == Role.UNIT_OFFICER and user.unit_id is not None)
    )


def can_create_unit_under(user, parent: Unit, kind: str) -> bool:
    """A unit officer founds grassroots unions inside its own subtree; the province anything."""
    from organisation.models import UnitKind

    if not can_create_units(user):
        return False
    if user.is_province_admin:
        return True
    return kind in UnitKind.grassroots_level() and can_edit_unit(user, parent)


def can_write_report(user, unit: Unit) -> bool:
    """A unit's periodic report is written by that unit's own officers (not those above or
    below it) or by a province administrator (who also writes the province's consolidated one)."""
    if not _active(user):
        return False
    if user.is_province_admin:
        return True
    return user.role == Role.UNIT_OFFICER and user.unit_id == unit.pk


def can_review_reports(user) -> bool:
    """Returning, accepting and reopening unit reports: province administrators."""
    return _active(user) and user.is_province_admin


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def require_view(user, unit: Unit) -> None:
    require(can_view_unit(user, unit))


def require_edit(user, unit: Unit) -> None:
    require(can_edit_unit(user, unit))


# Accounts ------------------------------------------------------------------------------------
# Province administrators manage every account; a unit officer manages the grassroots-officer
# accounts of the grassroots unions below its own unit, and nothing else.


def can_manage_accounts(user) -> bool:
    """May open the account pages at all."""
    return _active(user) and (
        user.is_province_admin or (user.role == Role.UNIT_OFFICER and user.unit_id is not None)
    )


def manageable_users(actor) -> QuerySet:
    from accounts.models import User

    if not can_manage_accounts(actor):
        return User.objects.none()
    if actor.is_province_admin:
        return User.objects.all()
    return User.objects.filter(
        role=Role.GRASSROOTS_OFFICER, unit_id__in=_subtree_ids(actor.unit)
    ).exclude(unit_id=actor.unit_id)


def can_manage_account(actor, target_user) -> bool:
    return manageable_users(actor).filter(pk=target_user.pk).exists()


def assignable_roles(actor) -> list[str]:
    if not can_manage_accounts(actor):
        return []
    if actor.is_province_admin:
        return list(Role.values)
    return [Role.GRASSROOTS_OFFICER]


def assignable_units(actor) -> QuerySet[Unit]:
    """Units an actor may attach an account to."""
    from organisation.models import UnitKind

    if not can_manage_accounts(actor):
        return Unit.objects.none()
    if actor.is_province_admin:
        return Unit.objects.all()
    return Unit.objects.filter(
        id__in=_subtree_ids(actor.unit), kind__in=UnitKind.grassroots_level()
    ).exclude(pk=actor.unit_id)


def can_assign(actor, *, role: str, unit: Unit | None) -> bool:
    if role not in assignable_roles(actor):
        return False
    if unit is None:
        return actor.is_province_admin
    return assignable_units(actor).filter(pk=unit.pk).exists()


# Audit trail ---------------------------------------------------------------------------------
# Province-level users read the whole trail; a unit officer reads the rows of objects that
# belong to a unit of its subtree (see accounts.audit.unit_field); nobody may change it.


def can_view_audit(user) -> bool:
    return _active(user) and (
        user.is_province_level or (user.role == Role.UNIT_OFFICER and user.unit_id is not None)
    )


def audit_unit_ids(user):
    """None: every row. Otherwise a subquery of unit ids whose objects' rows the user may read."""
    if not can_view_audit(user):
        return Unit.objects.none().values("id")
    if user.is_province_level:
        return None
    return _subtree_ids(user.unit)


# Corrections -----------------------------------------------------------------------------------


def can_correct_records(user) -> bool:
    """Correcting or voiding a recorded progress figure (with a reason, audited): province
    administrators."""
    return _active(user) and user.is_province_admin


def can_view_personal_data_log(user) -> bool:
    """The processing log of personal data (who was shown whose data): province
    administrators."""
    return _active(user) and user.is_province_admin
