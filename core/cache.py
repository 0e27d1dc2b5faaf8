"""The cache shared by every worker process: Django's database cache with an atomic ``incr``.

Django's ``DatabaseCache.incr`` reads the value and writes it back in two statements, so two
processes can both read 5 and both write 6. Here the read and the write happen in one
transaction that holds the row: ``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the settings'
``IMMEDIATE`` transactions take the write lock at ``BEGIN``. ``add`` is already atomic (a
second ``INSERT`` of the same key fails on the primary key).

The table (``django_cache``) is made by ``createcachetable`` after every ``migrate``
(``api.apps``), so ``make setup`` and a fresh test database have it.
"""

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key, delta=1, version=None):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        with transaction.atomic(using=db):
            if connection.features.has_select_for_update:
                made = self.make_and_validate_key(key, version=version)
                table = connection.ops.quote_name(self._table)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT cache_key FROM {table} WHERE cache_key = %s FOR UPDATE",  # noqa: S608
                        [made],
                    )
            return super().incr(key, delta, version)
