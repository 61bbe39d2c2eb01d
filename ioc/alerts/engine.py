"""The alert engine: one evaluation of every rule against the store, at an injected time ``now`` (UTC).

For each rule and target there is at most one active alert. While the condition lasts, each evaluation
updates that alert (count, last-seen time, value, message) instead of raising another; when the condition
clears, the alert is cleared by ``system``; if it returns, a new alert is raised. A rule with ``for_minutes``
raises only once its condition has held that long (``alert_pending`` remembers since when). The same pass
ends shelving that has run out and escalates critical alerts nobody has acknowledged.

``evaluate`` only reads and writes the store; it returns the notices to send, which the caller hands to
``ioc.alerts.notify`` after the transaction commits, so a slow mail server never holds a database lock.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection

from ioc.alerts import conditions
from ioc.alerts.conditions import Condition
from ioc.config import Settings
from ioc.i18n import number
from ioc.store import alert_queries as q
from ioc.store import feedback_queries, health_queries

log = logging.getLogger(__name__)

SYSTEM = "system"
RUN_NAME = "alert-engine"
"""The engine's passes are recorded as runs of this name in ``collector_runs`` (ioc/alerts/service.py)."""
"""The actor of events the engine itself causes."""
AQI_LOOKBACK = timedelta(hours=12)
"""Hourly means VN_AQI's NowCast needs."""


@dataclass(frozen=True)
class Notice:
    """An alert to notify about: ``event`` is raise, escalate or clear; ``alert`` is its row after the change,
    except that a clear keeps the shelving the alert had, so clearing a shelved alert notifies nobody."""

    event: str
    alert: dict


@dataclass(frozen=True)
class Evaluation:
    notices: list[Notice]
    failed: dict[str, str]
    """Rule id -> error, for rules that could not be evaluated this time (the others were)."""


def evaluate(connection: Connection, settings: Settings, now: datetime) -> Evaluation:
    """Evaluate every rule at ``now``; return what to notify. A rule that fails is rolled back to a savepoint
    and reported, so one broken rule never silences the others."""
    notices: list[Notice] = []
    failed: dict[str, str] = {}
    _end_shelving(connection, now)
    for rule in settings.alerts.rules:
        try:
            with connection.begin_nested():
                open_alerts = q.open_alerts(connection, rule.id)
                found = find_conditions(connection, settings, rule, now, set(open_alerts))
                notices += _reconcile(connection, rule, found, open_alerts, now)
        except Exception as exc:  # noqa: BLE001 - reported by the caller as a failed run, never a crash
            log.exception("alert rule %s failed", rule.id)
            failed[rule.id] = f"{type(exc).__name__}: {exc}"
    notices += _escalate(connection, settings, now)
    return Evaluation(notices, failed)


def find_conditions(connection: Connection, settings: Settings, rule, now: datetime,
                    open_targets: set[str]) -> dict[str, Condition]:
    """Target -> condition for the targets of ``rule`` in its condition at ``now``."""
    kind = rule.type
    if kind == "missing_data" and rule.collector:
        return conditions.silent_collector(rule, q.last_successful_runs(connection), now,
                                           q.first_run_started(connection, RUN_NAME))
    if kind == "collector_failing":
        return conditions.collector_failing(rule, q.failed_streaks(connection))
    if kind == "indicator_below_target":
        target = rule.target if rule.target is not None else settings.indicators.targets[rule.indicator]
        latest = q.latest_indicator_values(connection, rule.indicator, rule.unit)
        return conditions.indicator_below_target(rule, latest, target, q.unit_names(connection),
                                                 q.indicator_name(connection, rule.indicator))
    if kind == "store_space":
        return conditions.store_space(rule, health_queries.store_disk_space(connection))
    if kind == "feedback_overdue":
        target = rule.unit or settings.province.code
        name = q.unit_names(connection).get(target, target)
        return conditions.feedback_overdue(rule, feedback_queries.overdue_count(connection, now, rule.unit), target,
                                            name)
    sensors = q.sensors(connection, rule.sensor, rule.kind)
    ids = [sensor["id"] for sensor in sensors]
    if kind == "missing_data":
        return conditions.silent_sensors(rule, sensors, q.last_heard(connection, ids), now,
                                         q.first_run_started(connection, RUN_NAME))
    if kind == "aqi_band":
        hour = now.replace(minute=0, second=0, microsecond=0)
        means = q.hourly_means(connection, ids, hour - AQI_LOOKBACK, hour + timedelta(hours=1))
        return conditions.aqi_band(rule, sensors, means, hour)
    if kind == "rate_of_change":
        since = now - timedelta(minutes=rule.window_minutes)
        return conditions.rate_of_change(rule, sensors, q.values_since(connection, rule.metric, ids, since))
    latest = {sensor_id: value for sensor_id, (_ts, value) in q.latest_values(connection, rule.metric, ids).items()}
    if kind == "gauge_level":
        return conditions.gauge_level(rule, sensors, latest)
    return conditions.threshold(rule, sensors, latest, open_targets)


def render(rule, condition: Condition, language: str) -> str:
    """The rule's message in ``language`` for ``condition``."""
    return getattr(rule.message, language).format(
        target=condition.target, name=condition.name, value=_number(condition.value, language),
        limit=_number(condition.limit, language))


def _number(value: float | None, language: str) -> str:
    if value is None:
        return "—"
    return number(value, language, 0 if float(value).is_integer() else 1)


def _reconcile(connection: Connection, rule, found: dict[str, Condition], open_alerts: dict[str, dict],
               now: datetime) -> list[Notice]:
    notices = []
    for target, alert in open_alerts.items():
        condition = found.get(target)
        if condition is None:
            q.change_alert(connection, alert["id"], active=False, cleared_at=now, shelved_until=None)
            q.add_event(connection, alert["id"], now, "clear", SYSTEM, "condition cleared")
            notices.append(Notice("clear", {**alert, "active": False, "cleared_at": now}))
        else:
            q.change_alert(connection, alert["id"], count=alert["count"] + 1, last_seen_at=now,
                           value=condition.value, message=render(rule, condition, "vi"),
                           message_en=render(rule, condition, "en"))
    new = {target: condition for target, condition in found.items() if target not in open_alerts}
    pending = q.pending_since(connection, rule.id)
    hold = timedelta(minutes=rule.for_minutes)
    due = [condition for target, condition in new.items() if now - pending.get(target, now) >= hold]
    waiting = set(new) - {condition.target for condition in due}
    q.drop_pending(connection, rule.id, [target for target in pending if target not in waiting])
    q.set_pending(connection, rule.id, [target for target in waiting if target not in pending], now)
    for condition in due:
        notices.append(Notice("raise", _raise(connection, rule, condition, now)))
    return notices


def _raise(connection: Connection, rule, condition: Condition, now: datetime) -> dict:
    values = {
        "rule_id": rule.id, "target": condition.target, "severity": rule.severity,
        "message": render(rule, condition, "vi"), "message_en": render(rule, condition, "en"),
        "active": True, "acknowledged": False, "raised_at": now, "last_seen_at": now, "count": 1,
        "source": condition.source, "unit_code": condition.unit_code, "value": condition.value, "notified_at": now,
    }
    alert_id = q.add_alert(connection, **values)
    q.add_event(connection, alert_id, now, "raise", SYSTEM, None)
    log.info("alert %s raised: %s %s", alert_id, rule.id, condition.target)
    return {"id": alert_id, **values}


def _end_shelving(connection: Connection, now: datetime) -> None:
    for alert_id in q.shelving_expired(connection, now):
        q.change_alert(connection, alert_id, shelved_until=None)
        q.add_event(connection, alert_id, now, "unshelve", SYSTEM, "shelving expired")


def _escalate(connection: Connection, settings: Settings, now: datetime) -> list[Notice]:
    period = timedelta(minutes=settings.alerts.escalation_minutes)
    notices = []
    for alert in q.escalation_due(connection, now - period, now):
        q.change_alert(connection, alert["id"], notified_at=now)
        q.add_event(connection, alert["id"], now, "escalate", SYSTEM,
                    f"not acknowledged after {settings.alerts.escalation_minutes:g} min")
        notices.append(Notice("escalate", {**alert, "notified_at": now}))
    return notices
