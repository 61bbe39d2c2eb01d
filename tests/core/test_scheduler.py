"""Polled collectors run on the scheduler; a failing one is recorded and never takes the scheduler down."""

import logging
import threading

import pytest
from sqlalchemy import select

from collectors.base import PolledCollector
from collectors.registry import register
from ioc.config import CollectorSettings, Secrets
from ioc.scheduler import CollectorService, run_recorded
from ioc.store import queries, schema
from ioc.store.engine import open_engine


@register
class CountingCollector(PolledCollector):
    """A source of this test module's own: fails on its first run, then stores three rows each run."""

    name = "test_counting"
    runs = 0
    ran_twice = threading.Event()

    def gather(self) -> int:
        type(self).runs += 1
        if type(self).runs >= 2:
            type(self).ran_twice.set()
        if type(self).runs == 1:
            raise ConnectionError("portal answered 500")
        return 3


def make(settings, engine, interval=0.05) -> CountingCollector:
    return CountingCollector(settings, CollectorSettings(interval_seconds=interval), Secrets(), engine)


def test_a_failed_run_is_recorded_with_its_reason_and_the_next_run_recovers(settings, sqlite_engine):
    CountingCollector.runs = 0
    collector = make(settings, sqlite_engine)
    run_recorded(sqlite_engine, collector)
    run_recorded(sqlite_engine, collector)
    with sqlite_engine.connect() as connection:
        runs = connection.execute(
            select(schema.collector_runs.c.status, schema.collector_runs.c.rows, schema.collector_runs.c.error)
            .order_by(schema.collector_runs.c.id)
        ).all()
        (health,) = queries.collector_health(connection)
    assert runs == [("failed", 0, "ConnectionError: portal answered 500"), ("ok", 3, None)]
    assert health["status"] == "ok"
    assert health["last_error"] == "ConnectionError: portal answered 500"


def test_the_scheduler_keeps_running_collectors_after_a_failure(tmp_path, sqlite_engine):
    from ioc.config import load_settings
    from tests.conftest import write_config

    settings = load_settings(write_config(tmp_path, collectors={"test_counting": {"interval_seconds": 0.05}}))
    CountingCollector.runs = 0
    CountingCollector.ran_twice.clear()
    service = CollectorService(settings, Secrets(), sqlite_engine)
    service.start()
    try:
        assert CountingCollector.ran_twice.wait(10)
    finally:
        service.stop()
    assert service.scheduler.running is False
    with sqlite_engine.connect() as connection:
        statuses = connection.execute(select(schema.collector_runs.c.status)).scalars().all()
    assert statuses[0] == "failed"
    assert "ok" in statuses


def test_an_unknown_collector_name_is_refused_with_the_known_names():
    from collectors.registry import collector_class

    with pytest.raises(KeyError, match=r"unknown collector 'nope' \(known: .*test_counting"):
        collector_class("nope")


def test_disabled_collectors_are_not_started(tmp_path, sqlite_engine):
    from ioc.config import load_settings
    from tests.conftest import write_config

    settings = load_settings(write_config(tmp_path, collectors={"test_counting": {"enabled": False}}))
    service = CollectorService(settings, Secrets(), sqlite_engine)
    assert service.collectors == []


def test_a_run_the_store_cannot_record_is_not_started_and_logs_one_line(settings, tmp_path, caplog):
    """A store that refuses writes (here: never migrated, so it has no runs table) skips the run quietly."""
    CountingCollector.runs = 0
    broken = open_engine(f"sqlite:///{tmp_path / 'unmigrated.db'}")
    try:
        with caplog.at_level(logging.ERROR):
            run_recorded(broken, make(settings, broken))  # must not raise
    finally:
        broken.dispose()
    assert CountingCollector.runs == 0
    (line,) = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
    assert line.startswith("test_counting not run: the store cannot record it (store failed: no such table")
    assert all(record.exc_info is None for record in caplog.records)
