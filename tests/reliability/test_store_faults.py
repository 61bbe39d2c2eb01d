"""The store failing under a running sensor stream: PostgreSQL restarted, the SQLite file locked by another
process. Every reading sent is stored once, and the rollups count each once (docs/reliability.md)."""

import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from ioc.reference import load_reference_data
from ioc.store import schema
from ioc.store.engine import open_engine
from ioc.store.migrate import upgrade
from tests.reliability.figures import record
from tests.sensors.conftest import ingest_settings, running_collector
from tests.sensors.helpers import count_rows, publisher, wait_for_rows
from tests.sensors.test_no_loss import stream
from tests.services import PostgresServer, postgres_bindir, require

TOTAL = 10_000


@pytest.fixture
def own_postgres():
    """A PostgreSQL server of this test's own, since the test restarts it."""
    bindir = postgres_bindir()
    require(bindir is not None, "PostgreSQL is not installed (Debian package postgresql)")
    server = PostgresServer(bindir)
    server.start()
    yield server
    server.stop()


def prepared_store(url: str, settings):
    engine = open_engine(url)
    upgrade(engine)
    load_reference_data(engine, settings)
    return engine


def rollup_count(engine) -> int:
    """Readings as the hourly rollups count them: a reading folded in twice would show here."""
    with engine.connect() as connection:
        return connection.execute(select(func.sum(schema.rollups_hourly.c.count))).scalar_one() or 0


def stream_with_a_fault(mosquitto, settings, engine, fault) -> int:
    """Publish TOTAL readings; once a quarter is stored, run ``fault()`` while the rest keeps coming."""
    with running_collector(settings, engine):
        client = publisher(mosquitto.port)
        try:
            infos = [client.publish(topic, payload, qos=1) for topic, payload in stream(TOTAL)]
            stored_before = wait_for_rows(engine, TOTAL // 4, timeout=60)
            assert stored_before < TOTAL, "the fault did not come in the middle of the stream"
            fault()
            for info in infos:
                info.wait_for_publish(120)
            return wait_for_rows(engine, TOTAL, timeout=120)
        finally:
            client.disconnect()


def test_postgresql_restarted_mid_stream_loses_and_doubles_no_reading(mosquitto, own_postgres, tmp_path):
    settings = ingest_settings(tmp_path, mosquitto.port, batch_size=200)
    engine = prepared_store(own_postgres.url(), settings)
    try:
        stored = stream_with_a_fault(mosquitto, settings, engine, own_postgres.restart)
        assert stored == TOTAL
        time.sleep(1)  # anything redelivered after the restart would land now
        assert count_rows(engine) == TOTAL
        assert rollup_count(engine) == TOTAL
        record("postgresql_restart", sent=TOTAL, stored=count_rows(engine), rollups=rollup_count(engine), lost=0,
               doubled=0)
    finally:
        engine.dispose()


LOCK_HOLDER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
connection.execute("COMMIT")
"""


def test_the_sqlite_file_locked_by_another_process_for_10_s_loses_and_doubles_no_reading(mosquitto, tmp_path):
    settings = ingest_settings(tmp_path, mosquitto.port, batch_size=200)
    database = tmp_path / "ioc.db"
    engine = prepared_store(f"sqlite:///{database}", settings)
    holders = []

    def lock_for_ten_seconds():
        holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(database), "10"],
                                  stdout=subprocess.PIPE, text=True)
        assert holder.stdout.readline().strip() == "locked"
        holders.append((holder, count_rows(engine), time.monotonic()))

    try:
        stored = stream_with_a_fault(mosquitto, settings, engine, lock_for_ten_seconds)
        holder, stored_when_locked, locked_at = holders[0]
        holder.communicate(timeout=30)
        assert holder.returncode == 0
        assert stored == TOTAL
        assert time.monotonic() - locked_at >= 10, "the stream ended before the lock was released"
        assert stored_when_locked < TOTAL
        assert count_rows(engine) == TOTAL
        assert rollup_count(engine) == TOTAL
        record("sqlite_locked_10s", sent=TOTAL, stored_when_locked=stored_when_locked, stored=count_rows(engine),
               rollups=rollup_count(engine), lost=0, doubled=0)
    finally:
        engine.dispose()
