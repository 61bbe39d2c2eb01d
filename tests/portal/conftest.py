"""The portal simulator over real HTTP, and a portal collector pointed at it with a test's clock."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from collectors.portal import PortalCollector, PortalOptions
from collectors.portal_simdata import model_for
from collectors.portal_simulator import PortalSimulator
from ioc.config import Secrets
from ioc.store import schema
from ioc.timeutil import VIETNAM

FIRST_DAY = date(2026, 1, 1)
TODAY = date(2026, 1, 12)
TOKEN = "portal-test-token"


@pytest.fixture
def model(settings):
    return model_for(settings, seed=7, first_day=FIRST_DAY)


@pytest.fixture
def simulator(model):
    server = PortalSimulator(model, token=TOKEN, today=TODAY)
    server.slow_seconds = 1.0
    server.start()
    yield server
    server.stop()


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=VIETNAM).astimezone(UTC)


@pytest.fixture
def make_collector(settings, simulator):
    """A collector for ``engine`` whose clock reads the simulator's today; options may be overridden."""

    def make(engine, token: str | None = TOKEN, **options) -> PortalCollector:
        defaults = {"base_url": simulator.base_url, "page_size": 200, "timeout_seconds": 0.5, "retries": 2,
                    "backoff_seconds": 0.01, "backoff_max_seconds": 0.05, "history_days": 10, "reread_days": 4,
                    "chunk_days": 6}
        collector = PortalCollector(settings, PortalOptions(**{**defaults, **options}),
                                    Secrets(portal_token=token), engine)
        collector.clock = lambda: noon(simulator.today)
        return collector

    return make


def truth(model, first: date, last: date, as_of: date) -> dict:
    """The simulator's own totals of days ``first..last`` as seen on ``as_of``: what the store must hold."""
    totals, rows = {}, 0
    day = first
    while day <= last:
        stats, _usage = model.day_stats(day, as_of)
        rows += len(stats)
        for item in stats:
            for name in ("received_online", "received_offline", "pending_on_time", "finished_early"):
                totals[name] = totals.get(name, 0) + item[name]
        day += timedelta(days=1)
    return {**totals, "rows": rows}


def stored(engine, through: date = date.max) -> dict:
    """Totals the store holds for days up to ``through``."""
    s = schema.dossier_stats
    names = ("received_online", "received_offline", "pending_on_time", "finished_early")
    with engine.connect() as connection:
        query = select(*(func.sum(s.c[n]) for n in names), func.count()).where(s.c.day <= through)
        row = connection.execute(query).one()
    return {**dict(zip(names, row[:4], strict=True)), "rows": row[4]}
