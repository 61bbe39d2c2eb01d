"""The portal failing for an hour of simulated time: slow, answering 500, malformed JSON, truncated pages, down.

The collector runs at its configured interval on a simulated clock that crosses midnight. During the outage the
health view names each run's failure and the ``portal-failing`` alert of config.yaml is raised; when the portal
comes back, one run catches up, the store holds exactly what the portal reports for the whole window, and the
alert clears (docs/reliability.md).
"""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import requests
from sqlalchemy import select

from collectors.portal import PortalCollector, PortalOptions
from collectors.portal_simdata import model_for
from collectors.portal_simulator import PortalSimulator
from ioc.alerts.engine import RUN_NAME
from ioc.alerts.service import AlertService
from ioc.config import Secrets
from ioc.health import health_report
from ioc.scheduler import run_recorded
from ioc.store import alert_queries, schema
from ioc.timeutil import VIETNAM, local_day
from tests.reliability.figures import record

DAY = date(2026, 3, 12)
START = datetime.combine(DAY, time(23, 30), tzinfo=VIETNAM).astimezone(UTC)
"""The last good run, half an hour before a Vietnam midnight: the outage crosses into the next day."""
HOUR = timedelta(hours=1)
TOKEN = "portal-outage-token"
HISTORY_DAYS, REREAD_DAYS = 12, 11
"""Every day read is reread at each run, and older days no longer change (the simulator settles in 10 days)."""
FAULTS = {  # simulator fault -> how the run's failure begins in the health view
    "slow": "ReadTimeout",
    "error": "HTTPStatusError: Server error '500 INTERNAL SERVER ERROR'",
    "malformed": "PortalFormatError: not JSON",
    "truncated": "PortalFormatError: truncated page",
    "down": "ConnectError",
}
COUNTERS = ("received_online", "received_offline", "finished_early", "finished_on_time", "finished_late",
            "pending_on_time", "pending_overdue", "with_fee", "paid_online", "digitised", "electronic_results",
            "rated_unsatisfied", "complaints")


class SimulatedClock:
    """The moment every part of the test reads: collector, simulator's day, alert engine, health view."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def portal(settings):
    server = PortalSimulator(model_for(settings, seed=11, first_day=DAY - timedelta(days=40)), token=TOKEN,
                             today=DAY)
    server.slow_seconds = 0.6
    server.start()
    yield server
    server.stop()


def truth(model, first: date, last: date, as_of: date) -> tuple[dict, dict]:
    """What the portal reports on ``as_of`` for days ``first..last``: (day, unit, sector) -> counters, and
    (day, unit, procedure) -> online dossiers."""
    stats, usage = {}, {}
    for offset in range((last - first).days + 1):
        day_items, usage_items = model.day_stats(first + timedelta(days=offset), as_of)
        for item in day_items:
            stats[(item["day"], item["unit_code"], item["sector_code"])] = tuple(item[name] for name in COUNTERS)
        for item in usage_items:
            usage[(item["day"], item["unit_code"], item["procedure_code"])] = item["online_received"]
    return stats, usage


def stored(engine) -> tuple[dict, dict]:
    """The same two mappings as the store holds them."""
    s, u = schema.dossier_stats, schema.procedure_usage
    with engine.connect() as connection:
        stats = {(day.isoformat(), unit, sector): tuple(counters) for day, unit, sector, *counters in
                 connection.execute(select(s.c.day, s.c.unit_code, s.c.sector_code, *(s.c[n] for n in COUNTERS)))}
        usage = {(day.isoformat(), unit, procedure): count for day, unit, procedure, count in
                 connection.execute(select(u.c.day, u.c.unit_code, u.c.procedure_code, u.c.online_received))}
    return stats, usage


def portal_health(engine, settings, now: datetime) -> tuple[dict, dict]:
    """The health view's rows of the portal and of the alert engine at ``now``."""
    rows = {row["collector"]: row for row in health_report(engine, settings, now)["collectors"]}
    return rows["portal"], rows[RUN_NAME]


def portal_alerts(engine) -> list[dict]:
    with engine.connect() as connection:
        rows = alert_queries.alert_list(connection, since=datetime.min.replace(tzinfo=UTC))
    return [row for row in rows if row["rule_id"] == "portal-failing"]


def health_json(kiosk_url: str, live_server: str) -> dict:
    display = requests.Session()
    display.get(kiosk_url, timeout=10).raise_for_status()
    return display.get(f"{live_server}/health.json", timeout=10).json()


def test_an_hour_of_portal_faults_raises_the_alert_and_one_run_catches_up_without_loss_or_double_counting(
        settings, sqlite_engine, portal, live_server, kiosk_url):
    engine, clock = sqlite_engine, SimulatedClock(START)
    interval = settings.collectors["portal"].interval_seconds
    options = PortalOptions(base_url=portal.base_url, interval_seconds=interval, page_size=500, timeout_seconds=0.2,
                            retries=1, backoff_seconds=0.01, backoff_max_seconds=0.02, history_days=HISTORY_DAYS,
                            reread_days=REREAD_DAYS, chunk_days=6)
    collector = PortalCollector(settings, options, Secrets(portal_token=TOKEN), engine)
    collector.clock = clock
    alerts = AlertService(settings, engine, clock=clock)
    rule = next(rule for rule in settings.alerts.rules if rule.id == "portal-failing")

    def run_at(moment: datetime) -> None:
        clock.now = moment
        portal.today = local_day(moment)
        run_recorded(engine, collector)
        alerts.run_once()

    run_at(START)
    assert portal_health(engine, settings, START)[0]["status"] == "ok"

    runs = int(HOUR.total_seconds() // interval)
    faults = list(FAULTS)
    for n in range(1, runs + 1):
        fault = faults[(n - 1) % len(faults)]
        if fault == "down":
            portal.stop()
        else:
            portal.fault = fault
        run_at(START + n * timedelta(seconds=interval))
        if fault == "down":
            portal.start()  # on its old port
        portal.fault = None

        row, engine_row = portal_health(engine, settings, clock.now)
        assert (row["status"], row["last_success"]) == ("failed", START), f"run {n} ({fault})"
        assert row["last_error"].startswith(FAULTS[fault]), f"run {n} ({fault}): {row['last_error']}"
        assert (engine_row["status"], engine_row["last_error"]) == ("ok", None)
        raised = [alert for alert in portal_alerts(engine) if alert["active"]]
        if n < rule.runs:
            assert raised == [], f"raised after {n} failed runs"
        else:
            [alert] = raised
            assert (alert["target"], alert["value"], alert["count"]) == ("portal", n, n - rule.runs + 1)
            assert alert["raised_at"] == START + rule.runs * timedelta(seconds=interval)
        if n == runs:
            report = health_json(kiosk_url, live_server)
            [json_row] = [row for row in report["collectors"] if row["collector"] == "portal"]
            assert json_row["status"] == "failed" and json_row["last_error"].startswith(FAULTS[fault])
            assert alert["message_en"] == f"Public-service portal: {runs} failed runs in a row"

    failed_runs = runs
    back = START + HOUR + timedelta(seconds=interval)
    requests_before = portal.requests
    run_at(back)  # the portal is back: one run
    row, _ = portal_health(engine, settings, back)
    assert (row["status"], row["last_success"]) == ("ok", back)
    [alert] = portal_alerts(engine)
    assert (alert["active"], alert["cleared_at"]) == (False, back)

    today = local_day(back)
    assert today == DAY + timedelta(days=1)
    first = DAY - timedelta(days=HISTORY_DAYS - 1)
    expected_stats, expected_usage = truth(portal.model, first, today, today)
    got_stats, got_usage = stored(engine)
    lost = len(expected_stats.keys() - got_stats.keys()) + len(expected_usage.keys() - got_usage.keys())
    doubled = sum(got_stats[key][:2] > expected_stats[key][:2] for key in got_stats.keys() & expected_stats.keys())
    doubled += sum(got_usage[key] > expected_usage[key] for key in got_usage.keys() & expected_usage.keys())
    days = {day for day, _unit, _sector in got_stats}
    sent = sum(counters[0] + counters[1] for counters in expected_stats.values())
    kept = sum(counters[0] + counters[1] for counters in got_stats.values())
    record("portal_outage", simulated_minutes=int((back - START).total_seconds() // 60), failed_runs=failed_runs,
           catch_up_requests=portal.requests - requests_before, days=len(days), rows_sent=len(expected_stats),
           rows_stored=len(got_stats), dossiers_sent=sent, dossiers_stored=kept, lost=lost, doubled=doubled)
    assert (len(days), lost, doubled) == (HISTORY_DAYS + 1, 0, 0)
    assert got_stats == expected_stats
    assert got_usage == expected_usage
    assert kept == sent
