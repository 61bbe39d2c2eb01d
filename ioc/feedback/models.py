"""The intake API's request and answer bodies as pydantic models: they validate every request, and the OpenAPI
document is generated from them, so the document describes exactly what the server accepts.

Categories and units are configuration and reference data, so the models are made per app
(``api_models``) with those codes as enumerations: an unknown category is refused by the model itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from ioc.feedback.workflow import (
    AGENCY_MAX_CHARS,
    CHANNELS,
    NOTE_MAX_CHARS,
    REPLY_MAX_CHARS,
    STATUSES,
)

TITLE_MAX_CHARS = 300
DESCRIPTION_MAX_CHARS = 5000
MAX_ATTACHMENTS = 10


TEXT = r"^[^\x00]*$"
"""Any text but NUL, which no database column can hold."""
WORDS = r"^[^\x00]*[^\s\x00][^\x00]*$"
"""Text as ``TEXT`` that is not blank: a title or description of spaces says nothing."""
Link = Annotated[str, Field(max_length=500, pattern=r"^https?://[^\s\x00]+$")]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Position(Body):
    """WGS 84 coordinates, as a phone reports them."""

    lon: float = Field(ge=-180, le=180, description="Longitude, degrees east.")
    lat: float = Field(ge=-90, le=90, description="Latitude, degrees north.")


class Reporter(Body):
    """Who reported, if they said. Phone and e-mail are shown only to staff who handle feedback."""

    name: str | None = Field(None, min_length=1, max_length=200, pattern=TEXT)
    phone: str | None = Field(None, pattern=r"^\+?[0-9][0-9 .()-]{5,19}$", description="Digits, spaces, + . ( ) -")
    email: str | None = Field(None, max_length=200, pattern=r"^[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+$")


class ReportFields(Body):
    """The fields of a new report other than its category and unit (those are enumerations made per app)."""

    channel: Literal[CHANNELS] = Field(description="The channel the report came through.")
    channel_ref: str = Field(min_length=1, max_length=100, pattern=TEXT, description=(
        "The channel's own id of the report: sending the same one again returns the stored report, so a retry "
        "never creates a duplicate."))
    title: str = Field(min_length=1, max_length=TITLE_MAX_CHARS, pattern=WORDS,
                       description="Plain text; HTML is kept as text.")
    description: str = Field(min_length=1, max_length=DESCRIPTION_MAX_CHARS, pattern=WORDS,
                             description="Plain text.")
    position: Position = Field(None, description="Where the problem is; the district is found from it.")
    reporter: Reporter = Field(None, description="Optional contact of the reporter.")
    attachments: list[Link] = Field([], max_length=MAX_ATTACHMENTS, description="Links to photos or files.")


class Created(Body):
    tracking_code: str = Field(description="Give this to the citizen: they follow the report with it.")
    status: Literal[STATUSES]
    duplicate: bool = Field(description="True when the channel had sent this report before (nothing new stored).")
    received_at: datetime
    due_at: datetime
    unit_code: str | None
    outside_province: bool


class PublicStatus(Body):
    """What anyone holding the tracking code may read: no name, phone, e-mail or position."""

    tracking_code: str
    channel: Literal[CHANNELS]
    category: str
    title: str
    unit_code: str | None
    outside_province: bool
    status: Literal[STATUSES]
    agency: str | None = Field(description="The agency the report is assigned to.")
    received_at: datetime
    due_at: datetime | None
    overdue: bool
    answered_at: datetime | None
    closed_at: datetime | None
    reply: str | None = Field(description="The official reply the citizen sees.")
    reject_reason: str | None
    rating: int | None


class TransitionIn(Body):
    """One workflow step (docs/feedback.md#workflow); each step needs its own field."""

    to: Literal[STATUSES[1:]] = Field(description="The new status.")
    note: str | None = Field(None, max_length=NOTE_MAX_CHARS, pattern=TEXT,
                             description="Recorded in the report's history.")
    reason: str | None = Field(None, max_length=NOTE_MAX_CHARS, pattern=TEXT, description="Needed to reject.")
    agency: str | None = Field(None, max_length=AGENCY_MAX_CHARS, pattern=TEXT, description="Needed to assign.")
    reply: str | None = Field(None, max_length=REPLY_MAX_CHARS, pattern=TEXT,
                              description="Needed to answer: the official reply.")
    rating: int | None = Field(None, ge=1, le=5, description="The citizen's rating when closing, 1 to 5.")


class FieldError(Body):
    field: str = Field(description="Dotted path of the field at fault, e.g. reporter.phone, or (body).")
    message: str


class Error(Body):
    error: str
    fields: list[FieldError] = []


@dataclass(frozen=True)
class ApiModels:
    report_in: type[BaseModel]
    transition_in: type[BaseModel] = TransitionIn


def api_models(categories: Iterable[str], unit_codes: Iterable[str]) -> ApiModels:
    """The request model of a new report, with this app's categories and units as enumerations."""
    report_in = create_model(
        "ReportIn",
        __base__=ReportFields,
        __doc__="A new citizen report; give its position or its unit when they are known.",
        category=(Literal[tuple(categories)], Field(description="A category code of config.yaml feedback.categories.")),
        unit_code=(Literal[tuple(unit_codes)], Field(None, description="GSO code of the unit, if no position.")),
    )
    return ApiModels(report_in)
