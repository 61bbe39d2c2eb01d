"""gunicorn's access log without secrets: ``gunicorn --logger-class ioc.web.access_log.AccessLogger``.

A request line can carry a secret: a wall display's kiosk URL is ``/kiosk/<token>``, and gunicorn's access
log (``--access-logfile``, off unless asked for) writes every request line, so it kept every display's token.
This logger writes the same lines with kiosk tokens and API keys cut to their prefix, and with every header
that carries a credential (Authorization, X-API-Key, Cookie, Set-Cookie) replaced, whatever
``--access-logformat`` asks for. Only gunicorn imports this module.
"""

import re

from gunicorn.glogging import Logger

REDACTED = "[redacted]"
TOKEN = re.compile(r"\b(iock_|ioca_)[A-Za-z0-9_-]+")
"""A kiosk token or an API key (ioc/auth/kiosk.py, ioc/auth/apikeys.py), wherever it appears."""
KIOSK_PATH = re.compile(r"(/kiosk/)[^/?#\s\"]+")
"""The kiosk route's path parameter, even when it is not a well-formed token."""
CREDENTIAL_HEADERS = frozenset({"authorization", "x-api-key", "cookie", "set-cookie"})


class AccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        return {name: _clean(name, value) for name, value in atoms.items()}


def _clean(name: str, value):
    if _header_of(name) in CREDENTIAL_HEADERS:
        return REDACTED
    if isinstance(value, str):
        return KIOSK_PATH.sub(r"\1" + REDACTED, TOKEN.sub(r"\1" + REDACTED, value))
    return value


def _header_of(name: str) -> str | None:
    """The header an atom reads: ``{cookie}i`` (request), ``{set-cookie}o`` (response), ``{http_cookie}e``."""
    if not name.startswith("{"):
        return None
    header = name[1:name.index("}")].lower().replace("_", "-")
    return header.removeprefix("http-")
