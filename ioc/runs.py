"""Recording a run of a polled collector or of the alert engine (start, end, rows, error) for the health view.

A run that the store cannot record (its disk is full, the database is down) is not started at all: what it
gathered could not be stored either, and the next run tries again. It is logged as one line naming the store's
failure (``ioc.store.failures``), never as a traceback at every interval.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from ioc.store.failures import describe_failure
from ioc.store.writer import finish_run, start_run

log = logging.getLogger(__name__)


def run_recorded(engine: Engine, name: str, clock: Callable[[], datetime],
                 work: Callable[[], tuple[int, str | None]]) -> bool:
    """Run ``work`` (which returns its rows and error, and must not raise) between the run's two records.

    Returns whether the run was recorded to its end. Never raises for the store's sake.
    """
    try:
        with engine.begin() as connection:
            run_id = start_run(connection, name, clock())
    except SQLAlchemyError as exc:
        log.error("%s not run: the store cannot record it (%s)", name, describe_failure(exc))
        return False
    rows, error = work()
    try:
        with engine.begin() as connection:
            finish_run(connection, run_id, clock(), rows, error)
    except SQLAlchemyError as exc:
        log.error("%s ran but its end could not be recorded (%s)", name, describe_failure(exc))
        return False
    return True
