"""Readings over a real broker (Mosquitto and the embedded one) into the store, and bad input set aside."""

import time
from datetime import UTC, datetime, timedelta

import orjson
import pytest

from ioc.store import queries, schema
from tests.reliability.figures import record
from tests.sensors.conftest import ingest_settings, running_collector
from tests.sensors.helpers import count_rows, publish_all, publisher, reading, wait_for_rows
from tests.sensors.test_payloads import BAD_PAYLOADS

START = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


def good_messages(count: int, sensor: str = "aq-dongxoai-tanphu", start: datetime = START):
    return [(f"ioc/sensors/{sensor}", reading("pm25", 20.0 + i % 10, (start + timedelta(seconds=i)).isoformat()))
            for i in range(count)]


@pytest.mark.parametrize("broker", ["mosquitto", "embedded"])
def test_readings_published_to_the_broker_are_stored_with_their_rollups(request, broker, tmp_path, sqlite_engine):
    server = request.getfixturevalue("mosquitto" if broker == "mosquitto" else "embedded_broker")
    settings = ingest_settings(tmp_path / "collector", server.port, protocol="5" if broker == "mosquitto" else "3.1.1")
    messages = good_messages(600)
    with running_collector(settings, sqlite_engine) as collector:
        client = publisher(server.port)
        try:
            publish_all(client, messages)
            publish_all(client, messages[:50])  # a redelivered duplicate stays one row
        finally:
            client.disconnect()
        assert wait_for_rows(sqlite_engine, 600) == 600
        assert collector.topic_filters() == ["ioc/sensors/#"]
    with sqlite_engine.connect() as connection:
        hourly = queries.hourly_rollups(connection, "aq-dongxoai-tanphu", "pm25", START, START + timedelta(hours=1))
    expected_sum = sum(20.0 + i % 10 for i in range(600))
    assert [(row["hour"], row["count"], row["sum"]) for row in hourly] == [(START, 600, expected_sum)]
    assert count_rows(sqlite_engine) == 600


def test_every_bad_payload_is_rejected_with_its_reason_and_the_good_ones_around_it_are_stored(
        mosquitto, tmp_path, engine):
    settings = ingest_settings(tmp_path / "collector", mosquitto.port)
    good = iter(good_messages(len(BAD_PAYLOADS) + 1))
    messages = [next(good)]
    for _reason, payload, _detail in BAD_PAYLOADS:
        messages.append(("ioc/sensors/aq-dongxoai-tanphu",
                         payload if isinstance(payload, bytes) else orjson.dumps(payload)))
        messages.append(next(good))
    messages.append(("ioc/sensors/", reading("pm25", 1)))  # no sensor in the topic or the payload
    with running_collector(settings, engine):
        client = publisher(mosquitto.port)
        try:
            publish_all(client, messages)
        finally:
            client.disconnect()
        wait_for_rows(engine, len(BAD_PAYLOADS) + 1, table=schema.rejected_inputs)
        assert wait_for_rows(engine, len(BAD_PAYLOADS) + 1) == len(BAD_PAYLOADS) + 1
    with engine.connect() as connection:
        counts = queries.rejected_counts(connection)
        kept = queries.rejected_inputs(connection, "mqtt_ingest")
    expected: dict = {}
    for reason, _payload, _detail in BAD_PAYLOADS:
        expected[("mqtt_ingest", reason)] = expected.get(("mqtt_ingest", reason), 0) + 1
    expected[("mqtt_ingest", "unknown_sensor")] += 1
    assert counts == expected
    too_large = next(row for row in kept if row["reason"] == "too_large")
    assert len(too_large["payload"]) == 4096
    assert "bytes (limit 65536)" in too_large["detail"]


def test_readings_published_while_the_broker_restarts_are_all_stored(mosquitto, tmp_path, sqlite_engine):
    settings = ingest_settings(tmp_path / "collector", mosquitto.port)
    messages = good_messages(3000)
    with running_collector(settings, sqlite_engine):
        client = publisher(mosquitto.port)
        try:
            publish_all(client, messages[:1500])
            mosquitto.stop()
            mosquitto.start()
            deadline = time.monotonic() + 30
            while not client.is_connected() and time.monotonic() < deadline:
                time.sleep(0.1)
            publish_all(client, messages[1500:])
        finally:
            client.disconnect()
        assert wait_for_rows(sqlite_engine, 3000) == 3000
        wait_for_rows(sqlite_engine, 3001, timeout=2)  # a redelivery stored twice would land now
        assert count_rows(sqlite_engine) == 3000
    record("mosquitto_restart", sent=3000, stored=count_rows(sqlite_engine), lost=0, doubled=0)
