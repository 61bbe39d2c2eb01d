"""Opening the store: one SQLAlchemy engine per process, SQLite tuned for concurrent readers."""

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

SQLITE_BUSY_TIMEOUT_MS = 30_000


def open_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``url``. SQLite gets WAL (readers never block the writer), foreign keys, and a busy
    timeout so that a writer waits for a lock instead of failing at once."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, echo=echo, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _tune_sqlite)
    event.listen(engine, "savepoint", _write_lock_before_savepoint)
    return engine


def _tune_sqlite(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # NORMAL is durable in WAL mode against a process crash; only a power loss may lose the last commits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _write_lock_before_savepoint(connection, _name) -> None:
    """Start the transaction with the write lock when a savepoint would start it.

    The sqlite3 driver begins a transaction only before the first INSERT, UPDATE or DELETE, so reads before
    it see fresh data. A SAVEPOINT outside a transaction, though, makes SQLite begin a deferred one: its reads
    pin a snapshot, and its first write then fails at once with "database is locked" (no busy wait) if another
    process committed in between. BEGIN IMMEDIATE waits for the lock first, and the snapshot is then current.
    """
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
