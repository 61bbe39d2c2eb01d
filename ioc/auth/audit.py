"""The audit trail: who signed in or failed to, and who made or revoked which token and key.

Each event is a row in ``audit_events`` and a line on the ``ioc.audit`` logger. Callers pass names, never
secrets: nothing here can tell a token from a name, so the rule is kept by never handing one over.
"""

import logging

from sqlalchemy import Connection

from ioc.store import auth_queries
from ioc.timeutil import utcnow

log = logging.getLogger("ioc.audit")

SIGN_IN = "sign_in"
SIGN_IN_FAILED = "sign_in_failed"
SIGN_OUT = "sign_out"
USER_ADDED = "user_added"
PASSWORD_CHANGED = "password_changed"  # noqa: S105 - an event name, not a password
USER_DISABLED = "user_disabled"
KIOSK_CREATED = "kiosk_created"
KIOSK_REVOKED = "kiosk_revoked"
APIKEY_CREATED = "apikey_created"
APIKEY_REVOKED = "apikey_revoked"
EXPORTED = "exported"  # an analyst downloaded an export; the subject names it, the detail its filters


def record(connection: Connection, event: str, actor: str, subject: str | None = None,
           address: str | None = None, detail: str | None = None) -> None:
    auth_queries.add_audit_event(connection, utcnow(), event, actor, subject, address, detail)
    log.info("%s actor=%s subject=%s address=%s%s", event, actor, subject, address,
             f" ({detail})" if detail else "")
