"""Ingest benchmark: MQTT -> collector -> SQLite, against a bare paho subscriber on the same broker.

    .venv/bin/python benchmarks/ingest.py [--readings 200000] [--rate 5000] [--seconds 10]

Starts a Mosquitto of its own (Debian package ``mosquitto``) on a free port and a fresh SQLite store.

1. Throughput: N readings are published at QoS 1 to a persistent session while its consumer is away; then the
   consumer connects and drains them. Timed from connecting (for the collector: from starting it, its link
   process included) to the last message (bare subscriber: received and acknowledged; collector: committed to
   SQLite and reported to the link for acknowledgement). Printed: messages per second of each,
   and their ratio.
2. Latency: the collector running while a separate publisher process sends readings at a steady ``--rate``
   for ``--seconds``; each reading carries its publish time, and the store records when it was written
   (``received_at``, taken just before the insert of its batch, a millisecond or so before the commit).
   Printed: p50 and p99 of publish-to-store latency.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import orjson
import paho.mqtt.client as mqtt
import yaml
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from sqlalchemy import select

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from collectors.mqtt_ingest import MQTTIngestCollector  # noqa: E402
from ioc.config import Secrets, load_settings  # noqa: E402
from ioc.reference import load_reference_data  # noqa: E402
from ioc.sensors import load_registry  # noqa: E402
from ioc.store import schema  # noqa: E402
from ioc.store.engine import open_engine  # noqa: E402
from ioc.store.migrate import upgrade  # noqa: E402
from tests.services import MosquittoServer  # noqa: E402

POLLUTANTS = ("pm25", "pm10", "co", "no2", "so2", "o3")
BASE_TIME = 1.7e9
BARE_PREFIX = "bench/sensors"
PUBLISH_WINDOW = 30_000


def keys() -> list[tuple[str, str]]:
    """Distinct (station, metric) pairs of the registry's air-quality stations."""
    registry = load_registry(REPO / "data" / "sensors.yaml")
    return [(sensor.id, metric) for sensor in registry.values() if sensor.kind == "air_quality"
            for metric in POLLUTANTS]


def message(i: int, pairs, ts: float | None = None, prefix: str = "ioc/sensors") -> tuple[str, bytes]:
    sensor, metric = pairs[i % len(pairs)]
    moment = ts if ts is not None else BASE_TIME + i // len(pairs)
    return f"{prefix}/{sensor}", orjson.dumps({"metric": metric, "value": 20.0 + i % 50, "ts": moment})


def publish(port: int, messages, client_id: str) -> None:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
    client.max_inflight_messages_set(2000)
    client.connect("127.0.0.1", port)
    client.loop_start()
    infos = []
    for topic, payload in messages:
        if len(infos) >= PUBLISH_WINDOW:  # paho's packet ids would wrap around beyond 65,535 unacknowledged
            infos[-PUBLISH_WINDOW].wait_for_publish(300)
        infos.append(client.publish(topic, payload, qos=1))
    for info in infos:
        info.wait_for_publish(300)
    client.disconnect()
    client.loop_stop()


def publish_paced(port: int, rate: float, seconds: float, pairs, offset: int) -> None:
    """Publish ``rate`` readings a second for ``seconds``, each timed with its publish moment (a process)."""
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="bench-paced", protocol=mqtt.MQTTv5)
    client.max_inflight_messages_set(2000)
    client.connect("127.0.0.1", port)
    client.loop_start()
    start = time.time()
    total, infos = int(rate * seconds), []
    for i in range(total):
        due = start + i / rate
        delay = due - time.time()
        if delay > 0:
            time.sleep(delay)
        topic, payload = message(offset + i, pairs, ts=time.time())
        infos.append(client.publish(topic, payload, qos=1))
    for info in infos:
        info.wait_for_publish(60)
    client.disconnect()
    client.loop_stop()


def _cpu() -> float:
    """CPU seconds (user and system) this process and its ended children have used: a cost that other
    load on the machine does not change, unlike the rates. The publishers' share is included."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def bare_subscriber_rate(port: int, count: int, pairs) -> tuple[float, float]:
    """Messages per second a paho subscriber that only counts (QoS 1, automatic acknowledgement) drains."""
    done = threading.Event()
    received = 0

    def on_message(_client, _userdata, _message):
        nonlocal received
        received += 1
        if received == count:
            done.set()

    def session(client_id: str) -> mqtt.Client:
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
        client.on_message = on_message
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = 3600
        client.connect("127.0.0.1", port, clean_start=False, properties=properties)
        return client

    client = session("bench-bare")
    client.subscribe(f"{BARE_PREFIX}/#", qos=1)  # its own topics: the collector's stream is not queued here
    client.loop_start()
    time.sleep(0.5)
    client.disconnect()
    client.loop_stop()
    publish(port, (message(i, pairs, prefix=BARE_PREFIX) for i in range(count)), "bench-publisher-bare")
    start, cpu = time.perf_counter(), _cpu()
    client = session("bench-bare")
    client.loop_start()
    done.wait(600)
    elapsed, cpu = time.perf_counter() - start, _cpu() - cpu
    client.disconnect()
    client.loop_stop()
    return count / elapsed, cpu / count


def collector_settings(folder: Path, port: int):
    config = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    for key, value in config["province"].items():
        if key.endswith("_file"):
            config["province"][key] = str(REPO / value)
    config["store"] = {"url": f"sqlite:///{folder / 'bench.db'}"}
    config["mqtt"] = {"host": "127.0.0.1", "port": port, "client_id": "bench-collector", "qos": 1,
                      "topics": ["ioc/sensors/#"]}
    config["collectors"] = {"mqtt_ingest": {"protocol": "5"}}
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return load_settings(path)


def collector_rate(settings, engine, port: int, count: int, pairs) -> tuple[float, float]:
    def collector():
        return MQTTIngestCollector(settings, settings.collectors["mqtt_ingest"], Secrets(store_url=None), engine)

    first = collector()
    first.start()
    first.subscribed.wait(30)  # the session now exists
    first.stop()
    publish(port, (message(i, pairs) for i in range(count)), "bench-publisher-collector")
    second = collector()
    start, cpu = time.perf_counter(), _cpu()
    second.start()
    while second.messages_committed < count:
        time.sleep(0.002)
    elapsed = time.perf_counter() - start
    second.stop()  # its link process ends: its CPU time counts from here on
    return count / elapsed, (_cpu() - cpu) / count


def latencies(settings, engine, port: int, rate: float, seconds: float, pairs, offset: int) -> list[float]:
    collector = MQTTIngestCollector(settings, settings.collectors["mqtt_ingest"], Secrets(store_url=None), engine)
    collector.start()
    collector.subscribed.wait(30)
    before = collector.messages_committed
    expected = int(rate * seconds)
    publisher = multiprocessing.get_context("fork").Process(
        target=publish_paced, args=(port, rate, seconds, pairs, offset))
    publisher.start()
    publisher.join()
    deadline = time.monotonic() + 60
    while collector.messages_committed - before < expected and time.monotonic() < deadline:
        time.sleep(0.05)
    collector.stop()
    readings = schema.readings
    with engine.connect() as connection:
        rows = connection.execute(select(readings.c.ts, readings.c.received_at)
                                  .where(readings.c.ts > _moment(BASE_TIME + 10**7))).all()
    return [(received - ts).total_seconds() for ts, received in rows]


def _moment(epoch: float):
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, UTC)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readings", type=int, default=200_000, help="readings for the throughput run")
    parser.add_argument("--rate", type=float, default=5000, help="steady readings/s of the latency run")
    parser.add_argument("--seconds", type=float, default=10, help="length of the latency run")
    args = parser.parse_args()
    pairs = keys()
    mosquitto = MosquittoServer("/usr/sbin/mosquitto")
    mosquitto.start()
    folder = Path(tempfile.mkdtemp(prefix="ioc-bench-"))
    try:
        settings = collector_settings(folder, mosquitto.port)
        engine = open_engine(settings.store_url(Secrets(store_url=None)))
        upgrade(engine)
        load_reference_data(engine, settings)
        print(f"machine: {os.cpu_count()} CPUs; readings: {args.readings}; Mosquitto on port {mosquitto.port}")
        print(f"load average before: {os.getloadavg()[0]:.2f}")
        bare, bare_cpu = bare_subscriber_rate(mosquitto.port, args.readings, pairs)
        print(f"bare paho subscriber (QoS 1, counts only): {bare:,.0f} messages/s, "
              f"{bare_cpu * 1e6:.1f} µs CPU a message")
        stored, stored_cpu = collector_rate(settings, engine, mosquitto.port, args.readings, pairs)
        print(f"collector (QoS 1, commit to SQLite, then acknowledge): {stored:,.0f} readings/s, "
              f"{stored_cpu * 1e6:.1f} µs CPU a reading")
        print(f"ratio collector / bare: {stored / bare:.0%} (CPU cost ratio {bare_cpu / stored_cpu:.0%})")
        lags = latencies(settings, engine, mosquitto.port, args.rate, args.seconds, pairs, offset=0)
        print(f"latency at {args.rate:,.0f} readings/s over {args.seconds:g} s ({len(lags)} readings): "
              f"p50 {percentile(lags, 0.5) * 1000:.1f} ms, p99 {percentile(lags, 0.99) * 1000:.1f} ms, "
              f"max {max(lags) * 1000:.1f} ms, mean {statistics.fmean(lags) * 1000:.1f} ms")
        engine.dispose()
    finally:
        mosquitto.close()


if __name__ == "__main__":
    main()
