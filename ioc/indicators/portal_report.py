"""Every portal indicator, score and gap for every unit and period: the store's sums in, results out.

This is the one place that joins query results to the pure indicator functions, so the wall, the analytics
page and the benchmark compute the same numbers the same way. Whose dossiers a unit's figures are:
the province's are every unit's; a department's, district's or commune's are those it handled itself
(Decision 766 ranks each level separately, so a district does not include its communes).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection

from ioc.config import IndicatorSettings
from ioc.indicators.dossiers import CatalogueCounts, DossierTotals, dossier_indicators
from ioc.indicators.index766 import Gap, Score, gaps, rank, score
from ioc.indicators.periods import Period, split
from ioc.store import portal_queries, queries


@dataclass(frozen=True)
class UnitResult:
    unit_code: str
    unit_name: str
    level: str  # province, department, district or commune
    period: Period
    totals: DossierTotals
    values: dict[str, float | None]
    score: Score
    gaps: dict[str, Gap]


def portal_indicators(connection: Connection, settings: IndicatorSettings, first: date, last: date,
                      grain: str = "total", sector: str | None = None,
                      units: Collection[str] | None = None) -> list[UnitResult]:
    """Results for every unit and every ``grain`` period of Vietnam days ``first..last`` (inclusive).

    ``sector`` restricts every figure to that sector's dossiers and procedures (its catalogue, its usage);
    ``units`` computes those unit codes only, so that a page asking for a few units reads those units' rows
    (and the province's sums, summed over every unit in SQL, if the province is among them).
    """
    periods = split(first, last, grain)
    reporting = portal_queries.reporting_units(connection)
    if units is None:
        sums = portal_queries.dossier_sums(connection, first, last, grain, sector)
        used = portal_queries.online_procedures_used(connection, first, last, grain, sector)
    else:
        reporting = [unit for unit in reporting if unit["code"] in units]
        others = [u["code"] for u in reporting if u["level"] != "province"]
        with_province = len(others) < len(reporting)
        sums = portal_queries.dossier_sums(connection, first, last, grain, sector, others) if others else {}
        if with_province:
            sums.update(portal_queries.dossier_sums(connection, first, last, grain, sector, by_unit=False))
        used = portal_queries.online_procedures_used(connection, first, last, grain, sector, others, bool(others),
                                                     with_province)
    catalogue = portal_queries.catalogue_counts(connection, sector)
    directions = {row["code"]: row["direction"] for row in queries.indicator_catalogue(connection)}
    totals = {key: DossierTotals.of(row) for key, row in sums.items()}
    province = defaultdict(list)  # every unit's parts, or the one part summed in SQL under PROVINCE_WIDE
    for (unit_code, bucket), part in totals.items():
        if units is None or unit_code == portal_queries.PROVINCE_WIDE:
            province[bucket].append(part)
    results = []
    for unit in reporting:
        code, level = unit["code"], unit["level"]
        scope = {"province": "province", "department": code}.get(level, level)
        procedures, online = catalogue.get(scope, (0, 0))
        for period in periods:
            if level == "province":
                unit_totals = DossierTotals.total(province.get(period.key, ()))
                online_used = used.get((portal_queries.PROVINCE_WIDE, period.key), 0)
            else:
                unit_totals = totals.get((code, period.key), DossierTotals())
                online_used = used.get((code, period.key), 0)
            values = dossier_indicators(unit_totals, CatalogueCounts(procedures, online, online_used))
            unit_score = score(values, settings)
            values["index_766_total"] = unit_score.total
            results.append(UnitResult(code, unit["name"], level, period, unit_totals, values, unit_score,
                                      gaps(values, settings.targets, directions)))
    return results


def ranking(results: list[UnitResult], indicator: str, level: str, period: Period,
            higher_is_better: bool = True) -> list[tuple[int | None, UnitResult]]:
    """Units of one level ranked on one indicator in one period, best first; units without data last."""
    chosen = [r for r in results if r.level == level and r.period == period]
    ranks = rank({r.unit_code: r.values.get(indicator) for r in chosen}, higher_is_better)
    ordered = sorted(chosen, key=lambda r: (ranks[r.unit_code] is None, ranks[r.unit_code] or 0, r.unit_code))
    return [(ranks[r.unit_code], r) for r in ordered]
