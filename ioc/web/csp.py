"""The Content-Security-Policy of every response: scripts only from the app itself.

Dash writes two inline scripts into its index page (its config and the renderer's start); they are allowed
by their hashes, which Dash computes itself, so no other inline script runs. Styles need 'unsafe-inline'
because Dash and Plotly set element styles from JavaScript. The map library builds its workers from blob
URLs.
"""

import dash
import flask


def policy(app: dash.Dash) -> str:
    """The policy for ``app``. Dash adds the clientside callbacks of its pages at the first request, so the
    hashes are taken per response (a few short strings) rather than once at start-up."""
    script_sources = " ".join(["'self'", *app.csp_hashes()])
    directives = {
        "default-src": "'self'",
        "script-src": script_sources,
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data: blob:",
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "worker-src": "'self' blob:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def install(app: dash.Dash) -> None:
    @app.server.after_request
    def add_policy(response: flask.Response) -> flask.Response:
        response.headers["Content-Security-Policy"] = policy(app)
        return response
