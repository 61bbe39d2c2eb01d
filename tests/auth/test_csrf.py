"""State-changing requests need CSRF proof: a valid token, and no other site's Origin or Referer."""

import requests

from ioc.auth import kiosk
from ioc.auth.csrf import SECRET_KEY_FILE, secret_key
from tests.auth.conftest import TIMEOUT, csrf_headers, dump, form_token, revoke_callback, sign_in


def test_a_callback_that_changes_data_is_refused_without_a_token_and_nothing_changes(site, accounts):
    kiosk.create(site.engine, "lobby-wall", "test")
    admin = sign_in(site.url, "admin", accounts["admin"])
    before = dump(site.engine)
    response = admin.post(site.url + "/_dash-update-component", json=revoke_callback("kiosk", "lobby-wall"),
                          timeout=TIMEOUT)
    assert response.status_code == 403
    assert response.json() == {"error": "CSRF check failed: The CSRF token is missing."}
    forged = admin.post(site.url + "/_dash-update-component", json=revoke_callback("kiosk", "lobby-wall"),
                        headers={"X-CSRFToken": "forged"}, timeout=TIMEOUT)
    assert forged.status_code == 403
    assert forged.json() == {"error": "CSRF check failed: The CSRF token is invalid."}
    assert dump(site.engine) == before


def test_a_callback_from_another_origin_is_refused_even_with_the_token(site, accounts):
    kiosk.create(site.engine, "lobby-wall", "test")
    admin = sign_in(site.url, "admin", accounts["admin"])
    before = dump(site.engine)
    for header in ({"Origin": "http://evil.example"}, {"Referer": "http://evil.example/page"},
                   {"Origin": "null"}):
        response = admin.post(site.url + "/_dash-update-component", json=revoke_callback("kiosk", "lobby-wall"),
                              headers={**csrf_headers(admin), **header}, timeout=TIMEOUT)
        assert response.status_code == 403
        assert response.json() == {"error": "CSRF check failed: The request comes from another site."}
    assert dump(site.engine) == before
    same_site = admin.post(site.url + "/_dash-update-component", json=revoke_callback("kiosk", "lobby-wall"),
                           headers={**csrf_headers(admin), "Origin": site.url}, timeout=TIMEOUT)
    assert same_site.status_code == 200


def test_a_token_from_another_browser_session_does_not_work(site, accounts):
    kiosk.create(site.engine, "lobby-wall", "test")
    admin = sign_in(site.url, "admin", accounts["admin"])
    attacker = sign_in(site.url, "viewer", accounts["viewer"])
    response = admin.post(site.url + "/_dash-update-component", json=revoke_callback("kiosk", "lobby-wall"),
                          headers=csrf_headers(attacker), timeout=TIMEOUT)
    assert response.status_code == 403
    assert kiosk.tokens(site.engine)[0]["revoked_at"] is None


def test_signing_in_needs_the_form_token(site, accounts):
    response = requests.post(site.url + "/login", data={"username": "admin", "password": accounts["admin"]},
                             allow_redirects=False, timeout=TIMEOUT)
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn. Vui lòng đăng nhập lại." in response.text and 'value="admin"' in response.text
    assert "ioc_session" not in response.headers.get("Set-Cookie", "")


def test_signing_out_needs_the_form_token(site, accounts):
    admin = sign_in(site.url, "admin", accounts["admin"])
    response = admin.post(site.url + "/logout", allow_redirects=False, timeout=TIMEOUT)
    assert response.status_code == 403
    assert admin.get(site.url + "/", timeout=TIMEOUT).status_code == 200  # still signed in
    token = form_token(admin.get(site.url + "/login", timeout=TIMEOUT).text)
    assert admin.post(site.url + "/logout", data={"csrf_token": token}, allow_redirects=False,
                      timeout=TIMEOUT).status_code == 303
    assert admin.get(site.url + "/", timeout=TIMEOUT).status_code == 401


def test_the_secret_key_comes_from_the_environment_or_one_shared_file(settings, monkeypatch):
    monkeypatch.delenv("IOC_SECRET_KEY", raising=False)
    first, second = secret_key(settings), secret_key(settings)
    path = settings.resolve(SECRET_KEY_FILE)
    assert first == second == path.read_text() and len(first) == 64
    assert path.stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("IOC_SECRET_KEY", "from-the-environment")
    assert secret_key(settings) == "from-the-environment"
