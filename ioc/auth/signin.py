"""Checking a sign-in: the password, a disabled account, and the lock-out after repeated failures.

Failures are counted from the audit trail (``sign_in_failed`` events since the last success, within
``auth.lockout_minutes``), so the count is shared by every web worker. Attempts on unknown names are counted
too and answered alike, so the answers do not reveal which accounts exist. Attempts refused while locked are
audited as ``sign_in_locked`` and do not extend the lock.
"""

from datetime import timedelta

from sqlalchemy import Engine

from ioc.auth import audit
from ioc.auth.passwords import hash_password, needs_rehash, verify_password
from ioc.config import AuthSettings
from ioc.store import auth_queries
from ioc.timeutil import utcnow

SIGN_IN_LOCKED = "sign_in_locked"


class SignInRefused(Exception):
    """``reason`` is ``invalid`` (wrong name or password, or a disabled account) or ``locked``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def sign_in(engine: Engine, auth: AuthSettings, username: str, password: str, address: str | None) -> dict:
    """The user row if ``password`` is right and the account may sign in; else raise SignInRefused."""
    now = utcnow()
    with engine.begin() as connection:
        failures = auth_queries.recent_failures(connection, username, now - timedelta(minutes=auth.lockout_minutes))
        if failures >= auth.max_failed_logins:
            audit.record(connection, SIGN_IN_LOCKED, "anonymous", username, address, "account locked")
            outcome = "locked"
        else:
            user = auth_queries.user_by_name(connection, username)
            if not verify_password(user["password_hash"] if user else None, password):
                reason = "wrong password" if user else "unknown user"
                audit.record(connection, audit.SIGN_IN_FAILED, "anonymous", username, address, reason)
                outcome = "invalid"
            elif user["disabled"]:
                audit.record(connection, audit.SIGN_IN_FAILED, "anonymous", username, address, "account disabled")
                outcome = "invalid"
            else:
                if needs_rehash(user["password_hash"]):
                    auth_queries.update_user(connection, user["id"], password_hash=hash_password(password))
                audit.record(connection, audit.SIGN_IN, username, username, address)
                outcome = user
    if isinstance(outcome, str):
        raise SignInRefused(outcome)
    return outcome
