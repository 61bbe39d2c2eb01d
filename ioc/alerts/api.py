"""The alerts' machine API: ``GET /api/v1/alerts.cap``, the active alerts as one CAP 1.2 message.

Partner systems read it with an API key holding the ``alerts:read`` scope (``ioc apikey create NAME
--scope alerts:read``).
"""

import flask

from ioc.alerts.cap import active_alerts_message
from ioc.auth.apikeys import require_api_key
from ioc.store import alert_queries
from ioc.timeutil import utcnow
from ioc.web.context import current

blueprint = flask.Blueprint("alerts_api", __name__, url_prefix="/api/v1")
CAP_MEDIA_TYPE = "application/cap+xml"


@blueprint.get("/alerts.cap")
@require_api_key("alerts:read")
def active_alerts_cap():
    context = current()
    with context.engine.connect() as connection:
        alerts = alert_queries.alert_list(connection, active_only=True)
        names = alert_queries.unit_names(connection)
    province = context.settings.province
    body = active_alerts_message(alerts, sender=context.settings.alerts.cap_sender, province_name=province.name,
                                 province_code=province.code, unit_names=names, now=utcnow())
    return flask.Response(body, mimetype=CAP_MEDIA_TYPE)
