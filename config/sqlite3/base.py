"""Django's SQLite backend, except that a database file it has to create is created 0600, and
that writers take turns, first come first served.

The database holds personal data (CCCD, dates of birth) and password hashes; SQLite would create
it with the process umask (usually world-readable), and its -wal/-shm files take the database
file's mode.

Write turns. SQLite lets one writer at a time into the file; every transaction here begins
``IMMEDIATE`` (settings), so it takes the write lock first. A writer that finds the lock taken
waits in SQLite's busy handler, which retries after 1, 2, 5 … then every 100 ms, and a writer
that has just committed takes the lock again at once: under steady writing (officers saving
while a rollup refresh or an import runs) a writer that has waited a while keeps losing.
bench/refresh_bench.py measured saves waiting up to 10–35 s that way, with 8 writers and no
refresh at all. So a transaction on a database file first takes its turn:

- among the threads of a process, in arrival order (``_Turns``: each waiter is handed the turn
  by the one before it, so nobody overtakes);
- among processes, with an exclusive ``flock`` on ``<database>-turn``, tried every millisecond
  (only the thread whose turn it is in its process tries);

then ``BEGIN IMMEDIATE`` finds SQLite's lock free, and both are let go at the commit or rollback.
The wait is bounded by the same timeout as SQLite's (``OPTIONS["timeout"]``); past it the
transaction fails as SQLite's would ("database is locked"). In-memory databases (the tests)
have no turns.
"""

import collections
import fcntl
import os
import threading
import time

from django.db import OperationalError
from django.db.backends.sqlite3 import base

TURN_POLL = 0.001  # seconds between two tries of the file lock


class _Turns:
    """A first-come-first-served lock for the threads of one process."""

    def __init__(self):
        self._guard = threading.Lock()
        self._held = False
        self._waiting: collections.deque[threading.Event] = collections.deque()

    def take(self, timeout: float) -> bool:
        with self._guard:
            if not self._held:
                self._held = True
                return True
            handed = threading.Event()
            self._waiting.append(handed)
        if handed.wait(timeout):
            return True
        with self._guard:
            if handed.is_set():  # handed over just as the wait ended
                return True
            self._waiting.remove(handed)
            return False

    def give(self) -> None:
        with self._guard:
            if self._waiting:
                self._waiting.popleft().set()  # still held: now by the next in line
            else:
                self._held = False


_TURNS: dict[str, _Turns] = {}
_TURNS_GUARD = threading.Lock()


def _turns_of(path: str) -> _Turns:
    with _TURNS_GUARD:
        if path not in _TURNS:
            _TURNS[path] = _Turns()
        return _TURNS[path]


class DatabaseWrapper(base.DatabaseWrapper):
    _turn_file = None  # the open -turn file of this connection (file databases only)
    _turn_held = False

    def get_new_connection(self, conn_params):
        name = str(conn_params.get("database", ""))
        in_memory = not name or name == ":memory:" or name.startswith("file:")
        if not in_memory and not os.path.exists(name):
            os.close(os.open(name, os.O_CREAT | os.O_WRONLY, 0o600))
        connection = super().get_new_connection(conn_params)
        self._close_turn_file()
        if not in_memory:
            path = os.path.realpath(name)
            self._turns = _turns_of(path)
            self._turn_file = os.open(f"{path}-turn", os.O_CREAT | os.O_RDWR, 0o600)
            self._turn_timeout = float(conn_params.get("timeout", 5))
        return connection

    def _take_turn(self):
        if self._turn_file is None or self._turn_held:
            return
        deadline = time.monotonic() + self._turn_timeout
        if not self._turns.take(self._turn_timeout):
            raise OperationalError("database is locked")
        try:
            while True:
                try:
                    fcntl.flock(self._turn_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise OperationalError("database is locked") from None
                    time.sleep(TURN_POLL)
        except BaseException:
            self._turns.give()
            raise
        self._turn_held = True

    def _end_turn(self):
        if self._turn_held:
            self._turn_held = False
            try:
                fcntl.flock(self._turn_file, fcntl.LOCK_UN)
            finally:
                self._turns.give()

    def _close_turn_file(self):
        self._end_turn()
        if self._turn_file is not None:
            os.close(self._turn_file)
            self._turn_file = None

    def _start_transaction_under_autocommit(self):
        self._take_turn()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._end_turn()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            # A commit that failed (a deferred constraint) leaves the transaction open: the turn
            # ends with its rollback.
            if self.connection is None or not self.connection.in_transaction:
                self._end_turn()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._end_turn()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._close_turn_file()
