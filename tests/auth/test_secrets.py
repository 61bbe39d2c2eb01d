"""After people sign in, displays open and machines call, no password, token or key is anywhere in clear:
not in any table, not in the database files, not in any log line."""

import getpass
import importlib.util
import logging
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import requests
from click.testing import CliRunner
from sqlalchemy import text

from ioc.auth import apikeys, audit, kiosk
from ioc.auth.accounts import add_user
from ioc.cli import main
from ioc.config import Secrets, load_settings
from ioc.reference import load_reference_data
from ioc.store import auth_queries
from ioc.store.engine import open_engine
from ioc.store.migrate import upgrade
from tests.auth.conftest import (
    TIMEOUT,
    as_kiosk,
    csrf_headers,
    dump,
    form_token,
    revoke_callback,
    serving,
    sign_in,
)
from tests.conftest import REPO, write_config
from tests.feedback.conftest import report
from tests.services import free_port, require, wait_for_port

WRONG_PASSWORD = "đoán-mò-một-mật-khẩu"
ACCESS_LOGGER = "ioc.web.access_log.AccessLogger"


def test_no_secret_is_stored_or_logged_in_clear(tmp_path, settings, sqlite_engine, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="urllib3")  # the test's own HTTP client logs the URLs it opens
    secrets = []

    def ioc(*args: str, stdin: str | None = None) -> str:
        result = CliRunner().invoke(main, ["-c", str(write_config(tmp_path, collectors={})), *args], input=stdin)
        assert result.exit_code == 0, result.output
        return result.output

    for role in ("admin", "operator"):
        password = f"mật khẩu của {role} rất dài"
        ioc("user", "add", role, "--role", role, "--password-stdin", stdin=password + "\n")
        secrets.append(password)
    kiosk_token = re.search(r"/kiosk/(\S+)", ioc("kiosk", "create", "phong-hop-1"))[1]
    api_key = re.search(r"(ioca_\S+)", ioc("apikey", "create", "zalo-oa", "--scope", "feedback:write"))[1]
    secrets += [kiosk_token, api_key, WRONG_PASSWORD]

    with serving(settings, sqlite_engine) as site:
        admin = sign_in(site.url, "admin", secrets[0])
        operator = sign_in(site.url, "operator", secrets[1])
        secrets += [admin.cookies["ioc_session"], operator.cookies["ioc_session"]]
        requests.post(site.url + "/login", data={"username": "admin", "password": WRONG_PASSWORD},
                      timeout=TIMEOUT)  # refused for want of a CSRF token: the password must still not show
        anonymous = requests.Session()
        token = form_token(anonymous.get(site.url + "/login", timeout=TIMEOUT).text)
        anonymous.post(site.url + "/login", data={"username": "admin", "password": WRONG_PASSWORD,
                                                   "csrf_token": token}, timeout=TIMEOUT)
        as_kiosk(site.url, kiosk_token)
        requests.get(f"{site.url}/kiosk/{kiosk_token}x", timeout=TIMEOUT)
        assert requests.get(site.url + "/api/v1/whoami", headers={"Authorization": f"Bearer {api_key}"},
                            timeout=TIMEOUT).status_code == 200
        requests.get(site.url + "/api/v1/whoami", headers={"X-API-Key": api_key + "x"}, timeout=TIMEOUT)
        for body, status in ((report(), 201), ({"title": 5}, 422)):  # stored, and refused into rejected_inputs
            assert requests.post(site.url + "/api/v1/feedback", json=body, headers={"X-API-Key": api_key},
                                 timeout=TIMEOUT).status_code == status
        assert admin.post(site.url + "/_dash-update-component", json=revoke_callback("apikey", "zalo-oa"),
                          headers=csrf_headers(admin), timeout=TIMEOUT).status_code == 200
        operator.post(site.url + "/_dash-update-component", json=revoke_callback("kiosk", "phong-hop-1"),
                      headers=csrf_headers(operator), timeout=TIMEOUT)

    with sqlite_engine.connect() as connection:
        events = [(event["event"], event["actor"], event["subject"]) for event in
                  auth_queries.audit_events(connection)]
    assert (audit.SIGN_IN_FAILED, "anonymous", "admin") in events
    assert (audit.APIKEY_REVOKED, "admin", "zalo-oa") in events
    assert (audit.KIOSK_CREATED, f"cli:{getpass.getuser()}", "phong-hop-1") in events

    tables = str(dump(sqlite_engine))
    database = Path(sqlite_engine.url.database)
    files = b"".join(path.read_bytes() for path in database.parent.glob(database.name + "*"))
    logs = caplog.text
    assert "sign_in actor=admin subject=admin address=127.0.0.1" in logs
    for secret in secrets:
        assert secret not in tables
        assert secret.encode("utf-8") not in files
        assert secret not in logs
        assert secret[5:25] not in logs  # not even a piece of one


def test_no_secret_is_logged_when_requests_fail_on_a_broken_store(settings, sqlite_engine, caplog):
    """Error paths: with the store's credential and audit tables gone, opening a kiosk URL, calling the API with
    a key and signing in with a password each fail with 500, and the error log names none of them."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="urllib3")
    password = "mật khẩu của operator rất dài"
    add_user(sqlite_engine, "operator", "operator", password, "test")
    kiosk_token = kiosk.create(sqlite_engine, "phong-hop-1", "test")
    api_key = apikeys.create(sqlite_engine, "zalo-oa", ["feedback:write"], "test")
    with serving(settings, sqlite_engine) as site:
        browser = requests.Session()
        token = form_token(browser.get(site.url + "/login", timeout=TIMEOUT).text)
        with sqlite_engine.begin() as connection:
            for table in ("kiosk_tokens", "api_keys", "audit_events"):
                connection.execute(text(f"DROP TABLE {table}"))
        answers = [
            requests.get(f"{site.url}/kiosk/{kiosk_token}", timeout=TIMEOUT),
            requests.get(site.url + "/api/v1/whoami", headers={"Authorization": f"Bearer {api_key}"},
                         timeout=TIMEOUT),
            requests.post(site.url + "/api/v1/feedback", json={"title": password}, timeout=TIMEOUT,
                          headers={"X-API-Key": api_key}),
            browser.post(site.url + "/login", data={"username": "operator", "password": password,
                                                    "csrf_token": token}, timeout=TIMEOUT),
        ]
    assert [answer.status_code for answer in answers] == [500] * 4
    logs = caplog.text
    assert logs.count("Traceback") >= 4  # the failures were logged, with their stacks
    assert "Exception on auth.open_kiosk [GET]" in logs  # named by its route, not by its address
    for secret in (password, kiosk_token, api_key):
        assert secret not in logs
        assert secret[5:25] not in logs


ACCESS_LOG_FORMAT = ('%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(U)s '
                     '%({authorization}i)s %({x-api-key}i)s %({cookie}i)s %({set-cookie}o)s')
"""gunicorn's default access line, with the path and every header that carries a credential asked for too."""


def test_gunicorn_access_and_error_logs_hold_no_secret(tmp_path):
    """``ioc.web.wsgi`` under gunicorn with its access log on (docs/security.md): the kiosk URL's token, API keys,
    passwords and session cookies are not in what gunicorn writes, whatever the log format asks for."""
    require(importlib.util.find_spec("gunicorn") is not None, "gunicorn is not installed (pip install ioc[production])")
    config = write_config(tmp_path, collectors={})
    settings = load_settings(config)
    engine = open_engine(settings.store_url(Secrets(store_url=None)))
    upgrade(engine)
    load_reference_data(engine, settings)
    password = "mật khẩu của admin rất dài"
    add_user(engine, "admin", "admin", password, "test")
    kiosk_token = kiosk.create(engine, "phong-hop-1", "test")
    api_key = apikeys.create(engine, "zalo-oa", ["feedback:write"], "test")
    engine.dispose()
    port, log_path = free_port(), tmp_path / "gunicorn.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "--access-logfile", "-",
             "--error-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT, "--logger-class", ACCESS_LOGGER,
             "ioc.web.wsgi:application()"],
            cwd=REPO, env={**os.environ, "IOC_CONFIG": str(config)}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
    try:
        wait_for_port(port, timeout=60)
        url = f"http://127.0.0.1:{port}"
        admin = sign_in(url, "admin", password)
        anonymous = requests.Session()
        token = form_token(anonymous.get(url + "/login", timeout=TIMEOUT).text)
        anonymous.post(url + "/login", data={"username": "admin", "password": WRONG_PASSWORD, "csrf_token": token},
                       timeout=TIMEOUT)
        as_kiosk(url, kiosk_token)
        requests.get(f"{url}/kiosk/{kiosk_token}x", timeout=TIMEOUT)
        for headers in ({"Authorization": f"Bearer {api_key}"}, {"X-API-Key": api_key},
                        {"X-API-Key": api_key + "x"}):
            requests.get(url + "/api/v1/whoami", headers=headers, timeout=TIMEOUT)
            requests.post(url + "/api/v1/feedback", json={"title": "?"}, headers=headers, timeout=TIMEOUT)
        secrets = [password, WRONG_PASSWORD, kiosk_token, api_key, admin.cookies["ioc_session"]]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    logs = log_path.read_text(encoding="utf-8", errors="replace")
    assert '"GET /kiosk/' in logs and '"GET /api/v1/whoami HTTP/1.1" 200' in logs  # the access log was written
    for secret in secrets:
        assert secret not in logs
        assert secret[5:25] not in logs
