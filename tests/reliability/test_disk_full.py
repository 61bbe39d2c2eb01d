"""The disk under the SQLite store filling up while sensor readings keep coming (docs/reliability.md).

The store lives on a small tmpfs of the test's own, and a ballast file fills it. Before it is full the
``store-space-low`` alert of config.yaml is raised; once full, the ingest logs one clear error (no traceback per
retry), the health view says the store is full, and readings stay unacknowledged at the broker; when the ballast
is removed the ingest catches up: every reading sent is stored once, the rollups count each once, and SQLite's
integrity check passes. The same on PostgreSQL, whose data directory is put on a tmpfs: the server refuses to
extend a table (SQLSTATE 53100), readings wait at the broker, and once room is made every one is stored once
and amcheck finds every index consistent with its table.
"""

import errno
import logging
import os
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from ioc.alerts.service import AlertService
from ioc.auth import kiosk
from ioc.health import STORE_FULL_BYTES, health_report
from ioc.store import alert_queries
from tests.auth.conftest import as_kiosk, serving
from tests.conftest import create_database
from tests.dashboard.test_pages import content
from tests.reliability.figures import record
from tests.reliability.test_store_faults import prepared_store, rollup_count
from tests.sensors.conftest import ingest_settings, running_collector
from tests.sensors.helpers import count_rows, publish_all, publisher, wait_for_rows
from tests.sensors.test_no_loss import stream
from tests.services import PostgresServer, postgres_bindir, require

DISK_BYTES = 32 * 2**20
LOW_BYTES = 2 * 2**20
"""Free space left by the first ballast: below the shipped rule's 10 %, above what counts as full."""
ROUND = 500
"""Readings published at a time while the disk fills."""


@contextmanager
def tmpfs(folder, size: int):
    """A tmpfs of ``size`` bytes mounted on ``folder`` (mounting needs root: CI runs as root)."""
    require(os.geteuid() == 0 and shutil.which("mount") is not None, "mounting a tmpfs needs root")
    folder.mkdir(exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    require(mounted.returncode == 0, f"could not mount a tmpfs: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=True)


@pytest.fixture
def small_disk(tmp_path):
    with tmpfs(tmp_path / "disk", DISK_BYTES) as folder:
        yield folder


def fill(ballast, leave_bytes: int) -> None:
    """Grow the ballast until at most ``leave_bytes`` are free (0: until the disk refuses more)."""
    descriptor = os.open(ballast, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        while (free := shutil.disk_usage(ballast.parent).free) > leave_bytes:
            try:
                os.write(descriptor, bytes(min(2**20, max(4096, free - leave_bytes))))
            except OSError as error:
                assert error.errno == errno.ENOSPC
                return
    finally:
        os.close(descriptor)


class Sender:
    """Publishes the next readings of the test stream and counts how many were sent."""

    def __init__(self, port: int):
        self.client = publisher(port)
        self.sent = 0

    def __call__(self, count: int) -> None:
        publish_all(self.client, stream(count, first=self.sent))
        self.sent += count

    def close(self) -> None:
        self.client.disconnect()


def send_until_refused(send: Sender, caplog, timeout: float = 60) -> None:
    """Keep publishing rounds of readings until the ingest logs that the store refused them."""
    deadline = time.monotonic() + timeout
    while not full_errors(caplog):
        assert time.monotonic() < deadline, "the store never refused a reading"
        send(ROUND)
        time.sleep(0.3)


def store_alerts(engine) -> list[dict]:
    with engine.connect() as connection:
        rows = alert_queries.alert_list(connection, since=datetime.min.replace(tzinfo=UTC))
    return [row for row in rows if row["rule_id"] == "store-space-low"]


def full_errors(caplog) -> list[logging.LogRecord]:
    return [entry for entry in caplog.records
            if entry.name == "collectors.mqtt_ingest" and entry.levelno >= logging.ERROR]


def test_a_full_disk_is_announced_then_holds_readings_at_the_broker_and_loses_none(mosquitto, small_disk, caplog):
    caplog.set_level(logging.INFO, logger="collectors.mqtt_ingest")
    settings = ingest_settings(small_disk, mosquitto.port, batch_size=200)
    engine = prepared_store(f"sqlite:///{small_disk / 'ioc.db'}", settings)
    alerts = AlertService(settings, engine)
    ballast = small_disk / "ballast"
    send = Sender(mosquitto.port)
    try:
        with running_collector(settings, engine) as collector, serving(settings, engine) as site:
            display = as_kiosk(site.url, kiosk.create(engine, "operations-wall", "test"))
            send(2 * ROUND)
            assert wait_for_rows(engine, send.sent) == send.sent

            fill(ballast, LOW_BYTES)  # low, not yet full
            alerts.run_once()
            [alert] = store_alerts(engine)
            store = health_report(engine, settings, datetime.now(UTC))["store"]
            assert alert["active"] and alert["value"] < 10 and alert["message_en"].startswith(
                f"Store {small_disk / 'ioc.db'}: only ")
            assert (store["full"], store["total_bytes"]) == (False, DISK_BYTES)

            fill(ballast, 0)  # full; readings keep coming until the store refuses them
            stored_before_full = count_rows(engine)
            send_until_refused(send, caplog)
            [error] = full_errors(caplog)
            assert error.getMessage().startswith("store full: database or disk is full; ")
            assert not error.exc_info  # no traceback
            held, committed = count_rows(engine), collector.messages_committed
            send(10 * ROUND)  # more while full: they wait at the broker
            time.sleep(5)  # two more retries
            assert full_errors(caplog) == [error], "one error per outage, not one per retry"
            assert (count_rows(engine), collector.messages_committed) == (held, committed)
            store = health_report(engine, settings, datetime.now(UTC))["store"]
            assert store["full"] and store["free_bytes"] < STORE_FULL_BYTES
            assert display.get(f"{site.url}/health.json", timeout=10).json()["store"]["full"] is True
            assert "Đầy: còn trống 0,0 / 33,6 MB" in content(site, display, "/health")

            ballast.unlink()  # room again: the ingest catches up by itself
            assert wait_for_rows(engine, send.sent, timeout=60) == send.sent
            time.sleep(1)  # anything redelivered twice would land now
            stored = count_rows(engine)
            rolled_up = rollup_count(engine)
        assert any(entry.getMessage().startswith("the store takes readings again after ")
                   for entry in caplog.records)
        alerts.run_once()
        assert [alert["active"] for alert in store_alerts(engine)] == [False]
        with engine.connect() as connection:
            integrity = connection.execute(text("PRAGMA integrity_check")).scalar_one()
        record("disk_full", sent=send.sent, stored=stored, lost=send.sent - stored, doubled=rolled_up - stored,
               stored_before_full=stored_before_full, held_while_full=send.sent - held, integrity=integrity)
        assert (stored, rolled_up, integrity) == (send.sent, send.sent, "ok")
    finally:
        send.close()
        engine.dispose()


POSTGRES_DISK_BYTES = 96 * 2**20
"""Room for a new cluster with 1 MB WAL segments, the IOC's tables and a few thousand readings."""


@pytest.fixture
def postgres_on_small_disk():
    """A PostgreSQL server of this test's own whose data directory is on a tmpfs of POSTGRES_DISK_BYTES."""
    bindir = postgres_bindir()
    require(bindir is not None, "PostgreSQL is not installed (Debian package postgresql)")
    # Not under tmp_path: pytest's folders are root's alone, and the server runs as the postgres user.
    mount_point = Path(tempfile.mkdtemp(prefix="ioc-pg-disk-"))
    with tmpfs(mount_point, POSTGRES_DISK_BYTES) as folder:
        shutil.chown(folder, "postgres", "postgres")
        folder.chmod(0o700)
        server = PostgresServer(bindir, root=folder, initdb_args=("--wal-segsize=1",))
        server.start()
        try:
            yield server
        finally:
            subprocess.run(["runuser", "-u", "postgres", "--", str(bindir / "pg_ctl"), "-D", str(server.datadir),
                            "-m", "immediate", "-w", "stop"], capture_output=True)
    mount_point.rmdir()


def store_errors(caplog) -> list[str]:
    return [entry.getMessage() for entry in full_errors(caplog)]


def indexes_intact(engine) -> int:
    """Every B-tree index of the IOC's tables checked against its table by amcheck; returns how many."""
    with engine.begin() as connection:
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
        names = connection.execute(text(
            "SELECT c.oid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE a.amname = 'btree' AND n.nspname = 'public'")).scalars().all()
        for name in names:
            connection.execute(text("SELECT bt_index_parent_check(CAST(:name AS regclass), true)"), {"name": name})
    return len(names)


def test_a_full_disk_under_postgresql_holds_readings_at_the_broker_and_loses_none(
        mosquitto, postgres_on_small_disk, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="collectors.mqtt_ingest")
    settings = ingest_settings(tmp_path / "collector", mosquitto.port, batch_size=200)
    server = postgres_on_small_disk
    engine = prepared_store(create_database(server.url("").rstrip("/")), settings)
    ballast = server.root / "ballast"
    send = Sender(mosquitto.port)
    try:
        with running_collector(settings, engine) as collector:
            send(2 * ROUND)
            assert wait_for_rows(engine, send.sent) == send.sent
            fill(ballast, 0)
            stored_before_full = count_rows(engine)
            send_until_refused(send, caplog)
            held, committed = count_rows(engine), collector.messages_committed
            send(4 * ROUND)  # more while full: they wait at the broker
            time.sleep(5)
            assert (count_rows(engine), collector.messages_committed) == (held, committed), \
                "a reading was stored or acknowledged while the disk was full"
            errors = store_errors(caplog)
            assert all(message.startswith(("store full: ", "store failed: ")) for message in errors), errors
            assert any(message.startswith("store full: could not ") for message in errors), errors

            ballast.unlink()  # room again: the ingest catches up by itself
            assert wait_for_rows(engine, send.sent, timeout=90) == send.sent
            time.sleep(1)  # anything redelivered twice would land now
            stored = count_rows(engine)
            rolled_up = rollup_count(engine)
        checked = indexes_intact(engine)
        record("disk_full_postgresql", sent=send.sent, stored=stored, lost=send.sent - stored,
               doubled=rolled_up - stored, stored_before_full=stored_before_full,
               held_while_full=send.sent - held, indexes_checked=checked, first_error=errors[0].split(";")[0])
        assert (stored, rolled_up) == (send.sent, send.sent)
    finally:
        send.close()
        engine.dispose()
