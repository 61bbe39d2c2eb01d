"""No reading lost: a collector killed with SIGKILL mid-stream, and two collectors sharing one stream."""

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from ioc.config import Secrets
from ioc.reference import load_reference_data
from ioc.store.engine import open_engine
from ioc.store.migrate import upgrade
from tests.conftest import REPO
from tests.reliability.figures import record
from tests.sensors.conftest import ingest_settings, running_collector
from tests.sensors.helpers import count_rows, publish_all, publisher, reading, wait_for_rows

START = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
SENSORS = ["aq-dongxoai-tanphu", "aq-kcn-bacdongphu", "aq-binhlong-center", "aq-locninh-center", "aq-hoalu"]


def stream(count: int, first: int = 0):
    """``count`` distinct readings spread over five stations, one second apart per station."""
    return [(f"ioc/sensors/{SENSORS[i % 5]}",
             reading("pm25", float(i % 300), (START + timedelta(seconds=i // 5)).timestamp()))
            for i in range(first, first + count)]


def start_collect(config) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ioc", "-c", str(config), "collect"], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_a_collector_killed_mid_stream_loses_nothing_and_duplicates_nothing(mosquitto, tmp_path):
    total = 50_000
    settings = ingest_settings(tmp_path, mosquitto.port, batch_size=500)
    config = tmp_path / "config.yaml"
    engine = open_engine(settings.store_url(Secrets(store_url=None)))
    upgrade(engine)
    load_reference_data(engine, settings)
    collector = start_collect(config)
    client = publisher(mosquitto.port)
    try:
        messages = stream(total)
        deadline = datetime.now(UTC) + timedelta(seconds=60)
        while count_rows(engine) == 0:  # the session exists once the first reading is stored
            publish_all(client, messages[:1])
            assert datetime.now(UTC) < deadline, "the collector never stored a reading"
            wait_for_rows(engine, 1, timeout=1)
        infos = [client.publish(topic, payload, qos=1) for topic, payload in messages[1:]]
        stored = wait_for_rows(engine, total // 4, timeout=120)
        os.kill(collector.pid, signal.SIGKILL)
        collector.wait(10)
        assert total // 4 <= stored < total, "the kill was not in the middle of the stream"
        for info in infos:
            info.wait_for_publish(60)
        collector = start_collect(config)
        assert wait_for_rows(engine, total, timeout=150) == total
        wait_for_rows(engine, total + 1, timeout=2)  # nothing more arrives either
        assert count_rows(engine) == total
        record("collector_sigkill", sent=total, stored_before_kill=stored, stored=count_rows(engine), lost=0,
               doubled=0)
    finally:
        client.disconnect()
        collector.terminate()
        collector.wait(30)
        engine.dispose()


def test_two_collectors_on_a_shared_subscription_store_each_reading_exactly_once(
        mosquitto, tmp_path, sqlite_engine):
    total = 6000
    first = ingest_settings(tmp_path / "a", mosquitto.port, client_id="ioc-a", shared_group="ioc")
    second = ingest_settings(tmp_path / "b", mosquitto.port, client_id="ioc-b", shared_group="ioc")
    with running_collector(first, sqlite_engine) as a, running_collector(second, sqlite_engine) as b:
        assert a.topic_filters() == ["$share/ioc/ioc/sensors/#"]
        client = publisher(mosquitto.port)
        try:
            probes = wait_until_subscribed(client, a, b)
            publish_all(client, stream(total))
        finally:
            client.disconnect()
        assert wait_for_rows(sqlite_engine, total + probes) == total + probes
        assert a.messages_committed > 1000 and b.messages_committed > 1000
        assert a.messages_committed + b.messages_committed == total + probes  # no message went to both
    assert count_rows(sqlite_engine) == total + probes
    record("shared_subscription", sent=total + probes, stored=count_rows(sqlite_engine),
           collector_a=a.messages_committed, collector_b=b.messages_committed, lost=0, doubled=0)


def wait_until_subscribed(client, *collectors) -> int:
    """Publish probes (readings of their own) until every collector has committed one; return how many."""
    probes = 0
    deadline = time.monotonic() + 30
    while not all(collector.messages_committed for collector in collectors):
        assert time.monotonic() < deadline, "a collector never received a message"
        publish_all(client, stream(1, first=100_000 + probes))
        probes += 1
        time.sleep(0.2)
    return probes
