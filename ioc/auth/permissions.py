"""The one table of roles and what each may do, and the principal a request acts as.

Roles are cumulative: each can do everything the one before it can. Pages, callbacks and Flask views name the
permission they need (``requires``); nothing else decides access.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

VIEW = "view"
ANALYSE = "analyse"
EXPORT = "export"
ACKNOWLEDGE_ALERTS = "alerts:acknowledge"
HANDLE_FEEDBACK = "feedback:handle"
ADMINISTER = "admin"

ROLES: dict[str, frozenset[str]] = {
    "viewer": frozenset({VIEW}),  # leaders and wall displays: look only
    "analyst": frozenset({VIEW, ANALYSE, EXPORT}),  # filter and export data
    "operator": frozenset({VIEW, ANALYSE, EXPORT, ACKNOWLEDGE_ALERTS, HANDLE_FEEDBACK}),
    "admin": frozenset({VIEW, ANALYSE, EXPORT, ACKNOWLEDGE_ALERTS, HANDLE_FEEDBACK, ADMINISTER}),
}
PERMISSIONS = frozenset().union(*ROLES.values())
KIOSK_ROLE = "viewer"

SCOPES: dict[str, str] = {
    "feedback:write": "post citizen feedback to the intake API and read a report's public status",
    "feedback:handle": "move reports through the handling workflow (/api/v1/feedback/<code>/transitions)",
    "alerts:read": "read the active alerts as CAP 1.2 (/api/v1/alerts.cap)",
}
"""What an API key may be issued for; machines never get a role."""


@dataclass(frozen=True)
class Principal:
    """Who a request acts as: a signed-in ``user``, a ``kiosk`` display, or an ``apikey`` client."""

    kind: str
    name: str
    role: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)

    def can(self, permission: str) -> bool:
        return self.role is not None and permission in ROLES[self.role]

    @property
    def actor(self) -> str:
        """How the audit trail names this principal."""
        return self.name if self.kind == "user" else f"{self.kind}:{self.name}"


def requires(permission: str) -> Callable:
    """Declare the permission a Dash callback or Flask view needs; put it below ``@dash.callback``.

    The guard refuses a callback or view that declares none, so forgetting this fails closed.
    """
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}; known: {', '.join(sorted(PERMISSIONS))}")

    def declare(function: Callable) -> Callable:
        function.ioc_permission = permission
        return function

    return declare
