"""Pure parse functions: the portal contract's JSON (docs/portal-contract.md) into plain records.

A portal that names its fields differently is connected through a field map (contract name -> the portal's
name) instead of code. Anything that does not follow the contract raises ``PortalFormatError`` and nothing
else, so a collector can tell a broken answer from a bug.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from ioc.records import DOSSIER_COUNTERS, DossierStats, Procedure, ProcedureUsage, Sector

ENVELOPE_FIELDS = ("items", "total")
SECTOR_FIELDS = ("code", "name", "department_code")
PROCEDURE_FIELDS = ("code", "name", "sector_code", "online_level", "old_level", "has_fee", "online_payment",
                    "unit_levels")
STATS_FIELDS = ("day", "unit_code", "sector_code", *DOSSIER_COUNTERS, "handling_days")
USAGE_FIELDS = ("day", "unit_code", "procedure_code", "online_received")
CONTRACT_FIELDS = frozenset({*ENVELOPE_FIELDS, *SECTOR_FIELDS, *PROCEDURE_FIELDS, *STATS_FIELDS, *USAGE_FIELDS})
"""Every field name of the contract: the keys a field map may rename."""

ONLINE_LEVELS = {"full": "full", "toàn trình": "full", "partial": "partial", "một phần": "partial",
                 "none": "none", "": "none"}
UNIT_LEVELS = ("province", "district", "commune")


class PortalFormatError(ValueError):
    """The portal's answer does not follow the contract."""


@dataclass(frozen=True)
class Page:
    items: list
    total: int


def parse_page(body: bytes | str, page: int, page_size: int, fields: Mapping[str, str] | None = None) -> Page:
    """One page of a paged list; a page with fewer items than its total promises is refused as truncated."""
    fields = fields or {}
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise PortalFormatError(f"not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise PortalFormatError("the answer is not a JSON object")
    items = _get(document, "items", fields)
    total = _whole(_get(document, "total", fields), "total")
    if not isinstance(items, list):
        raise PortalFormatError("'items' is not a list")
    expected = max(0, min(page_size, total - (page - 1) * page_size))
    if len(items) != expected:
        raise PortalFormatError(
            f"truncated page: page {page} holds {len(items)} items where {expected} were announced (total {total})"
        )
    return Page(items, total)


def parse_sector(item: object, fields: Mapping[str, str] | None = None) -> Sector:
    item = _object(item)
    department = _get(item, "department_code", fields, required=False)
    return Sector(_text(_get(item, "code", fields), "code", 20), _text(_get(item, "name", fields), "name"),
                  None if department in (None, "") else _text(department, "department_code"))


def parse_procedure(item: object, fields: Mapping[str, str] | None = None) -> Procedure:
    item = _object(item)
    level = _get(item, "online_level", fields)
    if not isinstance(level, str) or level.strip().lower() not in ONLINE_LEVELS:
        raise PortalFormatError(f"online_level: not one of full, partial, none: {level!r}")
    old_level = _get(item, "old_level", fields, required=False)
    if old_level is not None and (_whole(old_level, "old_level") not in (1, 2, 3, 4)):
        raise PortalFormatError(f"old_level: not 1-4: {old_level!r}")
    unit_levels = _get(item, "unit_levels", fields)
    if not isinstance(unit_levels, list) or not all(level in UNIT_LEVELS for level in unit_levels):
        raise PortalFormatError(f"unit_levels: not a list of {', '.join(UNIT_LEVELS)}: {unit_levels!r}")
    return Procedure(
        code=_text(_get(item, "code", fields), "code"),
        name=_text(_get(item, "name", fields), "name", 500),
        sector_code=_text(_get(item, "sector_code", fields), "sector_code"),
        online_level=ONLINE_LEVELS[level.strip().lower()],
        old_level=old_level,
        has_fee=_flag(_get(item, "has_fee", fields), "has_fee"),
        online_payment=_flag(_get(item, "online_payment", fields), "online_payment"),
        at_province="province" in unit_levels,
        at_district="district" in unit_levels,
        at_commune="commune" in unit_levels,
    )


def parse_dossier_stats(item: object, fields: Mapping[str, str] | None = None) -> DossierStats:
    """One day's statistics of one unit and sector; the counters must add up (see ``DossierStats``)."""
    item = _object(item)
    counters = {name: _whole(_get(item, name, fields), name) for name in DOSSIER_COUNTERS}
    handling = _get(item, "handling_days", fields)
    if isinstance(handling, bool) or not isinstance(handling, int | float) or not 0 <= handling < math.inf:
        raise PortalFormatError(f"handling_days: not a number of days >= 0: {handling!r}")
    stats = DossierStats(
        day=_day(_get(item, "day", fields)),
        unit_code=_text(_get(item, "unit_code", fields), "unit_code"),
        sector_code=_text(_get(item, "sector_code", fields), "sector_code"),
        handling_days=float(handling),
        **counters,
    )
    check_dossier_stats(stats)
    return stats


def check_dossier_stats(stats: DossierStats) -> None:
    """Refuse counters that cannot all be true at once."""
    received = stats.received_online + stats.received_offline
    accounted = (stats.finished_early + stats.finished_on_time + stats.finished_late + stats.pending_on_time
                 + stats.pending_overdue)
    if received != accounted:
        raise PortalFormatError(
            f"counters do not add up: {received} received but {accounted} finished or pending"
        )
    if stats.paid_online > stats.with_fee:
        raise PortalFormatError(f"paid_online ({stats.paid_online}) exceeds with_fee ({stats.with_fee})")


def parse_usage(item: object, fields: Mapping[str, str] | None = None) -> ProcedureUsage:
    item = _object(item)
    return ProcedureUsage(
        day=_day(_get(item, "day", fields)),
        unit_code=_text(_get(item, "unit_code", fields), "unit_code"),
        procedure_code=_text(_get(item, "procedure_code", fields), "procedure_code"),
        online_received=_whole(_get(item, "online_received", fields), "online_received"),
    )


def _object(item: object) -> dict:
    if not isinstance(item, dict):
        raise PortalFormatError(f"an item is not a JSON object: {item!r:.80}")
    return item


def _get(document: dict, name: str, fields: Mapping[str, str] | None, required: bool = True):
    key = (fields or {}).get(name, name)
    if key not in document:
        if required:
            raise PortalFormatError(f"missing field {key!r}" + (f" (contract field {name!r})" if key != name else ""))
        return None
    return document[key]


def _whole(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PortalFormatError(f"{name}: not a whole number >= 0: {value!r:.80}")
    return value


TEXT_LIMITS = {"unit_code": 10, "sector_code": 20, "department_code": 10, "procedure_code": 40, "code": 40,
               "name": 200}
"""Longest text the store keeps per field (a sector's code is also limited to 20 by ``parse_sector``)."""


def _text(value: object, name: str, limit: int | None = None) -> str:
    limit = limit or TEXT_LIMITS.get(name, 200)
    if not isinstance(value, str) or not value.strip():
        raise PortalFormatError(f"{name}: not a non-empty text: {value!r:.80}")
    if len(value.strip()) > limit:
        raise PortalFormatError(f"{name}: longer than {limit} characters: {value!r:.80}")
    return value.strip()


def _flag(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise PortalFormatError(f"{name}: not true or false: {value!r:.80}")
    return value


def _day(value: object) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise PortalFormatError(f"day: not a YYYY-MM-DD date: {value!r:.80}") from None
