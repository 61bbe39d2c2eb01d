"""The explorer's component ids and its filter controls, drawn from a state (docs/analytics.md)."""

from datetime import date

from dash import dcc, html

from ioc.i18n import text
from ioc.indicators.explorer import CHANNELS, CUSTOM, INDICATORS, ExplorerState, Known, chosen_unit
from ioc.indicators.periods import PRESETS


def control(name: str) -> dict:
    """A filter: period, dates, unit, commune, sector, channel, indicator, or sort (a store)."""
    return {"type": "analytics-control", "name": name}


def part(name: str) -> dict:
    """A part of the page a callback fills: location, chart, comparison, ranking, map, exports."""
    return {"type": "analytics-part", "name": name}


def sort_button(column: str) -> dict:
    """The header button that sorts the ranking table by ``column`` (``explorer.SORTS``)."""
    return {"type": "analytics-sort", "column": column}


def filters(state: ExplorerState, known: Known, catalogue: dict, language: str, today: date) -> html.Div:
    period = state.period_of(today)
    unit = chosen_unit(state, known)
    district = unit["parent_code"] if unit["level"] == "commune" else unit["code"]
    return html.Div([
        _labelled("analytics.filter.period", language, dcc.Dropdown(
            id=control("period"), value=state.period, clearable=False, searchable=False,
            options=[{"label": text(f"analytics.preset.{name}", language), "value": name}
                     for name in (*PRESETS, CUSTOM)])),
        _labelled("analytics.filter.dates", language, dcc.DatePickerRange(
            id=control("dates"), start_date=period.first, end_date=period.last, display_format="DD/MM/YYYY",
            first_day_of_week=1, minimum_nights=0, disabled=state.period != CUSTOM)),
        _labelled("analytics.filter.unit", language, dcc.Dropdown(
            id=control("unit"), value=district, clearable=False, options=unit_options(known, language))),
        _labelled("analytics.filter.commune", language, dcc.Dropdown(
            id=control("commune"), value=state.commune, placeholder=text("analytics.all_communes", language),
            options=commune_options(known, district), disabled=known.units[district]["level"] != "district")),
        _labelled("analytics.filter.sector", language, dcc.Dropdown(
            id=control("sector"), value=state.sector, placeholder=text("analytics.all_sectors", language),
            options=[{"label": name, "value": code} for code, name in known.sectors.items()])),
        _labelled("analytics.filter.channel", language, dcc.Dropdown(
            id=control("channel"), value=state.channel, clearable=False, searchable=False,
            disabled=state.indicator != "dossiers_received",
            options=[{"label": text(f"analytics.channel.{name}", language), "value": name} for name in CHANNELS])),
        _labelled("analytics.filter.indicator", language, dcc.Dropdown(
            id=control("indicator"), value=state.indicator, clearable=False,
            options=[{"label": catalogue[code]["name_vi" if language == "vi" else "name_en"], "value": code}
                     for code in INDICATORS])),
        dcc.Store(id=control("sort"), data={"by": state.sort, "descending": state.descending}),
    ], className="ioc-filters ioc-analytics-filters")


def unit_options(known: Known, language: str) -> list[dict]:
    """The province, its districts, then the provincial departments."""
    province = known.province
    return [
        {"label": text("analytics.whole_province", language, name=province["name"]), "value": province["code"]},
        *({"label": u["name"], "value": u["code"]} for u in known.of_level("district")),
        *({"label": u["name"], "value": u["code"]} for u in known.of_level("department")),
    ]


def commune_options(known: Known, district: str) -> list[dict]:
    return [{"label": u["name"], "value": u["code"]} for u in known.of_level("commune", district)]


def _labelled(key: str, language: str, component) -> html.Label:
    return html.Label([html.Span(text(key, language), className="ioc-filter-label"), component],
                      className="ioc-filter")
