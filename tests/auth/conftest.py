"""The real app over real HTTP, with one user per role, and helpers to act as each of them."""

import json
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass

import flask
import pytest
import requests
from sqlalchemy import Engine, MetaData, select
from waitress import create_server

from ioc.auth import kiosk
from ioc.auth.accounts import add_user
from ioc.auth.permissions import ROLES
from ioc.config import Settings, load_settings
from ioc.web.app import create_app
from tests.conftest import serve_until, write_config
from tests.services import free_port, wait_for_port

PASSWORDS = {role: f"mật-khẩu-{role}-2026" for role in ROLES}
"""Each role's user is named after the role."""
TIMEOUT = 10


@dataclass
class Site:
    url: str
    app: object
    engine: Engine
    settings: Settings


@pytest.fixture
def settings(tmp_path) -> Settings:
    """The shipped config without its collectors: the web app needs none."""
    return load_settings(write_config(tmp_path, collectors={}))


@contextmanager
def serving(settings: Settings, engine: Engine, *blueprints: flask.Blueprint, url_scheme: str = "http"):
    """A fresh app on ``engine`` (plus ``blueprints``) served by waitress on a free port, as ``ioc serve`` would.

    ``url_scheme="https"`` serves it as if behind a proxy that terminates TLS.
    """
    app = create_app(settings, engine)
    for blueprint in blueprints:
        app.server.register_blueprint(blueprint)
    port = free_port()
    server = create_server(app.server, host="127.0.0.1", port=port, threads=4, ident="", url_scheme=url_scheme)
    stop = threading.Event()
    thread = threading.Thread(target=serve_until, args=(server, stop), daemon=True)
    thread.start()
    wait_for_port(port)
    try:
        yield Site(f"http://127.0.0.1:{port}", app, engine, settings)
    finally:
        stop.set()
        thread.join(10)


@pytest.fixture
def accounts(sqlite_engine) -> dict[str, str]:
    for role, password in PASSWORDS.items():
        add_user(sqlite_engine, role, role, password, "test")
    return PASSWORDS


@pytest.fixture
def site(settings, sqlite_engine, accounts):
    with serving(settings, sqlite_engine) as running:
        requests.get(running.url + "/login", timeout=TIMEOUT)  # Dash registers its router on a first request
        yield running


def form_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]


def sign_in(url: str, username: str, password: str, browser: requests.Session | None = None) -> requests.Session:
    """A cookie jar signed in as ``username`` (it must succeed), holding the page's CSRF cookie too."""
    browser = browser or requests.Session()
    token = form_token(browser.get(url + "/login", timeout=TIMEOUT).text)
    response = browser.post(url + "/login", data={"username": username, "password": password, "csrf_token": token},
                            allow_redirects=False, timeout=TIMEOUT)
    assert response.status_code == 303, response.text
    assert browser.get(url + "/", timeout=TIMEOUT).status_code == 200
    return browser


def as_kiosk(url: str, token: str) -> requests.Session:
    browser = requests.Session()
    response = browser.get(f"{url}/kiosk/{token}", timeout=TIMEOUT)
    assert response.status_code == 200 and response.url == url + kiosk.WALL_PATH
    return browser


def csrf_headers(browser: requests.Session) -> dict:
    """What Dash's renderer sends with a callback: the token it copies from its cookie."""
    token = browser.cookies.get("_csrf_token")
    return {"X-CSRFToken": token} if token else {}


def page_callback(path: str) -> dict:
    """The body of the pages router callback Dash posts to fetch the content of ``path``."""
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search", "value": ""}],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }


def revoke_callback(kind: str, name: str) -> dict:
    """The body Dash posts when an admin clicks the revoke button of kiosk token or API key ``name``."""
    button = {"kind": kind, "name": name, "type": "admin-revoke"}
    return {
        "output": "..admin-credentials.children...admin-message.children..",
        "outputs": [{"id": "admin-credentials", "property": "children"},
                    {"id": "admin-message", "property": "children"}],
        "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
        "changedPropIds": [json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"],
        "state": [],
    }


def dump(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table actually in the database."""
    tables = MetaData()
    tables.reflect(engine)
    with engine.connect() as connection:
        return {name: [tuple(row) for row in connection.execute(select(table))]
                for name, table in sorted(tables.tables.items())}
