"""Helpers of the alert tests: settings with given rules, one engine pass at a given time, reading the log."""

from datetime import UTC, datetime, timedelta

from ioc.alerts.engine import RUN_NAME, evaluate
from ioc.config import load_settings
from ioc.store import alert_queries
from ioc.store.writer import finish_run, start_run
from tests.conftest import write_config

T0 = datetime(2026, 11, 24, 3, 30, tzinfo=UTC)
"""10:30 in Vietnam: the first evaluation of most tests."""
MESSAGE = {"vi": "{name}: {value} (ngưỡng {limit})", "en": "{name}: {value} (limit {limit})"}


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def alert_settings(folder, rules: list[dict], **alerts):
    """The shipped settings with these alert rules (each gets the test message unless it has one)."""
    folder.mkdir(parents=True, exist_ok=True)
    rules = [{"message": MESSAGE, "severity": "major", **rule} for rule in rules]
    return load_settings(write_config(folder, alerts={"rules": rules, **alerts}))


def watched_since(engine, at: datetime) -> None:
    """Record the engine's first pass at ``at``: silences count from then (a sensor never heard included)."""
    with engine.begin() as connection:
        finish_run(connection, start_run(connection, RUN_NAME, at), at, 0)


def run(engine, settings, at: datetime):
    """One engine pass at ``at``, committed; returns its notices (every rule must evaluate)."""
    with engine.begin() as connection:
        evaluation = evaluate(connection, settings, at)
    assert evaluation.failed == {}
    return evaluation.notices


def alerts_of(engine, rule_id: str) -> list[dict]:
    """Every alert of a rule, oldest first."""
    with engine.connect() as connection:
        rows = alert_queries.alert_list(connection, since=datetime.min.replace(tzinfo=UTC))
    return sorted((row for row in rows if row["rule_id"] == rule_id), key=lambda row: row["id"])


def log_of(engine, alert_id: int) -> list[tuple]:
    """The event log as (action, actor, note, ts) tuples."""
    with engine.connect() as connection:
        return [(e["action"], e["actor"], e["note"], e["ts"]) for e in alert_queries.events(connection, alert_id)]
