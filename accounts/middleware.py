"""Keep a signed-in session alive without writing it on every request.

With ``SESSION_SAVE_EVERY_REQUEST`` every page view was a database write (on SQLite it queued
behind any long import and failed); now the session is saved — which moves its expiry to now +
``SESSION_COOKIE_AGE`` — only when ``SESSION_REFRESH_INTERVAL`` seconds have passed since the last
save. A session still ends after ``SESSION_COOKIE_AGE`` idle seconds (give or take the interval).
"""

import time

from django.conf import settings

REFRESHED_KEY = "_refreshed_at"


class SessionRefreshMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        # Before the view, so a sign-out (which empties the session) is never undone.
        if session.session_key and request.user.is_authenticated:
            now = int(time.time())
            if now - session.get(REFRESHED_KEY, 0) >= settings.SESSION_REFRESH_INTERVAL:
                session[REFRESHED_KEY] = now
        return self.get_response(request)


class OwnUnitMiddleware:
    """A unit officer's own unit, read with the account: every page names it in the header and
    the permission checks start from it. One hand-written query (core.rows) where the ORM would
    compile one the first time ``user.unit`` is read; province-level accounts, whose pages read
    it rarely, are left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.unit_id is not None and not user.is_province_level:
            from accounts.models import User

            if not User.unit.is_cached(user):
                unit = _load_unit(user.unit_id)
                if unit is not None:
                    user.unit = unit
        return self.get_response(request)


def _load_unit(unit_id: int):
    from core.rows import Columns, fetch
    from organisation.models import Unit

    global _UNIT_COLUMNS
    if _UNIT_COLUMNS is None:
        _UNIT_COLUMNS = Columns(Unit, "u")
    rows = fetch(
        f"SELECT {_UNIT_COLUMNS.sql} FROM {Unit._meta.db_table} u WHERE u.id = %s", [unit_id]
    )
    return _UNIT_COLUMNS.load(rows[0]) if rows else None


_UNIT_COLUMNS = None
