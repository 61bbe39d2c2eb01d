"""Named reads of the health view: what each collector did in the last hour, and how big the store is.

The rest of the view reuses ``queries.collector_health`` (last success, last error) and
``queries.rejected_counts`` (rejected inputs by reason).
"""

from datetime import datetime

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
