"""The sign-in queries behave the same on SQLite and PostgreSQL (each test runs on both)."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from ioc.auth import apikeys, kiosk, sessions
from ioc.auth.accounts import add_user, disable_user
from ioc.auth.signin import SignInRefused, sign_in
from ioc.store import auth_queries, schema
from ioc.timeutil import utcnow


def test_lock_out_counts_failures_since_the_last_success_within_the_window(engine, settings):
    auth = settings.auth
    add_user(engine, "admin", "admin", "mật khẩu đúng rồi", "test")
    for _ in range(auth.max_failed_logins):
        with pytest.raises(SignInRefused, match="invalid"):
            sign_in(engine, auth, "admin", "sai", "10.0.0.1")
    with pytest.raises(SignInRefused, match="locked"):
        sign_in(engine, auth, "admin", "mật khẩu đúng rồi", "10.0.0.1")
    with engine.begin() as connection:
        connection.execute(update(schema.audit_events).values(
            ts=utcnow() - timedelta(minutes=auth.lockout_minutes, seconds=1)))
    assert sign_in(engine, auth, "admin", "mật khẩu đúng rồi", "10.0.0.1")["username"] == "admin"


def test_a_session_lives_until_expiry_sign_out_or_disabling(engine):
    add_user(engine, "viewer", "viewer", "mật khẩu đúng rồi", "test")
    with engine.connect() as connection:
        user_id = auth_queries.user_by_name(connection, "viewer")["id"]
    token = sessions.start(engine, user_id, 60, "10.0.0.1")
    assert sessions.principal(engine, token).name == "viewer"
    sessions.end(engine, token)
    assert sessions.principal(engine, token) is None
    token = sessions.start(engine, user_id, 60, "10.0.0.1")
    with engine.begin() as connection:
        connection.execute(update(schema.sessions).values(expires_at=utcnow()))
    assert sessions.principal(engine, token) is None
    token = sessions.start(engine, user_id, 60, "10.0.0.1")
    disable_user(engine, "viewer", "test")
    assert sessions.principal(engine, token) is None


def test_credentials_are_found_by_their_secret_only_while_active(engine):
    token = kiosk.create(engine, "phong-hop-1", "test")
    key = apikeys.create(engine, "zalo-oa", ["feedback:write"], "test")
    assert kiosk.principal(engine, token).role == "viewer"
    assert kiosk.principal(engine, key) is None
    kiosk.revoke(engine, "phong-hop-1", "test")
    assert kiosk.principal(engine, token) is None
    assert [row["name"] for row in apikeys.keys(engine)] == ["zalo-oa"]
    assert "key_hash" not in apikeys.keys(engine)[0]
