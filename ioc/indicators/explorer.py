"""What the indicator explorer shows, built once for the screen and for its exports (docs/analytics.md).

The explorer's whole state is a handful of query-string parameters (``ExplorerState``), so that a view can be
shared as a URL. ``explore`` turns a state into the ranking table, the period-over-period comparison and the
district map's values; ``series`` into the time series. Both read ``portal_indicators``, the one computation
of every portal figure. Each number carries its raw value and the text the screen shows (``Figure``): the
exports write both, from these same objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from urllib.parse import urlencode

from sqlalchemy import Connection

from ioc.config import Settings
from ioc.i18n import day, number, percent, text
from ioc.indicators.periods import PRESETS, Period, preset, previous
from ioc.indicators.portal_report import UnitResult, portal_indicators, ranking
from ioc.store import portal_queries, queries

INDICATORS = (
    "dossier_on_time_rate", "avg_handling_days", "online_service_coverage", "online_services_with_dossiers",
    "online_dossier_rate", "online_payment_rate", "electronic_result_rate", "digitisation_rate",
    "satisfaction_rate", "dossiers_received", "index_766_total",
)
"""The indicators the explorer offers, in the order it lists them (codes of data/indicators.csv)."""
CHANNEL_CODES = {"all": "dossiers_received", "online": "dossiers_received_online",
                 "offline": "dossiers_received_offline"}
"""The portal splits only received dossiers by channel: the channel picks which count ``dossiers_received`` is."""
CHANNELS = tuple(CHANNEL_CODES)
SORTS = ("rank", "unit", "value", "gap", "change", "received")
CUSTOM = "custom"
LONGEST_RANGE = timedelta(days=5 * 366)
"""A custom range longer than this is refused (the default period is shown), so no URL asks for decades."""
DAILY_UP_TO = 62
"""A period of at most this many days is drawn day by day; a longer one month by month."""
NO_DATA = "—"


@dataclass(frozen=True)
class ExplorerState:
    """Every filter of the explorer; ``unit`` None is the province, ``sector`` None every sector."""

    period: str = "last_12_months"
    first: date | None = None  # custom periods only
    last: date | None = None
    unit: str | None = None
    commune: str | None = None
    sector: str | None = None
    channel: str = "all"
    indicator: str = "dossier_on_time_rate"
    sort: str = "rank"
    descending: bool = False

    def period_of(self, today: date) -> Period:
        """The period shown, as of Vietnam day ``today``."""
        if self.period == CUSTOM:
            return Period.custom(self.first, self.last)
        return preset(self.period, today)

    @property
    def code(self) -> str:
        """The indicator actually computed: a channel's count for ``dossiers_received``."""
        return CHANNEL_CODES[self.channel] if self.indicator == "dossiers_received" else self.indicator

    def query(self) -> dict[str, str]:
        """The query-string parameters that differ from the defaults."""
        values = {
            "period": self.period, "from": self.first.isoformat() if self.first else None,
            "to": self.last.isoformat() if self.last else None, "unit": self.unit, "commune": self.commune,
            "sector": self.sector, "channel": self.channel, "indicator": self.indicator, "sort": self.sort,
            "order": "desc" if self.descending else None,
        }
        defaults = ExplorerState()
        default = {"period": defaults.period, "channel": defaults.channel, "indicator": defaults.indicator,
                   "sort": defaults.sort}
        return {key: value for key, value in values.items() if value is not None and default.get(key) != value}

    def query_string(self) -> str:
        query = self.query()
        return "?" + urlencode(query) if query else ""


@dataclass(frozen=True)
class Known:
    """What a state's codes are checked against: the store's units, departments and sectors."""

    units: dict[str, dict]  # code -> reporting unit (code, name, level, parent_code)
    sectors: dict[str, str]  # code -> name

    @classmethod
    def read(cls, connection: Connection) -> Known:
        return cls({u["code"]: u for u in portal_queries.reporting_units(connection)},
                   {s["code"]: s["name"] for s in portal_queries.sectors(connection)})

    @property
    def province(self) -> dict:
        return next(u for u in self.units.values() if u["level"] == "province")

    def of_level(self, level: str, parent: str | None = None) -> list[dict]:
        return [u for u in self.units.values()
                if u["level"] == level and (parent is None or u["parent_code"] == parent)]


def parse_state(query: Mapping[str, str], known: Known) -> ExplorerState:
    """The state a URL's query string asks for; a value that is unknown or malformed falls back to its default
    (a shared link from an older release, or a hand-edited one, still opens)."""
    state = ExplorerState()
    pick = {}
    if query.get("period") in PRESETS:
        pick["period"] = query["period"]
    elif query.get("period") == CUSTOM:
        first, last = _day(query.get("from")), _day(query.get("to"))
        if first and last and first <= last and last - first <= LONGEST_RANGE:
            pick.update(period=CUSTOM, first=first, last=last)
    unit = known.units.get(query.get("unit") or "")
    if unit and unit["level"] in ("district", "department"):
        pick["unit"] = unit["code"]
    commune = known.units.get(query.get("commune") or "")
    if commune and commune["level"] == "commune":
        pick.update(unit=commune["parent_code"], commune=commune["code"])
    if query.get("sector") in known.sectors:
        pick["sector"] = query["sector"]
    for name, allowed in (("channel", CHANNELS), ("indicator", INDICATORS), ("sort", SORTS)):
        if query.get(name) in allowed:
            pick[name] = query[name]
    pick["descending"] = query.get("order") == "desc"
    return replace(state, **pick)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Figure:
    """A number as computed (``raw``, None for no data) and as the screen shows it (``shown``)."""

    raw: float | None
    shown: str


@dataclass(frozen=True)
class Row:
    rank: int | None
    unit_code: str
    unit_name: str
    value: Figure
    target: Figure
    gap: Figure
    previous: Figure
    change: Figure
    received: Figure
    chosen: bool  # the unit the filters chose


@dataclass(frozen=True)
class Explored:
    """The ranking table, the chosen unit's comparison with the previous period, and the map's values."""

    period: Period
    previous_period: Period
    level: str  # the level of the ranked units
    rows: list[Row]
    total_received: Figure
    chosen: Row
    districts: dict[str, Figure] = field(default_factory=dict)


@dataclass(frozen=True)
class Series:
    grain: str
    points: list[tuple[Period, Figure]]
    target: float | None


def chosen_unit(state: ExplorerState, known: Known) -> dict:
    return known.units[state.commune or state.unit or known.province["code"]]


def ranked_units(state: ExplorerState, known: Known) -> tuple[str, list[dict]]:
    """The units the table ranks: the level below the chosen unit (the province's districts, a district's
    communes), or the chosen unit's peers (every department; a commune's sister communes)."""
    unit = chosen_unit(state, known)
    if unit["level"] == "province":
        return "district", known.of_level("district")
    if unit["level"] == "district":
        return "commune", known.of_level("commune", unit["code"])
    if unit["level"] == "commune":
        return "commune", known.of_level("commune", unit["parent_code"])
    return "department", known.of_level("department")


def explore(connection: Connection, settings: Settings, state: ExplorerState, today: date,
            language: str) -> Explored:
    known = Known.read(connection)
    catalogue = {row["code"]: row for row in queries.indicator_catalogue(connection)}
    period = state.period_of(today)
    before = previous(period)
    level, peers = ranked_units(state, known)
    chosen = chosen_unit(state, known)
    codes = {u["code"] for u in peers} | {u["code"] for u in known.of_level("district")} | {chosen["code"]}
    now = portal_indicators(connection, settings.indicators, period.first, period.last, "total", state.sector, codes)
    then = portal_indicators(connection, settings.indicators, before.first, before.last, "total", state.sector,
                             codes)
    code, info = state.code, catalogue[state.code]
    higher = info["direction"] == "higher"
    earlier = {r.unit_code: r.values.get(code) for r in then}
    target = settings.indicators.targets.get(code)
    peer_codes = {u["code"] for u in peers}

    def row(rank: int | None, result: UnitResult) -> Row:
        value, past = result.values.get(code), earlier.get(result.unit_code)
        gap = None if value is None or target is None else value - target
        change = None if value is None or past is None else value - past
        received = result.values.get("dossiers_received")
        return Row(rank, result.unit_code, result.unit_name, shown(value, info["unit"], language),
                   shown(target, info["unit"], language), signed(gap, info["unit"], language),
                   shown(past, info["unit"], language), signed(change, info["unit"], language),
                   shown(received, "hồ sơ", language), result.unit_code == chosen["code"])

    ranked = ranking([r for r in now if r.unit_code in peer_codes], code, level, now[0].period, higher)
    rows = sort_rows([row(rank, result) for rank, result in ranked], state.sort, state.descending)
    chosen_result = next(r for r in now if r.unit_code == chosen["code"])
    total = sum(r.received.raw or 0 for r in rows)
    districts = {r.unit_code: shown(r.values.get(code), info["unit"], language)
                 for r in now if r.level == "district"}
    return Explored(period, before, level, rows, shown(total, "hồ sơ", language), row(None, chosen_result),
                    districts)


def sort_rows(rows: list[Row], by: str, descending: bool) -> list[Row]:
    """Rows in the order the table's header asks for; rows without the value stay last either way."""
    if by == "rank":
        return rows[::-1] if descending else rows
    if by == "unit":
        return sorted(rows, key=lambda r: r.unit_name, reverse=descending)
    key = {"value": lambda r: r.value.raw, "gap": lambda r: r.gap.raw, "change": lambda r: r.change.raw,
           "received": lambda r: r.received.raw}[by]
    present = sorted((r for r in rows if key(r) is not None), key=key, reverse=descending)
    return present + [r for r in rows if key(r) is None]


def series(connection: Connection, settings: Settings, state: ExplorerState, today: date,
           language: str) -> Series:
    """The chosen unit's value in each day (short periods) or month of the period."""
    known = Known.read(connection)
    unit = chosen_unit(state, known)["code"]
    period = state.period_of(today)
    grain = "day" if (period.last - period.first).days < DAILY_UP_TO else "month"
    results = portal_indicators(connection, settings.indicators, period.first, period.last, grain, state.sector,
                                {unit})
    catalogue_unit = next(row["unit"] for row in queries.indicator_catalogue(connection) if row["code"] == state.code)
    points = [(r.period, shown(r.values.get(state.code), catalogue_unit, language)) for r in results]
    return Series(grain, points, settings.indicators.targets.get(state.code))


def shown(value: float | None, unit: str, language: str) -> Figure:
    """A value as the explorer shows it: rates with one decimal and a % sign (71,5%), days and points with
    one decimal, counts whole; no data as "—"."""
    if value is None:
        return Figure(None, NO_DATA)
    if unit == "%":
        return Figure(value, percent(value / 100, language))
    return Figure(value, number(value, language, decimals=0 if unit == "hồ sơ" else 1))


def signed(value: float | None, unit: str, language: str) -> Figure:
    """A difference with an arrow: ▲ 2,5 above, ▼ 2,5 below, 0 for none (never a leading + - = or @, so an
    exported cell is never read as a formula)."""
    if value is None:
        return Figure(None, NO_DATA)
    size = abs(value)
    magnitude = number(size, language, decimals=0 if unit == "hồ sơ" else 1)
    if magnitude.strip("0,.") == "":
        return Figure(value, magnitude)
    return Figure(value, ("▲ " if value > 0 else "▼ ") + magnitude)


def indicator_name(code: str, catalogue: Mapping[str, dict], language: str) -> str:
    return catalogue[code]["name_vi" if language == "vi" else "name_en"]


def period_label(period: Period, language: str) -> str:
    return text("analytics.period_range", language, first=day(period.first, language), last=day(period.last, language))
