"""The alerts page: active and recent alerts by severity and time, filters, each alert's log, and the actions.

Everyone who may view sees the alerts, their event logs, the notification channels and today's alarm load.
Acknowledging, shelving, assigning and clearing need ``alerts:acknowledge`` (operators, admins): the guard
checks it on the action callback, and the page shows the controls only to those who hold it. Messages, notes
and names are user text: Dash renders them as text, never as HTML.
"""

from datetime import datetime, timedelta

import dash
from dash import ALL, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from ioc.alerts import lifecycle
from ioc.alerts.load_report import day_report
from ioc.alerts.rules import SEVERITIES
from ioc.auth.guard import current_principal
from ioc.auth.permissions import ACKNOWLEDGE_ALERTS, VIEW, requires
from ioc.i18n import moment, number, text
from ioc.store import alert_queries
from ioc.timeutil import local_day, utcnow
from ioc.web.context import current, current_language
from layouts.inputs import row_id, string
from layouts.shell import REREAD

PATH = "/alerts"
PERMISSION = VIEW
RECENT = timedelta(hours=24)
"""Cleared alerts stay on the page this long."""
STATES = ("active_unack", "active_ack", "shelved", "cleared_unack", "cleared_ack")
SOURCES = ("sensor", "collector", "indicator", "feedback", "store")
SHELVE_HOURS = (1, 4, 8, 24, 72)
ACTIONS = ("acknowledge", "shelve", "assign", "clear")

TABLE, DETAIL, SELECTED, CHANGED, MESSAGE, TICK = (
    "alerts-table", "alerts-detail", "alerts-selected", "alerts-changed", "alerts-message", "alerts-tick")


def register() -> None:
    dash.register_page(__name__, path=PATH, name="alerts", title="IOC", layout=layout, permission=PERMISSION)


def filter_id(name: str) -> dict:
    """A filter dropdown: severity, state, source or unit."""
    return {"type": "alerts-filter", "name": name}


def open_button(alert_id: int) -> dict:
    return {"type": "alerts-open", "id": alert_id}


def ack_button(alert_id: int) -> dict:
    """The one-click acknowledge button of a row (it takes the note in the note field, if any)."""
    return {"type": "alerts-ack", "id": alert_id}


def action_button(action: str) -> dict:
    """A button acting on the selected alert: one of ``ACTIONS``."""
    return {"type": "alerts-action", "action": action}


def field(name: str) -> dict:
    """An input of the action panel: note, shelve_hours or assignee."""
    return {"type": "alerts-field", "name": name}


def layout(**_query) -> html.Div:
    language = current_language()
    can_act = _can_act()
    return html.Div([
        html.H1(text("alerts.heading", language)),
        html.Div(_filters(language), className="ioc-filters"),
        html.Div(id=MESSAGE, role="status", className="ioc-alerts-message"),
        html.Div(_alerts(language, {}, can_act), id=TABLE),
        html.Section([html.Div(_detail(None, language), id=DETAIL), *(_controls(language) if can_act else [])],
                     className="ioc-alert-panel"),
        html.Section(_load_and_channels(language)),
        dcc.Store(id=SELECTED),
        dcc.Store(id=CHANGED),
        dcc.Interval(id=TICK, interval=current().settings.web.refresh_seconds * 1000),
    ])


@dash.callback(Output(TABLE, "children"), Input(filter_id(ALL), "value"), Input(TICK, "n_intervals"),
               Input(CHANGED, "data"), Input(REREAD, "data"))
@requires(VIEW)
def refresh(_filters, _tick, _changed, _reread):
    filters = {item["id"]["name"]: string(item.get("value")) for item in ctx.inputs_list[0]}
    return _alerts(current_language(), filters, _can_act())


@dash.callback(Output(SELECTED, "data"), Input(open_button(ALL), "n_clicks"), prevent_initial_call=True)
@requires(VIEW)
def select(_clicks):
    if not ctx.triggered_id or not ctx.triggered[0]["value"]:
        raise PreventUpdate  # rows drawn anew, not clicked
    return ctx.triggered_id["id"]


@dash.callback(Output(DETAIL, "children"), Input(SELECTED, "data"), Input(CHANGED, "data"),
               Input(TICK, "n_intervals"), Input(REREAD, "data"))
@requires(VIEW)
def detail(alert_id, _changed, _tick, _reread):
    return _detail(row_id(alert_id), current_language())


@dash.callback(Output(CHANGED, "data"), Output(MESSAGE, "children"),
               Input(ack_button(ALL), "n_clicks"), Input(action_button(ALL), "n_clicks"),
               State(SELECTED, "data"), State(field(ALL), "value"), prevent_initial_call=True)
@requires(ACKNOWLEDGE_ALERTS)
def act(_row_clicks, _panel_clicks, selected, _fields):
    trigger = ctx.triggered_id
    if not trigger or not ctx.triggered[0]["value"]:
        raise PreventUpdate
    if trigger["type"] == "alerts-ack":
        alert_id, action = trigger.get("id"), "acknowledge"
    else:
        alert_id, action = selected, trigger.get("action")
    alert_id = row_id(alert_id)
    if alert_id is None or action not in ACTIONS:
        raise PreventUpdate
    fields = {item["id"]["name"]: item.get("value") for item in ctx.states_list[1]}
    language = current_language()
    try:
        _apply(action, alert_id, fields, current_principal().actor, utcnow())
    except lifecycle.AlertActionError as refusal:
        return dash.no_update, text(f"alerts.refused.{refusal.reason}", language)
    return utcnow().isoformat(), text(f"alerts.done.{action}", language, id=alert_id)


def _apply(action: str, alert_id: int, fields: dict, actor: str, now: datetime) -> None:
    note = string(fields.get("note")) or None
    with current().engine.begin() as connection:
        if action == "acknowledge":
            lifecycle.acknowledge(connection, alert_id, actor, now, note)
        elif action == "shelve":
            hours = fields.get("shelve_hours") if fields.get("shelve_hours") in SHELVE_HOURS else SHELVE_HOURS[0]
            lifecycle.shelve(connection, alert_id, actor, now, now + timedelta(hours=hours), note or "")
        elif action == "assign":
            lifecycle.assign(connection, alert_id, actor, now, string(fields.get("assignee")) or "", note)
        else:
            lifecycle.clear(connection, alert_id, actor, now, note or "")


def _can_act() -> bool:
    principal = current_principal()
    return principal is not None and principal.can(ACKNOWLEDGE_ALERTS)


def _filters(language: str) -> list:
    with current().engine.connect() as connection:
        units = alert_queries.unit_names(connection)
    options = {
        "severity": [(value, text(f"severity.{value}", language)) for value in SEVERITIES],
        "state": [(value, text(f"alerts.state.{value}", language)) for value in STATES],
        "source": [(value, text(f"alerts.source.{value}", language)) for value in SOURCES],
        "unit": sorted(units.items(), key=lambda item: item[1]),
    }
    return [
        html.Label([text(f"alerts.filter.{name}", language),
                    dcc.Dropdown(id=filter_id(name), options=[{"value": v, "label": label} for v, label in choices],
                                 placeholder=text("alerts.filter.all", language), clearable=True)],
                   className="ioc-filter")
        for name, choices in options.items()
    ]


def state_of(alert: dict, now: datetime) -> str:
    """One of ``STATES``: active or cleared x unacknowledged or acknowledged, and shelved."""
    if alert["active"]:
        if alert["shelved_until"] is not None and alert["shelved_until"] > now:
            return "shelved"
        return "active_ack" if alert["acknowledged"] else "active_unack"
    return "cleared_ack" if alert["acknowledged"] else "cleared_unack"


def _alerts(language: str, filters: dict, can_act: bool) -> list:
    now = utcnow()
    with current().engine.connect() as connection:
        rows = alert_queries.alert_list(connection, since=now - RECENT, severity=filters.get("severity"),
                                        source=filters.get("source"), unit_code=filters.get("unit"))
        acks = alert_queries.acknowledgements(connection, [row["id"] for row in rows])
        units = alert_queries.unit_names(connection)
        unacknowledged = alert_queries.unacknowledged_critical_count(connection)
    if filters.get("state"):
        rows = [row for row in rows if state_of(row, now) == filters["state"]]
    rows.sort(key=lambda row: (not row["active"], SEVERITIES.index(row["severity"]), -row["raised_at"].timestamp()))
    banner = (html.P(text("alerts.critical_banner", language, count=unacknowledged), className="ioc-alert-banner",
                     role="alert") if unacknowledged else None)
    if not rows:
        return [banner, html.P(text("alerts.none", language))]
    header = [text(key, language) for key in ("alerts.severity", "alerts.raised", "alerts.message", "alerts.target",
                                              "alerts.filter.unit", "alerts.count", "alerts.state")] + [""]
    body = [_row(row, acks.get(row["id"]), units, language, can_act, now) for row in rows]
    return [banner, html.Table([html.Thead(html.Tr([html.Th(cell) for cell in header])), html.Tbody(body)],
                               className="ioc-table ioc-alerts")]


def _row(alert: dict, ack: dict | None, units: dict, language: str, can_act: bool, now: datetime) -> html.Tr:
    state = state_of(alert, now)
    notes = [html.Div(text(f"alerts.state.{state}", language))]
    if ack:
        notes.append(html.Div(text("alerts.acknowledged_by", language, actor=ack["actor"],
                                   time=moment(ack["ts"], language)), className="ioc-alert-ack"))
    if alert["assignee"]:
        notes.append(html.Div(text("alerts.assigned_to", language, name=alert["assignee"])))
    if state == "shelved":
        notes.append(html.Div(text("alerts.shelved_until", language, time=moment(alert["shelved_until"], language))))
    buttons = [html.Button(text("alerts.details", language), id=open_button(alert["id"]), className="ioc-button")]
    if can_act and not alert["acknowledged"]:
        buttons.append(html.Button(text("alerts.acknowledge", language), id=ack_button(alert["id"]),
                                   className="ioc-button ioc-button-primary"))
    severity = alert["severity"]
    new_critical = severity == "critical" and state == "active_unack"
    return html.Tr([
        html.Td(html.Span(text(f"severity.{severity}", language), className=f"ioc-severity ioc-severity-{severity}")),
        html.Td(moment(alert["raised_at"], language)),
        html.Td(_message(alert, language)),
        html.Td(alert["target"]),
        html.Td(units.get(alert["unit_code"], alert["unit_code"] or "—")),
        html.Td(number(alert["count"], language)),
        html.Td(notes),
        html.Td(buttons, className="ioc-alert-buttons"),
    ], className="ioc-alert-row" + (" ioc-alert-new-critical" if new_critical else ""))


def _message(alert: dict, language: str) -> str:
    return (alert["message_en"] if language == "en" else None) or alert["message"]


def _detail(alert_id: int | None, language: str) -> list:
    alert, events = None, []
    if alert_id is not None:
        with current().engine.connect() as connection:
            alert = alert_queries.alert(connection, alert_id)
            events = alert_queries.events(connection, alert_id) if alert else []
    if alert is None:
        return [html.P(text("alerts.select_hint", language), className="ioc-attribution")]
    header = [text(f"alerts.log.{key}", language) for key in ("time", "action", "actor", "note")]
    rows = [html.Tr([html.Td(moment(event["ts"], language)),
                     html.Td(text(f"alerts.action.{event['action']}", language)),
                     html.Td(event["actor"]), html.Td(event["note"] or "—")]) for event in events]
    return [
        html.H2(text("alerts.log", language, id=alert["id"])),
        html.P(_message(alert, language), className=f"ioc-alert-detail-message ioc-severity-text-{alert['severity']}"),
        html.Table([html.Thead(html.Tr([html.Th(cell) for cell in header])), html.Tbody(rows)],
                   className="ioc-table ioc-alert-log"),
    ]


def _controls(language: str) -> list:
    return [html.Div([
        dcc.Textarea(id=field("note"), placeholder=text("alerts.note", language), className="ioc-alert-note",
                     maxLength=lifecycle.NOTE_MAX_CHARS),
        html.Div([
            html.Button(text("alerts.acknowledge", language), id=action_button("acknowledge"),
                        className="ioc-button ioc-button-primary"),
            html.Label([text("alerts.shelve_for", language),
                        dcc.Dropdown(id=field("shelve_hours"), value=SHELVE_HOURS[1], clearable=False,
                                     options=[{"value": hours, "label": text("alerts.hours", language, count=hours)}
                                              for hours in SHELVE_HOURS])], className="ioc-filter"),
            html.Button(text("alerts.shelve", language), id=action_button("shelve"), className="ioc-button"),
            dcc.Input(id=field("assignee"), placeholder=text("alerts.assignee", language), className="ioc-input"),
            html.Button(text("alerts.assign", language), id=action_button("assign"), className="ioc-button"),
            html.Button(text("alerts.clear", language), id=action_button("clear"), className="ioc-button"),
        ], className="ioc-alert-actions"),
    ], className="ioc-alert-controls")]


def _load_and_channels(language: str) -> list:
    now = utcnow()
    with current().engine.connect() as connection:
        report = day_report(connection, local_day(now), now)
        channels = alert_queries.channel_health(connection)
    stats = [
        ("alerts.load.raised", number(report.raised, language)),
        ("alerts.load.per_10_minutes", number(report.per_10_minutes, language, decimals=2)),
        ("alerts.load.peak", number(report.peak_10_minutes, language)),
        ("alerts.load.floods", number(len(report.floods), language)),
        ("alerts.load.chattering", number(len(report.chattering), language)),
        ("alerts.load.stale", number(len(report.stale), language)),
    ]
    channel_rows = [html.Tr([
        html.Td(row["channel"]),
        html.Td(text(f"status.{row['status']}", language), className=f"ioc-status-{row['status']}"),
        html.Td(moment(row["last_success"], language) if row["last_success"] else "—"),
        html.Td(row["last_error"] or "—"),
    ]) for row in channels]
    channel_header = [text(key, language) for key in ("alerts.channels", "collector.status", "collector.last_success",
                                                      "collector.last_error")]
    return [
        html.H2(text("alerts.load", language)),
        html.Div([html.Div([html.Div(value, className="ioc-stat-value"),
                            html.Div(text(key, language), className="ioc-stat-label")], className="ioc-stat")
                  for key, value in stats], className="ioc-stats"),
        html.H2(text("alerts.channels", language)),
        html.Table([html.Thead(html.Tr([html.Th(cell) for cell in channel_header])), html.Tbody(channel_rows)],
                   className="ioc-table") if channels else html.P(text("alerts.no_deliveries", language)),
    ]
