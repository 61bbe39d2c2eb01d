"""The machine API's own routes: ``GET /api/v1/whoami`` lets a channel check the key it was given."""

import flask

from ioc.auth.apikeys import require_api_key

blueprint = flask.Blueprint("api", __name__, url_prefix="/api/v1")


@blueprint.get("/whoami")
@require_api_key()
def whoami():
    principal = flask.g.principal
    return flask.jsonify(name=principal.name, scopes=sorted(principal.scopes))
