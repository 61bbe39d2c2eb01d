"""The `ioc` subcommands, run as a user runs them: as processes."""

import os
import signal
import subprocess
import sys

import pytest
import requests
import yaml
from sqlalchemy import func, select

from ioc.store import schema
from ioc.store.engine import open_engine
from tests.conftest import REPO, write_config
from tests.services import free_port, wait_for_port


def ioc(*args: str, env: dict | None = None, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ioc", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})}, cwd=cwd or REPO)


@pytest.mark.postgres
def test_db_upgrade_migrates_postgresql_named_by_the_environment_and_is_repeatable(tmp_path, postgres_url):
    config = write_config(tmp_path)
    for _ in range(2):
        result = ioc("-c", str(config), "db", "upgrade", env={"IOC_STORE_URL": postgres_url})
        assert result.returncode == 0, result.stderr
        assert "store at revision" in result.stdout
    engine = open_engine(postgres_url)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(schema.units)).scalar_one() == 123
    engine.dispose()


def test_db_upgrade_creates_the_sqlite_store_in_wal_mode(tmp_path):
    config = write_config(tmp_path)
    result = ioc("-c", str(config), "db", "upgrade")
    assert result.returncode == 0, result.stderr
    engine = open_engine(f"sqlite:///{tmp_path / 'ioc.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
    engine.dispose()


def test_a_bad_config_stops_every_command_with_exit_code_2(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("web:\n  port: 0\n", encoding="utf-8")
    for command in (["db", "upgrade"], ["serve"], ["collect"]):
        result = ioc("-c", str(path), *command)
        assert result.returncode == 2
        assert "web.port: Input should be greater than or equal to 1" in result.stderr


def test_serve_runs_the_web_app_alone_and_stops_on_sigterm(tmp_path):
    port = free_port()
    web = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))["web"]
    config = write_config(tmp_path, web={**web, "port": port})
    assert ioc("-c", str(config), "db", "upgrade").returncode == 0
    process = subprocess.Popen([sys.executable, "-m", "ioc", "-c", str(config), "serve"], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for_port(port, timeout=60)
        response = requests.get(f"http://127.0.0.1:{port}/login", timeout=10)  # pages need a sign-in
        assert response.status_code == 200
        assert "Server" not in response.headers or "waitress" not in response.headers["Server"].lower()
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
    assert process.returncode == 0


def test_collect_runs_until_sigterm_then_stops_its_collectors(tmp_path):
    config = write_config(tmp_path, collectors={})
    process = subprocess.Popen([sys.executable, "-m", "ioc", "-c", str(config), "collect"], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = ""
    try:
        for line in process.stdout:
            output += line
            if "started collectors" in line:
                break
        process.send_signal(signal.SIGTERM)
        rest, _ = process.communicate(timeout=30)
        output += rest
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert "stopped collectors" in output
