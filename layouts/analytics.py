"""The indicator explorer: filters in the URL, a time series with its target, a ranking table, a district map
that sets the unit when clicked, the change since the previous period, and exports (docs/analytics.md).

Every callback is thin: the filters become an ``ExplorerState``, ``ioc.indicators.explorer`` computes, the
callback draws. The page needs ``analyse``; the export links are shown to those who hold ``export`` and the
export routes (ioc/web/exports.py) check it again.
"""

from datetime import date

import dash
import plotly.graph_objects as go
from dash import ALL, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from ioc.auth.guard import current_principal
from ioc.auth.permissions import ANALYSE, EXPORT, requires
from ioc.i18n import text
from ioc.indicators import explorer
from ioc.indicators.explorer import CUSTOM, ExplorerState, Known
from ioc.store import queries
from ioc.timeutil import local_day, utcnow
from ioc.web.context import current, current_language
from layouts.analytics_filters import commune_options, control, filters, part, sort_button
from layouts.inputs import string
from layouts.maps import district_map, read_geojson, recoloured, with_shapes

PATH = "/analytics"
PERMISSION = ANALYSE
EXPORT_PATHS = {"csv": "/analytics/export.csv", "xlsx": "/analytics/export.xlsx"}
COLUMNS = ("rank", "unit", "value", "target", "gap", "previous", "change", "received")
SORTABLE = frozenset(explorer.SORTS)

FILTERS = [
    Input(control("period"), "value"), Input(control("dates"), "start_date"), Input(control("dates"), "end_date"),
    Input(control("unit"), "value"), Input(control("commune"), "value"), Input(control("sector"), "value"),
    Input(control("channel"), "value"), Input(control("indicator"), "value"), Input(control("sort"), "data"),
]
"""Every filter, in the order ``state_of`` takes them."""


def register() -> None:
    dash.register_page(__name__, path=PATH, name="analytics", title="IOC", layout=layout, permission=PERMISSION)


def today() -> date:
    return local_day(utcnow())


def layout(**query) -> html.Div:
    language = current_language()
    with current().engine.connect() as connection:
        known = Known.read(connection)
        catalogue = {row["code"]: row for row in queries.indicator_catalogue(connection)}
    state = explorer.parse_state(query, known)
    return html.Div([
        dcc.Location(id=part("location"), refresh=False),
        html.H1(text("analytics.heading", language)),
        filters(state, known, catalogue, language, today()),
        html.Div(id=part("exports"), className="ioc-analytics-exports"),
        html.Div(id=part("comparison"), className="ioc-stats ioc-analytics-comparison", role="status"),
        html.Section([dcc.Graph(id=part("chart"), config={"displayModeBar": False}, className="ioc-analytics-chart")]),
        html.Div([
            html.Section([html.H2(text("analytics.ranking", language)), html.Div(id=part("ranking"))],
                         className="ioc-analytics-ranking"),
            html.Section([
                html.H2(text("analytics.map", language)),
                html.P(text("analytics.map_hint", language), className="ioc-hint"),
                dcc.Graph(id=part("map"), figure=blank_map(), config={"displayModeBar": False},
                          className="ioc-analytics-map"),
                html.P(text("map.attribution", language), className="ioc-attribution"),
            ], className="ioc-analytics-map-section"),
        ], className="ioc-analytics-columns"),
    ], className="ioc-analytics")


def state_of(period, start, end, unit, commune, sector, channel, indicator, sort) -> tuple[ExplorerState, Known]:
    """The filters' values as a state, checked the way a shared URL is (unknown values fall back)."""
    with current().engine.connect() as connection:
        known = Known.read(connection)
    sort = sort if isinstance(sort, dict) else {}
    query = {
        "period": period, "from": (string(start) or "")[:10], "to": (string(end) or "")[:10],
        "unit": unit, "commune": commune, "sector": sector, "channel": channel, "indicator": indicator,
        "sort": sort.get("by"), "order": "desc" if sort.get("descending") else "asc",
    }
    return explorer.parse_state({k: v for k, v in query.items() if isinstance(v, str)}, known), known


@dash.callback(Output(part("location"), "search"), Output(part("exports"), "children"), *FILTERS)
@requires(ANALYSE)
def write_url(*values):
    state, _known = state_of(*values)
    search = state.query_string()
    principal = current_principal()
    if principal is None or not principal.can(EXPORT):
        return search, None
    language = current_language()
    return search, [html.A(text(f"analytics.export.{kind}", language), href=path + search, className="ioc-button",
                           id={"type": "analytics-export", "kind": kind}) for kind, path in EXPORT_PATHS.items()]


@dash.callback(Output(control("commune"), "options"), Output(control("commune"), "disabled"),
               Output(control("commune"), "value"), Input(control("unit"), "value"), State(control("commune"), "value"),
               prevent_initial_call=True)
@requires(ANALYSE)
def communes(unit, commune):
    with current().engine.connect() as connection:
        known = Known.read(connection)
    district = known.units.get(string(unit) or "")
    if district is None or district["level"] != "district":
        return [], True, None
    options = commune_options(known, district["code"])
    return options, False, commune if string(commune) in {o["value"] for o in options} else None


@dash.callback(Output(control("dates"), "start_date"), Output(control("dates"), "end_date"),
               Output(control("dates"), "disabled"), Input(control("period"), "value"), prevent_initial_call=True)
@requires(ANALYSE)
def dates(period):
    if period == CUSTOM:
        return dash.no_update, dash.no_update, False
    chosen = explorer.ExplorerState(period=period if period in explorer.PRESETS else "last_12_months")
    shown = chosen.period_of(today())
    return shown.first, shown.last, True


@dash.callback(Output(control("channel"), "disabled"), Input(control("indicator"), "value"))
@requires(ANALYSE)
def channel_applies(indicator):
    return indicator != "dossiers_received"


@dash.callback(Output(control("unit"), "value"), Input(part("map"), "clickData"), prevent_initial_call=True)
@requires(ANALYSE)
def pick_district(click):
    points = (click or {}).get("points") or [{}]
    code = points[0].get("location")
    if not isinstance(code, str):
        raise PreventUpdate
    return code


@dash.callback(Output(control("sort"), "data"), Input(sort_button(ALL), "n_clicks"), State(control("sort"), "data"),
               prevent_initial_call=True)
@requires(ANALYSE)
def sort(_clicks, current_sort):
    if not ctx.triggered_id or not ctx.triggered[0]["value"] or string(ctx.triggered_id["column"]) not in SORTABLE:
        raise PreventUpdate  # the table was drawn anew, not clicked
    column = ctx.triggered_id["column"]
    same = isinstance(current_sort, dict) and current_sort.get("by") == column
    return {"by": column, "descending": not current_sort.get("descending") if same else False}


@dash.callback(Output(part("chart"), "figure"), *FILTERS)
@requires(ANALYSE)
def chart(*values):
    state, known = state_of(*values)
    language = current_language()
    with current().engine.connect() as connection:
        drawn = explorer.series(connection, current().settings, state, today(), language)
        catalogue = {row["code"]: row for row in queries.indicator_catalogue(connection)}
    unit = explorer.chosen_unit(state, known)
    return series_figure(drawn, explorer.indicator_name(state.code, catalogue, language), unit["name"], language)


@dash.callback(Output(part("ranking"), "children"), Output(part("comparison"), "children"),
               Output(part("map"), "figure"), *FILTERS)
@requires(ANALYSE)
def summary(*values):
    state, known = state_of(*values)
    language = current_language()
    settings = current().settings
    with current().engine.connect() as connection:
        explored = explorer.explore(connection, settings, state, today(), language)
        catalogue = {row["code"]: row for row in queries.indicator_catalogue(connection)}
    name = explorer.indicator_name(state.code, catalogue, language)
    figure = dash.Patch()  # the map drawn by the layout gets new colours, not its boundaries again
    trace = recoloured({code: f.raw for code, f in explored.districts.items()},
                       {code: f.shown for code, f in explored.districts.items()}, name)
    for key, value in trace.items():
        figure["data"][0][key] = value
    return ranking_table(explored, state, language), comparison(explored, language), figure


def blank_map() -> dict:
    """The districts without values: the summary callback colours them (``maps.recoloured``)."""
    settings = current().settings
    districts = read_geojson(settings.resolve(settings.province.districts_file))
    return with_shapes(district_map(districts, {}, "", height=460, tile_url=settings.web.map_tile_url,
                                    shown={}, width=300), districts)


def series_figure(drawn: explorer.Series, indicator: str, unit: str, language: str) -> go.Figure:
    x = [period.first for period, _figure in drawn.points]
    figure = go.Figure(go.Scatter(
        x=x, y=[f.raw for _p, f in drawn.points], text=[f.shown for _p, f in drawn.points], mode="lines+markers",
        name=indicator, hovertemplate="%{x|" + ("%d/%m/%Y" if drawn.grain == "day" else "%m/%Y") +
        "}: %{text}<extra></extra>", connectgaps=False))
    if drawn.target is not None and x:
        figure.add_trace(go.Scatter(x=[x[0], x[-1]], y=[drawn.target, drawn.target], mode="lines",
                                    name=text("analytics.target", language), hoverinfo="skip",
                                    line={"dash": "dash", "color": "#b91c1c"}))
    if all(f.raw is None for _p, f in drawn.points):
        figure.add_annotation(text=text("analytics.no_data", language), showarrow=False, xref="paper",
                              yref="paper", x=0.5, y=0.5, font={"size": 18})
    figure.update_layout(
        title={"text": f"{indicator} — {unit}"}, separators=",." if language == "vi" else ".,",
        xaxis={"tickformat": "%d/%m" if drawn.grain == "day" else "%m/%Y"}, margin={"l": 50, "r": 20, "t": 50, "b": 40},
        legend={"orientation": "h", "y": -0.15}, height=360)
    return figure


def comparison(explored: explorer.Explored, language: str) -> list:
    chosen = explored.chosen

    def stat(key: str, figure: explorer.Figure, label_values: dict | None = None, name: str = "") -> html.Div:
        shown = text("analytics.no_data", language) if figure.raw is None else figure.shown
        return html.Div([html.Div(shown, className="ioc-stat-value", id={"type": "analytics-stat", "name": name}),
                         html.Div(text(key, language, **(label_values or {})), className="ioc-stat-label")],
                        className="ioc-stat")

    return [
        stat("analytics.now", chosen.value, {"period": explorer.period_label(explored.period, language),
                                             "unit": chosen.unit_name}, "value"),
        stat("analytics.before", chosen.previous, {"period": explorer.period_label(explored.previous_period,
                                                                                   language)}, "previous"),
        stat("analytics.change", chosen.change, name="change"),
        stat("analytics.gap", chosen.gap, name="gap"),
    ]


def ranking_table(explored: explorer.Explored, state: ExplorerState, language: str) -> html.Table:
    def header(column: str):
        label = text(f"analytics.column.{column}", language)
        if column not in SORTABLE:
            return html.Th(label)
        mark = (" ▼" if state.descending else " ▲") if state.sort == column else ""
        return html.Th(html.Button(label + mark, id=sort_button(column), className="ioc-sort"),
                       **{"aria-sort": ("descending" if state.descending else "ascending")
                          if state.sort == column else "none"})

    def cells(row: explorer.Row) -> list:
        shown = {"rank": "—" if row.rank is None else str(row.rank), "unit": row.unit_name,
                 "value": row.value.shown, "target": row.target.shown, "gap": row.gap.shown,
                 "previous": row.previous.shown, "change": row.change.shown, "received": row.received.shown}
        return [html.Td(shown[column], className=f"ioc-col-{column}") for column in COLUMNS]

    body = [html.Tr(cells(row), className="ioc-chosen" if row.chosen else None) for row in explored.rows]
    footer = html.Tr([html.Td(text("analytics.total", language), colSpan=len(COLUMNS) - 1),
                      html.Td(explored.total_received.shown, className="ioc-col-received")])
    if not explored.rows:
        body = [html.Tr(html.Td(text("analytics.no_units", language), colSpan=len(COLUMNS)))]
    return html.Table([html.Thead(html.Tr([header(c) for c in COLUMNS])), html.Tbody(body), html.Tfoot(footer)],
                      className="ioc-table ioc-analytics-table")
