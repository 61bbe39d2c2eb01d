"""Starting and stopping the IOC's long-running parts, and shutting down cleanly on Ctrl-C or SIGTERM."""

import logging
import signal
import threading
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger(__name__)


class Service(Protocol):
    name: str

    def start(self) -> None: ...

    def stop(self) -> None: ...


class ShutdownRequested(BaseException):
    """Raised in the main thread by SIGTERM, like KeyboardInterrupt is by Ctrl-C."""


def _request_shutdown(signum, _frame) -> None:
    raise ShutdownRequested(signal.Signals(signum).name)


def _ignore_while_stopping(signum, _frame) -> None:
    log.info("already shutting down; %s ignored", signal.Signals(signum).name)


def wait_forever() -> None:
    threading.Event().wait()


def run_services(services: list[Service], foreground: Callable[[], None] = wait_forever) -> None:
    """Start ``services`` in order, run ``foreground`` until a signal, then stop them in reverse order.

    Stopping lets each service finish what it holds (a pushed collector commits the readings it received),
    so a SIGTERM loses nothing that was acknowledged.
    """
    signal.signal(signal.SIGTERM, _request_shutdown)
    started: list[Service] = []
    try:
        for service in services:
            service.start()
            started.append(service)
            log.info("started %s", service.name)
        foreground()
    except (KeyboardInterrupt, ShutdownRequested) as reason:
        log.info("shutting down (%s)", type(reason).__name__ if isinstance(reason, KeyboardInterrupt) else reason)
    finally:
        signal.signal(signal.SIGTERM, _ignore_while_stopping)  # a second signal must not cut a stop short
        signal.signal(signal.SIGINT, _ignore_while_stopping)
        for service in reversed(started):
            try:
                service.stop()
                log.info("stopped %s", service.name)
            except Exception:  # noqa: BLE001 - one service failing to stop must not keep the others running
                log.exception("could not stop %s cleanly", service.name)
