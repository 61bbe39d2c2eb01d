"""The health report: is every source alive, what was rejected, can the broker be reached, how big is the store
and is its disk full.

One function serves the /health page and its JSON twin (/health.json), so both say the same. Times are UTC.
"""

from __future__ import annotations

import socket
from datetime import datetime, timedelta

from sqlalchemy import Engine

from ioc.config import Settings
from ioc.store import health_queries, queries, sensor_queries

BROKER_TIMEOUT_SECONDS = 1.0
"""The broker probe waits this long at most, so a dead broker cannot hold up the page."""
STORE_FULL_BYTES = 1_000_000
"""Below this much free space the store counts as full: a batch of sensor readings takes about as much, so
writes fail or are about to (a ``store_space`` alert rule warns well before)."""


def health_report(engine: Engine, settings: Settings, now: datetime) -> dict:
    with engine.connect() as connection:
        collectors = queries.collector_health(connection)
        rows = health_queries.rows_since(connection, now - timedelta(hours=1))
        rejected_total = queries.rejected_counts(connection)
        rejected_day = queries.rejected_counts(connection, since=now - timedelta(hours=24))
        size = health_queries.store_size_bytes(connection)
        space = health_queries.store_disk_space(connection)
        newest = sensor_queries.newest_reading_time(connection)
    return {
        "generated_at": now,
        "collectors": [{
            "collector": row["collector"], "status": row["status"], "last_success": row["last_success"],
            "last_failure": row["last_failure"], "last_error": row["last_error"],
            "rows_last_hour": rows.get(row["collector"], 0),
        } for row in collectors],
        "rejected": [{"source": source, "reason": reason, "total": count,
                      "last_24h": rejected_day.get((source, reason), 0)}
                     for (source, reason), count in sorted(rejected_total.items())],
        "broker": broker_status(settings.mqtt.host, settings.mqtt.port),
        "store": store_status(engine.dialect.name, size, space),
        "newest_reading": newest,
    }


def store_status(backend: str, size_bytes: int, space: health_queries.DiskSpace | None) -> dict:
    """The store's size and, for SQLite, the free space of its disk and whether it is full (None: PostgreSQL,
    whose disk is the server's)."""
    free, total = (space.free_bytes, space.total_bytes) if space else (None, None)
    return {"backend": backend, "size_bytes": size_bytes, "free_bytes": free, "total_bytes": total,
            "full": free is not None and free < STORE_FULL_BYTES}


def broker_status(host: str, port: int) -> dict:
    """Whether a TCP connection to the broker opens from the web process (the collector's own link is in
    another process; a broker this process cannot reach is the usual cause of a silent sensor feed)."""
    address = f"{host}:{port}"
    try:
        with socket.create_connection((host, port), timeout=BROKER_TIMEOUT_SECONDS):
            return {"address": address, "reachable": True, "error": None}
    except OSError as error:
        return {"address": address, "reachable": False, "error": error.strerror or type(error).__name__}
