"""Named read queries over the portal's tables, for the collector, the import and the indicators.

Aggregation happens in SQL (GROUP BY unit and period bucket) so that computing every indicator for every unit
over two years reads a few thousand summed rows, not hundreds of thousands of daily ones.
"""

from collections.abc import Collection
from datetime import date, timedelta

from sqlalchemy import Connection, Integer, String, and_, case, cast, func, literal, or_, select, union_all

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


def sectors(connection: Connection) -> list[dict]:
    """The catalogue's sectors (lĩnh vực), by name, for choosing one."""
    s = schema.portal_sectors
    query = select(s.c.code, s.c.name, s.c.department_code).order_by(s.c.name, s.c.code)
    return [dict(row) for row in connection.execute(query).mappings()]


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


def month_parts(first: date, last: date, grain: str) -> list[tuple[bool, date, date]]:
    """``(from the rollups?, first, last)`` parts that cover Vietnam days ``first..last``: the whole months in
    it read from the monthly rollups, the days before and after them from the daily rows. Day buckets read
    every day from the daily rows."""
    if grain == "day":
        return [(False, first, last)]
    start = first if first.day == 1 else (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    end = last if (last + timedelta(days=1)).day == 1 else last.replace(day=1) - timedelta(days=1)
    if start > end:
        return [(False, first, last)]
    parts = [(True, start, end)]
    if first < start:
        parts.append((False, first, start - timedelta(days=1)))
    if end < last:
        parts.append((False, end + timedelta(days=1), last))
    return parts


def dossier_sums(connection: Connection, first: date, last: date, grain: str, sector: str | None = None,
                 units: Collection[str] | None = None, by_unit: bool = True) -> dict[tuple[str, str], dict]:
    """Summed counters per (unit code, period bucket) for Vietnam days ``first..last`` inclusive.

    ``sector``: that sector's dossiers only (whole months from the per-sector rollup);
    ``units``: those unit codes only; ``by_unit=False``: every unit summed, under ``PROVINCE_WIDE``.
    """
    summed = (*DOSSIER_COUNTERS, "handling_days")
    sums: dict[tuple[str, str], dict] = {}
    rollup = schema.dossier_stats_monthly if sector is None else schema.dossier_stats_sector_monthly
    for monthly, part_first, part_last in month_parts(first, last, grain):
        table = rollup if monthly else schema.dossier_stats
        day = table.c.month if monthly else table.c.day
        bucket = _bucket(connection, day, grain).label("bucket")
        unit = table.c.unit_code if by_unit else literal(PROVINCE_WIDE, String)
        query = (
            select(unit.label("unit_code"), bucket, *(func.sum(table.c[name]).label(name) for name in summed))
            .where(day >= part_first, day <= part_last)
            .group_by(*((table.c.unit_code,) if by_unit else ()), bucket)
        )
        if sector is not None:
            query = query.where(table.c.sector_code == sector)
        if units is not None:
            query = query.where(table.c.unit_code.in_(units))
        for row in connection.execute(query).mappings():
            key = (row["unit_code"], row["bucket"])
            if key in sums:
                sums[key] = {**sums[key], **{name: (sums[key][name] or 0) + (row[name] or 0) for name in summed}}
            else:
                sums[key] = dict(row)
    return sums


def catalogue_counts(connection: Connection, sector: str | None = None) -> dict[str, tuple[int, int]]:
    """(procedures, procedures offered online fully or partly) per catalogue scope, of one sector if given.

    Scopes: ``province`` (the whole catalogue), ``district`` and ``commune`` (procedures handled at that
    level) and each department code (procedures of its sectors handled at provincial level).
    """
    p, s = schema.portal_procedures, schema.portal_sectors
    online = func.sum(case((p.c.online_level != "none", 1), else_=0))
    in_sector = literal(True) if sector is None else p.c.sector_code == sector
    counts: dict[str, tuple[int, int]] = {}
    for scope, condition in (("province", literal(True)), ("district", p.c.at_district),
                             ("commune", p.c.at_commune)):
        total, offered = connection.execute(select(func.count(), online).where(condition, in_sector)).one()
        counts[scope] = (total, offered or 0)
    query = (
        select(s.c.department_code, func.count(), online)
        .join(s, s.c.code == p.c.sector_code)
        .where(p.c.at_province, s.c.department_code.is_not(None), in_sector)
        .group_by(s.c.department_code)
    )
    counts.update({code: (total, offered) for code, total, offered in connection.execute(query)})
    return counts


def online_procedures_used(connection: Connection, first: date, last: date, grain: str, sector: str | None = None,
                           units: Collection[str] | None = None, by_unit: bool = True,
                           province: bool = True) -> dict[tuple[str, str], int]:
    """How many distinct online procedures of a unit's own catalogue received an online dossier, per (unit,
    period bucket); the province-wide count (any unit, any online procedure) is under ``PROVINCE_WIDE``.
    ``sector`` counts that sector's procedures only; ``units`` limits the per-unit counts to those codes;
    ``by_unit=False`` leaves out the per-unit counts, ``province=False`` the province-wide one.

    Distinct counts do not add up across parts, so the parts' (unit, procedure, bucket) rows are united
    first and counted once.
    """
    p = schema.portal_procedures
    parts = []
    for monthly, part_first, part_last in month_parts(first, last, grain):
        if monthly:
            rollup = schema.procedure_usage_monthly  # online procedures only, ``own`` already flagged
            source = rollup if sector is None else rollup.join(p, p.c.code == rollup.c.procedure_code)
            day, unit, procedure, own = rollup.c.month, rollup.c.unit_code, rollup.c.procedure_code, rollup.c.own
        else:
            usage, s, u = schema.procedure_usage, schema.portal_sectors, schema.units
            source = (
                usage.join(p, and_(p.c.code == usage.c.procedure_code, p.c.online_level != "none"))
                .join(s, s.c.code == p.c.sector_code)
                .outerjoin(u, u.c.code == usage.c.unit_code)
            )
            day, unit, procedure = usage.c.day, usage.c.unit_code, usage.c.procedure_code
            own = func.coalesce(or_(
                and_(u.c.level == "district", p.c.at_district),
                and_(u.c.level == "commune", p.c.at_commune),
                and_(s.c.department_code == usage.c.unit_code, p.c.at_province),
            ), False)
        query = (select(unit.label("unit_code"), procedure.label("procedure_code"),
                        _bucket(connection, day, grain).label("bucket"), own.label("own"))
                 .select_from(source).where(day >= part_first, day <= part_last))
        if sector is not None:
            query = query.where(p.c.sector_code == sector)
        parts.append(query)
    rows = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery()
    distinct = func.count(rows.c.procedure_code.distinct())
    per_unit = (select(rows.c.unit_code, rows.c.bucket, distinct).where(rows.c.own.is_(True))
                .group_by(rows.c.unit_code, rows.c.bucket))
    if units is not None:
        per_unit = per_unit.where(rows.c.unit_code.in_(units))
    used = {(code, key): n for code, key, n in connection.execute(per_unit)} if by_unit else {}
    if province:
        whole = select(rows.c.bucket, distinct).group_by(rows.c.bucket)
        used.update({(PROVINCE_WIDE, key): n for key, n in connection.execute(whole)})
    return used


def latest_day(connection: Connection) -> date | None:
    """The newest Vietnam day with dossier statistics (None before the first)."""
    return connection.execute(select(func.max(schema.dossier_stats.c.day))).scalar_one()
