"""Who may see or change which unit's data: the one place every view and command asks.

Rules
- province administrator: reads and writes everything;
- province viewer: reads everything, writes nothing;
- unit officer: reads and writes its own unit's subtree (at any date, so 2024 records of a unit
  that has since moved stay readable by the officers who entered them);
- grassroots officer: its own grassroots union only.
Target allocation is a write on the *receiving* unit by someone above it: the province for the
upper-level unions, a unit officer for the units below its own.

Every write service takes the acting user as ``user=`` and asks this module itself, so the web,
commands, imports and an API behave the same. Commands act as a ``SystemActor`` (full rights,
no account; recorded in the audit trail as the command) unless given ``--as USERNAME``
(accounts.commands). Lists, exports and selectors scope their rows with
``restrict(queryset, user, action)``. Templates ask through the ``can`` object
(``UserPermissions``, put in every page by ``core.context_processors.site``), never by role.
"""

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, PermissionDenied
from django.db.models import QuerySet
from django.utils.functional import cached_property

from accounts.models import Role
from organisation.models import Unit, UnitPath


class SystemActor:
    """A management command (or the demo loader) acting with full rights and no account.

    Services accept it like a province administrator; columns naming who entered a row stay
    empty (``recorded_user``) and the audit trail names the command instead
    (``accounts.audit.acting_as``).
    """

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_superuser = False
    is_staff = False
    is_province_admin = True
    is_province_level = True
    role = Role.PROVINCE_ADMIN
    pk = id = unit_id = unit = None

    def __init__(self, command: str):
        self.command = command
        self.username = f"lệnh {command}"

    def __str__(self) -> str:
        return self.username

    def get_full_name(self) -> str:
        return self.username


def system_actor(command: str) -> SystemActor:
    return SystemActor(command)


def recorded_user(user):
    """The account to store in an "entered by" column: None for a command's system actor."""
    if user is None or isinstance(user, SystemActor) or not user.is_authenticated:
        return None
    return user


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def sees_all_units(user) -> bool:
    """Reads every unit's data (province level): lists need no scoping."""
    return _active(user) and user.is_province_level


def edits_all_units(user) -> bool:
    """Changes every unit's data (province administrators)."""
    return _active(user) and user.is_province_admin


def _subtree_ids(unit_id: int) -> QuerySet:
    return UnitPath.objects.filter(ancestor_id=unit_id).values("descendant_id")


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
    return Unit.objects.filter(id__in=_subtree_ids(user.unit_id))


def visible_units_sql(user) -> tuple[str, list] | None:
    """``visible_units(user)`` as an SQL subquery of unit ids with its parameters, for the
    hand-written reads of the hot pages (core.rows); None when the user reads every unit.
    The same rule, case for case (tests/accounts/test_permission_sql.py compares the two)."""
    if _active(user) and user.is_province_level:
        return None
    if not _active(user) or user.unit_id is None:
        return "SELECT id FROM organisation_unit WHERE 1 = 0", []
    if user.role == Role.GRASSROOTS_OFFICER:
        return "SELECT id FROM organisation_unit WHERE id = %s", [user.unit_id]
    return (
        f"SELECT descendant_id FROM {UnitPath._meta.db_table} WHERE ancestor_id = %s",
        [user.unit_id],
    )


def editable_units(user) -> QuerySet[Unit]:
    """Units whose records the user may change."""
    if not _active(user) or user.role == Role.PROVINCE_VIEWER:
        return Unit.objects.none()
    return visible_units(user)


# Row scoping ----------------------------------------------------------------------------------
# A model's rows belong to a unit through one field: ``permission_unit_field`` on the model if it
# says so, else its foreign key to Unit named "unit" or "union" (Unit itself: its own rows).

ACTIONS = ("view", "change")


def unit_lookup(model) -> str:
    if model is Unit:
        return "pk"
    declared = getattr(model, "permission_unit_field", None)
    if declared:
        return declared
    for name in ("unit", "union"):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if getattr(field, "related_model", None) is Unit:
            return name
    raise ImproperlyConfigured(f"{model.__name__}: no unit field for accounts.permissions.restrict")


def _unrestricted(user, action: str) -> bool:
    return sees_all_units(user) if action == "view" else edits_all_units(user)


def restrict(queryset: QuerySet, user, action: str = "view") -> QuerySet:
    """The rows of queryset the user may see ("view") or change ("change"), NetBox style."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    lookup = unit_lookup(queryset.model)
    if _unrestricted(user, action):
        return queryset
    units = visible_units(user) if action == "view" else editable_units(user)
    return queryset.filter(**{f"{lookup}__in": units.values("pk")})


def unit_ids(user, action: str = "view") -> set[int] | None:
    """The ids of the units restrict lets through; None when it lets every unit through."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if _unrestricted(user, action):
        return None
    if action == "change" and (not _active(user) or user.role == Role.PROVINCE_VIEWER):
        return set()  # editable_units: none
    return _unit_id_set(user)


def _unit_id_set(user) -> set[int]:
    """The ids of visible_units(user), by its hand-written form (one query, no ORM compile)."""
    from core.rows import fetch

    sql, params = visible_units_sql(user)
    return {unit_id for (unit_id,) in fetch(sql, params)}


def can_view_unit(user, unit: Unit) -> bool:
    """``visible_units(user).filter(pk=unit.pk).exists()``, by one hand-written query."""
    return _among(unit, visible_units_sql(user))


def can_edit_unit(user, unit: Unit) -> bool:
    """``editable_units(user).filter(pk=unit.pk).exists()``, by one hand-written query."""
    if not _active(user) or user.role == Role.PROVINCE_VIEWER:
        return False  # editable_units: none
    return _among(unit, visible_units_sql(user))


def _among(unit: Unit, units: tuple[str, list] | None) -> bool:
    """The unit exists and is among units (None: every unit)."""
    from core.rows import fetch

    if unit.pk is None:
        return False
    sql = f"SELECT 1 FROM {Unit._meta.db_table} WHERE id = %s"
    params = [unit.pk]
    if units is not None:
        sql += f" AND id IN ({units[0]})"
        params += units[1]
    return bool(fetch(sql, params))


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
        return _unit_id_set(user)  # editable_units(user): a unit role edits what it sees
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


def creatable_kind(user, kind: str) -> bool:
    """May found units of this kind somewhere: the province any kind, unit officers CĐCS."""
    from organisation.models import UnitKind

    return can_create_units(user) and (
        user.is_province_admin or kind in UnitKind.grassroots_level()
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


def can_propose_reward(user, unit: Unit) -> bool:
    """A reward proposal for a unit (or a person of it): that unit's own officers or those of a
    unit above it, or a province administrator."""
    if not _active(user):
        return False
    if user.is_province_admin:
        return True
    return user.role == Role.UNIT_OFFICER and can_edit_unit(user, unit)


def can_decide_rewards(user) -> bool:
    """Reviewing, approving and declining reward proposals, editing the emulation rule: the
    province (administrators)."""
    return _active(user) and user.is_province_admin


def report_writers(unit: Unit) -> QuerySet:
    """The active accounts that write unit's periodic report (its own unit officers)."""
    from accounts.models import User

    return User.objects.filter(role=Role.UNIT_OFFICER, unit=unit, is_active=True)


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
        role=Role.GRASSROOTS_OFFICER, unit_id__in=_subtree_ids(actor.unit_id)
    ).exclude(unit_id=actor.unit_id)


def role_unit_problem(role: str, unit: Unit | None) -> str | None:
    """Why an account of this role cannot be attached to unit (Vietnamese), or None."""
    from django.utils.translation import gettext as _

    from organisation.models import UnitKind

    if role not in Role.values:
        return _("Vai trò “%(role)s” không hợp lệ. Chọn một trong: %(roles)s.") % {
            "role": role,
            "roles": ", ".join(Role.values),
        }
    if role in Role.unit_roles() and unit is None:
        return _("Vai trò “%(role)s” cần chỉ rõ đơn vị (--unit).") % {"role": role}
    if role == Role.GRASSROOTS_OFFICER and unit.kind not in UnitKind.grassroots_level():
        return _("Cán bộ công đoàn cơ sở phải gắn với một CĐCS hoặc nghiệp đoàn.")
    if role == Role.UNIT_OFFICER and unit.kind in UnitKind.grassroots_level():
        return _(
            "Cán bộ đơn vị gắn với công đoàn cấp trên cơ sở; với CĐCS hãy chọn vai trò cán bộ CĐCS."
        )
    return None


def opens_admin_site(role: str) -> bool:
    """Accounts of this role get Django's admin site (is_staff): province administrators."""
    return role == Role.PROVINCE_ADMIN


def role_choices(roles=None) -> list[tuple[str, str]]:
    """(value, label) of the roles, in their order; only those in roles when given."""
    return [(v, label) for v, label in Role.choices if roles is None or v in roles]


# From the most to the least privileged role.
LEAST_PRIVILEGE_ORDER = [
    Role.PROVINCE_ADMIN,
    Role.PROVINCE_VIEWER,
    Role.UNIT_OFFICER,
    Role.GRASSROOTS_OFFICER,
]


def least_privileged_role(roles) -> str:
    """The lowest of the roles an actor may give: the default for a new account."""
    return LEAST_PRIVILEGE_ORDER[max(LEAST_PRIVILEGE_ORDER.index(v) for v in roles)]


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
        id__in=_subtree_ids(actor.unit_id), kind__in=UnitKind.grassroots_level()
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
    return _subtree_ids(user.unit_id)


# Corrections -----------------------------------------------------------------------------------


def can_correct_records(user) -> bool:
    """Correcting or voiding a recorded progress figure (with a reason, audited): province
    administrators."""
    return _active(user) and user.is_province_admin


def can_view_personal_data_log(user) -> bool:
    """The processing log of personal data (who was shown whose data): province
    administrators."""
    return _active(user) and user.is_province_admin


# Templates -----------------------------------------------------------------------------------


class UserPermissions:
    """What the signed-in user may do, for templates: ``{% if can.manage_accounts %}``."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def see_all_units(self) -> bool:
        return sees_all_units(self.user)

    @cached_property
    def edit_all_units(self) -> bool:
        return edits_all_units(self.user)

    @cached_property
    def manage_accounts(self) -> bool:
        return can_manage_accounts(self.user)

    @cached_property
    def manage_all_accounts(self) -> bool:
        return can_manage_accounts(self.user) and self.user.is_province_admin

    @cached_property
    def view_audit(self) -> bool:
        return can_view_audit(self.user)

    @cached_property
    def view_whole_audit(self) -> bool:
        return can_view_audit(self.user) and audit_unit_ids(self.user) is None

    @cached_property
    def manage_plans(self) -> bool:
        return can_manage_plans(self.user)

    @cached_property
    def manage_structure(self) -> bool:
        return can_manage_structure(self.user)
