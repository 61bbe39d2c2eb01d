"""Signing in and out over real HTTP: sessions, cookies, expiry, lock-out, disabled accounts."""

from datetime import timedelta

import pytest
import requests
from sqlalchemy import select, update

from ioc.auth import sessions
from ioc.auth.accounts import AccountError, add_user, disable_user, set_password
from ioc.auth.passwords import PasswordError
from ioc.store import schema
from ioc.timeutil import utcnow
from tests.auth.conftest import TIMEOUT, csrf_headers, form_token, page_callback, serving, sign_in


def attempt(url: str, username: str, password: str, next_path: str = "/") -> requests.Response:
    browser = requests.Session()
    token = form_token(browser.get(url + "/login", timeout=TIMEOUT).text)
    return browser.post(url + "/login", data={"username": username, "password": password, "csrf_token": token,
                                               "next": next_path}, allow_redirects=False, timeout=TIMEOUT)


def test_a_right_password_opens_a_session_with_a_strict_cookie(site, accounts):
    response = attempt(site.url, "operator", accounts["operator"], next_path="/admin?x=1")
    assert response.status_code == 303 and response.headers["Location"] == "/admin?x=1"
    cookie = response.raw.headers.getlist("Set-Cookie")
    session = next(value for value in cookie if value.startswith("ioc_session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session
    assert f"Max-Age={site.settings.auth.session_minutes * 60}" in session
    assert "Secure" not in session  # plain HTTP here; over HTTPS the cookie is Secure


def test_a_wrong_password_or_unknown_user_gets_the_same_answer(site, accounts):
    wrong = attempt(site.url, "operator", "not-the-password")
    unknown = attempt(site.url, "nobody", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    for response in (wrong, unknown):
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.text
        assert "ioc_session" not in response.headers.get("Set-Cookie", "")


def test_the_next_address_never_leaves_the_site(site, accounts):
    for outside in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = attempt(site.url, "viewer", accounts["viewer"], next_path=outside)
        assert response.headers["Location"] == "/"


def test_signing_in_issues_a_new_session_token_and_the_old_one_dies(site, accounts):
    browser = sign_in(site.url, "viewer", accounts["viewer"])
    first = browser.cookies["ioc_session"]
    sign_in(site.url, "analyst", accounts["analyst"], browser=browser)
    second = browser.cookies["ioc_session"]
    assert second != first
    replay = requests.get(site.url + "/_dash-layout", cookies={"ioc_session": first}, timeout=TIMEOUT)
    assert replay.status_code == 401


def test_a_session_token_planted_before_sign_in_is_not_adopted(site, accounts):
    planted = "attacker-chosen-token"
    browser = requests.Session()
    browser.cookies.set("ioc_session", planted, domain="127.0.0.1", path="/")
    sign_in(site.url, "operator", accounts["operator"], browser=browser)
    assert browser.cookies["ioc_session"] != planted
    assert requests.get(site.url + "/_dash-layout", cookies={"ioc_session": planted},
                        timeout=TIMEOUT).status_code == 401


def test_signing_out_ends_the_session_on_the_server(site, accounts):
    browser = sign_in(site.url, "operator", accounts["operator"])
    token = browser.cookies["ioc_session"]
    layout = browser.get(site.url + "/_dash-layout", timeout=TIMEOUT).json()
    csrf = _hidden_token(layout)
    response = browser.post(site.url + "/logout", data={"csrf_token": csrf}, allow_redirects=False,
                            timeout=TIMEOUT)
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert "ioc_session" not in browser.cookies
    assert requests.get(site.url + "/_dash-layout", cookies={"ioc_session": token}, timeout=TIMEOUT).status_code == 401


def test_an_expired_session_is_refused(site, accounts):
    browser = sign_in(site.url, "operator", accounts["operator"])
    with site.engine.begin() as connection:
        connection.execute(update(schema.sessions).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert browser.get(site.url + "/", timeout=TIMEOUT).status_code == 401
    assert browser.post(site.url + "/_dash-update-component", json=page_callback("/"),
                        headers=csrf_headers(browser), timeout=TIMEOUT).status_code == 401


def test_a_disabled_user_cannot_sign_in_and_loses_open_sessions(site, accounts):
    browser = sign_in(site.url, "operator", accounts["operator"])
    disable_user(site.engine, "operator", "test")
    assert browser.get(site.url + "/", timeout=TIMEOUT).status_code == 401
    refused = attempt(site.url, "operator", accounts["operator"])
    assert refused.status_code == 401 and "không đúng" in refused.text


def test_a_new_password_ends_open_sessions(site, accounts):
    browser = sign_in(site.url, "analyst", accounts["analyst"])
    set_password(site.engine, "analyst", "một mật khẩu mới hơn", "test")
    assert browser.get(site.url + "/", timeout=TIMEOUT).status_code == 401
    assert attempt(site.url, "analyst", accounts["analyst"]).status_code == 401
    assert attempt(site.url, "analyst", "một mật khẩu mới hơn").status_code == 303


def test_repeated_failures_lock_the_account_even_against_the_right_password(site, accounts):
    limit = site.settings.auth.max_failed_logins
    for _ in range(limit):
        assert attempt(site.url, "admin", "guess").status_code == 401
    locked = attempt(site.url, "admin", accounts["admin"])
    assert locked.status_code == 401
    assert f"vui lòng thử lại sau {site.settings.auth.lockout_minutes} phút" in locked.text
    assert attempt(site.url, "viewer", accounts["viewer"]).status_code == 303  # other accounts unaffected
    # Once the failures are older than the lock-out, the right password works again.
    with site.engine.begin() as connection:
        connection.execute(update(schema.audit_events).values(
            ts=utcnow() - timedelta(minutes=site.settings.auth.lockout_minutes, seconds=1)))
    assert attempt(site.url, "admin", accounts["admin"]).status_code == 303


def test_a_success_resets_the_failure_count(site, accounts):
    limit = site.settings.auth.max_failed_logins
    for _ in range(limit - 1):
        attempt(site.url, "admin", "guess")
    assert attempt(site.url, "admin", accounts["admin"]).status_code == 303
    for _ in range(limit - 1):
        attempt(site.url, "admin", "guess")
    assert attempt(site.url, "admin", accounts["admin"]).status_code == 303


def test_passwords_are_stored_as_argon2id(sqlite_engine, accounts):
    with sqlite_engine.connect() as connection:
        hashes = connection.execute(select(schema.users.c.password_hash)).scalars().all()
    assert len(hashes) == 4
    assert all(value.startswith("$argon2id$") for value in hashes)


def test_account_errors_are_named(sqlite_engine, accounts):
    with pytest.raises(AccountError, match="user 'viewer' already exists"):
        add_user(sqlite_engine, "viewer", "viewer", "a long enough one", "test")
    with pytest.raises(AccountError, match="unknown role 'boss'; choose one of viewer, analyst, operator, admin"):
        add_user(sqlite_engine, "boss", "boss", "a long enough one", "test")
    with pytest.raises(AccountError, match="may hold only letters"):
        add_user(sqlite_engine, "a b", "viewer", "a long enough one", "test")
    with pytest.raises(PasswordError, match="a password needs at least 10 characters"):
        add_user(sqlite_engine, "short", "viewer", "short", "test")
    with pytest.raises(AccountError, match="no user 'ghost'"):
        disable_user(sqlite_engine, "ghost", "test")


def test_pages_carry_security_headers(site):
    response = requests.get(site.url + "/login", timeout=TIMEOUT)
    assert response.headers["X-Frame-Options"] == "DENY"
    policy = dict(directive.split(" ", 1) for directive in response.headers["Content-Security-Policy"].split("; "))
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in policy["script-src"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Server" not in response.headers or "waitress" not in response.headers["Server"].lower()


def test_the_session_cookie_is_the_only_credential_a_browser_holds(site, accounts):
    browser = sign_in(site.url, "viewer", accounts["viewer"])
    assert set(browser.cookies.keys()) == {sessions.COOKIE, "ioc_csrf", "_csrf_token"}


def _hidden_token(layout) -> str:
    """The CSRF token of the sign-out form in the shell."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            props = node.get("props", {})
            if props.get("name") == "csrf_token":
                found.append(props["value"])
            for value in props.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(layout)
    return found[0]


def test_over_https_every_cookie_is_secure(settings, sqlite_engine, accounts):
    with serving(settings, sqlite_engine, url_scheme="https") as site:
        form = requests.get(site.url + "/login", timeout=TIMEOUT)
        assert "; Secure" in form.headers["Set-Cookie"]
        # requests keeps Secure cookies for https only; hand the form's cookie back as a browser would.
        response = requests.post(site.url + "/login", cookies={"ioc_csrf": form.cookies["ioc_csrf"]},
                                 data={"username": "viewer", "password": accounts["viewer"],
                                       "csrf_token": form_token(form.text)},
                                 headers={"Referer": "https://" + site.url.removeprefix("http://") + "/login"},
                                 allow_redirects=False, timeout=TIMEOUT)
        assert response.status_code == 303, response.text
        cookies = response.raw.headers.getlist("Set-Cookie")
        assert {cookie.split("=")[0] for cookie in cookies} == {"ioc_session", "ioc_csrf"}
        assert all("; Secure" in cookie for cookie in cookies)
