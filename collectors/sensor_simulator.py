"""A simulated sensor network for the demo and the tests: every registered sensor publishes over MQTT.

What it imitates (Vietnam local time drives the daily cycles):
- air quality: PM peaks at the morning and evening rush hours, ozone at midday, more pollution near the
  industrial parks, and pollution episodes that multiply PM for a few hours;
- rain: storms (likelier in the afternoon) that each gauge sees with its own share, and river and reservoir
  gauges that rise after rain and fall back;
- traffic on the national roads: counts with rush-hour peaks, speeds that drop when the road fills;
- sensors that go silent for a while, and a trickle of malformed payloads (the collector must reject them).

Air-quality stations publish one SenML pack per round; the others one JSON object per metric. The model
(``SimulatedProvince.round``) is a pure function of the time, its own state and a seeded random source.
"""

from __future__ import annotations

import logging
import math
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import orjson

from collectors.mqtt_link import mqtt_client
from ioc.config import Secrets, Settings
from ioc.sensors import Sensor, load_registry
from ioc.timeutil import VIETNAM

log = logging.getLogger(__name__)

DEFAULT_RATE = 20.0
"""Readings a second the demo publishes: every sensor reports about every ten seconds."""
MALFORMED = (
    b'{"metric": "pm25", "value": ',
    b'{"metric": "pm25", "value": NaN}',
    b'{"metric": "pm25", "value": -40}',
    b'{"metric": "pm25", "value": 12, "sensor_id": "aq-unregistered"}',
    b'{"metric": "pm25", "value": "high"}',
)


def _peak(hour: float, centre: float, width: float) -> float:
    return math.exp(-((hour - centre) ** 2) / (2 * width**2))


@dataclass
class SimulatedProvince:
    """The weather, pollution and traffic state that makes consecutive rounds consistent."""

    sensors: dict[str, Sensor]
    rng: random.Random
    malformed_share: float = 0.005
    rain_mm_per_hour: float = 0.0
    wetness: float = 0.0
    episode_until: datetime | None = None
    silent_until: dict[str, datetime] = field(default_factory=dict)

    def round(self, at: datetime, hours: float) -> list[tuple[str, bytes, int]]:
        """(topic, payload, readings in it) of every sensor that reports at ``at`` (UTC), ``hours`` after the
        last round."""
        self._advance(at, hours)
        local_hour = at.astimezone(VIETNAM).hour + at.astimezone(VIETNAM).minute / 60
        messages = []
        for sensor in self.sensors.values():
            if self._silent(sensor.id, at):
                continue
            values = self._values(sensor, local_hour, hours, at)
            topic = f"ioc/sensors/{sensor.id}"
            if sensor.kind == "air_quality":
                pack = [{"n": metric, "v": round(value, 2)}
                        | ({} if sensor.metrics[metric].unit == "ug/m3" else {"u": sensor.metrics[metric].unit})
                        for metric, value in values.items()]
                pack[0] = {"bn": f"{sensor.id}/", "bt": round(at.timestamp(), 3), "bu": "ug/m3", **pack[0]}
                messages.append((topic, orjson.dumps(pack), len(pack)))
            else:
                messages += [(topic, orjson.dumps({"metric": metric, "value": round(value, 3),
                                                   "ts": at.isoformat(timespec="milliseconds")}), 1)
                             for metric, value in values.items()]
        return [(topic, self.rng.choice(MALFORMED) if self.rng.random() < self.malformed_share else payload, n)
                for topic, payload, n in messages]

    def _advance(self, at: datetime, hours: float) -> None:
        local_hour = at.astimezone(VIETNAM).hour
        storm_chance = (0.25 if 13 <= local_hour <= 19 else 0.04) * hours
        if self.rain_mm_per_hour < 1 and self.rng.random() < storm_chance:
            self.rain_mm_per_hour = self.rng.uniform(8, 60)
        else:
            self.rain_mm_per_hour *= math.exp(-hours / 0.75)  # a storm fades over an hour or two
        self.wetness = self.wetness * math.exp(-hours / 18) + self.rain_mm_per_hour * hours
        if self.episode_until is None and self.rng.random() < 0.02 * hours:
            self.episode_until = at + timedelta(hours=self.rng.uniform(2, 8))
        elif self.episode_until is not None and at >= self.episode_until:
            self.episode_until = None

    def _silent(self, sensor_id: str, at: datetime) -> bool:
        until = self.silent_until.get(sensor_id)
        if until and at < until:
            return True
        if self.rng.random() < 0.0005:
            self.silent_until[sensor_id] = at + timedelta(minutes=self.rng.uniform(10, 120))
            return True
        return False

    def _values(self, sensor: Sensor, hour: float, hours: float, at: datetime) -> dict[str, float]:
        noise = self.rng.gauss
        if sensor.kind == "air_quality":
            industrial = sensor.id.startswith("aq-kcn")
            episode = 2.5 if self.episode_until and at < self.episode_until else 1.0
            washout = 1 / (1 + self.rain_mm_per_hour / 10)
            rush = 1 + 0.6 * _peak(hour, 7.5, 1.2) + 0.7 * _peak(hour, 18.5, 1.5)
            pm25 = (38 if industrial else 22) * rush * episode * washout * max(0.5, noise(1, 0.1))
            sun = max(0.0, math.sin(math.pi * (hour - 6) / 12))
            values = {
                "pm25": pm25, "pm10": pm25 * max(1.2, noise(1.7, 0.15)), "co": 600 + 28 * pm25 * noise(1, 0.05),
                "no2": 12 + 0.9 * pm25 * noise(1, 0.1), "so2": (25 if industrial else 8) * max(0.3, noise(1, 0.2)),
                "o3": 25 + 110 * sun * max(0.3, noise(1, 0.1)),
                "temperature": 26.5 + 5.5 * math.sin(math.pi * (hour - 9) / 12) - min(4.0, self.rain_mm_per_hour / 8),
            }
            values["humidity"] = min(99.0, 78 - 2.5 * (values["temperature"] - 27) + self.rain_mm_per_hour / 2)
        elif sensor.kind == "rain":
            values = {"rainfall": max(0.0, self.rain_mm_per_hour * hours * noise(1, 0.3))}
        elif sensor.kind == "water_level":
            spec = sensor.metrics["water_level"]
            first, second, third = spec.alarm_levels or (spec.max, spec.max, spec.max)
            normal = spec.min + 0.55 * (first - spec.min)
            flood = second + 0.3 * (third - second)  # where a very wet spell takes the water
            values = {"water_level": normal + (flood - normal) * (1 - math.exp(-self.wetness / 150))
                      + noise(0, 0.01)}
        else:  # traffic, per five minutes
            busy = 1.0 if sensor.id.startswith(("traffic-ql13", "traffic-ql14")) else 0.5
            load = busy * (0.15 + 0.9 * _peak(hour, 7, 1.3) + 0.8 * _peak(hour, 17.5, 1.6) + 0.3 * _peak(hour, 12, 3))
            values = {"vehicles": max(0.0, round(420 * load * noise(1, 0.1))),
                      "speed": max(5.0, 62 - 38 * min(1.0, load) + noise(0, 3))}
        return {metric: min(max(value, sensor.metrics[metric].min), sensor.metrics[metric].max)
                for metric, value in values.items()}


class SensorSimulator:
    """Publishes the simulated network to the configured broker at ``rate`` readings a second (QoS 1)."""

    name = "sensor-simulator"

    def __init__(self, settings: Settings, secrets: Secrets, rate: float = DEFAULT_RATE, seed: int | None = None):
        self.settings = settings
        self.secrets = secrets
        self.rate = rate
        self.province = SimulatedProvince(load_registry(settings.resolve(settings.province.sensors_file)),
                                          random.Random(seed))
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        password = self.secrets.mqtt_password.get_secret_value() if self.secrets.mqtt_password else None
        self.client = mqtt_client(self.settings.mqtt, password, "ioc-sensor-simulator", "3.1.1")
        self.client.connect_async(self.settings.mqtt.host, self.settings.mqtt.port)
        self.client.loop_start()
        self._thread = threading.Thread(target=self._publish_forever, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread:
            self._thread.join()
        self.client.disconnect()
        self.client.loop_stop()

    def _publish_forever(self) -> None:
        last = datetime.now(UTC)
        while not self._stopping.is_set():
            now = datetime.now(UTC)
            messages = self.province.round(now, max((now - last).total_seconds(), 1.0) / 3600)
            last = now
            started, published = time.monotonic(), 0
            for topic, payload, readings in messages:
                if self._stopping.is_set():
                    return
                self.client.publish(topic, payload, qos=1)
                published += readings
                delay = started + published / self.rate - time.monotonic()
                if delay > 0:
                    self._stopping.wait(delay)
            if not messages:
                self._stopping.wait(1.0)
