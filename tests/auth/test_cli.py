"""`ioc user|kiosk|apikey`: the admin's tools, with passwords from a hidden prompt or stdin, never argv."""

import re

import pytest
from click.testing import CliRunner

from ioc.auth.accounts import ensure_demo_users, users
from ioc.auth.passwords import verify_password
from ioc.auth.permissions import SCOPES
from ioc.cli import main
from ioc.store import auth_queries
from tests.conftest import write_config


@pytest.fixture
def ioc(tmp_path):
    """Run ``ioc -c <a config on a fresh store> ARGS`` in-process; returns the click result."""
    config = write_config(tmp_path, collectors={})

    def run(*args: str, stdin: str | None = None):
        return CliRunner().invoke(main, ["-c", str(config), *args], input=stdin)

    return run


def test_user_add_passwd_and_disable(ioc, sqlite_engine):
    added = ioc("user", "add", "nguyen.van.a", "--role", "operator", "--password-stdin",
                stdin="mật khẩu đầu tiên\n")
    assert added.exit_code == 0, added.output
    assert added.output == "added nguyen.van.a (operator)\n"
    changed = ioc("user", "passwd", "nguyen.van.a", "--password-stdin", stdin="mật khẩu thứ hai\n")
    assert changed.exit_code == 0 and "mật khẩu" not in changed.output
    with sqlite_engine.connect() as connection:
        user = auth_queries.user_by_name(connection, "nguyen.van.a")
    assert verify_password(user["password_hash"], "mật khẩu thứ hai")
    assert ioc("user", "disable", "nguyen.van.a").output == "disabled nguyen.van.a\n"
    assert "nguyen.van.a             operator  disabled" in ioc("user", "list").output


def test_the_password_prompt_is_hidden_and_confirmed(ioc):
    result = ioc("user", "add", "tran.b", "--role", "viewer", stdin="mật khẩu bí mật\nmật khẩu bí mật\n")
    assert result.exit_code == 0, result.output
    assert "mật khẩu bí mật" not in result.output  # hidden: not echoed
    assert result.output.count("Password") == 1 and "Repeat for confirmation" in result.output


def test_cli_errors_are_named_and_exit_1(ioc):
    assert ioc("user", "add", "x", "--role", "boss", "--password-stdin", stdin="long enough one\n").exit_code == 2
    short = ioc("user", "add", "x", "--role", "viewer", "--password-stdin", stdin="short\n")
    assert (short.exit_code, short.output) == (1, "error: a password needs at least 10 characters\n")
    missing = ioc("user", "disable", "ghost")
    assert (missing.exit_code, missing.output) == (1, "error: no user 'ghost'\n")
    assert ioc("kiosk", "revoke", "ghost").output == "error: no active kiosk 'ghost'\n"
    scope = ioc("apikey", "create", "zalo", "--scope", "everything")
    known = ", ".join(sorted(SCOPES))
    assert (scope.exit_code, scope.output) == (1, f"error: unknown scope everything; known: {known}\n")


def test_a_password_is_never_an_argument(ioc):
    result = ioc("user", "add", "x", "--role", "viewer", "--password", "on-the-command-line")
    assert result.exit_code == 2 and "No such option '--password'" in result.output


def test_kiosk_create_prints_the_url_once_and_list_never_shows_it(ioc):
    created = ioc("kiosk", "create", "phong-hop-1", "--base-url", "https://ioc.binhphuoc.gov.vn/")
    assert created.exit_code == 0, created.output
    token = re.search(r"https://ioc\.binhphuoc\.gov\.vn/kiosk/(iock_\S+)", created.output)[1]
    listed = ioc("kiosk", "list").output
    assert listed.startswith("phong-hop-1") and "active" in listed and token not in listed
    assert ioc("kiosk", "revoke", "phong-hop-1").output == "revoked kiosk phong-hop-1\n"
    assert "revoked" in ioc("kiosk", "list").output


def test_apikey_create_prints_the_key_once_and_list_shows_scope_and_limit(ioc):
    created = ioc("apikey", "create", "zalo-oa", "--scope", "feedback:write", "--rate-limit", "30/minute")
    assert created.exit_code == 0, created.output
    key = re.search(r"(ioca_\S+)", created.output)[1]
    listed = ioc("apikey", "list").output
    assert "zalo-oa" in listed and "feedback:write" in listed and "30/minute" in listed and key not in listed
    assert ioc("apikey", "revoke", "zalo-oa").output == "revoked API key zalo-oa\n"


def test_the_demo_makes_one_user_per_role_once(sqlite_engine):
    created = ensure_demo_users(sqlite_engine, "test")
    assert sorted(created) == ["admin", "analyst", "operator", "viewer"]
    assert {row["username"]: row["role"] for row in users(sqlite_engine)} == {
        "admin": "admin", "analyst": "analyst", "operator": "operator", "viewer": "viewer"}
    assert ensure_demo_users(sqlite_engine, "test") == {}  # a second start makes none and prints none
