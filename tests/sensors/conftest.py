"""Fixtures of the sensor tests: the collector running in this process against a real broker."""

from contextlib import contextmanager

import pytest

from collectors.mqtt_ingest import MQTTIngestCollector
from ioc.broker import EmbeddedBroker
from ioc.config import Secrets, load_settings
from tests.conftest import write_config
from tests.services import free_port


def ingest_settings(folder, port: int, protocol: str = "5", client_id: str = "ioc-test-collector",
                    shared_group: str | None = None, **options):
    folder.mkdir(parents=True, exist_ok=True)
    mqtt = {"host": "127.0.0.1", "port": port, "client_id": client_id, "topics": ["ioc/sensors/#"], "qos": 1,
            "shared_group": shared_group}
    collector = {"protocol": protocol, "batch_milliseconds": 20, **options}
    return load_settings(write_config(folder, mqtt=mqtt, collectors={"mqtt_ingest": collector}))


@contextmanager
def running_collector(settings, engine):
    collector = MQTTIngestCollector(settings, settings.collectors["mqtt_ingest"], Secrets(), engine)
    collector.start()
    assert collector.subscribed.wait(30), "the collector never subscribed"
    try:
        yield collector
    finally:
        collector.stop()


@pytest.fixture
def settings(tmp_path):
    """The shipped settings with only the sensor collector, so these tests need no other source."""
    return load_settings(write_config(tmp_path, collectors={}))


@pytest.fixture
def embedded_broker():
    broker = EmbeddedBroker("127.0.0.1", free_port())
    broker.start()
    yield broker
    broker.stop()
