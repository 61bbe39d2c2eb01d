"""Runs the configured collectors: polled ones on APScheduler, pushed ones on their own connections.

One process owns the scheduler (APScheduler's advice: never share a job store between processes). A
collector that raises is recorded as a failed run and tried again at its next interval.
"""

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine

from collectors.base import PolledCollector, PushedCollector
from collectors.registry import collector_class
from ioc import runs
from ioc.config import Secrets, Settings
from ioc.timeutil import utcnow

log = logging.getLogger(__name__)


def build_collectors(settings: Settings, secrets: Secrets, engine: Engine) -> list:
    """An instance of every enabled collector in the config."""
    return [
        collector_class(name)(settings, options, secrets, engine)
        for name, options in settings.collectors.items()
        if options.enabled
    ]


def run_recorded(engine: Engine, collector: PolledCollector) -> None:
    """Run one gather and record it (start, end, rows, error) at the collector's clock. Never raises: a failure
    is data, not a crash."""

    def gather() -> tuple[int, str | None]:
        try:
            return collector.gather(), None
        except Exception as exc:  # noqa: BLE001 - any failure of a source must be recorded, not propagated
            log.warning("collector %s failed: %s", collector.name, exc, exc_info=True)
            return 0, f"{type(exc).__name__}: {exc}"

    runs.run_recorded(engine, collector.name, collector.clock, gather)


class CollectorService:
    """Starts the pushed collectors and schedules the polled ones; ``stop`` winds both down in order."""

    name = "collectors"

    def __init__(self, settings: Settings, secrets: Secrets, engine: Engine):
        self.engine = engine
        self.collectors = build_collectors(settings, secrets, engine)
        self.scheduler = BackgroundScheduler(timezone=settings.province.timezone)

    def start(self) -> None:
        for collector in self.collectors:
            if isinstance(collector, PushedCollector):
                collector.start()
            else:
                self.scheduler.add_job(
                    run_recorded,
                    "interval",
                    args=(self.engine, collector),
                    seconds=collector.options.interval_seconds,
                    id=collector.name,
                    next_run_time=utcnow(),
                    max_instances=1,
                    coalesce=True,
                )
        self.scheduler.start()

    def stop(self) -> None:
        for collector in self.collectors:
            if isinstance(collector, PolledCollector):
                collector.stopping.set()
        self.scheduler.shutdown(wait=True)
        for collector in self.collectors:
            if isinstance(collector, PushedCollector):
                collector.stop()
