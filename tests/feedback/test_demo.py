"""`ioc demo` starts with feedback history in the store and the simulator's own API key, and stops cleanly."""

import signal
import sqlite3
import time

from tests.core.test_demo import demo  # noqa: F401 - the fixture: a running `ioc demo` on free ports

HISTORY_SECONDS = 60
"""The 60 days of history take a few seconds on an idle machine; allow for a loaded one."""


def test_the_demo_starts_with_handled_feedback_and_the_simulators_key(demo):  # noqa: F811
    process, _url, _mqtt_port, database = demo
    deadline, statuses = time.monotonic() + HISTORY_SECONDS, {}
    while time.monotonic() < deadline and "closed" not in statuses:  # written in the background after start
        time.sleep(0.5)
        with sqlite3.connect(database) as connection:
            statuses = dict(connection.execute("SELECT status, count(*) FROM feedback GROUP BY status").fetchall())
    with sqlite3.connect(database) as connection:
        keys = connection.execute("SELECT scopes FROM api_keys WHERE name = 'feedback-simulator' "
                                  "AND revoked_at IS NULL").fetchall()
    assert sum(statuses.values()) > 60 * 6 and {"closed", "received", "in_progress"} <= set(statuses)
    assert keys == [("feedback:handle feedback:write",)]
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0 and "stopped feedback simulator" in output, output
