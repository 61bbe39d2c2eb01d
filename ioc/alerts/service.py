"""Runs the alert engine on a schedule in the collector process (``ioc collect``, ``ioc demo``).

Each pass is recorded as a run of ``alert-engine`` in ``collector_runs``, so an engine that fails shows in the
health view like a failing collector. Notifications go out after the pass has committed.
"""

import logging
import os
from collections.abc import Callable, Mapping
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine

from ioc.alerts.engine import RUN_NAME, evaluate
from ioc.alerts.notify import dispatch
from ioc.config import Settings
from ioc.runs import run_recorded
from ioc.timeutil import utcnow

log = logging.getLogger(__name__)


class AlertService:
    name = "alerts"

    def __init__(self, settings: Settings, engine: Engine, clock: Callable[[], datetime] = utcnow,
                 environ: Mapping[str, str] = os.environ):
        self.settings = settings
        self.engine = engine
        self.clock = clock
        self.environ = environ
        self.scheduler = BackgroundScheduler(timezone=settings.province.timezone)

    def run_once(self) -> None:
        """One evaluation and its notifications. Never raises: a failure is recorded as a failed run."""
        notices = []

        def evaluate_rules() -> tuple[int, str | None]:
            try:
                with self.engine.begin() as connection:
                    evaluation = evaluate(connection, self.settings, self.clock())
            except Exception as exc:  # noqa: BLE001 - a broken pass must be recorded, and the next one tried
                log.exception("alert evaluation failed")
                return 0, f"{type(exc).__name__}: {exc}"
            notices.extend(evaluation.notices)
            failed = "; ".join(f"rule {rule_id}: {reason}" for rule_id, reason in evaluation.failed.items())
            return len(notices), failed or None

        if run_recorded(self.engine, RUN_NAME, self.clock, evaluate_rules):
            dispatch(self.engine, self.settings.alerts.notifications, notices, self.environ, self.clock)

    def start(self) -> None:
        self.scheduler.add_job(self.run_once, "interval", seconds=self.settings.alerts.evaluation_interval_seconds,
                               id=RUN_NAME, next_run_time=utcnow(), max_instances=1, coalesce=True)
        self.scheduler.start()

    def stop(self) -> None:
        self.scheduler.shutdown(wait=True)
