"""The feedback page: the month's indicators, the inbox with filters, each report's history, the workflow
actions and the hotline operators' form (docs/feedback.md).

Everyone who may view sees the indicators and the inbox, with reporters' phone and e-mail masked. Taking a
step, and recording a hotline call, need ``feedback:handle`` (operators, admins): the guard checks it on the
callbacks, and only they see the controls and the contacts in full. Titles, descriptions, replies and notes
are citizens' and staff's text: Dash renders them as text, never as HTML.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import dash
import flask
from dash import ALL, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate
from pydantic import ValidationError

from ioc.auth.guard import current_principal
from ioc.auth.permissions import EXPORT, HANDLE_FEEDBACK, VIEW, requires
from ioc.feedback import handling
from ioc.feedback.masking import masked
from ioc.feedback.models import DESCRIPTION_MAX_CHARS, TITLE_MAX_CHARS, Reporter
from ioc.feedback.workflow import CHANNELS, NEXT, STATUSES, Change, TransitionError
from ioc.i18n import moment, number, percent, text
from ioc.indicators.feedback_report import feedback_report
from ioc.store import feedback_queries, queries
from ioc.tables import csv_bytes
from ioc.timeutil import local_day, utcnow
from ioc.web.context import current, current_language
from layouts.inputs import row_id, string, whole

PATH = "/feedback"
PERMISSION = VIEW
EXPORT_PATH = "/feedback/export.csv"
PERIOD_DAYS = 30
REFERENCE_MAX_CHARS = 100
"""The hotline form's own id (a uuid the page makes) becomes the report's ``channel_ref``, of this length."""

TABLE, DETAIL, SELECTED, CHANGED, MESSAGE, HOTLINE_REF, HOTLINE_MESSAGE = (
    "feedback-table", "feedback-detail", "feedback-selected", "feedback-changed", "feedback-message",
    "feedback-hotline-ref", "feedback-hotline-message")

blueprint = flask.Blueprint("feedback_export", __name__)
"""The CSV export, registered by the app factory beside the page."""


def register() -> None:
    dash.register_page(__name__, path=PATH, name="feedback", title="IOC", layout=layout, permission=PERMISSION)


def filter_id(name: str) -> dict:
    """A filter of the inbox: status, category, channel, unit or overdue."""
    return {"type": "feedback-filter", "name": name}


def open_button(report_id: int) -> dict:
    return {"type": "feedback-open", "id": report_id}


def field(name: str) -> dict:
    """An input of the action panel: to, note, reason, agency, reply or rating."""
    return {"type": "feedback-field", "name": name}


def hotline_field(name: str) -> dict:
    """An input of the hotline form: category, title, description, unit_code, name or phone."""
    return {"type": "feedback-hotline", "name": name}


def action_button(name: str) -> dict:
    """``apply`` (take the step chosen in the panel) or ``hotline`` (record the call in the form)."""
    return {"type": "feedback-action", "name": name}


def _pressed(name: str) -> bool:
    """The callback runs because the button ``name`` was clicked (not because buttons were drawn)."""
    return bool(ctx.triggered_id and ctx.triggered_id.get("name") == name and ctx.triggered[0]["value"])


def may_handle() -> bool:
    principal = current_principal()
    return principal is not None and principal.can(HANDLE_FEEDBACK)


def layout(**_query) -> html.Div:
    language = current_language()
    handler = may_handle()
    principal = current_principal()
    export = [html.A(text("feedback.export", language), href=EXPORT_PATH, className="ioc-button")] if (
        principal is not None and principal.can(EXPORT)) else []
    return html.Div([
        html.H1(text("feedback.heading", language)),
        html.Section(_indicators(language)),
        html.Div([*_filters(language), *export], className="ioc-filters"),
        html.Div(id=MESSAGE, role="status", className="ioc-alerts-message"),
        html.Div(_inbox(language, {}, handler), id=TABLE),
        html.Section([html.Div(_detail(None, language, handler), id=DETAIL), *(_controls(language) if handler else [])],
                     className="ioc-alert-panel"),
        *(_hotline(language) if handler else []),
        html.Div(id=HOTLINE_MESSAGE, role="status", className="ioc-alerts-message"),
        dcc.Store(id=SELECTED),
        dcc.Store(id=CHANGED),
        dcc.Store(id=HOTLINE_REF, data=uuid.uuid4().hex),
    ])


@dash.callback(Output(TABLE, "children"), Input(filter_id(ALL), "value"), Input(CHANGED, "data"),
               Input(HOTLINE_REF, "data"))
@requires(VIEW)
def refresh(_filters, _changed, _call):
    filters = {item["id"]["name"]: item.get("value") for item in ctx.inputs_list[0]}
    filters = {name: value if name == "overdue" else string(value) for name, value in filters.items()}
    return _inbox(current_language(), filters, may_handle())


@dash.callback(Output(SELECTED, "data"), Input(open_button(ALL), "n_clicks"), prevent_initial_call=True)
@requires(VIEW)
def select(_clicks):
    if not ctx.triggered_id or not ctx.triggered[0]["value"]:
        raise PreventUpdate
    return ctx.triggered_id["id"]


@dash.callback(Output(DETAIL, "children"), Input(SELECTED, "data"), Input(CHANGED, "data"))
@requires(VIEW)
def detail(report_id, _changed):
    return _detail(row_id(report_id), current_language(), may_handle())


@dash.callback(Output(CHANGED, "data"), Output(MESSAGE, "children"), Input(action_button(ALL), "n_clicks"),
               State(SELECTED, "data"), State(field(ALL), "value"), prevent_initial_call=True)
@requires(HANDLE_FEEDBACK)
def act(_clicks, report_id, _fields):
    report_id = row_id(report_id)
    if not _pressed("apply") or report_id is None:
        raise PreventUpdate
    values = {item["id"]["name"]: item.get("value") for item in ctx.states_list[1]}
    language = current_language()
    change = Change(to=string(values.get("to")) or "", note=string(values.get("note")),
                    reason=string(values.get("reason")), agency=string(values.get("agency")),
                    reply=string(values.get("reply")), rating=whole(values.get("rating")))
    try:
        with current().engine.begin() as connection:
            row = handling.transition(connection, report_id, change, current_principal().actor, utcnow())
    except TransitionError as refusal:
        return dash.no_update, text("feedback.refused", language, reason=f"{refusal.field}: {refusal.message}")
    return utcnow().isoformat(), text("feedback.done", language, code=row["tracking_code"],
                                      status=text(f"feedback.status.{row['status']}", language))


@dash.callback(Output(HOTLINE_REF, "data"), Output(HOTLINE_MESSAGE, "children"),
               Input(action_button(ALL), "n_clicks"), State(HOTLINE_REF, "data"), State(hotline_field(ALL), "value"),
               prevent_initial_call=True)
@requires(HANDLE_FEEDBACK)
def take_call(_clicks, reference, _fields):
    """Record a hotline call; the form's own id makes a double click one report."""
    if not _pressed("hotline") or not isinstance(reference, str) or len(reference) > REFERENCE_MAX_CHARS:
        raise PreventUpdate
    values = {item["id"]["name"]: (string(item.get("value")) or None) for item in ctx.states_list[1]}
    language = current_language()
    settings = current().settings
    if not (settings.feedback.category(values.get("category") or "") and values.get("title")
            and values.get("description")):
        return dash.no_update, text("feedback.hotline.missing", language)
    with current().engine.connect() as connection:
        if values.get("unit_code") and values["unit_code"] not in _unit_names(connection):
            return dash.no_update, text("feedback.refused", language, reason="unit_code: no such unit")
    try:
        reporter = Reporter(name=values.get("name"), phone=values.get("phone"))
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        return dash.no_update, text("feedback.refused", language, reason=f"{error['loc'][0]}: {error['msg']}")
    report = handling.NewReport(
        channel="hotline", channel_ref=reference, category=values["category"],
        title=values["title"][:TITLE_MAX_CHARS], description=values["description"][:DESCRIPTION_MAX_CHARS],
        unit_code=values.get("unit_code"), reporter_name=reporter.name, reporter_phone=reporter.phone)
    with current().engine.begin() as connection:
        row, _created = handling.submit(connection, settings.feedback,
                                        flask.current_app.extensions["ioc_feedback_api"].locator, report,
                                        current_principal().actor, utcnow())
    return uuid.uuid4().hex, text("feedback.hotline.done", language, code=row["tracking_code"])


@blueprint.get(EXPORT_PATH)
@requires(EXPORT)
def export():
    """The inbox as CSV, contacts masked unless the principal handles feedback (same rule as the page).

    Titles and names are citizens' text: ``csv_bytes`` neutralises any that would run as a spreadsheet formula.
    """
    handler = may_handle()
    with current().engine.connect() as connection:
        rows = feedback_queries.inbox(connection, utcnow(), limit=100_000)
    columns = ("tracking_code", "channel", "category", "status", "unit_code", "title", "reporter_name",
               "reporter_phone", "reporter_email", "received_at", "due_at", "answered_at", "overdue")
    table = [list(columns)]
    for row in rows:
        shown = masked(row, handler)
        table.append([shown[column] for column in columns])
    return flask.Response(csv_bytes(table), mimetype="text/csv",
                          headers={"Content-Disposition": "attachment; filename=phan-anh.csv"})


def _indicators(language: str) -> list:
    now = utcnow()
    today = local_day(now)
    with current().engine.connect() as connection:
        result = feedback_report(connection, current().settings.feedback, today - timedelta(days=PERIOD_DAYS - 1),
                                 today, now)

    def rate(value):
        return percent(value / 100, language) if value is not None else text("feedback.no_data", language)

    stats = [
        ("feedback.received", number(result.received, language)),
        ("feedback.on_time", rate(result.on_time_rate)),
        ("feedback.satisfaction", rate(result.satisfaction_rate)),
        ("feedback.median_days", number(result.median_handling_days, language, decimals=1)
         if result.median_handling_days is not None else text("feedback.no_data", language)),
        ("feedback.backlog", number(result.backlog, language)),
        ("feedback.overdue_count", number(result.overdue, language)),
    ]
    return [html.H2(text("feedback.period", language)),
            html.Div([html.Div([html.Div(value, className="ioc-stat-value"),
                                html.Div(text(key, language), className="ioc-stat-label")], className="ioc-stat")
                      for key, value in stats], className="ioc-stats")]


def _unit_names(connection) -> dict[str, str]:
    return {unit["code"]: unit["name"] for unit in queries.units(connection)}


def _category_names(language: str) -> dict[str, str]:
    return {c.code: (c.name_en if language == "en" else c.name_vi) for c in current().settings.feedback.categories}


def _filters(language: str) -> list:
    with current().engine.connect() as connection:
        units = _unit_names(connection)
    options = {
        "status": [(value, text(f"feedback.status.{value}", language)) for value in STATUSES],
        "category": list(_category_names(language).items()),
        "channel": [(value, text(f"feedback.channel.{value}", language)) for value in CHANNELS],
        "unit": sorted(units.items(), key=lambda item: item[1]),
    }
    dropdowns = [
        html.Label([text(f"feedback.filter.{name}", language),
                    dcc.Dropdown(id=filter_id(name), options=[{"value": v, "label": label} for v, label in choices],
                                 placeholder=text("feedback.filter.all", language), clearable=True)],
                   className="ioc-filter")
        for name, choices in options.items()
    ]
    overdue = dcc.Checklist(id=filter_id("overdue"), value=[],
                            options=[{"value": "overdue", "label": text("feedback.filter.overdue", language)}])
    return [*dropdowns, html.Div(overdue, className="ioc-filter")]


def _inbox(language: str, filters: dict, handler: bool) -> list:
    now = utcnow()
    with current().engine.connect() as connection:
        rows = feedback_queries.inbox(connection, now, status=filters.get("status"),
                                      category=filters.get("category"), channel=filters.get("channel"),
                                      unit_code=filters.get("unit"), overdue=bool(filters.get("overdue")))
        units = _unit_names(connection)
    if not rows:
        return [html.P(text("feedback.none", language))]
    categories = _category_names(language)
    header = [text(f"feedback.{key}", language) for key in ("code", "time", "filter.category", "filter.channel",
                                                             "title", "filter.unit", "reporter", "filter.status",
                                                             "due")] + [""]
    body = []
    for row in rows:
        shown = masked(row, handler)
        contact = " · ".join(part for part in (shown["reporter_name"], shown["reporter_phone"],
                                               shown["reporter_email"]) if part) or "—"
        place = units.get(row["unit_code"], "—")
        if row["outside_province"]:
            place = f"{place} ({text('feedback.outside', language)})"
        due = moment(row["due_at"], language) if row["due_at"] else "—"
        body.append(html.Tr([
            html.Td(row["tracking_code"]), html.Td(moment(row["received_at"], language)),
            html.Td(categories.get(row["category"], row["category"])),
            html.Td(text(f"feedback.channel.{row['channel']}", language)),
            html.Td(row["title"], className="ioc-feedback-title"), html.Td(place), html.Td(contact),
            html.Td(text(f"feedback.status.{row['status']}", language)),
            html.Td([due, *([html.Span(text("feedback.overdue", language), className="ioc-feedback-overdue")]
                            if row["overdue"] else [])]),
            html.Td(html.Button(text("feedback.details", language), id=open_button(row["id"]),
                                className="ioc-button")),
        ], className="ioc-feedback-row" + (" ioc-feedback-row-overdue" if row["overdue"] else "")))
    return [html.Table([html.Thead(html.Tr([html.Th(cell) for cell in header])), html.Tbody(body)],
                       className="ioc-table ioc-feedback")]


def _detail(report_id: int | None, language: str, handler: bool) -> list:
    report, events = None, []
    if report_id is not None:
        with current().engine.connect() as connection:
            report = feedback_queries.report(connection, report_id)
            events = feedback_queries.events(connection, report_id) if report else []
    if report is None:
        return [html.P(text("feedback.select_hint", language), className="ioc-attribution")]
    shown = masked(report, handler)

    def status(value):
        return text(f"feedback.status.{value}", language) if value else "—"

    header = [text(f"feedback.log.{key}", language) for key in ("time", "actor", "from", "to", "note")]
    rows = [html.Tr([html.Td(moment(e["ts"], language)), html.Td(e["actor"]), html.Td(status(e["from_status"])),
                     html.Td(status(e["to_status"])), html.Td(e["note"] or "—")]) for e in events]
    facts = [(text("feedback.filter.status", language), status(report["status"])),
             (text("feedback.agency", language), report["agency"] or "—"),
             (text("feedback.reply", language), report["reply"] or "—"),
             (text("feedback.reason", language), report["reject_reason"] or "—"),
             (text("feedback.reporter", language), " · ".join(
                 part for part in (shown["reporter_name"], shown["reporter_phone"], shown["reporter_email"])
                 if part) or "—")]
    return [
        html.H2(text("feedback.history", language, code=report["tracking_code"])),
        html.H3(report["title"], className="ioc-feedback-detail-title"),
        html.P(report["description"], className="ioc-feedback-description"),
        html.Dl([part for label, value in facts for part in (html.Dt(label), html.Dd(value))]),
        html.Table([html.Thead(html.Tr([html.Th(cell) for cell in header])), html.Tbody(rows)],
                   className="ioc-table ioc-feedback-log"),
        *([html.P(text("feedback.to", language) + ": " + ", ".join(status(s) for s in NEXT[report["status"]]))]
          if handler and NEXT[report["status"]] else []),
    ]


def _controls(language: str) -> list:
    def labelled(name: str, control) -> html.Label:
        return html.Label([text(f"feedback.{name}", language), control], className="ioc-filter")

    return [html.Div([
        labelled("to", dcc.Dropdown(id=field("to"), clearable=False, options=[
            {"value": value, "label": text(f"feedback.status.{value}", language)} for value in STATUSES[1:]])),
        labelled("agency", dcc.Input(id=field("agency"), className="ioc-input", maxLength=200)),
        labelled("reason", dcc.Input(id=field("reason"), className="ioc-input", maxLength=2000)),
        labelled("rating", dcc.Dropdown(id=field("rating"),
                                        options=[{"value": n, "label": str(n)} for n in range(1, 6)])),
        labelled("reply", dcc.Textarea(id=field("reply"), className="ioc-alert-note", maxLength=5000)),
        labelled("note", dcc.Textarea(id=field("note"), className="ioc-alert-note", maxLength=2000)),
        html.Button(text("feedback.apply", language), id=action_button("apply"),
                    className="ioc-button ioc-button-primary"),
    ], className="ioc-alert-actions")]


def _hotline(language: str) -> list:
    with current().engine.connect() as connection:
        units = _unit_names(connection)

    def labelled(key: str, control) -> html.Label:
        return html.Label([text(key, language), control], className="ioc-filter")

    return [html.Section([
        html.H2(text("feedback.hotline", language)),
        html.Div([
            labelled("feedback.filter.category", dcc.Dropdown(
                id=hotline_field("category"),
                options=[{"value": code, "label": name} for code, name in _category_names(language).items()])),
            labelled("feedback.filter.unit", dcc.Dropdown(
                id=hotline_field("unit_code"),
                options=[{"value": code, "label": name} for code, name in sorted(units.items(), key=lambda u: u[1])])),
            labelled("feedback.title", dcc.Input(id=hotline_field("title"), className="ioc-input", maxLength=300)),
            labelled("feedback.hotline.name", dcc.Input(id=hotline_field("name"), className="ioc-input",
                                                        maxLength=200)),
            labelled("feedback.hotline.phone", dcc.Input(id=hotline_field("phone"), className="ioc-input",
                                                         maxLength=20)),
            labelled("feedback.hotline.description", dcc.Textarea(id=hotline_field("description"),
                                                                  className="ioc-alert-note", maxLength=5000)),
            html.Button(text("feedback.hotline.submit", language), id=action_button("hotline"),
                        className="ioc-button ioc-button-primary"),
        ], className="ioc-alert-actions"),
    ], className="ioc-alert-panel")]
