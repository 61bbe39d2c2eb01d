"""The feedback intake API under ``/api/v1`` (docs/feedback.md#api), described by ``/api/v1/openapi.json``
(the whole machine API's document, ioc/web/openapi.py).

Channels post reports and read their public status with a ``feedback:write`` key; agencies' systems take
workflow steps with a ``feedback:handle`` key (staff use the /feedback page instead). Every body is validated
by the pydantic models the OpenAPI document is generated from. A refused body gets a 4xx naming each field at
fault and is kept in ``rejected_inputs``; nothing of it is stored.
"""

from __future__ import annotations

from dataclasses import dataclass

import flask
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import MethodNotAllowed, NotFound

from ioc import __version__
from ioc.auth.apikeys import require_api_key
from ioc.config import Settings
from ioc.feedback import handling
from ioc.feedback.models import ApiModels, Created, PublicStatus, api_models
from ioc.feedback.places import DistrictLocator
from ioc.feedback.workflow import OPEN_STATUSES, Change, TransitionError
from ioc.records import RejectedInput
from ioc.reference import read_units
from ioc.store import feedback_queries
from ioc.store.writer import reject_input
from ioc.timeutil import utcnow
from ioc.web.context import current
from ioc.web.openapi import document

blueprint = flask.Blueprint("feedback_api", __name__, url_prefix="/api/v1")
MAX_BODY_BYTES = 64 * 1024
REJECTED_SOURCE = "feedback_api"


@dataclass(frozen=True)
class FeedbackApi:
    """What the API's views share within one app: its models, the district locator and its document."""

    models: ApiModels
    locator: DistrictLocator
    document: dict


def install(server: flask.Flask, settings: Settings) -> None:
    units = [unit["code"] for unit in read_units(settings.resolve(settings.province.units_file))]
    models = api_models([category.code for category in settings.feedback.categories], units)
    server.extensions["ioc_feedback_api"] = FeedbackApi(
        models, DistrictLocator.of(settings), document(models, __version__))
    server.register_blueprint(blueprint)
    server.register_error_handler(NotFound, _not_found)
    server.register_error_handler(MethodNotAllowed, _not_allowed)


def _api() -> FeedbackApi:
    return flask.current_app.extensions["ioc_feedback_api"]


class Refused(Exception):
    """A request answered with ``status`` and the error body; kept in rejected_inputs when ``keep``."""

    def __init__(self, status: int, reason: str, fields: list[dict], keep: bool = True):
        super().__init__(reason)
        self.status, self.reason, self.fields, self.keep = status, reason, fields, keep


@blueprint.errorhandler(Refused)
def _refused(refusal: Refused):
    message = "; ".join(f"{item['field']}: {item['message']}" for item in refusal.fields)
    if refusal.keep:
        raw = flask.request.get_data(cache=True)[:MAX_BODY_BYTES]
        with current().engine.begin() as connection:
            reject_input(connection, RejectedInput(REJECTED_SOURCE, refusal.reason,
                                                   f"{flask.g.principal.actor}: {message}", raw))
    return flask.jsonify(error=message, fields=refusal.fields), refusal.status


@blueprint.get("/openapi.json")
@require_api_key()
def openapi():
    return flask.jsonify(_api().document)


@blueprint.post("/feedback")
@require_api_key("feedback:write")
def create_report():
    body = _validated(_api().models.report_in)
    reporter = body.reporter
    report = handling.NewReport(
        channel=body.channel, channel_ref=body.channel_ref, category=body.category, title=body.title,
        description=body.description, lon=body.position.lon if body.position else None,
        lat=body.position.lat if body.position else None, unit_code=body.unit_code,
        reporter_name=reporter.name if reporter else None, reporter_phone=reporter.phone if reporter else None,
        reporter_email=reporter.email if reporter else None, attachments=tuple(body.attachments))
    context = current()
    with context.engine.begin() as connection:
        row, created = handling.submit(connection, context.settings.feedback, _api().locator, report,
                                       flask.g.principal.actor, utcnow())
    answer = Created(tracking_code=row["tracking_code"], status=row["status"], duplicate=not created,
                     received_at=row["received_at"], due_at=row["due_at"], unit_code=row["unit_code"],
                     outside_province=row["outside_province"])
    return flask.Response(answer.model_dump_json(), status=201 if created else 200, mimetype="application/json")


@blueprint.get("/feedback/<tracking_code>")
@require_api_key("feedback:write")
def report_status(tracking_code: str):
    with current().engine.connect() as connection:
        row = feedback_queries.report_by_code(connection, tracking_code)
    if row is None:
        raise Refused(404, "not_found", [{"field": "tracking_code", "message": "no report has this code"}],
                      keep=False)
    return _public(row)


@blueprint.post("/feedback/<tracking_code>/transitions")
@require_api_key("feedback:handle")
def transition(tracking_code: str):
    body = _validated(_api().models.transition_in)
    change = Change(to=body.to, note=body.note, reason=body.reason, agency=body.agency, reply=body.reply,
                    rating=body.rating)
    with current().engine.begin() as connection:
        row = feedback_queries.report_by_code(connection, tracking_code)
        if row is None:
            raise Refused(404, "not_found", [{"field": "tracking_code", "message": "no report has this code"}],
                          keep=False)
        try:
            row = handling.transition(connection, row["id"], change, flask.g.principal.actor, utcnow())
        except TransitionError as refusal:
            raise Refused(refusal.status, "transition", [{"field": refusal.field, "message": refusal.message}],
                          keep=False) from None
    return _public(row)


def _public(row: dict) -> flask.Response:
    overdue = row["status"] in OPEN_STATUSES and row["due_at"] is not None and row["due_at"] < utcnow()
    answer = PublicStatus(**{column: row[column] for column in feedback_queries.PUBLIC_COLUMNS}, overdue=overdue)
    return flask.Response(answer.model_dump_json(), mimetype="application/json")


def _validated(model: type[BaseModel]) -> BaseModel:
    """The request's JSON body validated by ``model`` (strictly: "5" is not a number); else a Refused 4xx."""
    request = flask.request
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise Refused(413, "too_large", [{"field": "(body)", "message": f"larger than {MAX_BODY_BYTES} bytes"}],
                      keep=False)
    if request.mimetype != "application/json":
        raise Refused(415, "media_type", [{"field": "(body)", "message": "send application/json"}])
    raw = request.get_data(cache=True)
    if len(raw) > MAX_BODY_BYTES:
        raise Refused(413, "too_large", [{"field": "(body)", "message": f"larger than {MAX_BODY_BYTES} bytes"}],
                      keep=False)
    try:
        return model.model_validate_json(raw, strict=True)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        if any(error["type"] == "json_invalid" for error in errors):
            raise Refused(400, "bad_json", [{"field": "(body)", "message": "not valid JSON"}]) from None
        raise Refused(422, "invalid", [_field_error(error) for error in errors]) from None


def _field_error(error: dict) -> dict:
    field = ".".join(str(part) for part in error["loc"]) or "(body)"
    message = error["msg"]
    if error["type"] == "literal_error" and field in ("category", "unit_code"):
        what = "category" if field == "category" else "unit"
        message = f"unknown {what} {error.get('input')!r}"
        if field == "category":
            message += "; known: " + ", ".join(c.code for c in current().settings.feedback.categories)
    return {"field": field, "message": message}


def _not_found(error: NotFound):
    """API paths answer in JSON, as the OpenAPI document says; other paths keep Flask's page."""
    if flask.request.path.startswith("/api/"):
        return flask.jsonify(error="no such API route", fields=[]), 404
    return error


def _not_allowed(error: MethodNotAllowed):
    if flask.request.path.startswith("/api/"):
        response = flask.jsonify(error=f"method {flask.request.method} not allowed", fields=[])
        response.status_code = 405
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods or ()))
        return response
    return error
