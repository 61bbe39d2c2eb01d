"""The health page (/health) and its JSON twin (/health.json): every collector's last success and error, rows
in the last hour, rejected inputs by reason, the broker and the store. Both need ``view``."""

import dash
import flask
from dash import Input, Output, dcc, html

from ioc.auth.permissions import VIEW, requires
from ioc.health import health_report
from ioc.i18n import moment, number, text
from ioc.timeutil import utcnow
from ioc.web.context import current, current_language

PATH = "/health"
PERMISSION = VIEW
CONTENT, TICK = "health-content", "health-tick"

blueprint = flask.Blueprint("health", __name__)


def register() -> None:
    dash.register_page(__name__, path=PATH, name="health", title="IOC", layout=layout, permission=PERMISSION)


@blueprint.get("/health.json")
@requires(VIEW)
def health_json():
    report = health_report(current().engine, current().settings, utcnow())
    return flask.jsonify(_jsonable(report))


def _jsonable(value):
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    return value.isoformat() if hasattr(value, "isoformat") else value


def layout(**_query) -> html.Div:
    return html.Div([
        html.H1(text("health.heading", current_language())),
        html.Div(_content(), id=CONTENT),
        dcc.Interval(id=TICK, interval=current().settings.web.refresh_seconds * 1000),
    ])


@dash.callback(Output(CONTENT, "children"), Input(TICK, "n_intervals"), prevent_initial_call=True)
@requires(VIEW)
def refresh(_tick):
    return _content()


def _when(value, language: str) -> str:
    return moment(value, language) if value else "—"


def _content() -> list:
    language = current_language()
    report = health_report(current().engine, current().settings, utcnow())
    collector_header = ["collector.name", "collector.status", "collector.last_success", "health.last_failure",
                        "collector.last_error", "health.rows_last_hour"]
    collector_rows = [html.Tr([
        html.Td(row["collector"]),
        html.Td(text(f"status.{row['status']}", language), className=f"ioc-status-{row['status']}"),
        html.Td(_when(row["last_success"], language)), html.Td(_when(row["last_failure"], language)),
        html.Td(row["last_error"] or "—"), html.Td(number(row["rows_last_hour"], language)),
    ]) for row in report["collectors"]]
    rejected_rows = [html.Tr([html.Td(row["source"]), html.Td(row["reason"]),
                              html.Td(number(row["last_24h"], language)), html.Td(number(row["total"], language))])
                     for row in report["rejected"]]
    broker = report["broker"]
    broker_text = (text("health.broker_up", language, address=broker["address"]) if broker["reachable"] else
                   text("health.broker_down", language, address=broker["address"], error=broker["error"]))
    store = report["store"]
    return [
        html.H2(text("health.collectors", language)),
        _table(collector_header, collector_rows, language) if collector_rows else
        html.P(text("overview.no_collector_runs", language)),
        html.H2(text("health.rejected", language)),
        _table(["health.source", "health.reason", "health.last_24h", "health.total"], rejected_rows, language)
        if rejected_rows else html.P(text("health.rejected_none", language)),
        html.Div([
            _stat(text("health.broker", language), broker_text, "ok" if broker["reachable"] else "failed"),
            _stat(text("health.store", language), text("health.store_size", language, backend=store["backend"],
                  size=number(store["size_bytes"] / 1e6, language, decimals=1)), "ok"),
            *([_stat(text("health.store_disk", language), free_space_text(store, language),
                     "failed" if store["full"] else "ok")] if store["free_bytes"] is not None else []),
            _stat(text("health.latest_reading", language), _when(report["newest_reading"], language), "ok"),
        ], className="ioc-stats ioc-health-stats"),
    ]


def free_space_text(store: dict, language: str) -> str:
    """Free and total space in GB on a disk of 10 GB or more (82.131,2 MB is hard to read), in MB below."""
    unit, scale = ("GB", 1e9) if store["total_bytes"] >= 10e9 else ("MB", 1e6)
    free, total = (number(store[key] / scale, language, decimals=1) for key in ("free_bytes", "total_bytes"))
    return text("health.store_full" if store["full"] else "health.store_free", language, free=free, total=total,
                unit=unit)


def _table(keys: list[str], rows: list, language: str) -> html.Table:
    return html.Table([html.Thead(html.Tr([html.Th(text(key, language)) for key in keys])), html.Tbody(rows)],
                      className="ioc-table")


def _stat(label: str, value: str, status: str) -> html.Div:
    return html.Div([html.Div(label, className="ioc-stat-label"),
                     html.Div(value, className=f"ioc-health-value ioc-status-{status}")], className="ioc-stat")
