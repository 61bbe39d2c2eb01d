"""The simulated sensor network: realistic cycles, rain raising the gauges, silences, malformed payloads."""

import logging
import random
import time
from datetime import UTC, datetime, timedelta

from collectors.sensor_payloads import PayloadError, parse_payload
from collectors.sensor_simulator import SensorSimulator, SimulatedProvince
from ioc.config import Secrets
from ioc.health import broker_status
from ioc.sensors import load_registry
from ioc.store import queries
from tests.conftest import REPO
from tests.sensors.conftest import ingest_settings, running_collector
from tests.sensors.helpers import wait_for_rows

SENSORS = load_registry(REPO / "data" / "sensors.yaml")
MIDNIGHT_LOCAL = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)


def simulate_day(seed: int = 7, malformed_share: float = 0.01):
    """A day of rounds every ten minutes: (time, readings, rejection reasons, silent sensor ids)."""
    province = SimulatedProvince(SENSORS, random.Random(seed), malformed_share=malformed_share)
    rounds = []
    for step in range(144):
        at = MIDNIGHT_LOCAL + timedelta(minutes=10 * step)
        readings, reasons = [], []
        messages = province.round(at, 1 / 6)
        for topic, payload, _count in messages:
            try:
                readings += parse_payload(payload, topic.rsplit("/", 1)[-1], at.timestamp() + 1, SENSORS)
            except PayloadError as error:
                reasons.append(error.reason)
        reporting = {topic.rsplit("/", 1)[-1] for topic, _payload, _count in messages}
        rounds.append((at, readings, reasons, set(SENSORS) - reporting, province.rain_mm_per_hour))
    return rounds


def test_a_simulated_day_parses_and_has_rush_hours_rain_silences_and_bad_payloads():
    rounds = simulate_day()
    readings = [reading for _at, batch, _reasons, _silent, _rain in rounds for reading in batch]
    reasons = {reason for _at, _batch, batch_reasons, _silent, _rain in rounds for reason in batch_reasons}
    assert len(readings) > 144 * 150
    assert reasons and reasons <= {"invalid_json", "not_finite", "out_of_range", "unknown_sensor", "unknown_metric",
                                   "wrong_type"}

    def mean_pm25(local_hour: int) -> float:
        values = [r.value for r in readings if r.metric == "pm25" and (r.ts.hour + 7) % 24 == local_hour]
        return sum(values) / len(values)

    assert mean_pm25(8) > 1.3 * mean_pm25(3)  # the morning rush hour
    assert any(silent for *_rest, silent, _rain in rounds)


def test_rain_raises_the_gauges():
    for seed in range(40):  # find a seeded day with a storm
        rounds = simulate_day(seed, malformed_share=0)
        if max(rain for *_rest, rain in rounds) > 20:
            break
    levels = [next((r.value for r in batch if r.sensor_id == "wl-be-tanthanh"), None)
              for _at, batch, *_rest in rounds]
    levels = [level for level in levels if level is not None]
    assert max(levels) - levels[0] > 0.3


def test_the_simulator_feeds_the_collector_through_the_embedded_broker(embedded_broker, tmp_path, sqlite_engine):
    settings = ingest_settings(tmp_path / "collector", embedded_broker.port, protocol="3.1.1")
    with running_collector(settings, sqlite_engine):
        simulator = SensorSimulator(settings, Secrets(), rate=2000, seed=1)
        simulator.province.malformed_share = 0.05
        simulator.start()
        try:
            assert wait_for_rows(sqlite_engine, 600, timeout=30) >= 600
            time.sleep(0.5)
        finally:
            simulator.stop()
    with sqlite_engine.connect() as connection:
        rejected = queries.rejected_counts(connection)
    assert sum(rejected.values()) > 0


def test_the_health_probe_leaves_no_error_in_the_embedded_broker_log(embedded_broker, caplog):
    """The health view's TCP check sends no CONNECT; the broker must not log that as an error."""
    with caplog.at_level(logging.DEBUG, logger="amqtt"):
        assert broker_status("127.0.0.1", embedded_broker.port)["reachable"]
        deadline = time.monotonic() + 5
        while not any("Connection from" in record.getMessage() for record in caplog.records):
            assert time.monotonic() < deadline, "the broker never saw the probe"
            time.sleep(0.05)
        time.sleep(0.2)  # the broker reads the closed connection right after accepting it
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING] == []
