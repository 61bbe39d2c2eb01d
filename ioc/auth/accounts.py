"""People's accounts: adding them, changing a password, disabling them, and the demo's one-per-role users.

Changing a password or disabling an account ends the account's sessions at once.
"""

import re

from sqlalchemy import Engine

from ioc.auth import audit
from ioc.auth.passwords import hash_password, new_password
from ioc.auth.permissions import ROLES
from ioc.store import auth_queries
from ioc.timeutil import utcnow

USERNAME = re.compile(r"^[\w.@-]{1,100}$")
"""Letters (Vietnamese included), digits and . @ - _, so a name is safe in logs and on screen."""


class AccountError(Exception):
    """An account operation that cannot be done, with a message for the person who asked."""


def add_user(engine: Engine, username: str, role: str, password: str, actor: str,
             address: str = "local") -> None:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if not USERNAME.match(username):
        raise AccountError(f"user name {username!r} may hold only letters, digits and . @ - _")
    password_hash = hash_password(password)
    with engine.begin() as connection:
        if auth_queries.user_by_name(connection, username):
            raise AccountError(f"user {username!r} already exists")
        auth_queries.add_user(connection, username, password_hash, role, utcnow())
        audit.record(connection, audit.USER_ADDED, actor, username, address, f"role {role}")


def set_password(engine: Engine, username: str, password: str, actor: str, address: str = "local") -> None:
    password_hash = hash_password(password)
    with engine.begin() as connection:
        user = _existing(connection, username)
        auth_queries.update_user(connection, user["id"], password_hash=password_hash)
        auth_queries.delete_sessions_of(connection, user["id"])
        audit.record(connection, audit.PASSWORD_CHANGED, actor, username, address)


def disable_user(engine: Engine, username: str, actor: str, address: str = "local") -> None:
    with engine.begin() as connection:
        user = _existing(connection, username)
        auth_queries.update_user(connection, user["id"], disabled=True)
        auth_queries.delete_sessions_of(connection, user["id"])
        audit.record(connection, audit.USER_DISABLED, actor, username, address)


def users(engine: Engine) -> list[dict]:
    with engine.connect() as connection:
        return auth_queries.users(connection)


def ensure_demo_users(engine: Engine, actor: str) -> dict[str, str]:
    """One user per role, named after the role, for the demo; returns ``{name: password}`` of those made now.

    The passwords are random and shown once: only their hashes are kept.
    """
    with engine.connect() as connection:
        missing = [role for role in ROLES if auth_queries.user_by_name(connection, role) is None]
    created = {}
    for role in missing:
        created[role] = new_password()
        add_user(engine, role, role, created[role], actor)
    return created


def _existing(connection, username: str) -> dict:
    user = auth_queries.user_by_name(connection, username)
    if user is None:
        raise AccountError(f"no user {username!r}")
    return user
