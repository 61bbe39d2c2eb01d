"""A provincial one-stop-shop portal's statistics API, for the demo and the tests (docs/portal-contract.md).

A real HTTP server on a loopback port, serving the simulated province of ``portal_simdata``. Faults a test
needs are switched on at run time by setting ``fault``: ``slow`` (answers after ``slow_seconds``), ``error``
(HTTP 500), ``malformed`` (a body that is not JSON) and ``truncated`` (a page with fewer items than it
announces); ``fault_count`` limits a fault to that many requests. ``today`` (a Vietnam date) is the portal's
clock, so a test can let days pass. ``renames`` (contract name -> other name) makes it speak like a portal
whose fields are named differently.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import date, timedelta
from functools import lru_cache

from flask import Flask, Response, request
from werkzeug.serving import WSGIRequestHandler, make_server

from collectors.portal_simdata import ProvinceModel
from ioc.timeutil import local_day, utcnow

MAX_PAGE_SIZE = 5000
MAX_RANGE_DAYS = 400
API = "/api/v1"


class PortalSimulator:
    """The simulator as a service (``name``/``start``/``stop``), like the demo's embedded broker."""

    name = "portal simulator"

    def __init__(self, model: ProvinceModel, host: str = "127.0.0.1", port: int = 0, token: str | None = None,
                 today: date | None = None):
        self.model = model
        self.host = host
        self.port = port
        self.token = token
        self.today = today or local_day(utcnow())
        self.fault: str | None = None
        self.fault_count: int | None = None
        self.renames: dict[str, str] = {}
        self.slow_seconds = 2.0
        self.requests = 0
        self._server = None
        self._thread: threading.Thread | None = None
        self._day = lru_cache(maxsize=64)(self.model.day_stats)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        self._server = make_server(self.host, self.port, self.app(), threaded=True, request_handler=_Quiet)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, name="portal-simulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)

    def app(self) -> Flask:
        app = Flask(__name__)

        @app.before_request
        def _guard():
            self.requests += 1
            if self.token and request.headers.get("Authorization") != f"Bearer {self.token}":
                return _json({"error": "missing or wrong bearer token"}, 401)
            if self.fault_count is not None:
                if self.fault_count <= 0:
                    self.fault = self.fault_count = None
                else:
                    self.fault_count -= 1
            if self.fault == "slow":
                time.sleep(self.slow_seconds)
            elif self.fault == "error":
                return _json({"error": "internal error (simulated)"}, 500)
            return None

        @app.get(f"{API}/sectors")
        def sectors():
            return self._page(self.model.catalogue[0])

        @app.get(f"{API}/procedures")
        def procedures():
            return self._page(self.model.catalogue[1])

        @app.get(f"{API}/dossier-stats")
        def dossier_stats():
            return self._daily(0)

        @app.get(f"{API}/procedure-usage")
        def procedure_usage():
            return self._daily(1)

        return app

    def _daily(self, part: int) -> Response:
        try:
            first = date.fromisoformat(request.args["from"])
            last = date.fromisoformat(request.args["to"])
        except (KeyError, ValueError):
            return _json({"error": "from and to are required, as YYYY-MM-DD"}, 400)
        if last < first or (last - first).days >= MAX_RANGE_DAYS:
            return _json({"error": f"to must not be before from, and the range at most {MAX_RANGE_DAYS} days"}, 400)
        items = []
        for offset in range((last - first).days + 1):
            items += self._day(first + timedelta(days=offset), self.today)[part]
        return self._page(items)

    def _page(self, items: list[dict]) -> Response:
        try:
            page = int(request.args.get("page", 1))
            size = int(request.args.get("page_size", 100))
        except ValueError:
            return _json({"error": "page and page_size must be whole numbers"}, 400)
        if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
            return _json({"error": f"page must be >= 1 and page_size 1..{MAX_PAGE_SIZE}"}, 400)
        chosen = items[(page - 1) * size: page * size]
        if self.fault == "truncated":
            chosen = chosen[: len(chosen) // 2]
        if self.renames:
            chosen = [{self.renames.get(key, key): value for key, value in item.items()} for item in chosen]
        body = {"items": chosen, "page": page, "page_size": size, "total": len(items),
                "pages": max(1, -(-len(items) // size))}
        body = {self.renames.get(key, key): value for key, value in body.items()}
        if self.fault == "malformed":
            return Response(json.dumps(body)[:-40] + "<html>", status=200, mimetype="application/json")
        return _json(body)


class _Quiet(WSGIRequestHandler):
    """No access log: the demo's console is for the IOC's own messages."""

    def log_request(self, *args) -> None:
        pass


def _json(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")


def demo_simulator(settings, secrets) -> PortalSimulator | None:
    """The simulator the demo runs where the ``portal`` collector looks for its portal (None if it does not),
    with two years of history and the token from IOC_PORTAL_TOKEN."""
    from urllib.parse import urlsplit

    from collectors.portal_simdata import model_for

    options = settings.collectors.get("portal")
    if options is None or not options.enabled:
        return None
    address = urlsplit(options.base_url)
    today = local_day(utcnow())
    token = secrets.portal_token.get_secret_value() if secrets.portal_token else None
    model = model_for(settings, first_day=today - timedelta(days=options.history_days - 1))
    return PortalSimulator(model, address.hostname or "127.0.0.1", address.port or 80, token)
