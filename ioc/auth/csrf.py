"""Cross-site request forgery: every state-changing request needs a token and must not come from elsewhere.

Forms carry Flask-WTF's token in a hidden ``csrf_token`` field. Dash's JSON callbacks carry it in the
``X-CSRFToken`` header: Dash's renderer copies it there from the ``_csrf_token`` cookie, which is set on every
page the app serves. On top of the token, a request whose ``Origin`` (or, lacking that, ``Referer``) names
another site is refused, and the session cookies are SameSite. API routes that take an API key are exempt:
they carry no cookie, so a forged request would carry no credential.

Flask-WTF signs its tokens with the app's secret key: ``IOC_SECRET_KEY``, or else a random key kept in
``var/secret_key`` beside the config file, so that every worker on the machine shares it.
"""

import logging
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import flask
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf

from ioc.auth import pages
from ioc.config import Secrets, Settings
from ioc.i18n import text
from ioc.web.context import current_language

log = logging.getLogger(__name__)

DASH_COOKIE = "_csrf_token"
"""The cookie Dash's renderer reads and sends back as X-CSRFToken (its default ``csrf_token_name``)."""
SECRET_KEY_FILE = Path("var/secret_key")
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

csrf = CSRFProtect()


class SecureWhenHttpsSessions(SecureCookieSessionInterface):
    """Flask's session cookie (it holds only the CSRF secret), marked Secure whenever served over HTTPS."""

    def get_cookie_secure(self, app) -> bool:
        return flask.request.is_secure or super().get_cookie_secure(app)


def install(server: flask.Flask, settings: Settings) -> None:
    server.secret_key = secret_key(settings)
    server.config.update(
        WTF_CSRF_CHECK_DEFAULT=False,  # the guard calls protect() itself, after it knows who is asking
        WTF_CSRF_TIME_LIMIT=None,  # valid as long as the browser session: a wall display runs for days
        SESSION_COOKIE_NAME="ioc_csrf",
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
    )
    server.session_interface = SecureWhenHttpsSessions()
    csrf.init_app(server)
    server.register_error_handler(CSRFError, _refuse)


def secret_key(settings: Settings) -> str:
    """IOC_SECRET_KEY, else the key in var/secret_key, made on first use (mode 0600) by whichever worker
    gets there first."""
    configured = Secrets().secret_key
    if configured:
        return configured.get_secret_value()
    path = settings.resolve(SECRET_KEY_FILE)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(32))
        try:
            os.link(draft, path)  # atomic: the first worker's key wins, the others read it
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def check(request: flask.Request) -> None:
    """Refuse (403) an unsafe request from another origin or without a valid token."""
    if request.method not in UNSAFE_METHODS:
        return
    if not _same_origin(request):
        raise CSRFError("The request comes from another site.")
    csrf.protect()


def set_dash_cookie(response: flask.Response) -> None:
    """Give the page's callbacks their token (readable by the page's script, useless to another site)."""
    response.set_cookie(DASH_COOKIE, generate_csrf(), httponly=False, samesite="Strict",
                        secure=flask.request.is_secure)


def rotate() -> None:
    """A new CSRF secret, at sign-in and sign-out."""
    flask.session.pop("csrf_token", None)


def _same_origin(request: flask.Request) -> bool:
    """True if the Origin (else Referer) header names this site, or if neither is sent."""
    origin = request.headers.get("Origin")
    if origin is None:
        referrer = request.headers.get("Referer")
        if referrer is None:
            return True
        origin = referrer
    parts = urlsplit(origin)
    return parts.scheme == request.scheme and parts.netloc == request.host


def _refuse(error: CSRFError):
    """403; a sign-in form that lost its token (e.g. the browser restarted) is simply shown again."""
    log.warning("CSRF refusal of %s %s: %s", flask.request.method, flask.request.endpoint, error.description)
    if flask.request.endpoint == "auth.sign_in_submit":
        message = text("signin.form_expired", current_language())
        return pages.sign_in(message=message, username=flask.request.form.get("username", "")), 403
    return flask.jsonify(error=f"CSRF check failed: {error.description}"), 403
