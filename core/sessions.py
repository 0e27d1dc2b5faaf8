"""Django's database sessions (``django.contrib.sessions.backends.db``), read by one
hand-written query.

Every signed-in request reads its session; through the ORM that read compiles its SQL each time
(~0.3 ms of Python, README "One dashboard request"). The same row, the same expiry test, the
same parameter the ORM would pass (``adapt_datetimefield_value``), the same outcome when it is
missing or expired (no session, a new key on save). Writes are Django's own.
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connection
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        key = self.session_key
        row = None
        if key is not None:
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT session_data FROM {self.model._meta.db_table} "
                    "WHERE session_key = %s AND expire_date > %s",
                    [key, now],
                )
                row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return self.model(session_key=key, session_data=row[0])
