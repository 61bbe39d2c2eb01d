"""The health report: is every source alive, what was rejected, can the broker be reached, how big is the store.

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


def health_report(engine: Engine, settings: Settings, now: datetime) -> dict:
    with engine.connect() as connection:
        collectors = queries.collector_health(connection)
        rows = health_queries.rows_since(connection, now - timedelta(hours=1))
        rejected_total = queries.rejected_counts(connection)
        rejected_day = queries.rejected_counts(connection, since=now - timedelta(hours=24))
        size = health_queries.store_size_bytes(connection)
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
        "store": {"backend": engine.dialect.name, "size_bytes": size},
        "newest_reading": newest,
    }


def broker_status(host: str, port: int) -> dict:
    """Whether a TCP connection to the broker opens from the web process (the collector's own link is in
    another process; a broker this process cannot reach is the usual cause of a silent sensor feed)."""
    address = f"{host}:{port}"
    try:
        with socket.create_connection((host, port), timeout=BROKER_TIMEOUT_SECONDS):
            return {"address": address, "reachable": True, "error": None}
    except OSError as error:
        return {"address": address, "reachable": False, "error": error.strerror or type(error).__name__}
