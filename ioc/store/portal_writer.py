"""Writing the portal's catalogue, daily dossier statistics and usage. Every write is an idempotent upsert:
a row read again (a re-read day, a re-imported file) replaces itself, so nothing is ever counted twice.

Each write also rebuilds the monthly rollups of the months it touched, from the daily rows, so that indicators
over whole months read a few thousand rows instead of hundreds of thousands (docs/benchmarks.md).
"""

from collections.abc import Iterable
from dataclasses import asdict
from datetime import date

from sqlalchemy import Connection, and_, delete, func, insert, literal, or_, select
from sqlalchemy.types import Date

from ioc.records import DOSSIER_COUNTERS, DossierStats, Procedure, ProcedureUsage, Sector
from ioc.store import schema
from ioc.store.upsert import insert_for
from ioc.store.writer import upsert_rows
from ioc.timeutil import utcnow


def store_catalogue(connection: Connection, sectors: Iterable[Sector], procedures: Iterable[Procedure]) -> int:
    """Upsert sectors, then the procedures that refer to them; returns how many rows were written."""
    written = upsert_rows(connection, schema.portal_sectors, [asdict(sector) for sector in sectors])
    written += upsert_rows(connection, schema.portal_procedures, [asdict(p) for p in procedures])
    # which procedures are online, and whose, may have changed: every month's usage rollup depends on it
    days = connection.execute(select(schema.procedure_usage.c.day).distinct()).scalars()
    _rebuild_usage_months(connection, {_month(day) for day in days})
    return written


def store_dossier_stats(connection: Connection, stats: Iterable[DossierStats], source: str) -> int:
    """Upsert daily statistics keyed (day, unit, sector): a corrected day replaces the old counts.

    ``source`` says where the row came from (``portal`` or ``import``); the last writer of a key wins.
    """
    rows = {(s.day, s.unit_code, s.sector_code): {**asdict(s), "source": source} for s in stats}
    written = upsert_rows(connection, schema.dossier_stats, rows.values())
    _rebuild_stats_months(connection, {_month(day) for day, _unit, _sector in rows})
    return written


def store_procedure_usage(connection: Connection, usage: Iterable[ProcedureUsage]) -> int:
    rows = {(u.day, u.unit_code, u.procedure_code): asdict(u) for u in usage}
    written = upsert_rows(connection, schema.procedure_usage, rows.values())
    _rebuild_usage_months(connection, {_month(day) for day, _unit, _procedure in rows})
    return written


def set_watermark(connection: Connection, source: str, position: str) -> None:
    """Remember how far ``source`` has been read (the next run starts from there)."""
    statement = insert_for(connection, schema.watermarks)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["source"],
            set_={"position": statement.excluded.position, "updated_at": statement.excluded.updated_at},
        ),
        {"source": source, "position": position, "updated_at": utcnow()},
    )


def _month(day: date) -> date:
    return day.replace(day=1)


def _month_range(month: date):
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return month, following


def _rebuild_stats_months(connection: Connection, months: set[date]) -> None:
    """Both monthly rollups of the daily statistics: per unit, and per unit and sector."""
    daily = schema.dossier_stats
    summed = (*DOSSIER_COUNTERS, "handling_days")
    for monthly, keys in ((schema.dossier_stats_monthly, (daily.c.unit_code,)),
                          (schema.dossier_stats_sector_monthly, (daily.c.unit_code, daily.c.sector_code))):
        for month in sorted(months):
            first, following = _month_range(month)
            connection.execute(delete(monthly).where(monthly.c.month == month))
            sums = (
                select(literal(month, Date), *keys, *(func.sum(daily.c[name]) for name in summed))
                .where(daily.c.day >= first, daily.c.day < following)
                .group_by(*keys)
            )
            connection.execute(insert(monthly).from_select(["month", *(k.name for k in keys), *summed], sums))


def _rebuild_usage_months(connection: Connection, months: set[date]) -> None:
    """Usage of online procedures per unit and month, flagged ``own`` when the procedure is in the unit's own
    catalogue (a district's or commune's procedures of its level; a department's provincial ones)."""
    usage, monthly = schema.procedure_usage, schema.procedure_usage_monthly
    p, s, u = schema.portal_procedures, schema.portal_sectors, schema.units
    own = or_(
        and_(u.c.level == "district", p.c.at_district),
        and_(u.c.level == "commune", p.c.at_commune),
        and_(s.c.department_code == usage.c.unit_code, p.c.at_province),
    )
    joined = (
        usage.join(p, and_(p.c.code == usage.c.procedure_code, p.c.online_level != "none"))
        .join(s, s.c.code == p.c.sector_code)
        .outerjoin(u, u.c.code == usage.c.unit_code)
    )
    for month in sorted(months):
        first, following = _month_range(month)
        connection.execute(delete(monthly).where(monthly.c.month == month))
        rows = (
            select(literal(month, Date), usage.c.unit_code, usage.c.procedure_code,
                   func.sum(usage.c.online_received), func.coalesce(own, False))
            .select_from(joined)
            .where(usage.c.day >= first, usage.c.day < following)
            .group_by(usage.c.unit_code, usage.c.procedure_code, u.c.level, p.c.at_district, p.c.at_commune,
                      p.c.at_province, s.c.department_code)
        )
        connection.execute(insert(monthly).from_select(
            ["month", "unit_code", "procedure_code", "online_received", "own"], rows))
