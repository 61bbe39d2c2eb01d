"""The feedback intake API's part of the OpenAPI 3.1 document (ioc/web/openapi.py), generated from the pydantic
models that validate it (pydantic writes JSON Schema 2020-12, the dialect of OpenAPI 3.1)."""

from __future__ import annotations

from pydantic.json_schema import models_json_schema

from ioc.feedback.models import ApiModels, Created, Error, PublicStatus

REF = "#/components/schemas/{model}"
PREFIX = "/api/v1"
TRACKING_CODE = {"type": "string", "pattern": "^PA-[0-9A-Z]{5}-[0-9A-Z]{5}$", "example": "PA-7K3QX-9M2ZD"}


def json_answer(description: str, model: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": REF.format(model=model)}}}}


def error_answer(description: str) -> dict:
    return json_answer(description, "Error")


REFUSALS = {
    "401": error_answer("No valid API key (send `Authorization: Bearer <key>` or `X-API-Key`)."),
    "403": error_answer("The key lacks the scope this operation needs."),
    "429": {**error_answer("The key's rate limit is exceeded; retry after `Retry-After` seconds."),
            "headers": {"Retry-After": {"schema": {"type": "integer"}}}},
}
"""How an API-key route refuses (ioc/auth/apikeys.py)."""
BODY_ERRORS = {
    "400": error_answer("The body is not valid JSON."),
    "413": error_answer("The body is larger than the API takes."),
    "415": error_answer("The body is not `application/json`."),
    "422": error_answer("A field is missing, of the wrong type, too long or not allowed; `fields` names each one."),
}


def schemas(models: ApiModels) -> dict:
    """The request and answer bodies' JSON Schemas, by model name (``components.schemas``)."""
    _keys, top = models_json_schema(
        [(models.report_in, "validation"), (models.transition_in, "validation"), (Error, "serialization"),
         (Created, "serialization"), (PublicStatus, "serialization")], ref_template=REF)
    return top["$defs"]


def paths(models: ApiModels) -> dict:
    """The intake API's operations, by their path from the site's root."""

    def body(name: str) -> dict:
        return {"required": True, "content": {"application/json": {"schema": {"$ref": REF.format(model=name)}}}}

    code = [{"name": "tracking_code", "in": "path", "required": True, "schema": TRACKING_CODE}]
    not_found = {"404": error_answer("No report has this tracking code.")}
    return {
        f"{PREFIX}/feedback": {"post": {
            "operationId": "createReport", "summary": "Take in a citizen report (scope feedback:write).",
            "requestBody": body(models.report_in.__name__),
            "responses": {"201": json_answer("Stored; give the tracking code to the citizen.", "Created"),
                          "200": json_answer("The channel had sent this report before: the stored one.", "Created"),
                          **BODY_ERRORS, **REFUSALS},
        }},
        f"{PREFIX}/feedback/{{tracking_code}}": {"get": {
            "operationId": "reportStatus",
            "summary": "A report's public status and official reply (scope feedback:write); no personal data.",
            "parameters": code,
            "responses": {"200": json_answer("The report's public status.", "PublicStatus"), **not_found, **REFUSALS},
        }},
        f"{PREFIX}/feedback/{{tracking_code}}/transitions": {"post": {
            "operationId": "transitionReport",
            "summary": "Take one workflow step: accept, reject, assign, start, answer or close "
                       "(scope feedback:handle).",
            "parameters": code,
            "requestBody": body(models.transition_in.__name__),
            "responses": {"200": json_answer("The step is taken and recorded.", "PublicStatus"), **not_found,
                          "409": error_answer("The step is not allowed from the report's status."),
                          **BODY_ERRORS, **REFUSALS},
        }},
    }
