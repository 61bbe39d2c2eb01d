"""Signing in and out, and opening a kiosk URL: plain Flask routes beside the Dash app."""

from urllib.parse import urlsplit

import flask

from ioc.auth import audit, csrf, kiosk, pages, sessions
from ioc.auth.guard import current_principal
from ioc.auth.ratelimit import SIGN_IN_LIMIT
from ioc.auth.signin import SignInRefused, sign_in
from ioc.i18n import text
from ioc.web.context import current, current_language

blueprint = flask.Blueprint("auth", __name__)


@blueprint.get("/login")
def sign_in_form():
    """The form, even to someone signed in: signing in again is how to switch accounts."""
    next_path = _local_path(flask.request.args.get("next"))
    return _no_store(flask.make_response(pages.sign_in(next_path=next_path)))


@blueprint.post("/login")
def sign_in_submit():
    context = current()
    form = flask.request.form
    username, next_path = form.get("username", "").strip(), _local_path(form.get("next"))
    address = flask.request.remote_addr
    language = current_language()
    limiter = flask.current_app.extensions["ioc_rate_limiter"]
    if limiter.hit(SIGN_IN_LIMIT, "sign-in", address or "-") is not None:
        page = pages.sign_in(next_path, text("signin.too_many", language), username)
        return _no_store(flask.make_response(page, 429))
    try:
        user = sign_in(context.engine, context.settings.auth, username, form.get("password", ""), address)
    except SignInRefused as refusal:
        if refusal.reason == "locked":
            message = text("signin.locked", language, minutes=context.settings.auth.lockout_minutes)
        else:
            message = text("signin.invalid", language)
        return _no_store(flask.make_response(pages.sign_in(next_path, message, username), 401))
    old_token = flask.request.cookies.get(sessions.COOKIE)
    if old_token:
        sessions.end(context.engine, old_token)
    minutes = context.settings.auth.session_minutes
    token = sessions.start(context.engine, user["id"], minutes, address)
    csrf.rotate()
    response = flask.redirect(next_path, 303)
    sessions.set_cookie(response, token, minutes)
    return _no_store(response)


@blueprint.post("/logout")
def sign_out():
    context = current()
    principal = current_principal()
    token = flask.request.cookies.get(sessions.COOKIE)
    if token:
        sessions.end(context.engine, token)
    if principal is not None and principal.kind == "user":
        with context.engine.begin() as connection:
            audit.record(connection, audit.SIGN_OUT, principal.actor, principal.name, flask.request.remote_addr)
    csrf.rotate()
    response = flask.redirect("/login", 303)
    for cookie in (sessions.COOKIE, kiosk.COOKIE, csrf.DASH_COOKIE):
        response.delete_cookie(cookie)
    return _no_store(response)


@blueprint.get("/kiosk/<token>")
def open_kiosk(token: str):
    """Put the display's token in its cookie and go to the wall; the token leaves the address bar."""
    if kiosk.principal(current().engine, token) is None:
        response = flask.make_response(pages.refused("refused.kiosk"), 401)
    else:
        response = flask.redirect(kiosk.WALL_PATH, 303)
        response.set_cookie(kiosk.COOKIE, token, max_age=kiosk.COOKIE_MAX_AGE_SECONDS, httponly=True,
                            samesite="Lax", secure=flask.request.is_secure)
    response.headers["Referrer-Policy"] = "no-referrer"
    return _no_store(response)


def _local_path(candidate: str | None) -> str:
    """A path on this site to return to after sign-in (never an open redirect)."""
    if not candidate or not candidate.startswith("/") or candidate.startswith("//") or "\\" in candidate:
        return "/"
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc or parts.path.startswith(("/login", "/logout", "/kiosk/")):
        return "/"
    return candidate


def _no_store(response: flask.Response) -> flask.Response:
    response.headers["Cache-Control"] = "no-store"
    return response
