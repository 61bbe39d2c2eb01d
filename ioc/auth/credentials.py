"""What kiosk tokens and API keys share: issued under a name, shown once, stored as a digest, revocable.

A name has at most one active credential; revoking it and issuing a new one is how a secret is rotated.
"""

import re

from sqlalchemy import Engine, Table

from ioc.auth import audit
from ioc.auth.tokens import digest, new_token
from ioc.store import auth_queries
from ioc.timeutil import utcnow

NAME = re.compile(r"^[\w.@-]{1,100}$")


class CredentialError(Exception):
    """A kiosk token or API key that cannot be issued or revoked, with the reason."""


def issue(engine: Engine, table: Table, kind: str, name: str, prefix: str, actor: str, address: str,
          event: str, **extra) -> str:
    """Store a new credential for ``name`` and return its secret, which is never stored or shown again."""
    if not NAME.match(name):
        raise CredentialError(f"{kind} name {name!r} may hold only letters, digits and . @ - _")
    secret = new_token(prefix)
    with engine.begin() as connection:
        if auth_queries.active_credential_named(connection, table, name):
            raise CredentialError(f"{kind} {name!r} already has an active one; revoke it first")
        auth_queries.add_credential(connection, table, name, digest(secret), utcnow(), actor, **extra)
        audit.record(connection, event, actor, name, address)
    return secret


def revoke(engine: Engine, table: Table, kind: str, name: str, actor: str, address: str, event: str) -> None:
    with engine.begin() as connection:
        if not auth_queries.revoke_credential(connection, table, name, utcnow()):
            raise CredentialError(f"no active {kind} {name!r}")
        audit.record(connection, event, actor, name, address)


def active(engine: Engine, table: Table, secret: str) -> dict | None:
    with engine.connect() as connection:
        return auth_queries.active_credential(connection, table, digest(secret))


def listing(engine: Engine, table: Table) -> list[dict]:
    with engine.connect() as connection:
        return auth_queries.credentials(connection, table)
