"""Named reads of the health view: what each collector did in the last hour, how big the store is, and how
much room its disk has left.

The rest of the view reuses ``queries.collector_health`` (last success, last error) and
``queries.rejected_counts`` (rejected inputs by reason).
"""

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, func, select, text

from ioc.store import schema


def rows_since(connection: Connection, since: datetime) -> dict[str, int]:
    """Collector -> rows its runs started at or after ``since`` (UTC) stored."""
    runs = schema.collector_runs
    query = select(runs.c.collector, func.sum(runs.c.rows)).where(runs.c.started_at >= since).group_by(
        runs.c.collector)
    return {collector: int(rows or 0) for collector, rows in connection.execute(query)}


def store_size_bytes(connection: Connection) -> int:
    """Bytes the store's database takes: SQLite's pages (main file, not the WAL), PostgreSQL's database."""
    if connection.dialect.name == "sqlite":
        pages = connection.execute(text("PRAGMA page_count")).scalar_one()
        return pages * connection.execute(text("PRAGMA page_size")).scalar_one()
    return connection.execute(text("SELECT pg_database_size(current_database())")).scalar_one()


@dataclass(frozen=True)
class DiskSpace:
    """The filesystem holding the store's database file: bytes free (to the IOC's user) and in all."""

    path: str
    free_bytes: int
    total_bytes: int


def store_disk_space(connection: Connection) -> DiskSpace | None:
    """The free space where SQLite keeps its database file (and its write-ahead log beside it); None for
    PostgreSQL, whose disk is the server's and cannot be seen from here, and for an in-memory database."""
    if connection.dialect.name != "sqlite":
        return None
    files = {name: path for _seq, name, path in connection.execute(text("PRAGMA database_list"))}
    if not files.get("main"):
        return None
    usage = shutil.disk_usage(Path(files["main"]).parent)
    return DiskSpace(files["main"], usage.free, usage.total)
