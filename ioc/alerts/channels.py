"""Notification channels as they are written in config.yaml (``alerts.notifications``).

Secrets never sit in the file: a webhook's URL (which often embeds a token) and an SMTP password are read
from the environment variables the channel names.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, NonNegativeInt, PositiveFloat
from typing_extensions import TypeAliasType

from ioc.alerts.rules import Severity

EnvName = Annotated[str, Field(pattern=r"^IOC_[A-Z0-9_]+$", description="An IOC_* environment variable.")]
Event = Literal["raise", "escalate", "clear"]


class _Channel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=60, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    min_severity: Severity = Field("warning", description="Send only alerts at least this severe.")
    events: list[Event] = Field(["raise", "escalate"], min_length=1, description="Which events to send.")
    retries: NonNegativeInt = Field(3, description="Attempts after the first before giving up.")
    backoff_seconds: NonNegativeFloat = Field(2, description="First wait between attempts; it doubles.")
    timeout_seconds: PositiveFloat = Field(10, description="Time limit of one attempt.")


class WebhookChannel(_Channel):
    """POSTs the alert as JSON (docs/alerts.md) to the URL in the environment variable ``url_env``."""

    type: Literal["webhook"]
    url_env: EnvName


class EmailChannel(_Channel):
    """Sends a plain-text e-mail through an SMTP server; the password comes from ``password_env``."""

    type: Literal["email"]
    host: str
    port: Annotated[int, Field(ge=1, le=65535)] = 25
    starttls: bool = False
    username: str | None = None
    password_env: EnvName | None = None
    sender: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    recipients: list[Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$")]] = Field(min_length=1)


Channel = TypeAliasType("Channel", Annotated[WebhookChannel | EmailChannel, Field(discriminator="type")])
