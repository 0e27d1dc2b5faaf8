"""Django's SQLite backend, except that a database file it has to create is created 0600.

The database holds personal data (CCCD, dates of birth) and password hashes; SQLite would create
it with the process umask (usually world-readable), and its -wal/-shm files take the database
file's mode.
"""

import os

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        name = str(conn_params.get("database", ""))
        in_memory = not name or name == ":memory:" or name.startswith("file:")
        if not in_memory and not os.path.exists(name):
            os.close(os.open(name, os.O_CREAT | os.O_WRONLY, 0o600))
        return super().get_new_connection(conn_params)
