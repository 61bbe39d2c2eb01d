"""The sensor pages: every sensor's status and latest values (/sensors), and one sensor's history read from
the hourly and daily rollups (/sensors/<id>). Both need ``view``."""

from datetime import timedelta

import dash
import plotly.graph_objects as go
from dash import dcc, html

from ioc.auth.permissions import VIEW
from ioc.i18n import moment, number, text
from ioc.indicators.aqi import POLLUTANTS
from ioc.indicators.sensor_status import AQI_HOURS, statuses
from ioc.store import alert_queries, queries, sensor_queries
from ioc.timeutil import local_day, utcnow
from ioc.web.context import current, current_language

PATH = "/sensors"
PERMISSION = VIEW
HOURLY_DAYS = 7
DAILY_DAYS = 90


def register() -> None:
    dash.register_page("sensors", path=PATH, name="sensors", title="IOC", layout=layout, permission=PERMISSION)
    dash.register_page("sensor", path_template=PATH + "/<sensor_id>", name="sensor", title="IOC", layout=detail,
                       permission=PERMISSION)


def _statuses(connection, sensors, now):
    latest = sensor_queries.latest_values(connection)
    air = [s["id"] for s in sensors if s["kind"] == "air_quality"]
    means = alert_queries.hourly_means(connection, air, now - timedelta(hours=AQI_HOURS + 1),
                                       now + timedelta(hours=1), metrics=POLLUTANTS)
    return latest, statuses(sensors, latest, means, now)


def layout(**_query) -> html.Div:
    language = current_language()
    now = utcnow()
    with current().engine.connect() as connection:
        sensors = queries.sensors(connection)
        latest, found = _statuses(connection, sensors, now)
    header = [text(key, language) for key in ("sensors.name", "sensors.kind", "sensors.status", "sensors.latest",
                                              "sensors.time")]
    rows = [html.Tr([
        html.Td(dcc.Link(status.name, href=f"{PATH}/{status.sensor_id}")),
        html.Td(text(f"sensor.kind.{status.kind}", language)),
        html.Td(_status_label(status, language)),
        html.Td(_values(sensor, latest.get(status.sensor_id, {}), language)),
        html.Td(moment(status.ts, language) if status.ts else "—"),
    ]) for sensor, status in zip(sensors, found, strict=True)]
    return html.Div([
        html.H1(text("sensors.heading", language)),
        html.Table([html.Thead(html.Tr([html.Th(cell) for cell in header])), html.Tbody(rows)],
                   className="ioc-table ioc-sensors"),
    ])


def _status_label(status, language: str) -> html.Span:
    label = text(f"sensor.status.{status.status}", language)
    if status.status.startswith("aqi."):
        label = f"{text('sensors.aqi', language)} {number(status.value, language)} · {label}"
    return html.Span([html.Span(className="ioc-swatch", style={"background": status.colour}), label],
                     className=f"ioc-sensor-status ioc-sensor-{status.status.replace('.', '-')}")


def _values(sensor: dict, values: dict, language: str) -> str:
    parts = [f"{metric} {number(value, language, decimals=1)} {sensor['metrics'].get(metric, {}).get('unit', '')}"
             for metric, (_ts, value) in sorted(values.items())]
    return " · ".join(parts) or "—"


def detail(sensor_id: str = "", **_query) -> html.Div:
    language = current_language()
    now = utcnow()
    with current().engine.connect() as connection:
        found = queries.sensors(connection)
        sensor = next((s for s in found if s["id"] == sensor_id), None)
        if sensor is None:
            return html.Div([html.H1(text("sensors.not_found", language, id=sensor_id)),
                             dcc.Link(text("sensors.back", language), href=PATH)])
        latest, [status] = _statuses(connection, [sensor], now)
        charts = []
        for metric, spec in sensor["metrics"].items():
            hourly = queries.hourly_rollups(connection, sensor_id, metric, now - timedelta(days=HOURLY_DAYS), now)
            daily = queries.daily_rollups(connection, sensor_id, metric, local_day(now) - timedelta(days=DAILY_DAYS),
                                          local_day(now))
            if hourly or daily:
                charts += _charts(metric, spec, hourly, daily, language)
    return html.Div([
        dcc.Link(text("sensors.back", language), href=PATH),
        html.H1(sensor["name"]),
        html.P([text(f"sensor.kind.{sensor['kind']}", language), " · ", _status_label(status, language), " · ",
                _values(sensor, latest.get(sensor_id, {}), language)]),
        *charts,
    ])


def _charts(metric: str, spec: dict, hourly: list[dict], daily: list[dict], language: str) -> list:
    unit = spec.get("unit", "")
    hourly_figure = go.Figure(go.Scatter(x=[row["hour"] for row in hourly], y=[row["mean"] for row in hourly],
                                         mode="lines", name=text("sensors.mean", language)))
    daily_figure = go.Figure([
        go.Scatter(x=[row["day"] for row in daily], y=[row[key] for row in daily], mode="lines",
                   name=text(f"sensors.{key}", language), line={"dash": dash_style})
        for key, dash_style in (("max", "dot"), ("mean", "solid"), ("min", "dash"))])
    for figure in (hourly_figure, daily_figure):
        for level, value in enumerate(spec.get("alarm_levels") or (), start=1):
            figure.add_hline(y=value, line_dash="dash", line_color="#b45309",
                             annotation_text=text("sensors.alarm_level", language, level="I" * level))
        figure.update_layout(height=300, margin={"l": 50, "r": 20, "t": 10, "b": 40}, separators=",."
                             if language == "vi" else ".,", xaxis={"tickformat": "%d/%m"})
    return [html.H2(text("sensors.hourly", language, metric=metric, unit=unit)),
            dcc.Graph(figure=hourly_figure, config={"displayModeBar": False}),
            html.H2(text("sensors.daily", language, metric=metric, unit=unit)),
            dcc.Graph(figure=daily_figure, config={"displayModeBar": False})]
