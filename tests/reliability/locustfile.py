"""Analysts on the indicator explorer and wall displays, for locust (run as a process of its own by
``tests/reliability/load.py``; gevent's monkey-patching stays out of pytest's process).

    locust -f tests/reliability/locustfile.py --headless -u 60 -r 20 -t 60s --host http://127.0.0.1:8050

The plan (JSON, named by ``IOC_LOAD_PLAN``) gives the analysts' session tokens, the displays' kiosk paths, how
often a display refreshes, the analysts' think time and the file where every request is written down. An
analyst opens /analytics (the page, then its layout and the callbacks Dash fires on load), then changes a
filter every few seconds: each change posts the callbacks the browser posts for it. A display opens its kiosk
URL, then refreshes its panels on its own clock and moves to the next scene every few refreshes. A request
fails when its status is not 200 (nor 204, Dash's "nothing to update" for a hidden wall panel) or it times out.
"""

import csv
import itertools
import json
import os
import random
from pathlib import Path

from locust import HttpUser, between, constant_pacing, events, task

from benchmarks.analytics import scenarios
from ioc.timeutil import local_day, utcnow
from tests.analytics.helpers import chart_callback, communes_callback, dates_callback, summary_callback, url_callback
from tests.auth.conftest import page_callback
from tests.reliability import wall_callbacks

PLAN = json.loads(Path(os.environ["IOC_LOAD_PLAN"]).read_text(encoding="utf-8"))
DEFAULTS = {"period": "last_12_months", "start": None, "end": None}
ROTATE_EVERY = 3
"""Refreshes a display shows one scene for."""
TIMEOUT = 60
"""Seconds a request may take before it counts as failed (gunicorn's worker timeout is 30 s)."""
_log = open(PLAN["log"], "a", newline="", encoding="utf-8")  # closed when locust quits (close_log)
_writer = csv.writer(_log)
_sessions = itertools.cycle(PLAN["sessions"])
_kiosks = itertools.cycle(PLAN["kiosks"])


@events.request.add_listener
def write_down(name, response_time, exception, start_time, response=None, **_kwargs):
    """One line per request: when it started (epoch s), its name, milliseconds, status, and why it failed."""
    status = response.status_code if response is not None else 0
    _writer.writerow([f"{start_time:.3f}", name, f"{response_time:.1f}", status,
                      "" if exception is None else str(exception)[:200]])


@events.quitting.add_listener
def close_log(**_kwargs):
    _log.close()


class Visitor(HttpUser):
    abstract = True

    def post_callback(self, name: str, body: dict) -> dict | None:
        """Post one callback as Dash's renderer does (CSRF header copied from its cookie); its JSON answer."""
        headers = {"X-CSRFToken": self.client.cookies.get("_csrf_token", ""), "Origin": self.host}
        with self.client.post("/_dash-update-component", json=body, headers=headers, name=name, timeout=TIMEOUT,
                              catch_response=True) as response:
            if response.status_code == 204:
                return None
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.text[:120]}")
                return None
            return response.json()

    def open_page(self, name: str, path: str) -> None:
        with self.client.get(path, name=name, timeout=TIMEOUT, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.text[:120]}")


class Analyst(Visitor):
    """Someone exploring the indicators: a filter change every few seconds, each fetching what the page shows."""

    fixed_count = PLAN["analysts"]
    wait_time = between(*PLAN["think_seconds"])

    def on_start(self):
        self.client.cookies.set("ioc_session", next(_sessions))
        self.open_page("explorer page", "/analytics")
        self.post_callback("explorer layout", page_callback("/analytics"))
        self.filters = dict(DEFAULTS)
        self.show()
        self.choices = scenarios(local_day(utcnow()))

    def show(self) -> None:
        """The three callbacks every filter change fires: the series, the summary and the URL."""
        self.post_callback("explorer chart", chart_callback(**self.filters))
        self.post_callback("explorer summary", summary_callback(**self.filters))
        self.post_callback("explorer url", url_callback(**self.filters))

    @task
    def change_filters(self):
        chosen = {**DEFAULTS, **random.choice(self.choices)}
        if chosen["period"] != self.filters["period"]:
            self.post_callback("explorer dates", dates_callback(chosen["period"]))
        if chosen.get("unit") != self.filters.get("unit"):
            self.post_callback("explorer communes", communes_callback(chosen.get("unit") or "70",
                                                                      chosen.get("commune")))
        self.filters = chosen
        self.show()


class Display(Visitor):
    """A wall display: opened once by its kiosk URL, then refreshing its panels on its own clock."""

    fixed_count = PLAN["displays"]
    wait_time = constant_pacing(PLAN["refresh_seconds"])

    def on_start(self):
        self.open_page("wall page", next(_kiosks))
        self.post_callback("wall layout", page_callback("/wall"))
        self.scene, self.tick, self.turns = 0, 0, 0

    @task
    def refresh(self):
        self.tick += 1
        if self.tick % ROTATE_EVERY == 0:
            self.turns += 1
            answer = self.post_callback("wall rotate", wall_callbacks.rotate(self.scene, self.turns))
            if answer is not None:
                self.scene = answer["response"]["wall-scene"]["data"]
                self.post_callback("wall frame", wall_callbacks.frame(self.scene))
        for body, name in zip(wall_callbacks.refresh(self.scene, self.tick), wall_callbacks.REFRESHED, strict=True):
            self.post_callback(f"wall {name}", body)
