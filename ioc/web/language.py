"""The language switch: a plain link that sets a cookie and returns to the page it came from."""

from urllib.parse import urlsplit

import flask

from ioc.i18n import LANGUAGES
from ioc.web.context import LANGUAGE_COOKIE

ONE_YEAR_SECONDS = 365 * 24 * 3600

blueprint = flask.Blueprint("language", __name__)


@blueprint.get("/language/<code>")
def switch_language(code: str):
    if code not in LANGUAGES:
        flask.abort(404)
    response = flask.redirect(_return_path())
    response.set_cookie(LANGUAGE_COOKIE, code, max_age=ONE_YEAR_SECONDS, httponly=True, samesite="Lax",
                        secure=flask.request.is_secure)
    return response


def _return_path() -> str:
    """The page the visitor came from, as a path on this site only (never an open redirect)."""
    referrer = urlsplit(flask.request.referrer or "/")
    if referrer.netloc and referrer.netloc != flask.request.host:
        return "/"
    path = referrer.path if referrer.path.startswith("/") and not referrer.path.startswith("//") else "/"
    return path + (f"?{referrer.query}" if referrer.query else "")
