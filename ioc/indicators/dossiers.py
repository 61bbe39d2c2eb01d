"""The dossier indicators of Decision 766 the portal's statistics support (formulas: docs/indicators.md).

Every rate is in % and ``None`` when its denominator is zero: a period without dossiers has no on-time rate,
neither 0% nor 100%. Only online-service coverage, a property of the catalogue, has a value without dossiers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields

from ioc.records import DOSSIER_COUNTERS


@dataclass(frozen=True)
class DossierTotals:
    """Counters of ``DossierStats`` summed over a unit and period (``handling_days`` in days)."""

    received_online: int = 0
    received_offline: int = 0
    finished_early: int = 0
    finished_on_time: int = 0
    finished_late: int = 0
    pending_on_time: int = 0
    pending_overdue: int = 0
    with_fee: int = 0
    paid_online: int = 0
    digitised: int = 0
    electronic_results: int = 0
    rated_unsatisfied: int = 0
    complaints: int = 0
    handling_days: float = 0.0

    @classmethod
    def of(cls, row: Mapping) -> DossierTotals:
        return cls(**{name: row[name] or 0 for name in (*DOSSIER_COUNTERS, "handling_days")})

    @classmethod
    def total(cls, parts: Iterable[DossierTotals]) -> DossierTotals:
        sums = dict.fromkeys((f.name for f in fields(cls)), 0)
        for part in parts:
            for name in sums:
                sums[name] += getattr(part, name)
        return cls(**sums)

    @property
    def received(self) -> int:
        return self.received_online + self.received_offline

    @property
    def finished(self) -> int:
        return self.finished_early + self.finished_on_time + self.finished_late

    @property
    def late(self) -> int:
        """Finished after the due date, or still pending past it."""
        return self.finished_late + self.pending_overdue


@dataclass(frozen=True)
class CatalogueCounts:
    """A unit's procedures, those offered online (fully or partly), and those that received an online dossier
    in the period."""

    procedures: int = 0
    online: int = 0
    online_used: int = 0


def rate(part: float, whole: float) -> float | None:
    """``part`` as % of ``whole``; no data when ``whole`` is zero."""
    return None if not whole else 100.0 * part / whole


def dossier_indicators(totals: DossierTotals, catalogue: CatalogueCounts) -> dict[str, float | None]:
    """Every portal indicator of one unit and period, by indicator code (data/indicators.csv)."""
    t = totals
    on_time = t.finished_early + t.finished_on_time + t.pending_on_time
    satisfied = max(0, t.received - t.late - t.complaints - t.rated_unsatisfied)
    return {
        "dossier_on_time_rate": rate(on_time, t.received),
        "avg_handling_days": t.handling_days / t.finished if t.finished else None,
        "online_service_coverage": rate(catalogue.online, catalogue.procedures),
        "online_services_with_dossiers": rate(catalogue.online_used, catalogue.online) if t.received else None,
        "online_dossier_rate": rate(t.received_online, t.received),
        "online_payment_rate": rate(t.paid_online, t.with_fee),
        "electronic_result_rate": rate(t.electronic_results, t.finished),
        "digitisation_rate": rate(t.digitised, t.received),
        "satisfaction_rate": rate(satisfied, t.received),
        "dossiers_received": t.received if t.received else None,
        "dossiers_received_online": t.received_online if t.received else None,
        "dossiers_received_offline": t.received_offline if t.received else None,
    }
