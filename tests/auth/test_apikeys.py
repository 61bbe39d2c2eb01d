"""API keys: machines authenticate with a key that has scopes and a rate limit, and need no CSRF token."""

import flask
import pytest
import requests
from sqlalchemy import update

from ioc.auth import apikeys
from ioc.auth.accounts import add_user
from ioc.auth.apikeys import require_api_key
from ioc.auth.credentials import CredentialError
from ioc.auth.permissions import SCOPES
from ioc.store import schema
from tests.auth.conftest import TIMEOUT, serving, sign_in

intake = flask.Blueprint("test_intake", __name__)


@intake.post("/api/v1/test-feedback")
@require_api_key("feedback:write")
def post_feedback():
    """Stands in for the feedback intake of a later issue: the same decorator, the same answers."""
    return flask.jsonify(accepted=True, by=flask.g.principal.name), 201


@pytest.fixture
def api(settings, sqlite_engine):
    with serving(settings, sqlite_engine, intake) as running:
        yield running


def test_whoami_names_the_key_and_its_scopes_with_either_header(api):
    key = apikeys.create(api.engine, "zalo-oa", ["feedback:write"], "test")
    assert key.startswith("ioca_")
    for headers in ({"Authorization": f"Bearer {key}"}, {"X-API-Key": key}):
        response = requests.get(api.url + "/api/v1/whoami", headers=headers, timeout=TIMEOUT)
        assert response.status_code == 200
        assert response.json() == {"name": "zalo-oa", "scopes": ["feedback:write"]}


def test_a_missing_wrong_or_revoked_key_is_refused(api):
    key = apikeys.create(api.engine, "zalo-oa", ["feedback:write"], "test")
    missing = requests.get(api.url + "/api/v1/whoami", timeout=TIMEOUT)
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"] == 'Bearer realm="ioc"'
    assert requests.get(api.url + "/api/v1/whoami", headers={"X-API-Key": key + "x"},
                        timeout=TIMEOUT).status_code == 401
    apikeys.revoke(api.engine, "zalo-oa", "test")
    revoked = requests.post(api.url + "/api/v1/test-feedback", headers={"X-API-Key": key}, timeout=TIMEOUT)
    assert revoked.status_code == 401 and revoked.json() == {"error": "a valid API key is required"}


def test_a_key_posts_without_csrf_but_a_signed_in_browser_cannot_use_the_api(api):
    key = apikeys.create(api.engine, "zalo-oa", ["feedback:write"], "test")
    response = requests.post(api.url + "/api/v1/test-feedback", headers={"Authorization": f"Bearer {key}"},
                             json={"title": "Đèn đường hỏng"}, timeout=TIMEOUT)
    assert response.status_code == 201 and response.json() == {"accepted": True, "by": "zalo-oa"}
    add_user(api.engine, "admin", "admin", "mật-khẩu-quản-trị", "test")
    browser = sign_in(api.url, "admin", "mật-khẩu-quản-trị")
    assert browser.post(api.url + "/api/v1/test-feedback", timeout=TIMEOUT).status_code == 401


def test_a_key_without_the_scope_is_refused(api):
    key = apikeys.create(api.engine, "open-data", ["feedback:write"], "test")
    with api.engine.begin() as connection:  # as if issued for a scope a later issue adds
        connection.execute(update(schema.api_keys).values(scopes="data:read"))
    response = requests.post(api.url + "/api/v1/test-feedback", headers={"X-API-Key": key}, timeout=TIMEOUT)
    assert response.status_code == 403 and response.json() == {"error": "this key lacks the scope feedback:write"}
    assert requests.get(api.url + "/api/v1/whoami", headers={"X-API-Key": key}, timeout=TIMEOUT).status_code == 200


def test_a_view_cannot_require_an_unknown_scope():
    with pytest.raises(ValueError, match="unknown scope 'feedback:read'"):
        require_api_key("feedback:read")


def test_each_key_has_its_own_rate_limit(api):
    slow = apikeys.create(api.engine, "slow-channel", ["feedback:write"], "test", rate_limit="3/minute")
    other = apikeys.create(api.engine, "other-channel", ["feedback:write"], "test", rate_limit="3/minute")
    statuses = [requests.get(api.url + "/api/v1/whoami", headers={"X-API-Key": slow}, timeout=TIMEOUT).status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = requests.get(api.url + "/api/v1/whoami", headers={"X-API-Key": slow}, timeout=TIMEOUT)
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    assert refused.json() == {"error": "rate limit 3/minute exceeded"}
    assert requests.get(api.url + "/api/v1/whoami", headers={"X-API-Key": other}, timeout=TIMEOUT).status_code == 200


def test_an_unknown_api_route_is_404_not_the_dash_page(api):
    response = requests.get(api.url + "/api/v1/nothing-here", timeout=TIMEOUT)
    assert response.status_code == 404 and response.json() == {"error": "no such API route"}


def test_key_errors_are_named(sqlite_engine):
    with pytest.raises(CredentialError, match=f"unknown scope admin; known: {', '.join(sorted(SCOPES))}"):
        apikeys.create(sqlite_engine, "x", ["admin"], "test")
    with pytest.raises(CredentialError, match="unknown scope \\(none given\\)"):
        apikeys.create(sqlite_engine, "x", [], "test")
    with pytest.raises(CredentialError, match="rate limit 'often' is not like '60/minute'"):
        apikeys.create(sqlite_engine, "x", ["feedback:write"], "test", rate_limit="often")
    with pytest.raises(CredentialError, match="no active API key 'x'"):
        apikeys.revoke(sqlite_engine, "x", "test")
