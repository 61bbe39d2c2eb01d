"""Sensor readings over MQTT into the store, with no reading lost.

How nothing is lost: the subscription is QoS 1 on a persistent session (a fixed client id, no clean start),
and a message is acknowledged to the broker only after the transaction holding its reading (or its
rejection) has committed (paho-mqtt's manual acknowledgement). A collector killed at any moment leaves its
unacknowledged messages with the broker, which delivers them again on reconnect; a redelivered reading is
already stored and stays one row (``store_readings`` is idempotent).

How it keeps up: the MQTT connection lives in a process of its own (``collectors.mqtt_link``), which relays
messages in chunks over a pipe; here one writer thread parses and commits them in batches (``batch_size``
messages or ``batch_milliseconds`` after the first, whichever comes first), then reports them committed to
the link, which acknowledges them. Over MQTT 5 the broker is told never to have more than ``queue_size``
messages unacknowledged (Receive Maximum), which bounds everything held between broker and store; the pipe's
buffer holds the link back when the writer falls behind.

A message received on an earlier connection is stored but not acknowledged: after a reconnect the broker
re-sends it and may reuse its packet id for another message, which a late acknowledgement would wrongly
release.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from datetime import timedelta
from typing import Literal

from pydantic import Field, PositiveFloat, PositiveInt
from sqlalchemy.exc import SQLAlchemyError

from collectors.base import PushedCollector
from collectors.mqtt_link import SUBSCRIBED, run_link, topic_filters
from collectors.registry import register
from collectors.sensor_payloads import PayloadError, parse_payload, sensor_id_from_topic
from ioc.config import CollectorSettings
from ioc.records import RejectedInput
from ioc.sensors import load_registry
from ioc.store.failures import describe_failure, is_store_full
from ioc.store.writer import prune_readings, reject_input, store_readings
from ioc.timeutil import utcnow

log = logging.getLogger(__name__)

IDLE_SECONDS = 0.2
RETRY_SECONDS = 2.0
"""Wait before committing a batch again after the store failed (the batch stays unacknowledged meanwhile)."""


class MQTTIngestOptions(CollectorSettings):
    protocol: Literal["3.1.1", "5"] = Field(
        "5", description="MQTT version: 5 for Mosquitto and shared subscriptions, 3.1.1 for the embedded broker."
    )
    batch_size: PositiveInt = Field(5000, description="Commit after this many messages …")
    batch_milliseconds: PositiveInt = Field(50, description="… or this long after the first message of a batch.")
    queue_size: int = Field(
        20000, ge=1, le=65535,
        description="Messages unacknowledged at most, between broker and store (MQTT 5 Receive Maximum).",
    )
    session_expiry_seconds: PositiveInt = Field(
        7 * 24 * 3600, description="MQTT 5: how long the broker keeps the session (and queues) while disconnected."
    )
    sensor_id_topic_level: int = Field(
        -1, description="Topic level holding the sensor id when a payload has none (0 = first, -1 = last)."
    )
    max_future_seconds: PositiveFloat = Field(300, description="Reject readings timed further ahead than this.")
    retention_days: PositiveInt = Field(90, description="Raw readings older than this are pruned; rollups stay.")
    prune_interval_minutes: PositiveFloat = Field(60, description="How often old raw readings are pruned.")


@register
class MQTTIngestCollector(PushedCollector):
    """Subscribes to the sensor topics and stores every reading exactly once.

    ``messages_committed`` counts the messages this instance has committed (readings and rejections);
    ``subscribed`` is set once the broker has granted the subscriptions.
    """

    name = "mqtt_ingest"
    options_model = MQTTIngestOptions

    def start(self) -> None:
        self.sensors = load_registry(self.settings.resolve(self.settings.province.sensors_file))
        self._stopping = threading.Event()
        self._next_prune = 0.0
        self.messages_committed = 0
        self._failure: str | None = None
        """The store's failure while it lasts (``describe_failure``), logged once; None when it takes writes."""
        self._failing_since = 0.0
        self.subscribed = threading.Event()
        self._start_link()
        self._writer = threading.Thread(target=self._write_forever, name=f"{self.name}-writer", daemon=True)
        self._writer.start()

    def stop(self) -> None:
        """Close the link (it disconnects), then commit what it relayed; those messages stay
        unacknowledged and come again on the next start, where they are recognised as already stored."""
        self._stopping.set()
        self._acks.close()
        self._writer.join()
        self._link.join(10)
        log.info("stopped after committing %d messages", self.messages_committed)

    def topic_filters(self) -> list[str]:
        return topic_filters(self.settings.mqtt)

    def _start_link(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._messages, link_messages = context.Pipe(duplex=False)
        link_acks, self._acks = context.Pipe(duplex=False)
        password = self.secrets.mqtt_password.get_secret_value() if self.secrets.mqtt_password else None
        self._link = context.Process(
            target=run_link, name=f"{self.name}-link", daemon=True,
            args=(self.settings.mqtt, password, self.options.protocol, self.options.queue_size,
                  self.options.session_expiry_seconds, link_messages, link_acks),
        )
        self._link.start()
        link_messages.close()
        link_acks.close()

    def _write_forever(self) -> None:
        while True:
            batch, link_open = self._next_batch()
            if batch:
                self._commit(batch)
            if not link_open:
                if self._stopping.is_set():
                    return
                log.error("the MQTT link process ended (exit code %s); starting it again", self._link.exitcode)
                self._link.join()
                self._start_link()
            if time.monotonic() >= self._next_prune:
                self._prune()

    def _next_batch(self) -> tuple[list[tuple], bool]:
        """About ``batch_size`` messages, waiting at most ``batch_milliseconds`` after the first one (an
        empty list after a short idle wait, so that pruning is noticed), and whether the link is open."""
        batch: list[tuple] = []
        deadline = time.monotonic() + IDLE_SECONDS
        first = True
        while len(batch) < self.options.batch_size:
            remaining = deadline - time.monotonic()
            try:
                if remaining <= 0 or not self._messages.poll(remaining):
                    break
                chunk = self._messages.recv()
                if chunk == SUBSCRIBED:
                    self.subscribed.set()
                    continue
                batch += chunk
            except (EOFError, OSError):
                return batch, False
            if first:
                deadline, first = time.monotonic() + self.options.batch_milliseconds / 1000, False
        return batch, True

    def _commit(self, batch: list[tuple]) -> None:
        readings, rejected = [], []
        level, sensors, future = self.options.sensor_id_topic_level, self.sensors, self.options.max_future_seconds
        for _mid, _qos, topic, payload, received_at, _connection in batch:
            try:
                readings += parse_payload(payload, sensor_id_from_topic(topic, level), received_at, sensors, future)
            except PayloadError as error:
                rejected.append(RejectedInput(self.name, error.reason, error.detail, payload))
        while True:
            try:
                with self.engine.begin() as connection:
                    store_readings(connection, readings)
                    for item in rejected:
                        reject_input(connection, item)
                break
            except SQLAlchemyError as error:
                self._store_failed(error, len(batch))
                if self._stopping.wait(RETRY_SECONDS):
                    return  # not acknowledged: the broker delivers these again after the restart
        if self._failure:
            log.warning("the store takes readings again after %.0f s (%s)", time.monotonic() - self._failing_since,
                        self._failure)
            self._failure = None
        try:
            self._acks.send([(mid, qos, connection) for mid, qos, _topic, _payload, _at, connection in batch])
        except OSError:
            log.warning("the MQTT link is gone: %d committed messages will come again", len(batch))
        self.messages_committed += len(batch)
        if rejected:
            log.info("rejected %d of %d messages (%s)", len(rejected), len(batch),
                     ", ".join(sorted({item.reason for item in rejected})))

    def _store_failed(self, error: SQLAlchemyError, messages: int) -> None:
        """Log a store failure once per outage (and again if its cause changes), not at every retry: a full disk
        may last hours. A traceback only for a failure that is not a full disk."""
        failure = describe_failure(error)
        if failure == self._failure:
            return
        if self._failure is None:
            self._failing_since = time.monotonic()
        self._failure = failure
        log.error("%s; %d messages stay unacknowledged at the broker, with all that follow them; retrying every "
                  "%g s", failure, messages, RETRY_SECONDS, exc_info=not is_store_full(error))

    def _prune(self) -> None:
        self._next_prune = time.monotonic() + self.options.prune_interval_minutes * 60
        before = utcnow() - timedelta(days=self.options.retention_days)
        try:
            with self.engine.begin() as connection:
                pruned = prune_readings(connection, before)
        except SQLAlchemyError:
            log.exception("could not prune readings older than %s", before)
            return
        if pruned:
            log.info("pruned %d readings older than %s", pruned, before)
