"""The engine on its schedule: each pass is a recorded run, then its notices go out."""

import time
from datetime import timedelta

from click.testing import CliRunner

from ioc.alerts.service import AlertService
from ioc.cli import main
from ioc.records import Reading
from ioc.store import queries
from ioc.store.writer import store_readings
from ioc.timeutil import utcnow
from tests.alerts.helpers import alert_settings, alerts_of, minutes, watched_since
from tests.alerts.test_notify import PM25_RULE, Webhook, webhook_channel


def test_a_pass_raises_records_its_run_and_notifies(sqlite_engine, tmp_path):
    settings = alert_settings(tmp_path / "cfg", [PM25_RULE], notifications=[webhook_channel()])
    with sqlite_engine.begin() as connection:
        store_readings(connection, [Reading("aq-dongxoai-tanphu", "pm25", minutes(0), 80.0)])
    with Webhook() as hook:
        AlertService(settings, sqlite_engine, clock=lambda: minutes(0),
                     environ={"IOC_TEST_WEBHOOK_URL": hook.url}).run_once()
    assert [alert["target"] for alert in alerts_of(sqlite_engine, "pm25")] == ["aq-dongxoai-tanphu"]
    assert [body["event"] for body in hook.received] == ["raise"]
    with sqlite_engine.connect() as connection:
        [run] = [row for row in queries.collector_health(connection) if row["collector"] == "alert-engine"]
    assert (run["status"], run["rows"], run["last_success"]) == ("ok", 1, minutes(0))


def test_the_service_evaluates_as_soon_as_it_starts(sqlite_engine, tmp_path):
    settings = alert_settings(tmp_path / "cfg", [{"id": "silent", "type": "missing_data", "sensor": "aq-hoalu",
                                                  "minutes": 5}])
    watched_since(sqlite_engine, utcnow() - timedelta(minutes=10))  # a restart: the engine ran before
    service = AlertService(settings, sqlite_engine)
    service.start()
    try:
        deadline = time.monotonic() + 10
        while not alerts_of(sqlite_engine, "silent") and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        service.stop()
    assert [alert["target"] for alert in alerts_of(sqlite_engine, "silent")] == ["aq-hoalu"]


def test_the_load_report_command_prints_the_measures(tmp_path):
    settings = alert_settings(tmp_path, [])
    result = CliRunner().invoke(main, ["-c", str(settings.base_dir / "config.yaml"), "alerts", "report",
                                       "--day", "2026-11-24"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:4] == ["day                 2026-11-24", "raised              0",
                                              "per 10 minutes      0 (peak 0)", "floods (>10/10 min) 0 (0 alerts)"]


def test_the_shipped_rules_evaluate_on_a_fresh_store(settings, sqlite_engine):
    assert "sensor-silent" in {rule.id for rule in settings.alerts.rules}  # the fixture is the shipped config.yaml
    AlertService(settings, sqlite_engine, clock=lambda: minutes(0), environ={}).run_once()
    assert alerts_of(sqlite_engine, "sensor-silent") == []  # nothing has been silent for 30 minutes yet
    AlertService(settings, sqlite_engine, clock=lambda: minutes(31), environ={}).run_once()
    with sqlite_engine.connect() as connection:
        [run] = [row for row in queries.collector_health(connection) if row["collector"] == "alert-engine"]
    assert (run["status"], run["last_error"], run["rows"]) == ("ok", None, 18)  # 18 silent air stations


def test_a_rule_that_fails_fails_the_run_but_not_the_other_rules(engine, tmp_path):
    from pydantic import TypeAdapter

    from ioc.alerts.rules import Rule

    settings = alert_settings(tmp_path / "cfg", [PM25_RULE])
    broken = TypeAdapter(Rule).validate_python({  # no target anywhere: load_settings would refuse it
        "id": "broken", "type": "indicator_below_target", "indicator": "satisfaction_rate", "severity": "minor",
        "message": {"vi": "x", "en": "x"}})
    settings = settings.model_copy(update={"alerts": settings.alerts.model_copy(
        update={"rules": [broken, *settings.alerts.rules]})})
    with engine.begin() as connection:
        store_readings(connection, [Reading("aq-dongxoai-tanphu", "pm25", minutes(0), 80.0)])
    AlertService(settings, engine, clock=lambda: minutes(0), environ={}).run_once()
    assert [alert["target"] for alert in alerts_of(engine, "pm25")] == ["aq-dongxoai-tanphu"]
    with engine.connect() as connection:
        [run] = [row for row in queries.collector_health(connection) if row["collector"] == "alert-engine"]
    assert (run["status"], run["last_error"]) == ("failed", "rule broken: KeyError: 'satisfaction_rate'")
