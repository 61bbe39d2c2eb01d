"""Plain records that collectors hand to the store. They know nothing of SQL."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Observation:
    """One value of one indicator for one unit and period; ``ts`` is the period's start (UTC)."""

    ts: datetime
    indicator_code: str
    unit_code: str
    value: float
    source: str


@dataclass(frozen=True, slots=True)
class Reading:
    """One sensor measurement in the metric's canonical unit, at ``ts`` (UTC)."""

    sensor_id: str
    metric: str
    ts: datetime
    value: float


@dataclass(frozen=True, slots=True)
class RejectedInput:
    """Input that could not be used: kept with its reason for inspection and counted per reason."""

    source: str
    reason: str
    detail: str
    payload: str | bytes
