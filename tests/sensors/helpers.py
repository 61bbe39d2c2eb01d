"""Publishing over a real broker and waiting for the store, for the sensor tests and the benchmark."""

import time

import orjson
import paho.mqtt.client as mqtt
from sqlalchemy import func, select

from ioc.store import schema


def publisher(port: int, client_id: str = "test-publisher") -> mqtt.Client:
    """A connected paho client that may have many QoS 1 messages in flight."""
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv311)
    client.max_inflight_messages_set(1000)
    client.connect("127.0.0.1", port)
    client.loop_start()
    return client


def publish_all(client: mqtt.Client, messages, qos: int = 1, timeout: float = 120) -> None:
    """Publish (topic, payload) pairs and wait until the broker has acknowledged every one."""
    infos = [client.publish(topic, payload, qos=qos) for topic, payload in messages]
    deadline = time.monotonic() + timeout
    for info in infos:
        info.wait_for_publish(max(0.1, deadline - time.monotonic()))
        assert info.is_published(), "the broker did not acknowledge a message in time"


def reading(metric: str, value, ts=None, **extra) -> bytes:
    return orjson.dumps({"metric": metric, "value": value, **({"ts": ts} if ts is not None else {}), **extra})


def count_rows(engine, table=schema.readings) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def wait_for_rows(engine, expected: int, table=schema.readings, timeout: float = 60) -> int:
    """Poll until ``table`` holds ``expected`` rows (or the timeout); return the last count."""
    deadline = time.monotonic() + timeout
    while True:
        rows = count_rows(engine, table)
        if rows >= expected or time.monotonic() > deadline:
            return rows
        time.sleep(0.05)
