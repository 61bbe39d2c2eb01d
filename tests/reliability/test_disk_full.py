"""The disk under the SQLite store filling up while sensor readings keep coming (docs/reliability.md).

The store lives on a small tmpfs of the test's own, and a ballast file fills it. Before it is full the
``store-space-low`` alert of config.yaml is raised; once full, the ingest logs one clear error (no traceback per
retry), the health view says the store is full, and readings stay unacknowledged at the broker; when the ballast
is removed the ingest catches up: every reading sent is stored once, the rollups count each once, and SQLite's
integrity check passes.
"""

import errno
import logging
import os
import shutil
import subprocess
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from ioc.alerts.service import AlertService
from ioc.auth import kiosk
from ioc.health import STORE_FULL_BYTES, health_report
from ioc.store import alert_queries
from tests.auth.conftest import as_kiosk, serving
from tests.dashboard.test_pages import content
from tests.reliability.figures import record
from tests.reliability.test_store_faults import prepared_store, rollup_count
from tests.sensors.conftest import ingest_settings, running_collector
from tests.sensors.helpers import count_rows, publish_all, publisher, wait_for_rows
from tests.sensors.test_no_loss import stream
from tests.services import require

DISK_BYTES = 32 * 2**20
LOW_BYTES = 2 * 2**20
"""Free space left by the first ballast: below the shipped rule's 10 %, above what counts as full."""
ROUND = 500
"""Readings published at a time while the disk fills."""


@pytest.fixture
def small_disk(tmp_path):
    """A tmpfs of DISK_BYTES of this test's own (mounting needs root: CI runs as root)."""
    require(os.geteuid() == 0 and shutil.which("mount") is not None, "mounting a tmpfs needs root")
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK_BYTES}", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    require(mounted.returncode == 0, f"could not mount a tmpfs: {mounted.stderr.strip()}")
    yield folder
    subprocess.run(["umount", "--lazy", str(folder)], check=True)


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
    client = publisher(mosquitto.port)
    sent = 0

    def send(count: int) -> None:
        nonlocal sent
        publish_all(client, stream(count, first=sent))
        sent += count

    try:
        with running_collector(settings, engine) as collector, serving(settings, engine) as site:
            display = as_kiosk(site.url, kiosk.create(engine, "operations-wall", "test"))
            send(2 * ROUND)
            assert wait_for_rows(engine, sent) == sent

            fill(ballast, LOW_BYTES)  # low, not yet full
            alerts.run_once()
            [alert] = store_alerts(engine)
            store = health_report(engine, settings, datetime.now(UTC))["store"]
            assert alert["active"] and alert["value"] < 10 and alert["message_en"].startswith(
                f"Store {small_disk / 'ioc.db'}: only ")
            assert (store["full"], store["total_bytes"]) == (False, DISK_BYTES)

            fill(ballast, 0)  # full; readings keep coming until the store refuses them
            stored_before_full = count_rows(engine)
            deadline = time.monotonic() + 30
            while not full_errors(caplog):
                assert time.monotonic() < deadline, "the store never said it was full"
                send(ROUND)
                time.sleep(0.3)
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
            assert wait_for_rows(engine, sent, timeout=60) == sent
            time.sleep(1)  # anything redelivered twice would land now
            stored = count_rows(engine)
            rolled_up = rollup_count(engine)
        assert any(entry.getMessage().startswith("the store takes readings again after ")
                   for entry in caplog.records)
        alerts.run_once()
        assert [alert["active"] for alert in store_alerts(engine)] == [False]
        with engine.connect() as connection:
            integrity = connection.execute(text("PRAGMA integrity_check")).scalar_one()
        record("disk_full", sent=sent, stored=stored, lost=sent - stored, doubled=rolled_up - stored,
               stored_before_full=stored_before_full, held_while_full=sent - held, integrity=integrity)
        assert (stored, rolled_up, integrity) == (sent, sent, "ok")
    finally:
        client.disconnect()
        engine.dispose()
