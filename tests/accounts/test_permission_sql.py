"""accounts.permissions.visible_units_sql: the hand-written form of visible_units, case by case."""

from django.contrib.auth.models import AnonymousUser
from django.db import connection

from accounts.models import Role
from accounts.permissions import (
    _unrestricted,
    can_edit_unit,
    can_view_unit,
    editable_units,
    personal_data_unit_ids,
    restrict,
    system_actor,
    unit_ids,
    visible_units,
    visible_units_sql,
)
from organisation.models import Unit
from tests.factories import make_grassroots, make_user, small_tree


def _ids(sql_and_params) -> set[int] | None:
    if sql_and_params is None:
        return None
    sql, params = sql_and_params
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def test_the_sql_lets_through_exactly_what_visible_units_does(db):
    """visible_units_sql and the id sets built on it (unit_ids, personal_data_unit_ids) against
    their ORM definitions, for every role."""
    tree = small_tree()
    union = make_grassroots(tree.unit_a, "CĐCS Thử")
    inactive = make_user("t.inactive", Role.UNIT_OFFICER, tree.unit_a)
    inactive.is_active = False
    users = [
        make_user("t.admin", Role.PROVINCE_ADMIN, tree.province),
        make_user("t.viewer", Role.PROVINCE_VIEWER, tree.province),
        make_user("t.officer", Role.UNIT_OFFICER, tree.unit_a),
        make_user("t.grassroots", Role.GRASSROOTS_OFFICER, union),
        inactive,
        AnonymousUser(),
        system_actor("t"),
    ]
    everything = set(Unit.objects.values_list("id", flat=True))
    units = [*Unit.objects.all(), Unit(name="chưa lưu")]
    for user in users:
        for unit in units:
            assert can_view_unit(user, unit) == visible_units(user).filter(pk=unit.pk).exists()
            assert can_edit_unit(user, unit) == editable_units(user).filter(pk=unit.pk).exists()
        expected = set(visible_units(user).values_list("id", flat=True))
        found = _ids(visible_units_sql(user))
        assert (everything if found is None else found) == expected, user
        for action in ("view", "change"):
            orm = set(restrict(Unit.objects.all(), user, action).values_list("id", flat=True))
            assert unit_ids(user, action) == (None if _unrestricted(user, action) else orm)
        if getattr(user, "is_province_admin", False):
            assert personal_data_unit_ids(user) is None
        elif user.is_authenticated and user.is_active and getattr(user, "unit_id", None):
            assert personal_data_unit_ids(user) == set(
                editable_units(user).values_list("id", flat=True)
            )
        else:
            assert personal_data_unit_ids(user) == set()
    assert _ids(visible_units_sql(users[2])) == {tree.unit_a.pk, union.pk}
