"""The IOC as a provincial data centre runs it (docs/production.md), on loopback, for the reliability, load and
soak tests.

PostgreSQL and Mosquitto (MQTT 5) are the tests' own servers. On them run, each as its own process started
from the command line as an operator would: two ``ioc collect`` sharing the sensor stream through
``mqtt.shared_group`` (``collect-a`` also owns the portal collector and the alert engine, ``collect-b`` only
takes its share of the stream), the web app under gunicorn with several workers, and the simulators of the
three sources (sensors over MQTT, the portal over HTTP, citizen feedback through the intake API). Each
process writes its log to ``test-artifacts/rig/<root folder>/<name>.log``, kept after the run for whoever
has to find out why a test failed.
"""

import contextlib
import importlib.util
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests
import sqlalchemy
import yaml

from ioc.auth import kiosk
from ioc.auth.accounts import add_user
from ioc.auth.permissions import ROLES
from ioc.config import load_settings
from ioc.reference import load_reference_data
from ioc.store.engine import open_engine
from ioc.store.migrate import upgrade
from tests.auth.conftest import sign_in
from tests.conftest import ARTIFACTS, REPO, write_config
from tests.reliability.sensor_tap import SensorTap
from tests.services import free_port, require, wait_for_port

STOP_SECONDS = 20
"""How long a process may take to stop after SIGTERM before it is killed."""
START_SECONDS = 60
ALERT_RULE = {
    "id": "rig-station-reporting", "type": "threshold", "kind": "air_quality", "metric": "temperature", "level": 0,
    "severity": "critical",
    "message": {"vi": "{name}: trạm đang gửi số liệu ({value} °C)", "en": "{name}: station reporting ({value} °C)"},
}
"""A critical alert for each air-quality station once it reports, so operators have alerts to act on."""


@dataclass
class ProductionRig:
    web_url: str
    """``http://127.0.0.1:PORT``, served by gunicorn."""
    store_url: str
    engine: sqlalchemy.Engine
    """On the store, migrated, with the reference data loaded."""
    mqtt_port: int
    config_path: Path
    """The config of ``collect-a``, the web app and the simulators (``collect-b`` has one of its own)."""
    logs: Path
    """Folder of the processes' logs, ``<name>.log``."""
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    """Name -> process; each connects to PostgreSQL with its name as ``application_name``."""
    users: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Role -> (name, password), one user per role."""
    sensor_tap: SensorTap | None = None
    """What the sensor simulator sent (None without simulators)."""

    def kiosk_url(self, name: str) -> str:
        """A new wall display token for display ``name``, as the URL a display opens once."""
        return f"{self.web_url}/kiosk/{kiosk.create(self.engine, name, 'rig')}"

    def sign_in(self, role: str) -> requests.Session:
        """A cookie jar signed in through the login form (with its CSRF token) as the user of ``role``."""
        name, password = self.users[role]
        return sign_in(self.web_url, name, password)

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(encoding="utf-8", errors="replace")

    def web_workers(self) -> list[int]:
        """Process ids of gunicorn's workers now (its master respawns one that dies)."""
        master = self.processes["web"].pid
        return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]

    def stop(self, name: str) -> int:
        """Stop process ``name`` (SIGTERM, then SIGKILL after STOP_SECONDS); return its exit code."""
        return stop_process(self.processes[name])


@contextlib.contextmanager
def production_rig(root: Path, postgres_url: str, mosquitto_port: int, *, web_workers: int = 3,
                   sensor_rate: float = 20.0, simulators: bool = True) -> Iterator[ProductionRig]:
    """Start the rig in ``root`` on the (empty) database ``postgres_url`` and the broker at ``mosquitto_port``;
    stop every process at the end, in the order an operator would: sources first, then web, then collectors."""
    require(importlib.util.find_spec("gunicorn") is not None, "gunicorn is not installed (pip install ioc[production])")
    web_port, portal_port = free_port(), free_port()
    config_path = _write_configs(root, postgres_url, mosquitto_port, web_port, portal_port, simulators)
    settings = load_settings(config_path)
    engine = open_engine(postgres_url)
    upgrade(engine)
    load_reference_data(engine, settings)
    logs = ARTIFACTS / "rig" / root.name
    logs.mkdir(parents=True, exist_ok=True)
    rig = ProductionRig(f"http://127.0.0.1:{web_port}", postgres_url, engine, mosquitto_port, config_path, logs)
    for role in ROLES:
        password = f"rig-{role}-{secrets.token_urlsafe(12)}"
        add_user(engine, role, role, password, "rig")
        rig.users[role] = (role, password)
    environment = {**os.environ, "IOC_CONFIG": str(config_path), "IOC_SECRET_KEY": secrets.token_hex(32),
                   "PYTHONUNBUFFERED": "1"}
    environment.pop("IOC_STORE_URL", None)

    def start(name: str, *command: str, config: Path = config_path) -> subprocess.Popen:
        with (logs / f"{name}.log").open("wb") as log:  # the child keeps its own copy of the descriptor
            rig.processes[name] = subprocess.Popen(
                command, cwd=REPO, env={**environment, "IOC_CONFIG": str(config), "PGAPPNAME": name},
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        return rig.processes[name]

    ioc = (sys.executable, "-m", "ioc")
    try:
        if simulators:
            start("simulate-portal", *ioc, "simulate-portal")
            wait_for_port(portal_port, START_SECONDS)
        start("collect-a", *ioc, "collect")
        start("collect-b", *ioc, "collect", config=root / "collect-b" / "config.yaml")
        for name in ("collect-a", "collect-b"):
            _wait_for_log(rig, name, "subscribed to $share/ioc/")
        start("web", sys.executable, "-m", "gunicorn", "-w", str(web_workers), "-b", f"127.0.0.1:{web_port}",
              "--graceful-timeout", "5", "--no-control-socket", "ioc.web.wsgi:application()")
        _wait_for_web(rig)
        if simulators:
            start("simulate-feedback", *ioc, "simulate-feedback", "--url", rig.web_url, "--interval", "2",
                  "--history-days", "0", "--seed", "10")
            rig.sensor_tap = SensorTap(mosquitto_port, settings.resolve(settings.province.sensors_file))
            rig.sensor_tap.start()
            start("simulate-sensors", *ioc, "simulate-sensors", "--rate", str(sensor_rate), "--seed", "10")
        yield rig
    finally:
        for name in ("simulate-sensors", "simulate-feedback", "simulate-portal", "web", "collect-b", "collect-a"):
            if name in rig.processes:
                stop_process(rig.processes[name])
        if rig.sensor_tap:
            rig.sensor_tap.stop()
        engine.dispose()


def stop_process(process: subprocess.Popen) -> int:
    """SIGTERM, wait, then SIGKILL to the process group (gunicorn's workers, the collector's MQTT link)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # anything the process left behind in its group
    return process.returncode


def _write_configs(root: Path, store_url: str, mqtt_port: int, web_port: int, portal_port: int,
                   simulators: bool) -> Path:
    """``root/config.yaml`` (collect-a, web, simulators) and ``root/collect-b/config.yaml``; returns the first."""
    shipped = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    sections = {
        "store": {"url": store_url},
        "mqtt": {"host": "127.0.0.1", "port": mqtt_port, "client_id": "ioc-collect-a", "topics": ["ioc/sensors/#"],
                 "qos": 1, "shared_group": "ioc"},
        "collectors": {"mqtt_ingest": {"protocol": "5", "batch_milliseconds": 50}},
        "alerts": {**shipped["alerts"], "evaluation_interval_seconds": 2,
                   "rules": [*shipped["alerts"]["rules"], ALERT_RULE]},
        "web": {**shipped["web"], "port": web_port},
    }
    if simulators:
        sections["collectors"]["portal"] = {"base_url": f"http://127.0.0.1:{portal_port}", "interval_seconds": 10,
                                            "history_days": 30, "reread_days": 3, "page_size": 5000}
    root.mkdir(parents=True, exist_ok=True)
    main = write_config(root, **sections)
    (root / "collect-b").mkdir(exist_ok=True)
    write_config(root / "collect-b", **{
        **sections, "mqtt": {**sections["mqtt"], "client_id": "ioc-collect-b"},
        "collectors": {"mqtt_ingest": sections["collectors"]["mqtt_ingest"]},
        "alerts": {**sections["alerts"], "engine_enabled": False},
    })
    return main


def _wait_for_log(rig: ProductionRig, name: str, line: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while line not in rig.log(name):
        assert rig.processes[name].poll() is None, f"{name} ended at start-up:\n{rig.log(name)[-3000:]}"
        assert time.monotonic() < deadline, f"{name} did not log {line!r} within {START_SECONDS} s"
        time.sleep(0.1)


def _wait_for_web(rig: ProductionRig) -> None:
    """Until a worker answers the sign-in page (each builds the app at start-up, which takes a few seconds)."""
    deadline = time.monotonic() + START_SECONDS
    while True:
        assert rig.processes["web"].poll() is None, f"gunicorn ended at start-up:\n{rig.log('web')[-3000:]}"
        with contextlib.suppress(requests.ConnectionError, requests.Timeout), \
                requests.get(rig.web_url + "/login", timeout=10) as page:
            if page.status_code == 200:
                return
        assert time.monotonic() < deadline, f"the web app did not answer within {START_SECONDS} s"
        time.sleep(0.2)
