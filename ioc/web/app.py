"""The Dash app factory. There is no global app: each call builds one around the given settings and store."""

from pathlib import Path

import dash
from dash import _callback as dash_callbacks
from sqlalchemy import Engine

from ioc.alerts import api as alerts_api
from ioc.auth import web as auth
from ioc.config import Settings
from ioc.feedback import api as feedback_api
from ioc.i18n import text
from ioc.web import csp, exports, language, limits, nul
from ioc.web.context import AppContext, install
from layouts import admin, alerts, analytics, feedback, health, overview, sensors, shell, wall

ASSETS = Path(__file__).with_name("assets")
PAGES = (overview, wall, analytics, sensors, alerts, feedback, health, admin)
_PAGE_CALLBACKS: tuple[dict, list, list] = ({}, [], [])
"""Callbacks the page modules declared with ``dash.callback`` (and the scripts of their clientside ones),
kept for every app (see ``_give_callbacks``)."""


def create_app(settings: Settings, engine: Engine) -> dash.Dash:
    """A Dash app whose every asset (scripts, styles, fonts) is served by itself, for intranets."""
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ASSETS),
        serve_locally=True,
        external_scripts=[],
        external_stylesheets=[],
        title=text("app.title", settings.web.default_language),
        update_title=None,
        eager_loading=True,  # Plotly loads with the page, not after the first graph appears (the wall's first load)
    )
    install(app.server, AppContext(settings=settings, engine=engine))
    limits.install(app.server)
    nul.install(app.server)  # before the guard and every view: PostgreSQL's text cannot hold a NUL
    app.server.register_blueprint(language.blueprint)
    auth.install(app, settings)  # every page, callback and API route is checked from here on
    app.server.register_blueprint(alerts_api.blueprint)
    app.server.register_blueprint(exports.blueprint)
    feedback_api.install(app.server, settings)
    app.server.register_blueprint(feedback.blueprint)
    app.server.register_blueprint(health.blueprint)
    for page in PAGES:
        page.register()
    _give_callbacks(app)
    with app.server.app_context():  # Dash calls the layout once here to validate it
        app.layout = shell.shell
    csp.install(app)
    return app


def _give_callbacks(app: dash.Dash) -> None:
    """Give the app every callback declared with ``dash.callback``.

    Dash moves those declarations to the first app that serves a request and leaves none for the next app
    made in the same process (tests make one per test), which would then lack its pages' callbacks.
    """
    declared_map, declared_list, declared_scripts = _PAGE_CALLBACKS
    declared_map.update(dash_callbacks.GLOBAL_CALLBACK_MAP)
    declared_list.extend(dash_callbacks.GLOBAL_CALLBACK_LIST)
    declared_scripts.extend(dash_callbacks.GLOBAL_INLINE_SCRIPTS)
    dash_callbacks.GLOBAL_CALLBACK_MAP.clear()
    dash_callbacks.GLOBAL_CALLBACK_LIST.clear()
    dash_callbacks.GLOBAL_INLINE_SCRIPTS.clear()
    app.callback_map.update({output: dict(entry) for output, entry in declared_map.items()})
    app._callback_list.extend(dict(callback) for callback in declared_list)
    app._inline_scripts.extend(declared_scripts)
