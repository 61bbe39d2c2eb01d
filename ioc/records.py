"""Plain records that collectors hand to the store. They know nothing of SQL."""

from dataclasses import dataclass
from datetime import date, datetime


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


# --- Public-service portal (docs/portal-contract.md) --------------------------------------------------------

DOSSIER_COUNTERS = (
    "received_online",
    "received_offline",
    "finished_early",
    "finished_on_time",
    "finished_late",
    "pending_on_time",
    "pending_overdue",
    "with_fee",
    "paid_online",
    "digitised",
    "electronic_results",
    "rated_unsatisfied",
    "complaints",
)
"""Whole-number counters of ``DossierStats``, in the order of the contract."""


@dataclass(frozen=True, slots=True)
class Sector:
    """A field of procedures (lĩnh vực), managed by one provincial department."""

    code: str
    name: str
    department_code: str | None


@dataclass(frozen=True, slots=True)
class Procedure:
    """One administrative procedure (TTHC) of the portal's catalogue.

    ``online_level`` is Decree 42/2022's scheme ("full" = toàn trình, "partial" = một phần, "none");
    ``old_level`` the pre-2022 level 1-4, when the portal still reports it.
    """

    code: str
    name: str
    sector_code: str
    online_level: str
    old_level: int | None
    has_fee: bool
    online_payment: bool
    at_province: bool
    at_district: bool
    at_commune: bool


@dataclass(frozen=True, slots=True)
class DossierStats:
    """Dossiers one unit received in one sector on one Vietnam day, and what became of them so far.

    Every counter belongs to the day the dossier was *received*, so a later answer for that day is a
    correction of its row: received = finished early + on time + late + pending on time + overdue.
    ``handling_days`` is the summed handling time of the finished ones, in days.
    """

    day: date
    unit_code: str
    sector_code: str
    received_online: int
    received_offline: int
    finished_early: int
    finished_on_time: int
    finished_late: int
    pending_on_time: int
    pending_overdue: int
    handling_days: float
    with_fee: int
    paid_online: int
    digitised: int
    electronic_results: int
    rated_unsatisfied: int
    complaints: int


@dataclass(frozen=True, slots=True)
class ProcedureUsage:
    """How many dossiers of one procedure a unit received online on one Vietnam day (only when > 0)."""

    day: date
    unit_code: str
    procedure_code: str
    online_received: int
