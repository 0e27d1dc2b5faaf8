"""Read queries for the account pages."""

from functools import cache

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from accounts import permissions
from core.rows import Columns, fetch


def accounts_for(actor, *, q: str = "", role: str = "", active: str = "") -> QuerySet:
    users = permissions.manageable_users(actor).select_related("unit")
    if q:
        users = users.filter(
            Q(username__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(email__icontains=q)
            | Q(unit__name__icontains=q)
        )
    if role:
        users = users.filter(role=role)
    if active in ("0", "1"):
        users = users.filter(is_active=active == "1")
    return users.order_by("role", "unit__sort_order", "username")


@cache
def _session_user_columns():
    from accounts.models import User
    from organisation.models import Unit

    return Columns(User, "au"), Columns(Unit, "u")


def user_with_unit(user_id):
    """The account ``ModelBackend.get_user`` reads for a signed-in request, with its unit
    loaded on it (``user.unit``: every page's header names it and the permission checks start
    from it), or None. One hand-written query (core.rows): through the ORM the read compiled
    its SQL on every request (~0.3 ms) and an officer's unit was a second query."""
    from accounts.models import User
    from organisation.models import Unit

    users, units = _session_user_columns()
    try:
        user_id = User._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    rows = fetch(
        f"SELECT {users.sql}, {units.sql} FROM {User._meta.db_table} au "
        f"LEFT JOIN {Unit._meta.db_table} u ON u.id = au.unit_id WHERE au.id = %s",
        [user_id],
    )
    if not rows:
        return None
    user = users.load(rows[0])
    if user.unit_id is not None:
        user.unit = units.load(rows[0], users.width)
    return user
