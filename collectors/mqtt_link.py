"""The MQTT side of the sensor collector, run in a process of its own.

Why a process: paho's network loop is the bottleneck of ingest, and it slows down several-fold when another
thread of the same process is busy (parsing, preparing inserts): every socket read releases the GIL, and
each time it waits to take it back. Alone in its process, the loop runs as fast as a bare subscriber.

The link relays messages to the collector over a pipe, in chunks, and acknowledges to the broker the
messages the collector reports committed. It never acknowledges anything on its own. When the collector's
process ends (even killed with SIGKILL) the pipe closes and the link exits, leaving every unacknowledged
message with the broker.

Acknowledgements are sent by paho's network thread, at its next message, in order; the relay thread sends
them itself only when no message comes. An acknowledgement sent from another thread wakes the network loop
for every single one, which costs it more than receiving the message.
"""

from __future__ import annotations

import collections
import logging
import os
import signal
import threading
import time

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from ioc.config import MQTTSettings

log = logging.getLogger(__name__)

CHUNK_MESSAGES = 256
"""Messages relayed to the collector in one pipe write (sooner when RELAY_SECONDS have passed)."""
RELAY_SECONDS = 0.002
SUBSCRIBED = "subscribed"
"""Relayed instead of a chunk when the broker has granted the subscriptions."""
ACK_HANDOVER_SECONDS = 0.01
"""Acknowledgements wait this long for a message to carry them before the relay thread sends them."""


def mqtt_client(settings: MQTTSettings, password: str | None, client_id: str, protocol: str,
                **options) -> mqtt.Client:
    """A paho client (VERSION2 callbacks) with the configured credentials and TLS; not yet connected."""
    v5 = protocol == "5"
    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=mqtt.MQTTv5 if v5 else mqtt.MQTTv311,
        clean_session=None if v5 else False,
        **options,
    )
    if settings.username:
        client.username_pw_set(settings.username, password)
    if settings.tls.enabled:
        tls = settings.tls
        client.tls_set(ca_certs=_path(tls.ca_file), certfile=_path(tls.cert_file), keyfile=_path(tls.key_file))
    client.reconnect_delay_set(min_delay=1, max_delay=30)
    return client


def _path(path) -> str | None:
    return str(path) if path else None


def topic_filters(settings: MQTTSettings) -> list[str]:
    group = settings.shared_group
    return [f"$share/{group}/{topic}" if group else topic for topic in settings.topics]


def run_link(settings: MQTTSettings, password: str | None, protocol: str, receive_maximum: int,
             session_expiry_seconds: int, messages, acks) -> None:
    """Entry point of the link process: relay until the collector closes ``acks`` (or dies).

    Ctrl-C and SIGTERM reach the whole process group; the link ignores them, because its collector stops it
    in order, after committing what it relayed.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    Link(settings, password, protocol, receive_maximum, session_expiry_seconds, messages, acks).run()


class Link:
    """Relays (mid, qos, topic, payload, arrival in epoch seconds, connection) tuples to the collector."""

    def __init__(self, settings: MQTTSettings, password, protocol, receive_maximum, session_expiry_seconds,
                 messages, acks):
        self.settings = settings
        self.messages = messages
        self.acks_in = acks
        self.connection = 0
        self.wall_clock = time.time() - time.monotonic()  # paho stamps arrival with the monotonic clock
        self.pending: list[tuple] = []
        self.pending_lock = threading.Lock()
        self.acks: collections.deque = collections.deque()
        self.acks_queued_at = 0.0
        self.ack_lock = threading.RLock()
        self.client = mqtt_client(settings, password, settings.client_id, protocol, manual_ack=True)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe
        self.connect = {}
        if protocol == "5":
            properties = Properties(PacketTypes.CONNECT)
            properties.SessionExpiryInterval = session_expiry_seconds
            properties.ReceiveMaximum = receive_maximum
            self.connect = {"clean_start": False, "properties": properties}

    def run(self) -> None:
        self.client.connect_async(self.settings.host, self.settings.port, self.settings.keepalive_seconds,
                                  **self.connect)
        self.client.loop_start()
        try:
            self._relay_forever()
        finally:
            self.client.disconnect()
            self.client.loop_stop()
            self.messages.close()
            os._exit(0)  # a daemon thread of paho's must not keep a dead collector's link alive

    def _relay_forever(self) -> None:
        while True:
            try:
                if self.acks_in.poll(RELAY_SECONDS):
                    committed = self.acks_in.recv()
                    self.acks.extend(committed)
                    self.acks_queued_at = time.monotonic()
            except (EOFError, OSError):
                return  # the collector stopped or died
            self._flush()
            if self.acks and time.monotonic() - self.acks_queued_at > ACK_HANDOVER_SECONDS:
                self._send_acks()  # no message came to carry them

    def _flush(self) -> None:
        """Relay what is pending (from either thread; the lock keeps chunks whole and in order)."""
        with self.pending_lock:
            if self.pending:
                self.messages.send(self.pending)
                self.pending = []

    # paho's network thread

    def _on_connect(self, client, _userdata, _flags, reason_code, _properties) -> None:
        if reason_code.is_failure:
            log.warning("MQTT broker refused the connection: %s", reason_code)
            return
        log.info("connected to MQTT broker %s:%s", self.settings.host, self.settings.port)
        client.subscribe([(topic, self.settings.qos) for topic in topic_filters(self.settings)])

    def _on_subscribe(self, _client, _userdata, _mid, reason_codes, _properties) -> None:
        refused = [code for code in reason_codes if code.is_failure]
        if refused:
            log.error("the broker refused a subscription: %s", refused)
            return
        log.info("subscribed to %s", ", ".join(topic_filters(self.settings)))
        with self.pending_lock:
            self.messages.send(SUBSCRIBED)

    def _on_disconnect(self, _client, _userdata, _flags, reason_code, _properties) -> None:
        with self.ack_lock:
            self.connection += 1
        if reason_code != 0:
            log.warning("disconnected from MQTT broker (%s); reconnecting", reason_code)

    def _on_message(self, _client, _userdata, message) -> None:
        if self.acks:
            self._send_acks()
        item = (message.mid, message.qos, message.topic, message.payload, self.wall_clock + message.timestamp,
                self.connection)
        with self.pending_lock:
            self.pending.append(item)
            if len(self.pending) >= CHUNK_MESSAGES:
                self.messages.send(self.pending)
                self.pending = []

    def _send_acks(self) -> None:
        """Acknowledge committed messages in the order they came; those of an earlier connection are not
        acknowledged: the broker sends them again and may have reused their packet ids."""
        with self.ack_lock:
            acks, current = self.acks, self.connection
            while acks:
                mid, qos, connection = acks.popleft()
                if connection == current and qos:
                    self.client.ack(mid, qos)
