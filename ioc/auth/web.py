"""Installing sign-in on the Dash app's Flask server: routes, the guard, CSRF, rate limits, headers."""

import dash
import flask

from ioc.auth import api, csrf, error_log, views
from ioc.auth.guard import Guard, current_principal
from ioc.auth.ratelimit import RateLimiter
from ioc.config import Settings

SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def install(app: dash.Dash, settings: Settings) -> None:
    server = app.server
    csrf.install(server, settings)
    error_log.install(server)
    server.extensions["ioc_rate_limiter"] = RateLimiter()
    server.register_blueprint(views.blueprint)
    server.register_blueprint(api.blueprint)
    guard = Guard(app)
    server.before_request(guard.check)

    @server.after_request
    def finish(response: flask.Response) -> flask.Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if (guard.is_page(flask.request) and response.status_code == 200
                and current_principal() is not None):
            csrf.set_dash_cookie(response)
        return response
