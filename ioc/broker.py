"""The embedded MQTT broker of the one-command demo (amqtt, pure Python), run on its own event loop thread.

Production uses Mosquitto instead; see docs/production.md.
"""

import asyncio
import logging
import threading
from contextlib import suppress

from amqtt.broker import Broker
from amqtt.errors import AMQTTError

STARTUP_TIMEOUT_SECONDS = 10


class SilentProbeFilter(logging.Filter):
    """Drops amqtt's error for a connection that closed without sending CONNECT.

    The health view checks that the broker accepts TCP connections by opening one and closing it; amqtt logs each
    such check as an error ("No data from ..."), which would make an operator reading the log think the broker
    is failing.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (message.startswith("No data from") or "No data to decode MQTT packet" in message)


class ClosingBroker(Broker):
    """amqtt's broker, closing a connection whose first packet was not a CONNECT.

    amqtt gives up on such a connection (a port check, a scanner, a client speaking something else) without
    closing its socket, so each one would keep a file descriptor open until garbage collection.
    """

    async def _initialize_client_session(self, reader, writer, remote_address, remote_port):
        try:
            return await super()._initialize_client_session(reader, writer, remote_address, remote_port)
        except AMQTTError:
            with suppress(OSError):
                await writer.close()
            raise


class EmbeddedBroker:
    """An MQTT 3.1.1 broker on ``host:port`` that keeps QoS 1 sessions of clients that ask for them."""

    name = "broker"

    def __init__(self, host: str, port: int):
        self.host = host
        self.port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._broker: Broker | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        broker_log = logging.getLogger("amqtt.broker")
        if not any(isinstance(known, SilentProbeFilter) for known in broker_log.filters):
            broker_log.addFilter(SilentProbeFilter())
        started = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            try:
                self._broker = ClosingBroker(self._config(), loop=self._loop)
                self._loop.run_until_complete(self._broker.start())
            except BaseException as exc:  # noqa: BLE001 - handed to the starting thread below
                failure.append(exc)
                started.set()
                return
            started.set()
            self._loop.run_forever()
            self._finish_connections()
            self._loop.close()

        self._thread = threading.Thread(target=serve, name="embedded-broker", daemon=True)
        self._thread.start()
        if not started.wait(STARTUP_TIMEOUT_SECONDS):
            raise RuntimeError(f"embedded MQTT broker did not start on {self.host}:{self.port}")
        if failure:
            raise RuntimeError(f"embedded MQTT broker could not start on {self.host}:{self.port}: {failure[0]}")

    def stop(self) -> None:
        if not self._loop or not self._broker:
            return
        asyncio.run_coroutine_threadsafe(self._broker.shutdown(), self._loop).result(STARTUP_TIMEOUT_SECONDS)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(STARTUP_TIMEOUT_SECONDS)

    def _finish_connections(self) -> None:
        """Close the connections still open after shutdown (one that never sent CONNECT has no session for
        amqtt to clean up) and let their handlers end, so that no socket outlives the loop."""
        for transport in list(getattr(self._loop, "_transports", {}).values()):
            transport.close()
        handlers = asyncio.all_tasks(self._loop)
        if handlers:
            self._loop.run_until_complete(asyncio.wait(handlers, timeout=STARTUP_TIMEOUT_SECONDS))
        self._loop.run_until_complete(asyncio.sleep(0))  # a closed transport lets go of its socket a step later

    def _config(self) -> dict:
        return {
            "listeners": {"default": {"type": "tcp", "bind": f"{self.host}:{self.port}"}},
            "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
        }
