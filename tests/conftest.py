"""Shared fixtures: settings on a temporary store, the store on SQLite and PostgreSQL, real services, a browser."""

import os
import shutil
import threading
import uuid
from pathlib import Path

import pytest
import yaml
from sqlalchemy import text
from waitress import create_server, wasyncore

from ioc.config import Secrets, Settings, load_settings
from ioc.reference import load_reference_data
from ioc.store.engine import open_engine
from ioc.store.migrate import upgrade
from ioc.web.app import create_app
from tests.services import (
    MosquittoServer,
    PostgresServer,
    free_port,
    postgres_bindir,
    require,
    wait_for_port,
)

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]
ARTIFACTS = REPO / "test-artifacts"


def write_config(folder: Path, **sections) -> Path:
    """A config file in ``folder`` that uses the repo's reference data and a SQLite store in ``folder``.

    Keyword arguments replace or add whole sections, e.g. ``web={"port": 9000}``.
    """
    config = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    for key in config["province"]:
        if key.endswith("_file"):
            config["province"][key] = str(REPO / config["province"][key])
    config["store"] = {"url": f"sqlite:///{folder / 'ioc.db'}"}
    for name, section in sections.items():
        config[name] = section
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def settings(tmp_path) -> Settings:
    return load_settings(write_config(tmp_path))


@pytest.fixture(scope="session")
def postgres_server():
    external = os.environ.get("IOC_TEST_POSTGRES_URL")
    if external:
        yield external.rsplit("/", 1)[0]
        return
    bindir = postgres_bindir()
    require(bindir is not None, "PostgreSQL is not installed (Debian package postgresql)")
    server = PostgresServer(bindir)
    server.start()
    yield server.url("").rstrip("/")
    server.stop()


def create_database(postgres_server: str) -> str:
    """The URL of a fresh, empty database made on the PostgreSQL server at ``postgres_server``."""
    name = f"ioc_test_{uuid.uuid4().hex[:12]}"
    admin = open_engine(f"{postgres_server}/postgres")
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{postgres_server}/{name}"


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A fresh, empty database on the test PostgreSQL server."""
    return create_database(postgres_server)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str:
    """Each store test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def engine(store_url, settings):
    """A migrated store with the reference data loaded, on each backend."""
    engine = open_engine(store_url)
    upgrade(engine)
    load_reference_data(engine, settings)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(settings):
    """The embedded store alone, for tests that are not about the backend."""
    engine = open_engine(settings.store_url(Secrets(store_url=None)))
    upgrade(engine)
    load_reference_data(engine, settings)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def mosquitto_binary() -> str:
    binary = shutil.which("mosquitto") or shutil.which("mosquitto", path="/usr/sbin")
    require(binary is not None, "Mosquitto is not installed (Debian package mosquitto)")
    return binary


@pytest.fixture
def mosquitto(mosquitto_binary):
    """A running Mosquitto broker of this test's own; ``.stop()``/``.start()`` restart it."""
    server = MosquittoServer(mosquitto_binary)
    server.start()
    yield server
    server.close()


@pytest.fixture(scope="session")
def browser():
    require(Path(CHROMIUM).exists(), "Chromium is not installed (Debian packages chromium, chromium-driver)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab (own cookies) that records console errors and requests leaving this machine."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="vi-VN")
    tab = context.new_page()
    tab.console_errors = []
    tab.outside_requests = []
    tab.on("console", lambda message: message.type == "error" and tab.console_errors.append(message.text))
    tab.on("request", lambda request: _is_outside(request.url) and tab.outside_requests.append(request.url))
    yield tab
    context.close()


def _is_outside(url: str) -> bool:
    return not url.startswith(("http://127.0.0.1", "blob:http://127.0.0.1", "data:", "about:"))


@pytest.fixture
def live_server(settings, sqlite_engine):
    """The web app served over real HTTP by waitress on a free port; yields its base URL."""
    port = free_port()
    server = create_server(create_app(settings, sqlite_engine).server, host="127.0.0.1", port=port, threads=4)
    stop = threading.Event()
    thread = threading.Thread(target=serve_until, args=(server, stop), daemon=True)
    thread.start()
    wait_for_port(port)
    yield f"http://127.0.0.1:{port}"
    stop.set()
    thread.join(10)


def serve_until(server, stop: threading.Event) -> None:
    """waitress's loop, stopped and closed from its own thread (closing it from another one races ``select``)."""
    while not stop.is_set():
        wasyncore.loop(timeout=0.05, map=server._map, count=1)
    server.task_dispatcher.shutdown()
    for channel in list(server._map.values()):
        channel.handle_close()  # a connection's handle_close also closes its buffers (close() does not)


@pytest.fixture
def kiosk_url(live_server, sqlite_engine) -> str:
    """A URL that opens ``live_server`` as a wall display (a viewer) without signing in (docs/security.md)."""
    from ioc.auth import kiosk

    return f"{live_server}/kiosk/{kiosk.create(sqlite_engine, 'test-display', 'test')}"
