"""Server-side sessions of signed-in people, kept in the store so that any web worker can check them.

The browser holds a random token in an HttpOnly, SameSite=Lax cookie (Secure over HTTPS); the store holds only
its SHA-256. Every sign-in makes a new token (no session fixation); a session ends at sign-out, when its
``auth.session_minutes`` are up, or when its user's password changes or the user is disabled.
"""

from datetime import timedelta

import flask
from sqlalchemy import Engine

from ioc.auth.permissions import Principal
from ioc.auth.tokens import digest, new_token
from ioc.store import auth_queries
from ioc.timeutil import utcnow

COOKIE = "ioc_session"


def start(engine: Engine, user_id: int, minutes: int, address: str | None) -> str:
    """A new session for the user; returns its token, for the cookie only."""
    token = new_token()
    now = utcnow()
    with engine.begin() as connection:
        auth_queries.delete_expired_sessions(connection, now)
        auth_queries.add_session(connection, digest(token), user_id, now, now + timedelta(minutes=minutes), address)
    return token


def principal(engine: Engine, token: str) -> Principal | None:
    """The signed-in user the token belongs to, if the session is alive and the account enabled."""
    with engine.connect() as connection:
        user = auth_queries.session_user(connection, digest(token), utcnow())
    return Principal("user", user["username"], user["role"]) if user else None


def end(engine: Engine, token: str) -> None:
    with engine.begin() as connection:
        auth_queries.delete_session(connection, digest(token))


def set_cookie(response: flask.Response, token: str, minutes: int) -> None:
    response.set_cookie(COOKIE, token, max_age=minutes * 60, httponly=True, samesite="Lax",
                        secure=flask.request.is_secure)
