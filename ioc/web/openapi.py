"""The OpenAPI 3.1 document of the whole machine-facing HTTP API, served at ``/api/v1/openapi.json``.

It describes every route another system may call, with the credential each takes: the ``/api/v1`` routes an API
key (the feedback intake from ``ioc/feedback/openapi.py``, ``whoami``, the active alerts in CAP), and the routes
people's tools fetch with a signed-in session or a wall display's kiosk cookie (``/health.json``, the explorer's
and the feedback inbox's exports). Dash's own routes are the pages' business and are left out.
Every refusal is a 4xx whose JSON body says why in ``error``.
"""

from __future__ import annotations

from ioc.feedback import openapi as feedback
from ioc.feedback.models import ApiModels
from ioc.indicators.explorer import CHANNELS, CUSTOM, INDICATORS, SORTS
from ioc.indicators.periods import PRESETS

KEY = [{"bearer": []}, {"apiKey": []}]
SESSION = [{"session": []}]
SEEN = [{"session": []}, {"kiosk": []}]
"""What a wall display may read too: a kiosk cookie acts as a viewer (docs/security.md)."""
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SIGNED_IN_REFUSALS = {
    "401": feedback.error_answer("No valid session (sign in at /login) or kiosk cookie."),
    "403": feedback.error_answer("The signed-in role lacks the permission (docs/security.md#roles)."),
}
EXPLORER_QUERY = [
    ("period", {"type": "string", "enum": [*PRESETS, CUSTOM]}, "The period; `custom` takes `from` and `to`."),
    ("from", {"type": "string", "format": "date"}, "First Vietnam day of a custom period."),
    ("to", {"type": "string", "format": "date"}, "Last Vietnam day of a custom period (at most 5 years on)."),
    ("unit", {"type": "string"}, "A district's GSO code or a department's code; absent: the province."),
    ("commune", {"type": "string"}, "A commune's GSO code."),
    ("sector", {"type": "string"}, "A sector code of the portal's catalogue."),
    ("channel", {"type": "string", "enum": list(CHANNELS)}, "The channel, for `dossiers_received`."),
    ("indicator", {"type": "string", "enum": list(INDICATORS)}, "The indicator."),
    ("sort", {"type": "string", "enum": list(SORTS)}, "The ranking's sort column."),
    ("order", {"type": "string", "enum": ["asc", "desc"]}, "The ranking's order."),
]
"""The explorer's filters (docs/analytics.md#filters-and-the-url). A value that is unknown or malformed falls
back to its default rather than being refused, so that an old link still opens."""


def document(models: ApiModels, version: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "IOC machine API", "version": version,
                 "description": "Citizen feedback intake (docs/feedback.md), the active alerts in CAP 1.2 "
                                "(docs/alerts.md), the health view and the data exports (docs/analytics.md)."},
        "servers": [{"url": "/"}],
        "security": KEY,
        "paths": {**feedback.paths(models), **_key_paths(), **_signed_in_paths()},
        "components": {
            "schemas": {**feedback.schemas(models), **_schemas()},
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "An API key (ioc apikey create)."},
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                "session": {"type": "apiKey", "in": "cookie", "name": "ioc_session",
                            "description": "A signed-in person's session (POST /login)."},
                "kiosk": {"type": "apiKey", "in": "cookie", "name": "ioc_kiosk",
                          "description": "A wall display's kiosk token (GET /kiosk/<token>)."},
            },
        },
    }


def _key_paths() -> dict:
    prefix, refusals = feedback.PREFIX, feedback.REFUSALS
    return {
        f"{prefix}/whoami": {"get": {
            "operationId": "whoami", "summary": "The key's name and scopes (any valid key).",
            "responses": {"200": feedback.json_answer("The key.", "Key"), "401": refusals["401"],
                          "429": refusals["429"]},
        }},
        f"{prefix}/alerts.cap": {"get": {
            "operationId": "activeAlertsCap",
            "summary": "The active alerts as one OASIS CAP 1.2 message (scope alerts:read).",
            "responses": {"200": {"description": "A CAP 1.2 alert message, one info block per alert and language.",
                                  "content": {"application/cap+xml": {"schema": {"type": "string"}}}},
                          **refusals},
        }},
        f"{prefix}/openapi.json": {"get": {
            "operationId": "openapi", "summary": "This document (any valid key).",
            "responses": {"200": {"description": "The OpenAPI document.",
                                  "content": {"application/json": {"schema": {"type": "object"}}}},
                          "401": refusals["401"], "429": refusals["429"]},
        }},
    }


def _signed_in_paths() -> dict:
    explorer_query = [{"name": name, "in": "query", "required": False, "schema": schema, "description": text}
                      for name, schema, text in EXPLORER_QUERY]

    def export(operation: str, summary: str, media_type: str, parameters: list) -> dict:
        answer = {"description": "The file, as an attachment.",
                  "content": {media_type: {"schema": {"type": "string", "format": "binary"}}}}
        return {"get": {"operationId": operation, "summary": summary, "security": SESSION, "parameters": parameters,
                        "responses": {"200": answer, **SIGNED_IN_REFUSALS}}}

    return {
        "/health.json": {"get": {
            "operationId": "health", "summary": "The health view: collectors, rejected inputs, broker, store "
                                                "(permission view).",
            "security": SEEN,
            "responses": {"200": feedback.json_answer("The health report.", "Health"), **SIGNED_IN_REFUSALS},
        }},
        "/analytics/export.csv": export("exportRankingCsv", "The explorer's ranking table as CSV (permission "
                                                            "export).", "text/csv", explorer_query),
        "/analytics/export.xlsx": export("exportExplorerXlsx", "The explorer's ranking, series and filters as Excel "
                                                               "(permission export).", XLSX, explorer_query),
        "/feedback/export.csv": export("exportFeedbackCsv", "The feedback inbox as CSV, contacts masked unless "
                                                            "the role handles feedback (permission export).",
                                       "text/csv", []),
    }


def _schemas() -> dict:
    moment = {"type": ["string", "null"], "format": "date-time"}
    return {
        "Key": {"type": "object", "required": ["name", "scopes"], "additionalProperties": False,
                "properties": {"name": {"type": "string"}, "scopes": {"type": "array", "items": {"type": "string"}}}},
        "Health": {
            "type": "object", "required": ["generated_at", "collectors", "rejected", "broker", "store",
                                           "newest_reading"],
            "properties": {
                "generated_at": {"type": "string", "format": "date-time"},
                "collectors": {"type": "array", "items": {"type": "object", "required": ["collector", "status"],
                                                          "properties": {"collector": {"type": "string"},
                                                                         "status": {"type": "string"},
                                                                         "last_success": moment,
                                                                         "last_failure": moment}}},
                "rejected": {"type": "array", "items": {"type": "object", "required": ["source", "reason", "total"],
                                                        "properties": {"total": {"type": "integer"}}}},
                "broker": {"type": "object", "required": ["address", "reachable"],
                           "properties": {"reachable": {"type": "boolean"}}},
                "store": {"type": "object", "required": ["backend", "size_bytes"]},
                "newest_reading": moment,
            },
        },
    }
