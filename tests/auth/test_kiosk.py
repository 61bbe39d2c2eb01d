"""Kiosk tokens: a wall display opens without a sign-in, stays open across restarts, and loses access when
its token is revoked."""

import pytest
import requests

from ioc.auth import kiosk
from ioc.auth.credentials import CredentialError
from tests.auth.conftest import TIMEOUT, as_kiosk, csrf_headers, page_callback, serving


def test_a_kiosk_url_opens_the_wall_without_a_sign_in_and_hides_the_token(site):
    token = kiosk.create(site.engine, "phong-hop-1", "test")
    assert token.startswith("iock_")
    browser = requests.Session()
    first = browser.get(f"{site.url}/kiosk/{token}", allow_redirects=False, timeout=TIMEOUT)
    assert first.status_code == 303 and first.headers["Location"] == kiosk.WALL_PATH
    assert first.headers["Referrer-Policy"] == "no-referrer"
    cookie = first.raw.headers.getlist("Set-Cookie")[0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=34560000" in cookie
    wall = browser.get(site.url + "/", timeout=TIMEOUT)
    assert wall.status_code == 200
    content = browser.post(site.url + "/_dash-update-component", json=page_callback("/"),
                           headers=csrf_headers(browser), timeout=TIMEOUT)
    assert content.status_code == 200 and "Tổng quan tỉnh" in content.text


def test_a_kiosk_only_looks(site):
    browser = as_kiosk(site.url, kiosk.create(site.engine, "phong-hop-1", "test"))
    assert browser.get(site.url + "/admin", timeout=TIMEOUT).status_code == 403
    layout = browser.get(site.url + "/_dash-layout", timeout=TIMEOUT).text
    assert "/logout" not in layout and "/admin" not in layout


def test_a_kiosk_survives_a_restart_of_the_server(settings, sqlite_engine):
    with serving(settings, sqlite_engine) as first:
        browser = as_kiosk(first.url, kiosk.create(sqlite_engine, "phong-hop-1", "test"))
    with serving(settings, sqlite_engine) as second:
        for name, cookie in browser.cookies.items():  # the display keeps its cookie; the port changed
            browser.cookies.set(name, cookie, domain="127.0.0.1")
        assert browser.get(second.url + "/", timeout=TIMEOUT).status_code == 200


def test_revoking_ends_the_display_s_access_at_its_next_refresh(site):
    token = kiosk.create(site.engine, "phong-hop-1", "test")
    browser = as_kiosk(site.url, token)
    headers = csrf_headers(browser)
    assert browser.post(site.url + "/_dash-update-component", json=page_callback("/"), headers=headers,
                        timeout=TIMEOUT).status_code == 200
    kiosk.revoke(site.engine, "phong-hop-1", "test")
    assert browser.post(site.url + "/_dash-update-component", json=page_callback("/"), headers=headers,
                        timeout=TIMEOUT).status_code == 401
    assert browser.get(site.url + "/", timeout=TIMEOUT).status_code == 401
    reopened = requests.get(f"{site.url}/kiosk/{token}", timeout=TIMEOUT)
    assert reopened.status_code == 401 and "đã bị thu hồi" in reopened.text


def test_a_display_name_has_one_active_token_at_a_time(sqlite_engine):
    kiosk.create(sqlite_engine, "phong-hop-1", "test")
    with pytest.raises(CredentialError, match="kiosk 'phong-hop-1' already has an active one; revoke it first"):
        kiosk.create(sqlite_engine, "phong-hop-1", "test")
    kiosk.revoke(sqlite_engine, "phong-hop-1", "test")
    with pytest.raises(CredentialError, match="no active kiosk 'phong-hop-1'"):
        kiosk.revoke(sqlite_engine, "phong-hop-1", "test")
    kiosk.create(sqlite_engine, "phong-hop-1", "test")  # a new token after revoking: rotation
    assert [row["revoked_at"] is None for row in kiosk.tokens(sqlite_engine)] == [True, False]
