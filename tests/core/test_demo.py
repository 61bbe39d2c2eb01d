"""`ioc demo` runs everything in one process and shuts down cleanly on SIGTERM or Ctrl-C, losing nothing."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import paho.mqtt.client as mqtt
import pytest
import requests
import yaml

from tests.conftest import REPO, write_config
from tests.services import free_port, wait_for_port

STARTUP_SECONDS = 60


@pytest.fixture
def demo(tmp_path):
    """A running `ioc demo` on free ports with its own SQLite file; yields (process, web URL, MQTT port, db)."""
    web_port, mqtt_port = free_port(), free_port()
    config = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    path = write_config(tmp_path, web={**config["web"], "port": web_port},
                        mqtt={**config["mqtt"], "port": mqtt_port})
    process = subprocess.Popen([sys.executable, "-m", "ioc", "-c", str(path), "demo"], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        wait_for_port(web_port, timeout=STARTUP_SECONDS)
        yield process, f"http://127.0.0.1:{web_port}", mqtt_port, tmp_path / "ioc.db"
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def _mqtt_round_trip(port: int) -> bytes:
    received = []
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="demo-test")
    client.on_message = lambda _client, _userdata, message: received.append(message.payload)
    client.connect("127.0.0.1", port)
    client.subscribe("test/echo", qos=1)
    client.loop_start()
    try:
        time.sleep(0.3)
        client.publish("test/echo", b"xin chao", qos=1).wait_for_publish(5)
        deadline = time.monotonic() + 5
        while not received and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        client.loop_stop()
        client.disconnect()
    return received[0] if received else b""


@pytest.mark.parametrize(("stop_signal", "to_the_group"), [
    (signal.SIGTERM, False),  # a service manager stops the process
    (signal.SIGINT, True),  # Ctrl-C at a terminal reaches the demo and its child processes at once
    (signal.SIGTERM, True),
])
def test_the_demo_serves_the_shell_runs_a_broker_and_stops_cleanly(demo, stop_signal, to_the_group):
    process, url, mqtt_port, database = demo
    response = requests.get(url + "/login", timeout=10)  # every page needs a sign-in (docs/security.md)
    assert response.status_code == 200
    assert "Trung tâm Điều hành thông minh" in response.text
    assert _mqtt_round_trip(mqtt_port) == b"xin chao"

    # Rows committed by another writer while the demo runs must survive its shutdown. Like the IOC's own
    # writers it waits up to 30 s for the lock: the demo's first portal backfill holds it for seconds.
    with sqlite3.connect(database, timeout=30) as connection:
        before = connection.execute("SELECT count(*) FROM units").fetchone()[0]
        connection.execute("INSERT INTO rejected_inputs (ts, source, reason, detail, payload) "
                           "VALUES ('2026-11-25 01:00:00', 'test', 'probe', 'committed before SIGTERM', '{}')")
    if to_the_group:
        os.killpg(process.pid, stop_signal)
    else:
        process.send_signal(stop_signal)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "stopped broker" in output
    assert "Traceback" not in output
    assert "starting it again" not in output

    with sqlite3.connect(database, timeout=30) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("SELECT count(*) FROM units").fetchone()[0] == before == 123
        assert connection.execute("SELECT detail FROM rejected_inputs WHERE source = 'test'").fetchone() == (
            "committed before SIGTERM",)
