"""The line Flask logs for a request that failed names its route, not its address.

Flask's own line is ``Exception on <path> [<method>]``, and a path can hold a secret: a wall display's kiosk
URL is ``/kiosk/<token>``, so a store failure while a display opened it wrote the token to the error log.
Here a page is named by its path (pages hold nothing secret) and every other request by its endpoint, as the
guard names what it refuses; the traceback follows as before.
"""

import flask

from ioc.auth.guard import PAGE_ENDPOINTS


def install(server: flask.Flask) -> None:
    def log_exception(exc_info) -> None:
        request = flask.request
        target = request.path if request.endpoint in PAGE_ENDPOINTS else request.endpoint or "(no route)"
        server.logger.error("Exception on %s [%s]", target, request.method, exc_info=exc_info)

    server.log_exception = log_exception
