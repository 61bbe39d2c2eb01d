"""The OpenAPI 3.1 document of the feedback intake API, generated from the pydantic models that validate it
(pydantic writes JSON Schema 2020-12, the dialect of OpenAPI 3.1)."""

from __future__ import annotations

from pydantic.json_schema import models_json_schema

from ioc.feedback.models import ApiModels, Created, Error, PublicStatus

REF = "#/components/schemas/{model}"
TRACKING_CODE = {"type": "string", "pattern": "^PA-[0-9A-Z]{5}-[0-9A-Z]{5}$", "example": "PA-7K3QX-9M2ZD"}


def _json(description: str, model: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": REF.format(model=model)}}}}


def _error(description: str) -> dict:
    return _json(description, "Error")


REFUSALS = {
    "401": _error("No valid API key (send `Authorization: Bearer <key>` or `X-API-Key`)."),
    "403": _error("The key lacks the scope this operation needs."),
    "429": {**_error("The key's rate limit is exceeded; retry after `Retry-After` seconds."),
            "headers": {"Retry-After": {"schema": {"type": "integer"}}}},
}
BODY_ERRORS = {
    "400": _error("The body is not valid JSON."),
    "413": _error("The body is larger than the API takes."),
    "415": _error("The body is not `application/json`."),
    "422": _error("A field is missing, of the wrong type, too long or not allowed; `fields` names each one."),
}


def document(models: ApiModels, title: str, version: str) -> dict:
    _keys, top = models_json_schema(
        [(models.report_in, "validation"), (models.transition_in, "validation"), (Error, "serialization"),
         (Created, "serialization"), (PublicStatus, "serialization")], ref_template=REF)

    def body(name: str) -> dict:
        return {"required": True, "content": {"application/json": {"schema": {"$ref": REF.format(model=name)}}}}

    code = [{"name": "tracking_code", "in": "path", "required": True, "schema": TRACKING_CODE}]
    not_found = {"404": _error("No report has this tracking code.")}
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version,
                 "description": "Citizen feedback intake: channels post reports, read their public status, and "
                                "agencies move them through the workflow (docs/feedback.md)."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}, {"apiKey": []}],
        "paths": {
            "/feedback": {"post": {
                "operationId": "createReport", "summary": "Take in a citizen report (scope feedback:write).",
                "requestBody": body(models.report_in.__name__),
                "responses": {"201": _json("Stored; give the tracking code to the citizen.", "Created"),
                              "200": _json("The channel had sent this report before: the stored one.", "Created"),
                              **BODY_ERRORS, **REFUSALS},
            }},
            "/feedback/{tracking_code}": {"get": {
                "operationId": "reportStatus",
                "summary": "A report's public status and official reply (scope feedback:write); no personal data.",
                "parameters": code,
                "responses": {"200": _json("The report's public status.", "PublicStatus"), **not_found, **REFUSALS},
            }},
            "/feedback/{tracking_code}/transitions": {"post": {
                "operationId": "transitionReport",
                "summary": "Take one workflow step: accept, reject, assign, start, answer or close "
                           "(scope feedback:handle).",
                "parameters": code,
                "requestBody": body(models.transition_in.__name__),
                "responses": {"200": _json("The step is taken and recorded.", "PublicStatus"), **not_found,
                              "409": _error("The step is not allowed from the report's status."),
                              **BODY_ERRORS, **REFUSALS},
            }},
            "/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This document (any valid key).",
                "responses": {"200": {"description": "The OpenAPI document.",
                                      "content": {"application/json": {"schema": {"type": "object"}}}},
                              "401": REFUSALS["401"], "429": REFUSALS["429"]},
            }},
        },
        "components": {
            "schemas": top["$defs"],
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}},
        },
    }
