"""Every rule type walked through raise -> repeat -> acknowledge -> clear -> re-raise, on SQLite and PostgreSQL.

Each case stores the data that puts its target in the rule's condition (``bad``) or out of it (``good``) at a
given time; the engine runs at injected times, never the wall clock.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import update

from ioc.alerts import lifecycle
from ioc.alerts.engine import RUN_NAME
from ioc.records import Observation, Reading
from ioc.store import schema
from ioc.store.alert_queries import first_run_started
from ioc.store.writer import finish_run, record_observations, start_run, store_readings, upsert_rows
from tests.alerts.helpers import T0, alert_settings, alerts_of, log_of, minutes, run, watched_since

REPEAT, CLEAR, RERAISE = minutes(1), T0 + timedelta(hours=13), T0 + timedelta(hours=26)


def readings(connection, sensor, metric, *points):
    store_readings(connection, [Reading(sensor, metric, at, value) for at, value in points])


def runs(connection, collector, at, *statuses):
    for offset, status in enumerate(statuses):
        moment = at - timedelta(minutes=len(statuses) - offset)
        finish_run(connection, start_run(connection, collector, moment), moment, 0,
                   "boom" if status == "failed" else None)


FEEDBACK_IDS = iter(range(1, 10_000))


def overdue_reports(connection, at, count):
    rows = []
    for _ in range(count):
        n = next(FEEDBACK_IDS)
        rows.append({"id": n, "tracking_code": f"PA-{n}", "channel": "app", "channel_ref": str(n),
                     "category": "roads", "title": "Ổ gà", "description": "Ổ gà trên đường", "unit_code": "689",
                     "status": "received", "received_at": at - timedelta(days=5), "due_at": at - timedelta(hours=1)})
    upsert_rows(connection, schema.feedback, rows)


def answer_all(connection, at):
    connection.execute(update(schema.feedback).where(schema.feedback.c.answered_at.is_(None)).values(answered_at=at))


def watched_for(minutes: int):
    """The engine's first pass was ``minutes`` before ``at``: long enough for a silence to count."""
    def first_pass(connection, at):
        if first_run_started(connection, RUN_NAME) is None:
            finish_run(connection, start_run(connection, RUN_NAME, at - timedelta(minutes=minutes)), at, 0)
    return first_pass


@dataclass
class Case:
    rule: dict
    target: str
    bad: Callable
    good: Callable


def hours_of_pm25(value):
    def store(connection, at):
        readings(connection, "aq-dongxoai-tanphu", "pm25", *[(at - timedelta(hours=h), value) for h in (2, 1, 0)])
    return store


CASES = {
    "threshold": Case(
        {"type": "threshold", "sensor": "aq-dongxoai-tanphu", "metric": "pm25", "level": 50, "clear_level": 40},
        "aq-dongxoai-tanphu",
        bad=lambda c, at: readings(c, "aq-dongxoai-tanphu", "pm25", (at, 80.0)),
        good=lambda c, at: readings(c, "aq-dongxoai-tanphu", "pm25", (at, 30.0))),
    "rate_of_change": Case(
        {"type": "rate_of_change", "sensor": "wl-be-phuoclong", "metric": "water_level", "change": 1.0,
         "window_minutes": 30, "direction": "rise"},
        "wl-be-phuoclong",
        bad=lambda c, at: readings(c, "wl-be-phuoclong", "water_level", (at - timedelta(minutes=20), 145.0),
                                   (at, 146.5)),
        good=lambda c, at: readings(c, "wl-be-phuoclong", "water_level", (at - timedelta(minutes=10), 146.5),
                                    (at, 146.6))),
    "gauge_level": Case(
        {"type": "gauge_level", "kind": "water_level", "level": 2},
        "wl-thacmo-dam",
        bad=lambda c, at: readings(c, "wl-thacmo-dam", "water_level", (at, 217.8)),
        good=lambda c, at: readings(c, "wl-thacmo-dam", "water_level", (at, 216.0))),
    "aqi_band": Case(
        {"type": "aqi_band", "sensor": "aq-dongxoai-tanphu", "band": "bad"},
        "aq-dongxoai-tanphu",
        bad=hours_of_pm25(100.0),  # NowCast 100 µg/m³ -> VN_AQI 164, "Xấu"
        good=hours_of_pm25(10.0)),
    "missing_data (sensor)": Case(
        {"type": "missing_data", "sensor": "aq-dongxoai-tanphu", "minutes": 30},
        "aq-dongxoai-tanphu",
        bad=watched_for(minutes=31),  # silence is the condition
        good=lambda c, at: readings(c, "aq-dongxoai-tanphu", "pm25", (at, 20.0))),
    "missing_data (collector)": Case(
        {"type": "missing_data", "collector": "portal", "minutes": 30},
        "portal",
        bad=watched_for(minutes=31),
        good=lambda c, at: runs(c, "portal", at, "ok")),
    "indicator_below_target": Case(
        {"type": "indicator_below_target", "indicator": "online_dossier_rate", "unit": "689"},  # target 40 %
        "689",
        bad=lambda c, at: record_observations(c, [Observation(at, "online_dossier_rate", "689", 30.0, "portal")]),
        good=lambda c, at: record_observations(c, [Observation(at, "online_dossier_rate", "689", 55.0, "portal")])),
    "feedback_overdue": Case(
        {"type": "feedback_overdue", "above": 2},
        "70",
        bad=lambda c, at: overdue_reports(c, at, 3),
        good=answer_all),
    "collector_failing": Case(
        {"type": "collector_failing", "collector": "portal", "runs": 3},
        "portal",
        bad=lambda c, at: runs(c, "portal", at, "failed", "failed", "failed"),
        good=lambda c, at: runs(c, "portal", at, "ok")),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_each_rule_type_raises_repeats_is_acknowledged_clears_and_raises_again(engine, tmp_path, case):
    settings = alert_settings(tmp_path / "cfg", [{"id": "r1", **case.rule}])
    with engine.begin() as connection:
        case.bad(connection, T0)
    raised = run(engine, settings, T0)
    [alert] = alerts_of(engine, "r1")
    assert (alert["target"], alert["active"], alert["acknowledged"], alert["count"]) == (case.target, True, False, 1)
    assert [(n.event, n.alert["id"]) for n in raised] == [("raise", alert["id"])]

    assert run(engine, settings, REPEAT) == []  # a repeat updates the alert and notifies nobody
    [alert] = alerts_of(engine, "r1")
    assert (alert["count"], alert["last_seen_at"], alert["raised_at"]) == (2, REPEAT, T0)

    with engine.begin() as connection:
        lifecycle.acknowledge(connection, alert["id"], "operator1", minutes(2), "đang kiểm tra")
    with engine.begin() as connection:
        case.good(connection, CLEAR)
    cleared = run(engine, settings, CLEAR)
    [alert] = alerts_of(engine, "r1")
    assert (alert["active"], alert["acknowledged"], alert["cleared_at"]) == (False, True, CLEAR)
    assert [n.event for n in cleared] == ["clear"]

    with engine.begin() as connection:
        case.bad(connection, RERAISE)
    run(engine, settings, RERAISE)
    first, second = alerts_of(engine, "r1")
    assert (second["target"], second["active"], second["acknowledged"], second["count"]) == (case.target, True,
                                                                                             False, 1)
    assert log_of(engine, first["id"]) == [
        ("raise", "system", None, T0),
        ("acknowledge", "operator1", "đang kiểm tra", minutes(2)),
        ("clear", "system", "condition cleared", CLEAR),
    ]
    assert log_of(engine, second["id"]) == [("raise", "system", None, RERAISE)]


def test_a_sensor_never_heard_is_silent_only_once_the_engine_has_watched_longer_than_the_rule_says(
        sqlite_engine, tmp_path):
    settings = alert_settings(tmp_path / "cfg", [
        {"id": "silent", "type": "missing_data", "sensor": "aq-dongxoai-tanphu", "minutes": 30}])
    assert run(sqlite_engine, settings, T0) == []  # never ran before: nothing has been silent for 30 minutes
    watched_since(sqlite_engine, T0)
    assert run(sqlite_engine, settings, minutes(30)) == []
    [raised] = run(sqlite_engine, settings, minutes(31))
    assert (raised.event, raised.alert["target"], raised.alert["value"]) == ("raise", "aq-dongxoai-tanphu", None)


def test_a_threshold_alert_stays_open_until_the_value_is_back_below_the_clear_level(sqlite_engine, tmp_path):
    settings = alert_settings(tmp_path / "cfg", [{"id": "pm25", **CASES["threshold"].rule}])
    with sqlite_engine.begin() as connection:
        readings(connection, "aq-dongxoai-tanphu", "pm25", (minutes(0), 45.0))
    run(sqlite_engine, settings, minutes(0))
    assert alerts_of(sqlite_engine, "pm25") == []  # between clear level and level: nothing new is raised
    with sqlite_engine.begin() as connection:
        readings(connection, "aq-dongxoai-tanphu", "pm25", (minutes(1), 55.0))
    run(sqlite_engine, settings, minutes(1))
    with sqlite_engine.begin() as connection:
        readings(connection, "aq-dongxoai-tanphu", "pm25", (minutes(2), 45.0))
    run(sqlite_engine, settings, minutes(2))
    [alert] = alerts_of(sqlite_engine, "pm25")
    assert (alert["active"], alert["count"], alert["value"]) == (True, 2, 45.0)
    with sqlite_engine.begin() as connection:
        readings(connection, "aq-dongxoai-tanphu", "pm25", (minutes(3), 39.0))
    run(sqlite_engine, settings, minutes(3))
    [alert] = alerts_of(sqlite_engine, "pm25")
    assert alert["active"] is False


def test_an_alert_waits_for_the_minimum_duration_of_its_condition(sqlite_engine, tmp_path):
    settings = alert_settings(tmp_path / "cfg", [{"id": "pm25", **CASES["threshold"].rule, "for_minutes": 10}])
    with sqlite_engine.begin() as connection:
        readings(connection, "aq-dongxoai-tanphu", "pm25", (minutes(0), 80.0))
    for at in (0, 5, 9):
        run(sqlite_engine, settings, minutes(at))
    assert alerts_of(sqlite_engine, "pm25") == []
    run(sqlite_engine, settings, minutes(10))
    [alert] = alerts_of(sqlite_engine, "pm25")
    assert alert["raised_at"] == minutes(10)


def test_a_condition_that_stops_before_the_minimum_duration_starts_counting_again(sqlite_engine, tmp_path):
    settings = alert_settings(tmp_path / "cfg", [{"id": "pm25", **CASES["threshold"].rule, "for_minutes": 10}])
    for at, value in ((0, 80.0), (5, 30.0), (6, 80.0), (15, 80.0)):
        with sqlite_engine.begin() as connection:
            readings(connection, "aq-dongxoai-tanphu", "pm25", (minutes(at), value))
        run(sqlite_engine, settings, minutes(at))
    assert alerts_of(sqlite_engine, "pm25") == []  # held since minute 6: 9 minutes
    run(sqlite_engine, settings, minutes(16))
    assert [alert["raised_at"] for alert in alerts_of(sqlite_engine, "pm25")] == [minutes(16)]


def test_a_kind_rule_keeps_one_alert_per_sensor(sqlite_engine, tmp_path):
    settings = alert_settings(tmp_path / "cfg", [{"id": "pm25", "type": "threshold", "kind": "air_quality",
                                                  "metric": "pm25", "level": 50}])
    with sqlite_engine.begin() as connection:
        readings(connection, "aq-dongxoai-tanphu", "pm25", (minutes(0), 80.0))
        readings(connection, "aq-hoalu", "pm25", (minutes(0), 90.0))
        readings(connection, "aq-phurieng", "pm25", (minutes(0), 20.0))
    for at in range(5):
        run(sqlite_engine, settings, minutes(at))
    alerts = alerts_of(sqlite_engine, "pm25")
    assert sorted((a["target"], a["count"], a["unit_code"], a["source"]) for a in alerts) == [
        ("aq-dongxoai-tanphu", 5, "689", "sensor"), ("aq-hoalu", 5, "692", "sensor")]
    hoa_lu = next(a for a in alerts if a["target"] == "aq-hoalu")
    assert hoa_lu["message"] == "Quan trắc không khí Cửa khẩu Hoa Lư: 90 (ngưỡng 50)"
    assert hoa_lu["message_en"] == "Quan trắc không khí Cửa khẩu Hoa Lư: 90 (limit 50)"


def test_clearing_by_hand_needs_a_note_and_a_condition_still_present_raises_a_new_alert(sqlite_engine, tmp_path):
    settings = alert_settings(tmp_path / "cfg", [{"id": "pm25", **CASES["threshold"].rule}])
    with sqlite_engine.begin() as connection:
        readings(connection, "aq-dongxoai-tanphu", "pm25", (minutes(0), 80.0))
    run(sqlite_engine, settings, minutes(0))
    [alert] = alerts_of(sqlite_engine, "pm25")
    with pytest.raises(lifecycle.AlertActionError, match="a note is required to clear an alert by hand"):
        with sqlite_engine.begin() as connection:
            lifecycle.clear(connection, alert["id"], "operator1", minutes(1), "  ")
    with sqlite_engine.begin() as connection:
        lifecycle.clear(connection, alert["id"], "operator1", minutes(1), "cảm biến đang bảo trì")
    with pytest.raises(lifecycle.AlertActionError, match=f"alert {alert['id']} is already cleared"):
        with sqlite_engine.begin() as connection:
            lifecycle.clear(connection, alert["id"], "operator2", minutes(2), "again")
    assert log_of(sqlite_engine, alert["id"])[-1] == ("clear", "operator1", "cảm biến đang bảo trì", minutes(1))
    run(sqlite_engine, settings, minutes(3))
    first, second = alerts_of(sqlite_engine, "pm25")
    assert (first["active"], second["active"], second["raised_at"]) == (False, True, minutes(3))


def test_acknowledging_twice_is_refused_and_logged_once(sqlite_engine, tmp_path):
    settings = alert_settings(tmp_path / "cfg", [{"id": "pm25", **CASES["threshold"].rule}])
    with sqlite_engine.begin() as connection:
        readings(connection, "aq-dongxoai-tanphu", "pm25", (minutes(0), 80.0))
    run(sqlite_engine, settings, minutes(0))
    [alert] = alerts_of(sqlite_engine, "pm25")
    with sqlite_engine.begin() as connection:
        lifecycle.acknowledge(connection, alert["id"], "operator1", minutes(1))
    with pytest.raises(lifecycle.AlertActionError, match=f"alert {alert['id']} is already acknowledged"):
        with sqlite_engine.begin() as connection:
            lifecycle.acknowledge(connection, alert["id"], "operator2", minutes(2), "me too")
    with pytest.raises(lifecycle.AlertActionError, match="there is no alert 999"):
        with sqlite_engine.begin() as connection:
            lifecycle.acknowledge(connection, 999, "operator2", minutes(2))
    assert [event[:2] for event in log_of(sqlite_engine, alert["id"])] == [("raise", "system"),
                                                                          ("acknowledge", "operator1")]


def test_assigning_names_the_assignee_in_the_alert_and_the_log(sqlite_engine, tmp_path):
    settings = alert_settings(tmp_path / "cfg", [{"id": "pm25", **CASES["threshold"].rule}])
    with sqlite_engine.begin() as connection:
        readings(connection, "aq-dongxoai-tanphu", "pm25", (minutes(0), 80.0))
    run(sqlite_engine, settings, minutes(0))
    [alert] = alerts_of(sqlite_engine, "pm25")
    with sqlite_engine.begin() as connection:
        lifecycle.assign(connection, alert["id"], "operator1", minutes(1), "nguyenvana", "kiểm tra trạm")
    [alert] = alerts_of(sqlite_engine, "pm25")
    assert alert["assignee"] == "nguyenvana"
    assert log_of(sqlite_engine, alert["id"])[-1] == ("assign", "operator1", "→ nguyenvana: kiểm tra trạm",
                                                      minutes(1))


def test_a_shelved_alert_returns_when_its_shelving_expires(sqlite_engine, tmp_path):
    settings = alert_settings(tmp_path / "cfg", [{"id": "pm25", **CASES["threshold"].rule}])
    with sqlite_engine.begin() as connection:
        readings(connection, "aq-dongxoai-tanphu", "pm25", (minutes(0), 80.0))
    run(sqlite_engine, settings, minutes(0))
    [alert] = alerts_of(sqlite_engine, "pm25")
    with pytest.raises(lifecycle.AlertActionError, match="a reason is required to shelve an alert"):
        with sqlite_engine.begin() as connection:
            lifecycle.shelve(connection, alert["id"], "operator1", minutes(1), minutes(61), "")
    with pytest.raises(lifecycle.AlertActionError, match="the shelving must end in the future"):
        with sqlite_engine.begin() as connection:
            lifecycle.shelve(connection, alert["id"], "operator1", minutes(1), minutes(1), "bảo trì")
    with sqlite_engine.begin() as connection:
        lifecycle.shelve(connection, alert["id"], "operator1", minutes(1), minutes(61), "bảo trì trạm")
    run(sqlite_engine, settings, minutes(60))
    assert alerts_of(sqlite_engine, "pm25")[0]["shelved_until"] == minutes(61)
    run(sqlite_engine, settings, minutes(61))
    [alert] = alerts_of(sqlite_engine, "pm25")
    assert (alert["active"], alert["shelved_until"], alert["count"]) == (True, None, 3)
    assert log_of(sqlite_engine, alert["id"])[1:] == [
        ("shelve", "operator1", "bảo trì trạm (until 2026-11-24 04:31Z)", minutes(1)),
        ("unshelve", "system", "shelving expired", minutes(61)),
    ]


def test_a_cleared_alert_cannot_be_shelved_or_assigned(sqlite_engine, tmp_path):
    settings = alert_settings(tmp_path / "cfg", [{"id": "pm25", **CASES["threshold"].rule}])
    with sqlite_engine.begin() as connection:
        readings(connection, "aq-dongxoai-tanphu", "pm25", (minutes(0), 80.0))
    run(sqlite_engine, settings, minutes(0))
    [alert] = alerts_of(sqlite_engine, "pm25")
    with sqlite_engine.begin() as connection:
        lifecycle.clear(connection, alert["id"], "operator1", minutes(1), "xong")
    for action in (lambda c: lifecycle.shelve(c, alert["id"], "operator1", minutes(2), minutes(9), "x"),
                   lambda c: lifecycle.assign(c, alert["id"], "operator1", minutes(2), "someone")):
        with pytest.raises(lifecycle.AlertActionError, match=f"alert {alert['id']} is cleared and cannot be"):
            with sqlite_engine.begin() as connection:
                action(connection)


def test_an_unacknowledged_critical_alert_is_escalated_each_period_until_acknowledged(sqlite_engine, tmp_path):
    settings = alert_settings(tmp_path / "cfg", [{"id": "pm25", **CASES["threshold"].rule, "severity": "critical"},
                                                 {"id": "pm10", "type": "threshold", "sensor": "aq-dongxoai-tanphu",
                                                  "metric": "pm10", "level": 100}],
                              escalation_minutes=15)
    with sqlite_engine.begin() as connection:
        readings(connection, "aq-dongxoai-tanphu", "pm25", (minutes(0), 80.0))
        readings(connection, "aq-dongxoai-tanphu", "pm10", (minutes(0), 180.0))
    events = {at: [(n.event, n.alert["rule_id"]) for n in run(sqlite_engine, settings, minutes(at))]
              for at in (0, 14, 15, 16, 30)}
    assert events == {0: [("raise", "pm25"), ("raise", "pm10")], 14: [], 15: [("escalate", "pm25")], 16: [],
                      30: [("escalate", "pm25")]}
    critical = alerts_of(sqlite_engine, "pm25")[0]
    with sqlite_engine.begin() as connection:
        lifecycle.acknowledge(connection, critical["id"], "operator1", minutes(31))
    assert run(sqlite_engine, settings, minutes(60)) == []
    assert [e[0] for e in log_of(sqlite_engine, critical["id"])] == ["raise", "escalate", "escalate", "acknowledge"]


def test_a_shelved_critical_alert_is_not_escalated(sqlite_engine, tmp_path):
    settings = alert_settings(tmp_path / "cfg", [{"id": "pm25", **CASES["threshold"].rule, "severity": "critical"}],
                              escalation_minutes=15)
    with sqlite_engine.begin() as connection:
        readings(connection, "aq-dongxoai-tanphu", "pm25", (minutes(0), 80.0))
    run(sqlite_engine, settings, minutes(0))
    with sqlite_engine.begin() as connection:
        lifecycle.shelve(connection, alerts_of(sqlite_engine, "pm25")[0]["id"], "operator1", minutes(1),
                         minutes(120), "đã biết")
    assert run(sqlite_engine, settings, minutes(30)) == []
    assert [n.event for n in run(sqlite_engine, settings, minutes(120))] == ["escalate"]


def test_unknown_sensors_metrics_and_targets_are_refused_at_start_up(tmp_path):
    from ioc.config import ConfigError

    with pytest.raises(ConfigError) as refused:
        alert_settings(tmp_path / "cfg", [
            {"id": "a", "type": "threshold", "sensor": "nowhere", "metric": "pm25", "level": 1},
            {"id": "b", "type": "threshold", "kind": "air_quality", "metric": "pm1", "level": 1},
            {"id": "c", "type": "gauge_level", "kind": "lava", "level": 2},
            {"id": "d", "type": "indicator_below_target", "indicator": "satisfaction_rate"},
        ])
    assert refused.value.problems == [
        ("alerts.rules.0.sensor", "rule 'a': unknown sensor 'nowhere'"),
        ("alerts.rules.1.metric", "rule 'b': no metric 'pm1' on air_quality; known: co, humidity, no2, o3, pm10, "
                                  "pm25, so2, temperature"),
        ("alerts.rules.2.kind", "rule 'c': unknown sensor kind 'lava'; known: air_quality, rain, traffic, "
                                "water_level"),
        ("alerts.rules.3.target", "rule 'd': indicator 'satisfaction_rate' has no target here nor in "
                                  "indicators.targets"),
    ]


def test_a_badly_written_rule_is_refused_naming_its_field(tmp_path):
    from ioc.config import ConfigError

    with pytest.raises(ConfigError) as refused:
        alert_settings(tmp_path / "cfg", [
            {"id": "a", "type": "threshold", "sensor": "aq-hoalu", "kind": "air_quality", "metric": "pm25",
             "level": 50},
            {"id": "b", "type": "threshold", "sensor": "aq-hoalu", "metric": "pm25", "level": 50, "clear_level": 60},
            {"id": "c", "type": "missing_data", "sensor": "aq-hoalu", "minutes": 5, "treshold": 3},
            {"id": "c", "type": "collector_failing", "message": {"vi": "{nam}", "en": "x"}},
        ], escalation_minutes=0)
    assert [(path, reason.split(" (got ")[0]) for path, reason in refused.value.problems] == [
        ("alerts.escalation_minutes", "Input should be greater than 0"),
        ("alerts.rules.0.threshold", "give exactly one of sensor or kind"),
        ("alerts.rules.1.threshold", "clear_level 60 must not be above level 50"),
        ("alerts.rules.2.missing_data.treshold", "Extra inputs are not permitted"),
        ("alerts.rules.3.collector_failing.message",
         "message.vi uses unknown placeholder(s) nam; known: limit, name, target, value"),
    ]


def test_two_rules_with_one_id_are_refused(tmp_path):
    from ioc.config import ConfigError

    rule = {"id": "same", "type": "collector_failing"}
    with pytest.raises(ConfigError, match="rule id used more than once: same"):
        alert_settings(tmp_path / "cfg", [rule, rule])
