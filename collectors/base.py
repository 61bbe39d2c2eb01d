"""The two kinds of collector (as in Telegraf): polled on an interval, or pushed over a long-lived connection.

A collector turns raw payloads into plain records (``ioc.records``) with a pure parse function and hands them
to the store's writer. It never crashes the process: the scheduler records each run and its error.
"""

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from sqlalchemy import Engine

from ioc.config import CollectorSettings, Secrets, Settings
from ioc.timeutil import utcnow


class CollectorBase(ABC):
    """What every collector is given: its own options, the whole settings, the secrets and the store."""

    name: ClassVar[str]
    options_model: ClassVar[type[CollectorSettings]] = CollectorSettings

    def __init__(self, settings: Settings, options: CollectorSettings, secrets: Secrets, engine: Engine):
        self.settings = settings
        self.options = options
        self.secrets = secrets
        self.engine = engine


class PolledCollector(CollectorBase):
    """Runs ``gather`` every ``interval_seconds``; each run is recorded in ``collector_runs``."""

    clock: Callable[[], datetime] = staticmethod(utcnow)
    """The current moment (UTC): what a run reads up to, and when it is recorded. Tests replace it to let time
    pass."""

    def __init__(self, settings: Settings, options: CollectorSettings, secrets: Secrets, engine: Engine):
        super().__init__(settings, options, secrets, engine)
        self.stopping = threading.Event()
        """Set at shutdown: a long gather (a first backfill) stops at its next safe point and keeps its work."""

    @abstractmethod
    def gather(self) -> int:
        """Fetch, parse and store one batch; return how many rows were stored. Raise on failure."""


class PushedCollector(CollectorBase):
    """Holds a long-lived connection between ``start`` and ``stop``; ``stop`` commits what it received."""

    @abstractmethod
    def start(self) -> None: ...

    @abstractmethod
    def stop(self) -> None: ...

