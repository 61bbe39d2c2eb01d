"""Analysts and wall displays on the production rig: locust run as a process of its own, and what it measured.

Locust patches the standard library for gevent when it is imported, so it runs beside pytest rather than in it
(``tests/reliability/locustfile.py``). Each request it makes is written down (start, name, milliseconds,
status, error) and read back here, so the tests compute their figures from every request rather than from
locust's rounded percentiles; locust's own CSV statistics are kept next to them for inspection.

Sign-in allows 20 attempts a minute per client address (docs/security.md), and every simulated analyst comes
from 127.0.0.1, so their sessions are opened through the store (``ioc.auth.sessions.start``), as signing in
from as many machines would open them; the displays open their own kiosk URLs.
"""

import csv
import json
import math
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ioc.auth import sessions
from ioc.store import auth_queries
from tests.conftest import REPO

LOCUSTFILE = Path(__file__).with_name("locustfile.py")


@dataclass(frozen=True)
class Crowd:
    analysts: int
    displays: int
    refresh_seconds: float
    """How often a display refreshes its panels."""
    think_seconds: tuple[float, float] = (10.0, 30.0)
    """How long an analyst looks at the page between two filter changes (uniform between the two)."""
    arrivals_per_second: float = 5.0
    """How fast the analysts and displays arrive at the start (locust's spawn rate)."""


@dataclass(frozen=True)
class Request:
    start: float
    """Epoch seconds."""
    name: str
    """The page (``explorer``, ``wall``) then what was asked for, e.g. ``explorer chart``."""
    ms: float
    status: int
    error: str

    @property
    def page(self) -> str:
        return self.name.split()[0]

    @property
    def is_callback(self) -> bool:
        """A Dash callback other than the page's layout (the page itself and its layout are its load)."""
        return not self.name.endswith((" page", " layout"))


def analyst_sessions(rig, count: int, minutes: int) -> list[str]:
    """``count`` session tokens of the rig's analyst."""
    with rig.engine.connect() as connection:
        analyst = auth_queries.user_by_name(connection, rig.users["analyst"][0])
    return [sessions.start(rig.engine, analyst["id"], minutes, "127.0.0.1") for _ in range(count)]


def run(rig, crowd: Crowd, seconds: float, folder: Path, name: str) -> list[Request]:
    """Let ``crowd`` use the rig's web app for ``seconds``; every request it made, oldest first.

    Locust's output and statistics go to ``folder`` as ``<name>-locust.log`` and ``<name>_stats.csv``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / f"{name}-requests.csv"
    log.unlink(missing_ok=True)
    plan = {
        "analysts": crowd.analysts, "displays": crowd.displays, "refresh_seconds": crowd.refresh_seconds,
        "think_seconds": list(crowd.think_seconds), "log": str(log),
        "sessions": analyst_sessions(rig, max(1, crowd.analysts), minutes=math.ceil(seconds / 60) + 30),
        "kiosks": [rig.kiosk_url(f"{name}-wall-{number}") for number in range(max(1, crowd.displays))],
    }
    (folder / f"{name}-plan.json").write_text(json.dumps(plan), encoding="utf-8")
    users = crowd.analysts + crowd.displays
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", rig.web_url,
               "-u", str(users), "-r", str(crowd.arrivals_per_second), "-t", f"{math.ceil(seconds)}s",
               "--stop-timeout", "10", "--csv", str(folder / name), "--only-summary", "--exit-code-on-error", "0"]
    environment = {**os.environ, "PYTHONPATH": str(REPO), "IOC_LOAD_PLAN": str(folder / f"{name}-plan.json")}
    with (folder / f"{name}-locust.log").open("w", encoding="utf-8") as output:
        finished = subprocess.run(command, cwd=REPO, env=environment, stdout=output, stderr=subprocess.STDOUT,
                                  timeout=seconds + 120, check=False)
    assert finished.returncode == 0, f"locust ended with {finished.returncode}: see {folder / name}-locust.log"
    with log.open(encoding="utf-8", newline="") as rows:
        return sorted((Request(float(start), label, float(ms), int(status), error)
                       for start, label, ms, status, error in csv.reader(rows)), key=lambda r: r.start)


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile (0.95 for p95) by linear interpolation, as ``statistics.quantiles`` computes it."""
    assert values, "no times to take a percentile of"
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=1000, method="inclusive")[round(share * 1000) - 1]


def callback_times(requests: list[Request], page: str) -> list[float]:
    """Milliseconds of the page's successful callbacks (its layout and the page itself left out)."""
    return [r.ms for r in requests if r.page == page and r.is_callback and not r.error]
