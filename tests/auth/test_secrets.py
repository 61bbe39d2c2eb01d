"""After people sign in, displays open and machines call, no password, token or key is anywhere in clear:
not in any table, not in the database files, not in any log line."""

import getpass
import logging
import re
from pathlib import Path

import requests
from click.testing import CliRunner
from sqlalchemy import text

from ioc.auth import apikeys, audit, kiosk
from ioc.auth.accounts import add_user
from ioc.cli import main
from ioc.store import auth_queries
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
from tests.conftest import write_config

WRONG_PASSWORD = "đoán-mò-một-mật-khẩu"


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
