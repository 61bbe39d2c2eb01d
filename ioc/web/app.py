"""The Dash app factory. There is no global app: each call builds one around the given settings and store."""

from pathlib import Path

import dash
from sqlalchemy import Engine

from ioc.config import Settings
from ioc.i18n import text
from ioc.web import language
from ioc.web.context import AppContext, install
from layouts import overview, shell

ASSETS = Path(__file__).with_name("assets")
PAGES = (overview,)


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
    )
    install(app.server, AppContext(settings=settings, engine=engine))
    app.server.register_blueprint(language.blueprint)
    for page in PAGES:
        page.register()
    with app.server.app_context():  # Dash calls the layout once here to validate it
        app.layout = shell.shell
    return app
