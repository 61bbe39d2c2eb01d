"""Kiosk tokens: a read-only pass for one named wall display, so that it needs no sign-in.

An admin issues one (``ioc kiosk create NAME``) and opens ``/kiosk/<token>`` on the display once: that sets a
long-lived HttpOnly cookie holding the token and goes to the wall. The token is checked against the store on
every request, so it survives restarts of the server and of the display, and revoking it ends the display's
access at its next refresh. A kiosk acts with the viewer role and nothing more.
"""

from sqlalchemy import Engine

from ioc.auth import audit, credentials
from ioc.auth.permissions import KIOSK_ROLE, Principal
from ioc.store import schema

COOKIE = "ioc_kiosk"
PREFIX = "iock_"
COOKIE_MAX_AGE_SECONDS = 400 * 24 * 3600
"""Browsers cap a cookie's life at 400 days; the display re-opens its kiosk URL to renew it."""
WALL_PATH = "/wall"
"""Where a kiosk URL leads: the wall display."""


def create(engine: Engine, name: str, actor: str, address: str = "local") -> str:
    return credentials.issue(engine, schema.kiosk_tokens, "kiosk", name, PREFIX, actor, address,
                             audit.KIOSK_CREATED)


def revoke(engine: Engine, name: str, actor: str, address: str = "local") -> None:
    credentials.revoke(engine, schema.kiosk_tokens, "kiosk", name, actor, address, audit.KIOSK_REVOKED)


def tokens(engine: Engine) -> list[dict]:
    return credentials.listing(engine, schema.kiosk_tokens)


def principal(engine: Engine, token: str) -> Principal | None:
    row = credentials.active(engine, schema.kiosk_tokens, token)
    return Principal("kiosk", row["name"], KIOSK_ROLE) if row else None
