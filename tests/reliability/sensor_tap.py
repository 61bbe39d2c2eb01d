"""Counts what the sensor simulator sends, as the broker delivers it to a plain (not shared) subscriber.

The collectors share the stream through an MQTT 5 shared subscription; the tap subscribes to the same topics
outside the group, so it receives every message once and says how many readings the store should end up
with. Each payload is parsed with the collectors' own parser, so a malformed message (the simulator sends a
few on purpose) counts as one to be rejected, not as readings to be stored.
"""

import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt

from collectors.sensor_payloads import PayloadError, parse_payload, sensor_id_from_topic
from ioc.sensors import load_registry


class SensorTap:
    """Counts ``messages``, the ``readings`` in the well-formed ones, and the ``malformed`` ones."""

    def __init__(self, port: int, sensors_file: Path, topic: str = "ioc/sensors/#"):
        self.port = port
        self.topic = topic
        self.sensors = load_registry(sensors_file)
        self.messages = self.readings = self.malformed = 0
        self.last_message_at = 0.0
        """``time.monotonic()`` of the latest message."""
        self.subscribed = threading.Event()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="rig-sensor-tap",
                                  protocol=mqtt.MQTTv5)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = lambda *_args: self.subscribed.set()
        self.client.on_message = self._on_message

    def start(self) -> None:
        self.client.connect("127.0.0.1", self.port)
        self.client.loop_start()
        assert self.subscribed.wait(20), "the sensor tap never subscribed"

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def wait_until_quiet(self, seconds: float = 1.0, timeout: float = 30) -> None:
        """Return once no message has arrived for ``seconds`` (the simulator stopped and the broker drained)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() - self.last_message_at < seconds:
            assert time.monotonic() < deadline, "the sensor stream never went quiet"
            time.sleep(0.1)

    def _on_connect(self, client, _userdata, _flags, reason_code, _properties) -> None:
        if not reason_code.is_failure:
            client.subscribe(self.topic, qos=1)

    def _on_message(self, _client, _userdata, message) -> None:
        self.messages += 1
        self.last_message_at = time.monotonic()
        try:
            self.readings += len(parse_payload(message.payload, sensor_id_from_topic(message.topic, -1),
                                               time.time(), self.sensors))
        except PayloadError:
            self.malformed += 1
