"""API keys for machines (feedback channels, external systems): a name, scopes and a rate limit per key.

A key is shown once when created and stored as its SHA-256. A client sends it as ``Authorization: Bearer
<key>`` or ``X-API-Key: <key>``; such requests carry no cookie, so they need no CSRF token. ``require_api_key``
is how an API view declares the scope it needs; the guard refuses ``/api/`` views that do not use it.
"""

import functools
from collections.abc import Callable

import flask
from limits import parse
from sqlalchemy import Engine

from ioc.auth import audit, credentials
from ioc.auth.permissions import SCOPES, Principal
from ioc.store import schema
from ioc.web.context import current

PREFIX = "ioca_"
DEFAULT_RATE_LIMIT = "60/minute"


def create(engine: Engine, name: str, scopes: list[str], actor: str, rate_limit: str = DEFAULT_RATE_LIMIT,
           address: str = "local") -> str:
    unknown = sorted(set(scopes) - set(SCOPES))
    if not scopes or unknown:
        raise credentials.CredentialError(
            f"unknown scope {', '.join(unknown) or '(none given)'}; known: {', '.join(sorted(SCOPES))}")
    try:
        parse(rate_limit)
    except ValueError:
        raise credentials.CredentialError(f"rate limit {rate_limit!r} is not like '60/minute'") from None
    return credentials.issue(engine, schema.api_keys, "API key", name, PREFIX, actor, address,
                             audit.APIKEY_CREATED, scopes=" ".join(sorted(set(scopes))), rate_limit=rate_limit)


def revoke(engine: Engine, name: str, actor: str, address: str = "local") -> None:
    credentials.revoke(engine, schema.api_keys, "API key", name, actor, address, audit.APIKEY_REVOKED)


def keys(engine: Engine) -> list[dict]:
    return credentials.listing(engine, schema.api_keys)


def presented_key() -> str | None:
    """The key the request carries, if any."""
    authorization = flask.request.headers.get("Authorization", "")
    if authorization[:7].lower() == "bearer ":
        return authorization[7:].strip() or None
    return flask.request.headers.get("X-API-Key") or None


def require_api_key(scope: str | None = None) -> Callable:
    """Let a view run only for an active key holding ``scope`` (any active key if None), within its rate.

    Refusals: 401 without a valid key, 403 without the scope, 429 (with Retry-After) over the key's limit.
    The view finds the key's principal in ``flask.g.principal``.
    """
    if scope is not None and scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}; known: {', '.join(sorted(SCOPES))}")

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def checked(*args, **kwargs):
            key = presented_key()
            row = credentials.active(current().engine, schema.api_keys, key) if key else None
            if row is None:
                response = flask.jsonify(error="a valid API key is required")
                response.status_code = 401
                response.headers["WWW-Authenticate"] = 'Bearer realm="ioc"'
                return response
            principal = Principal("apikey", row["name"], scopes=frozenset(row["scopes"].split()))
            if scope is not None and scope not in principal.scopes:
                return flask.jsonify(error=f"this key lacks the scope {scope}"), 403
            limiter = flask.current_app.extensions["ioc_rate_limiter"]
            retry_after = limiter.hit(row["rate_limit"], "apikey", row["key_hash"])
            if retry_after is not None:
                response = flask.jsonify(error=f"rate limit {row['rate_limit']} exceeded")
                response.status_code = 429
                response.headers["Retry-After"] = str(retry_after)
                return response
            flask.g.principal = principal
            return view(*args, **kwargs)

        checked.ioc_api_scope = scope or "*"
        return checked

    return decorate
