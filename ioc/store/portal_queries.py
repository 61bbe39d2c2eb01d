"""Named read queries over the portal's tables, for the collector, the import and the indicators.

Aggregation happens in SQL (GROUP BY unit and period bucket) so that computing every indicator for every unit
over two years reads a few thousand summed rows, not hundreds of thousands of daily ones.
"""

from datetime import date, timedelta

from sqlalchemy import Connection, Integer, String, and_, case, cast, func, literal, or_, select

from ioc.records import DOSSIER_COUNTERS
from ioc.store import schema

GRAINS = ("day", "month", "quarter", "year", "total")
"""How a date range is split into periods: by Vietnam day, month, quarter, year, or one period in all."""

PROVINCE_WIDE = "*"
"""Unit key of a province-wide count that cannot be summed from units (distinct procedures)."""


def watermark(connection: Connection, source: str) -> str | None:
    w = schema.watermarks
    return connection.execute(select(w.c.position).where(w.c.source == source)).scalar_one_or_none()


def known_unit_codes(connection: Connection) -> set[str]:
    """Codes a dossier's unit may have: administrative units and provincial departments."""
    units = connection.execute(select(schema.units.c.code)).scalars()
    departments = connection.execute(select(schema.departments.c.code)).scalars()
    return {*units, *departments}


def reporting_units(connection: Connection) -> list[dict]:
    """Every unit indicators are computed for: the province, its departments, districts and communes."""
    u, d = schema.units, schema.departments
    units = connection.execute(select(u.c.code, u.c.name, u.c.level, u.c.parent_code).order_by(u.c.code))
    departments = connection.execute(select(d.c.code, d.c.name).order_by(d.c.code))
    return [
        *({"code": code, "name": name, "level": level, "parent_code": parent} for code, name, level, parent in units),
        *({"code": code, "name": name, "level": "department", "parent_code": None} for code, name in departments),
    ]


def _bucket(connection: Connection, day, grain: str):
    """A SQL expression naming the period a day falls in: '2026-11-25', '2026-11', '2026-Q4', '2026', 'total'."""
    if grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r} (one of {', '.join(GRAINS)})")
    if grain == "total":
        return literal("total", String)
    if connection.dialect.name == "postgresql":
        pattern = {"day": "YYYY-MM-DD", "month": "YYYY-MM", "quarter": 'YYYY-"Q"Q', "year": "YYYY"}[grain]
        return func.to_char(day, pattern)
    text = cast(day, String)  # SQLite keeps a Date as 'YYYY-MM-DD'
    if grain == "quarter":
        month = cast(func.substr(text, 6, 2), Integer)
        return func.substr(text, 1, 4) + "-Q" + cast((month + 2) // 3, String)
    return func.substr(text, 1, {"day": 10, "month": 7, "year": 4}[grain])


def whole_months(first: date, last: date, grain: str) -> bool:
    """Whether a range can be read from the monthly rollups: it starts and ends on a month's edges."""
    return grain != "day" and first.day == 1 and (last + timedelta(days=1)).day == 1


def dossier_sums(connection: Connection, first: date, last: date, grain: str) -> dict[tuple[str, str], dict]:
    """Summed counters per (unit code, period bucket) for Vietnam days ``first..last`` inclusive."""
    if whole_months(first, last, grain):
        table, day = schema.dossier_stats_monthly, schema.dossier_stats_monthly.c.month
    else:
        table, day = schema.dossier_stats, schema.dossier_stats.c.day
    bucket = _bucket(connection, day, grain).label("bucket")
    query = (
        select(table.c.unit_code, bucket,
               *(func.sum(table.c[name]).label(name) for name in (*DOSSIER_COUNTERS, "handling_days")))
        .where(day >= first, day <= last)
        .group_by(table.c.unit_code, bucket)
    )
    return {(row["unit_code"], row["bucket"]): dict(row) for row in connection.execute(query).mappings()}


def catalogue_counts(connection: Connection) -> dict[str, tuple[int, int]]:
    """(procedures, procedures offered online fully or partly) per catalogue scope.

    Scopes: ``province`` (the whole catalogue), ``district`` and ``commune`` (procedures handled at that
    level) and each department code (procedures of its sectors handled at provincial level).
    """
    p, s = schema.portal_procedures, schema.portal_sectors
    online = func.sum(case((p.c.online_level != "none", 1), else_=0))
    counts: dict[str, tuple[int, int]] = {}
    for scope, condition in (("province", literal(True)), ("district", p.c.at_district),
                             ("commune", p.c.at_commune)):
        total, offered = connection.execute(select(func.count(), online).where(condition)).one()
        counts[scope] = (total, offered or 0)
    query = (
        select(s.c.department_code, func.count(), online)
        .join(s, s.c.code == p.c.sector_code)
        .where(p.c.at_province, s.c.department_code.is_not(None))
        .group_by(s.c.department_code)
    )
    counts.update({code: (total, offered) for code, total, offered in connection.execute(query)})
    return counts


def online_procedures_used(connection: Connection, first: date, last: date, grain: str) -> dict[tuple[str, str], int]:
    """How many distinct online procedures of a unit's own catalogue received an online dossier, per (unit,
    period bucket); the province-wide count (any unit, any online procedure) is under ``PROVINCE_WIDE``."""
    if whole_months(first, last, grain):
        monthly = schema.procedure_usage_monthly
        bucket = _bucket(connection, monthly.c.month, grain).label("bucket")
        source, unit, procedure = monthly, monthly.c.unit_code, monthly.c.procedure_code
        in_range, own = and_(monthly.c.month >= first, monthly.c.month <= last), monthly.c.own
    else:
        usage, p, s, u = schema.procedure_usage, schema.portal_procedures, schema.portal_sectors, schema.units
        bucket = _bucket(connection, usage.c.day, grain).label("bucket")
        source = (
            usage.join(p, and_(p.c.code == usage.c.procedure_code, p.c.online_level != "none"))
            .join(s, s.c.code == p.c.sector_code)
            .outerjoin(u, u.c.code == usage.c.unit_code)
        )
        unit, procedure = usage.c.unit_code, usage.c.procedure_code
        in_range = and_(usage.c.day >= first, usage.c.day <= last)
        own = or_(
            and_(u.c.level == "district", p.c.at_district),
            and_(u.c.level == "commune", p.c.at_commune),
            and_(s.c.department_code == usage.c.unit_code, p.c.at_province),
        )
    distinct = func.count(procedure.distinct())
    per_unit = select(unit, bucket, distinct).select_from(source).where(in_range, own).group_by(unit, bucket)
    used = {(code, key): n for code, key, n in connection.execute(per_unit)}
    province = select(bucket, distinct).select_from(source).where(in_range).group_by(bucket)
    used.update({(PROVINCE_WIDE, key): n for key, n in connection.execute(province)})
    return used


def latest_day(connection: Connection) -> date | None:
    """The newest Vietnam day with dossier statistics (None before the first)."""
    return connection.execute(select(func.max(schema.dossier_stats.c.day))).scalar_one()
