"""Requests that carry a NUL character are refused (400) before anything reads them.

No field of the IOC may hold NUL, and PostgreSQL's text cannot: a NUL that reached a query (a filter of the
alerts page, a tracking code in an API path, a user name at sign-in) made the driver fail and the request
answer 500 on PostgreSQL while SQLite simply found nothing. Refusing it here, for the path, the query string,
form fields and every string of a Dash callback's JSON body, covers every route and callback, present and
future. The intake API's JSON bodies are left to its models, which refuse NUL with a 422 naming the field.
"""

import flask

REFUSAL = "a NUL character is not allowed in a request"


def install(server: flask.Flask) -> None:
    server.before_request(refuse_nul)


def refuse_nul():
    request = flask.request
    carried = [request.path, *request.args.keys(), *request.args.values()]
    if request.form:
        carried += [*request.form.keys(), *request.form.values()]
    if request.is_json and not request.path.startswith("/api/") and _holds_nul(request.get_json(silent=True)):
        return flask.jsonify(error=REFUSAL), 400
    if any("\x00" in value for value in carried):
        return flask.jsonify(error=REFUSAL), 400
    return None


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False
