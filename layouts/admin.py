"""The admin page: who has access (users, wall display tokens, API keys), revoking, and the audit trail.

Issuing users, tokens and keys stays on the command line (``ioc user|kiosk|apikey``), where a secret can be
shown once without passing through a browser.
"""

from functools import partial

import dash
import flask
from dash import ALL, Input, Output, ctx, html
from dash.exceptions import PreventUpdate

from ioc.auth import apikeys, kiosk
from ioc.auth.accounts import users
from ioc.auth.credentials import CredentialError
from ioc.auth.guard import current_principal
from ioc.auth.permissions import ADMINISTER, requires
from ioc.i18n import moment, text
from ioc.store import auth_queries
from ioc.web.context import current, current_language
from layouts.inputs import string

PATH = "/admin"
PERMISSION = ADMINISTER
AUDIT_ROWS = 50
REVOKERS = {"kiosk": kiosk.revoke, "apikey": apikeys.revoke}


def register() -> None:
    dash.register_page(__name__, path=PATH, name="admin", title="IOC", layout=layout, permission=PERMISSION)


def revoke_button(kind: str, name: str) -> dict:
    """The id of the button that revokes kiosk token or API key ``name``."""
    return {"type": "admin-revoke", "kind": kind, "name": name}


def layout(**_query) -> html.Div:
    language = current_language()
    return html.Div([
        html.H1(text("admin.heading", language)),
        html.P(text("admin.cli_hint", language), className="ioc-attribution"),
        html.Div(id="admin-message", role="status"),
        html.Div(_credentials(language), id="admin-credentials"),
    ])


@dash.callback(
    Output("admin-credentials", "children"),
    Output("admin-message", "children"),
    Input(revoke_button(ALL, ALL), "n_clicks"),
    prevent_initial_call=True,
)
@requires(ADMINISTER)
def revoke(clicks):
    if not ctx.triggered_id or not any(clicks):
        raise PreventUpdate
    kind, name = string(ctx.triggered_id.get("kind")), string(ctx.triggered_id.get("name"))
    if kind not in REVOKERS or name is None:
        raise PreventUpdate
    language = current_language()
    try:
        REVOKERS[kind](current().engine, name, current_principal().actor, flask.request.remote_addr)
        message = text("admin.revoked_now", language, name=name)
    except CredentialError as exc:
        message = str(exc)
    return _credentials(language), message


def _credentials(language: str) -> list:
    engine = current().engine
    with engine.connect() as connection:
        audit = auth_queries.audit_events(connection, AUDIT_ROWS)
    t = partial(text, language=language)
    return [
        html.Section([html.H2(t("admin.users")), _table(
            [t("admin.name"), t("admin.role"), t("admin.state"), t("admin.created")],
            [[u["username"], t(f"role.{u['role']}"), t("admin.disabled" if u["disabled"] else "admin.active"),
              moment(u["created_at"], language)] for u in users(engine)])]),
        html.Section([html.H2(t("admin.kiosks")), _table(
            [t("admin.name"), t("admin.created"), t("admin.state"), ""],
            [[k["name"], moment(k["created_at"], language), *_state(k, "kiosk", language)]
             for k in kiosk.tokens(engine)])]),
        html.Section([html.H2(t("admin.apikeys")), _table(
            [t("admin.name"), t("admin.scopes"), t("admin.rate_limit"), t("admin.created"), t("admin.state"), ""],
            [[k["name"], k["scopes"], k["rate_limit"], moment(k["created_at"], language),
              *_state(k, "apikey", language)] for k in apikeys.keys(engine)])]),
        html.Section([html.H2(t("admin.audit")), _table(
            [t("admin.time"), t("admin.event"), t("admin.actor"), t("admin.subject"), t("admin.address")],
            [[moment(e["ts"], language), e["event"], e["actor"], e["subject"] or "—", e["address"] or "—"]
             for e in audit])]),
    ]


def _state(row: dict, kind: str, language: str) -> list:
    if row["revoked_at"]:
        return [f"{text('admin.revoked', language)} {moment(row['revoked_at'], language)}", ""]
    button = html.Button(text("admin.revoke", language), id=revoke_button(kind, row["name"]),
                         className="ioc-revoke")
    return [text("admin.active", language), button]


def _table(header: list[str], rows: list[list]) -> html.Table:
    return html.Table([html.Thead(html.Tr([html.Th(cell) for cell in header])),
                       html.Tbody([html.Tr([html.Td(cell) for cell in row]) for row in rows])],
                      className="ioc-table")
