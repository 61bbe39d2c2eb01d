"""The overview page: the province's units on an offline map, and whether each data source is alive."""

import dash
from dash import dcc, html

from ioc.auth.permissions import VIEW
from ioc.i18n import moment, number, text
from ioc.store import alert_queries, queries
from ioc.web.context import current, current_language
from layouts.maps import district_map, read_geojson, with_shapes

PATH = "/"
PERMISSION = VIEW


def register() -> None:
    dash.register_page(__name__, path=PATH, name="overview", title="IOC", layout=layout, permission=PERMISSION)


def layout(**_query) -> html.Div:
    context = current()
    language = current_language()
    settings = context.settings
    with context.engine.connect() as connection:
        units = queries.units(connection)
        health = queries.collector_health(connection) + [  # a failing alert channel shows like a failing source
            {**row, "collector": text("overview.channel", language, name=row["channel"])}
            for row in alert_queries.channel_health(connection)]
    districts = [unit for unit in units if unit["level"] == "district"]
    communes = [unit for unit in units if unit["level"] == "commune"]
    province = next(unit for unit in units if unit["level"] == "province")
    boundaries = read_geojson(settings.resolve(settings.province.districts_file))
    area_label = text("overview.area", language)
    figure = with_shapes(district_map(boundaries, {d["code"]: d["area_km2"] for d in districts}, area_label),
                         boundaries)
    return html.Div(
        [
            html.H1(text("overview.heading", language)),
            html.Div(
                [
                    _stat(text("overview.districts", language), number(len(districts), language)),
                    _stat(text("overview.communes", language), number(len(communes), language)),
                    _stat(area_label, number(province["area_km2"], language, decimals=1)),
                ],
                className="ioc-stats",
            ),
            html.Section(
                [
                    html.H2(text("overview.map_title", language)),
                    dcc.Graph(id="overview-map", figure=figure, config={"displayModeBar": False}),
                    html.P(text("map.attribution", language), className="ioc-attribution"),
                ]
            ),
            html.Section([html.H2(text("overview.collectors", language)), _health_table(health, language)]),
        ]
    )


def _stat(label: str, value: str) -> html.Div:
    return html.Div([html.Div(value, className="ioc-stat-value"), html.Div(label, className="ioc-stat-label")],
                    className="ioc-stat")


def _health_table(health: list[dict], language: str):
    if not health:
        return html.P(text("overview.no_collector_runs", language))
    header = html.Tr([html.Th(text(key, language)) for key in
                      ("collector.name", "collector.status", "collector.last_success", "collector.last_error")])
    rows = [
        html.Tr([
            html.Td(run["collector"]),
            html.Td(text(f"status.{run['status']}", language), className=f"ioc-status-{run['status']}"),
            html.Td(moment(run["last_success"], language) if run["last_success"] else "—"),
            html.Td(run["last_error"] or "—"),
        ])
        for run in health
    ]
    return html.Table([html.Thead(header), html.Tbody(rows)], className="ioc-table")
