"""Model instances from hand-written SQL, for the few read paths every request takes.

The ORM compiles a query's SQL each time it runs: for a small query that is ~0.3–0.6 ms of
Python on the 2-vCPU deployment machine, ten times what the database takes to answer it, and the
dashboard ran fifteen of them per request (README "One dashboard request"). ``Columns(Model,
alias)`` writes a model's select list once per process; ``load`` turns the columns of a fetched
row back into an instance exactly as the ORM would (``Model.from_db`` after the database's own
converters, e.g. SQLite's text dates and 0/1 booleans). Queries still go through
``connection.cursor()``, so they are counted and logged like any other.
"""

import datetime

from django.db import connection


class Columns:
    """A model's concrete columns under a table alias: ``sql`` for the select list, ``load``."""

    def __init__(self, model, alias: str):
        self.model = model
        self.alias = alias
        self.fields = list(model._meta.concrete_fields)
        self.names = [f.attname for f in self.fields]
        self.width = len(self.fields)
        # Both backends quote with double quotes; column names are the model's own.
        self.sql = ", ".join(f'{alias}."{f.column}"' for f in self.fields)
        self._converters: dict[str, list] = {}

    def _converters_for(self, conn) -> list:
        found = self._converters.get(conn.vendor)
        if found is None:
            found = []
            for index, field in enumerate(self.fields):
                column = field.get_col(self.alias)
                converters = conn.ops.get_db_converters(column) + column.get_db_converters(conn)
                if converters:
                    found.append((index, converters, column))
            self._converters[conn.vendor] = found
        return found

    def load(self, row, start: int = 0):
        """The instance in ``row[start : start + width]``."""
        values = list(row[start : start + self.width])
        for index, converters, column in self._converters_for(connection):
            value = values[index]
            for convert in converters:
                value = convert(value, column, connection)
            values[index] = value
        return self.model.from_db(connection.alias, self.names, values)


def fetch(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def table(model) -> str:
    """The model's table name, quoted for the current database."""
    return connection.ops.quote_name(model._meta.db_table)


def chunks(items: list, size: int):
    """items in slices of at most size (an IN list or a VALUES list per statement)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def as_date(value) -> datetime.date | None:
    """A date column's value as a date: SQLite returns raw SQL's dates as text."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])
