"""What a failed write to the store means, in one line for the log: a full disk, or another failure.

A full disk is the one failure an operator must act on outside the IOC (free space, then nothing more: writers
retry and catch up), so it is named as such on both backends: SQLite's SQLITE_FULL ("database or disk is full")
and PostgreSQL's disk_full (SQLSTATE 53100, "could not extend file ...: No space left on device").
"""

from sqlalchemy.exc import SQLAlchemyError

SQLITE_FULL = 13
POSTGRES_DISK_FULL = "53100"


def is_store_full(error: SQLAlchemyError) -> bool:
    original = getattr(error, "orig", None)
    return (getattr(original, "sqlite_errorcode", None) == SQLITE_FULL
            or getattr(original, "sqlstate", None) == POSTGRES_DISK_FULL)


def describe_failure(error: SQLAlchemyError) -> str:
    """``store full: database or disk is full``, or ``store failed: <the driver's first line>``."""
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines() or [type(original).__name__]
    return f"{'store full' if is_store_full(error) else 'store failed'}: {lines[0]}"
