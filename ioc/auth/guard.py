"""The server-side check of every request: who is asking, and may they do this?

A Flask ``before_request`` hook, installed on the Dash app's server, decides every request by its endpoint:
- public endpoints (sign-in, sign-out, kiosk URL, language switch, static assets) pass; their POSTs still
  need CSRF proof;
- ``/api/`` views declared with ``require_api_key`` pass to that decorator, which checks the key;
- a page (Dash's index routes) needs the ``permission`` its module gave ``dash.register_page``; an unknown
  path needs ``view`` (Dash answers it with its not-found page);
- a Dash callback POST needs the permission of its callback (``permissions.requires``), found in Dash's own
  callback map under the request's ``output``; the pages router callback, which sends a page's content, needs
  the permission of the page at the requested pathname, resolved the way Dash resolves it;
- Dash's layout and dependency routes need ``view``; any other Flask view needs what it declares.
Anything that declares no permission is refused, so a forgotten declaration fails closed. Refusals are 401
for no valid session or kiosk token, 403 for a principal without the permission or without CSRF proof.
"""

import logging

import dash
import flask
from dash._pages import _path_to_page  # Dash's own resolution, so the guard judges the page Dash renders

from ioc.auth import csrf, kiosk, pages, sessions
from ioc.auth.permissions import VIEW, Principal
from ioc.i18n import text
from ioc.web.context import current, current_language

log = logging.getLogger(__name__)

ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."
"""Dash's pages router callback (outputs the page content and title), as it names it in callback POSTs."""
ROUTER_LOCATION = "_pages_location"
PUBLIC_ENDPOINTS = frozenset({
    "static", "_dash_assets.static", "/_favicon.ico",
    "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>",
    "language.switch_language", "auth.sign_in_form", "auth.sign_in_submit", "auth.sign_out", "auth.open_kiosk",
})
"""Endpoints anyone may reach (Dash names its routes by their rule)."""
CALLBACK_ENDPOINT = "/_dash-update-component"
PAGE_ENDPOINTS = frozenset({"/", "/<path:path>"})
VIEW_ENDPOINTS = frozenset({"/_dash-layout", "/_dash-dependencies", "/_reload-hash"})


def current_principal() -> Principal | None:
    """Who the current request acts as (a session's user, else a kiosk), looked up once per request."""
    if "principal" not in flask.g:
        flask.g.principal = _identify(flask.request)
    return flask.g.principal


def page_permission(path: str | None) -> str | None:
    """The permission the page at ``path`` needs; None if its module declares none (then it is refused)."""
    page, _variables = _path_to_page((path or "/").strip("/"))
    return page.get("permission") if page else VIEW


class Guard:
    """The hook, bound to one Dash app so that it can read that app's pages and callbacks."""

    def __init__(self, app: dash.Dash):
        if app.config.routes_pathname_prefix != "/":
            raise ValueError("the guard expects the Dash app at the site's root (routes_pathname_prefix '/')")
        self.app = app

    def is_page(self, request: flask.Request) -> bool:
        return request.endpoint in PAGE_ENDPOINTS

    def check(self):
        """Return None to let the request through, or the refusal to send instead."""
        request = flask.request
        endpoint = request.endpoint
        view = flask.current_app.view_functions.get(endpoint)
        if endpoint is None or getattr(view, "ioc_api_scope", None):
            return None  # no route (Flask answers 404/405), or an API-key route (its decorator checks)
        if request.path.startswith("/api/"):
            return flask.jsonify(error="no such API route"), 404
        if endpoint in PUBLIC_ENDPOINTS:
            csrf.check(request)
            return None
        permission = self._permission(request, endpoint, view)
        principal = current_principal()
        if permission is None:
            log.error("refused %s %s: it declares no permission", request.method, self._described(request))
            return self.refusal(403)
        if principal is None:
            return self.refusal(401)
        if not principal.can(permission):
            log.info("refused %s %s to %s: needs %s", request.method, self._described(request), principal.actor,
                     permission)
            return self.refusal(403)
        csrf.check(request)
        return None

    def refusal(self, status: int):
        """A sign-in page (401) or a refusal page (403) for a page, JSON for anything else."""
        request = flask.request
        if self.is_page(request) and request.method == "GET":
            if status == 403:
                return pages.refused(), status
            revoked = kiosk.COOKIE in request.cookies  # a display whose token no longer works: say so
            message = text("refused.kiosk", current_language()) if revoked else None
            return pages.sign_in(next_path=request.full_path.rstrip("?"), message=message), status
        message = "sign-in required" if status == 401 else "not allowed"
        return flask.jsonify(error=message), status

    def _permission(self, request: flask.Request, endpoint: str, view) -> str | None:
        if endpoint == CALLBACK_ENDPOINT:
            return self._callback_permission(request)
        if endpoint in PAGE_ENDPOINTS:
            return page_permission(request.path)
        if endpoint in VIEW_ENDPOINTS:
            return VIEW
        return getattr(view, "ioc_permission", None)

    def _callback_permission(self, request: flask.Request) -> str | None:
        body = request.get_json(force=True)  # not JSON: 400 saying why (ioc/web/limits.py)
        if not isinstance(body, dict) or not isinstance(body.get("output"), str):
            flask.abort(400, "not a Dash callback: a JSON object naming its output")
        if body["output"] == ROUTER_OUTPUT:
            # Dash passes inputs to the router by position: the page it renders is the first input's value.
            inputs = body.get("inputs")
            first = inputs[0] if isinstance(inputs, list) and inputs else None
            if not (isinstance(first, dict) and first.get("id") == ROUTER_LOCATION
                    and first.get("property") == "pathname" and isinstance(first.get("value"), str)):
                flask.abort(400, "the pages callback's first input must be its pathname")
            return page_permission(first["value"])
        entry = self.app.callback_map.get(body["output"])
        return getattr((entry or {}).get("callback"), "ioc_permission", None)

    def _described(self, request: flask.Request) -> str:
        """The request's target for a log line: pages by path, other routes by endpoint (never a kiosk URL)."""
        return request.path if self.is_page(request) else str(request.endpoint)


def _identify(request: flask.Request) -> Principal | None:
    engine = current().engine
    token = request.cookies.get(sessions.COOKIE)
    principal = sessions.principal(engine, token) if token else None
    if principal is None and (token := request.cookies.get(kiosk.COOKIE)):
        principal = kiosk.principal(engine, token)
    return principal
