"""Read queries for the account pages."""

from django.db.models import Q, QuerySet

from accounts import permissions


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
