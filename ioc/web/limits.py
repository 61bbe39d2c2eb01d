"""What one request may send the web app: a body of at most MAX_BODY_BYTES, and JSON no deeper than Python reads.

Dash's callbacks, the sign-in form and the hotline form send a few kilobytes; the feedback API keeps its own,
smaller limit (64 KiB, ioc/feedback/api.py). A larger body is refused with 413 before it is read. Python's JSON
reader recurses, so a body nested thousands deep would end the request with a RecursionError (a 500): it is
refused as invalid JSON (400) instead. A JSON client gets its refusal as JSON, like every API answer.
"""

import flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

MAX_BODY_BYTES = 1024 * 1024


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, with too deep a document refused as invalid (ValueError) rather than crashing."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("nested too deeply") from None


def install(server: flask.Flask) -> None:
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    server.json = JSONProvider(server)
    server.register_error_handler(RequestEntityTooLarge, _too_large)
    server.register_error_handler(BadRequest, _bad_request)


def _too_large(error: RequestEntityTooLarge):
    return flask.jsonify(error=f"the body is larger than the {MAX_BODY_BYTES} bytes this server takes"), 413


def _bad_request(error: BadRequest):
    """Flask hides why JSON did not decode (outside debug) behind a bare 400; the reason is its cause."""
    if not flask.request.is_json:
        return error
    reason = error.__cause__ if isinstance(error.__cause__, BadRequest) else error
    return flask.jsonify(error=reason.description), 400
