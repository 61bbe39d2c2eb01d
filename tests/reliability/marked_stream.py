"""A paced stream of readings of the test's own, told apart from the sensor simulator's, counted in the store.

The simulator stamps its readings on whole milliseconds; these are stamped 250 µs past a multiple of 500 µs,
one stamp per reading, so the store's rows say which readings arrived, how many times, and when (the writer
sets ``received_at`` as it stores a batch). Each is published at QoS 1 at its turn (reading ``i`` at
``i / rate`` seconds after the start) to one of ten air-quality stations, with a pm25 value well inside the
good band so that no alert follows.
"""

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, func, select

from ioc.store import schema
from tests.sensors.helpers import publisher, reading

STATIONS = ["aq-dongxoai-tanphu", "aq-dongxoai-tienthanh", "aq-kcn-dongxoai", "aq-kcn-bacdongphu",
            "aq-kcn-namdongphu", "aq-dongphu-tanphu", "aq-kcn-minhhung-hanquoc", "aq-kcn-minhhung-3",
            "aq-kcn-becamex", "aq-chonthanh-center"]
MARK = timedelta(microseconds=250)
STEP_MICROSECONDS = 500


@dataclass(frozen=True)
class Arrivals:
    sent: int
    stored: int
    """Distinct readings of the stream in the store."""
    doubled: int
    """Rows beyond one per reading, plus readings the hourly rollups counted more than once."""
    lags_ms: list[float]
    """For each stored reading, from its publication to the moment it was stored (ms)."""
    drain_ms: float
    """From the last publication to the moment the last reading was stored (ms)."""

    @property
    def lost(self) -> int:
        return self.sent - self.stored


class MarkedStream:
    def __init__(self, mqtt_port: int, rate: float, client_id: str = "ioc-reliability-stream"):
        assert rate <= 1e6 / STEP_MICROSECONDS, "one stamp per 500 µs at most"
        self.rate = rate
        self.step = timedelta(microseconds=int(1e6 / rate) // STEP_MICROSECONDS * STEP_MICROSECONDS)
        """At most 1 / rate, so that a reading's stamp is never ahead of its turn to be sent."""
        self.client = publisher(mqtt_port, client_id)
        self.sent_at: list[float] = []
        """Epoch seconds at which reading ``i`` was handed to paho."""
        self._infos = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._publish, name="marked-stream", daemon=True)
        now = datetime.now(UTC)
        self.origin = now.replace(microsecond=now.microsecond // 1000 * 1000) - timedelta(milliseconds=1)
        """Before the first stamp, on a whole millisecond: every stamp is in the past when it is sent."""

    def stamp(self, index: int) -> datetime:
        return self.origin + index * self.step + MARK

    def start(self, engine) -> None:
        self._excess_before = rollup_excess(engine, self.origin)
        self._thread.start()

    def stop(self, timeout: float = 120) -> int:
        """Stop publishing, wait until the broker has acknowledged every reading; how many were sent."""
        self._stopping.set()
        self._thread.join()
        deadline = time.monotonic() + timeout
        for info in self._infos:
            info.wait_for_publish(max(0.1, deadline - time.monotonic()))
            assert info.is_published(), "the broker did not acknowledge a reading in time"
        self.client.disconnect()
        self.client.loop_stop()
        return len(self.sent_at)

    def _publish(self) -> None:
        started = time.monotonic()
        index = 0
        while not self._stopping.is_set():
            delay = started + index / self.rate - time.monotonic()
            if delay > 0.002:  # sleep in slices of a few readings; the rest go out at once
                time.sleep(delay)
                continue
            payload = reading("pm25", 5.0 + index % 200 / 10,
                              self.stamp(index).isoformat(timespec="microseconds"))
            self.sent_at.append(time.time())
            self._infos.append(self.client.publish(f"ioc/sensors/{STATIONS[index % len(STATIONS)]}", payload,
                                                   qos=1))
            index += 1

    def _window(self):
        return and_(schema.readings.c.ts >= self.origin,
                    schema.readings.c.ts <= self.stamp(len(self.sent_at)))

    def stored(self, engine) -> int:
        """Rows in the stream's time window (the simulator's few among them included: a progress count)."""
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(schema.readings)
                                      .where(self._window())).scalar_one()

    def wait_until_stored(self, engine, timeout: float) -> None:
        """Poll (a count first, the rows once the count is there) until every reading sent is stored."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.stored(engine) >= len(self.sent_at) and \
                    len({index for index, _at in self.arrived(engine)}) == len(self.sent_at):
                return
            time.sleep(0.5)

    def arrived(self, engine) -> list[tuple[int, datetime]]:
        """(index, stored at) of every row of the stream in the store."""
        with engine.connect() as connection:
            rows = connection.execute(select(schema.readings.c.ts, schema.readings.c.received_at)
                                      .where(self._window())).all()
        found = []
        for ts, received_at in rows:
            index, rest = divmod(ts - self.origin - MARK, self.step)
            if rest == timedelta(0):
                found.append((index, received_at))
        return found

    def arrivals(self, engine) -> Arrivals:
        found = self.arrived(engine)
        indexes = {index for index, _at in found}
        assert indexes <= set(range(len(self.sent_at))), "a reading of the stream that was never sent"
        lags = [(at.timestamp() - self.sent_at[index]) * 1000 for index, at in found]
        folded_twice = rollup_excess(engine, self.origin) - self._excess_before
        last_stored = max((at for _index, at in found), default=None)
        drain = (last_stored.timestamp() - self.sent_at[-1]) * 1000 if last_stored else 0.0
        return Arrivals(len(self.sent_at), len(indexes), len(found) - len(indexes) + folded_twice, lags, drain)


def rollup_excess(engine, since: datetime) -> int:
    """Readings the hourly rollups count from the hour of ``since`` on, minus the rows the store holds for
    those hours (the simulator's included), in one snapshot. The writer folds each new reading in with the
    reading itself, so this stays the same while readings arrive, and grows by one for a reading counted twice.
    """
    first = since.replace(minute=0, second=0, microsecond=0)
    hourly, readings = schema.rollups_hourly, schema.readings
    counted = select(func.coalesce(func.sum(hourly.c.count), 0)).where(hourly.c.hour >= first).scalar_subquery()
    rows = select(func.count()).select_from(readings).where(readings.c.ts >= first).scalar_subquery()
    with engine.connect() as connection:
        return connection.execute(select(counted - rows)).scalar_one()
