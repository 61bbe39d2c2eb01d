"""A gunicorn worker killed with SIGKILL while an operator acknowledges an alert in the browser.

The kill is timed in the store, not by sleeping: the test holds a PostgreSQL lock the worker's statement
needs, waits until ``pg_stat_activity`` shows the worker's connection (``application_name`` ``web``) blocked
on it, kills every worker (gunicorn's master starts new ones), then lets go.

- Killed **before the commit**: the test holds the alert's row (``SELECT … FOR UPDATE``), so the worker's
  UPDATE waits; once the worker is dead its connection's transaction is rolled back. Not acknowledged.
- Killed **after the commit**: the server is told to wait for a synchronous standby that never comes
  (``synchronous_standby_names``), so the worker's COMMIT is written but never answered; once the worker is
  dead the wait is lifted and the transaction, already committed, becomes visible. Acknowledged once.

Either way the page must say that the server did not answer and show the alert as the store now has it;
then acknowledging again works exactly once. The server is a PostgreSQL of this test's own, since it is
reconfigured.
"""

import json
import os
import signal
import time

import pytest
from sqlalchemy import func, select, text

from ioc.alerts import lifecycle
from ioc.i18n import text as ui_text
from ioc.store import schema
from ioc.timeutil import utcnow
from tests.auth.test_browser import WAIT_MS, sign_in_with_the_form
from tests.conftest import create_database
from tests.reliability.figures import record
from tests.reliability.rig import ALERT_RULE, production_rig
from tests.services import MosquittoServer, PostgresServer, postgres_bindir, require

NEVER_COMES = "ioc_standby_that_never_connects"


@pytest.fixture(scope="module")
def own_rig(mosquitto_binary, tmp_path_factory):
    bindir = postgres_bindir()
    require(bindir is not None, "PostgreSQL is not installed (Debian package postgresql)")
    server = PostgresServer(bindir)
    server.start()
    broker = MosquittoServer(mosquitto_binary)
    broker.start()
    try:
        with production_rig(tmp_path_factory.mktemp("rig-test_worker_killed", numbered=False),
                            create_database(server.url("").rstrip("/")), broker.port, web_workers=2) as rig:
            yield rig
    finally:
        broker.close()
        server.stop()


def wait_for(condition, failure: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, failure
        time.sleep(0.05)
    return value


def web_backend_waiting(engine, wait: str) -> int | None:
    """The server process id of a web worker's connection waiting on ``wait`` (a wait event or its type)."""
    with engine.connect() as connection:
        return connection.execute(text(
            "SELECT pid FROM pg_stat_activity"
            " WHERE application_name = 'web' AND :wait IN (wait_event_type, wait_event)"),
            {"wait": wait}).scalar()


def gone(engine, backend: int) -> bool:
    with engine.connect() as connection:
        return not connection.execute(text("SELECT 1 FROM pg_stat_activity WHERE pid = :pid"),
                                      {"pid": backend}).scalar()


def kill_workers(rig) -> int:
    workers = rig.web_workers()
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    return len(workers)


def set_standby(engine, names: str) -> None:
    """Make every commit wait for the standbys ``names`` (none when empty)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f"ALTER SYSTEM SET synchronous_standby_names = '{names}'"))
        connection.execute(text("SELECT pg_reload_conf()"))


def acknowledgements(engine, alert_id: int) -> tuple[int, bool]:
    """(acknowledge events in the alert's log, whether the alert is marked acknowledged)."""
    with engine.connect() as connection:
        events = connection.execute(select(func.count()).select_from(schema.alert_events).where(
            schema.alert_events.c.alert_id == alert_id, schema.alert_events.c.action == "acknowledge")).scalar_one()
        marked = connection.execute(select(schema.alerts.c.acknowledged).where(
            schema.alerts.c.id == alert_id)).scalar_one()
    return events, marked


def row(page, alert_id: int):
    """The alert's row in the table, found by its details button (every row has one)."""
    button = json.dumps({"id": alert_id, "type": "alerts-open"}, separators=(",", ":"))
    return page.locator("tr.ioc-alert-row").filter(has=page.locator(f"button[id='{button}']"))


def is_reread(response) -> bool:
    """The alerts table read again because a callback got no answer (ioc/web/assets/session.js)."""
    body = response.request.post_data or ""
    return "/_dash-update-component" in response.url and '"ioc-reread.data"' in body \
        and "alerts-table.children" in body


def two_unacknowledged_alerts(engine) -> list[int] | None:
    with engine.connect() as connection:
        alerts = connection.execute(select(schema.alerts.c.id).where(
            schema.alerts.c.rule_id == ALERT_RULE["id"], schema.alerts.c.active,
            schema.alerts.c.acknowledged.is_(False)).order_by(schema.alerts.c.id).limit(2)).scalars().all()
    return alerts if len(alerts) == 2 else None


@pytest.mark.browser
def test_a_worker_killed_during_an_acknowledgement_acknowledges_once_or_not_at_all_and_the_page_says_which(
        own_rig, page):
    rig, engine = own_rig, own_rig.engine
    first, second = wait_for(lambda: two_unacknowledged_alerts(engine), "the rig raised fewer than two alerts", 90)
    with engine.begin() as connection:  # cleared, so the engine's passes leave its row alone (see below)
        lifecycle.clear(connection, second, "operator", utcnow(), "trạm đã được kiểm tra")
    name, password = rig.users["operator"]
    sign_in_with_the_form(page, rig.web_url, name, password)
    page.goto(rig.web_url + "/alerts")
    notice = page.locator("#ioc-no-answer")
    assert notice.text_content() == ui_text("shell.no_answer", "vi") and notice.is_hidden()
    acknowledge = ui_text("alerts.acknowledge", "vi")
    row(page, second).get_by_role("button", name=acknowledge).wait_for(timeout=WAIT_MS)
    killed = 0

    # 1. Killed before the commit: the worker's UPDATE waits for the row this test holds.
    with engine.connect() as holder:
        holder.execute(select(schema.alerts.c.id).where(schema.alerts.c.id == first).with_for_update())
        with page.expect_response(is_reread, timeout=90_000) as reread:
            row(page, first).get_by_role("button", name=acknowledge).click()
            orphan = wait_for(lambda: web_backend_waiting(engine, "Lock"), "the acknowledgement never reached the row")
            killed += kill_workers(rig)
            holder.rollback()
    assert reread.value.ok
    notice.wait_for(state="visible", timeout=WAIT_MS)
    wait_for(lambda: gone(engine, orphan), "the dead worker's connection stayed")
    assert acknowledgements(engine, first) == (0, False)
    row(page, first).get_by_role("button", name=acknowledge).wait_for(timeout=WAIT_MS)
    assert row(page, first).locator(".ioc-alert-ack").count() == 0
    page.wait_for_timeout(1000)  # the redrawn rows run the action callback again, with nothing to do (204)
    assert notice.is_visible(), "the notice went before the operator acted again"
    not_acknowledged = 1

    row(page, first).get_by_role("button", name=acknowledge).click()  # the operator tries again
    page.get_by_text(ui_text("alerts.done.acknowledge", "vi", id=first)).wait_for(timeout=WAIT_MS)
    notice.wait_for(state="hidden", timeout=WAIT_MS)
    row(page, first).locator(".ioc-alert-ack").wait_for(timeout=WAIT_MS)
    assert acknowledgements(engine, first) == (1, True)

    # 2. Killed after the commit: the COMMIT is written, then waits for a standby that never comes. The engine
    # updates every active alert on each pass and would hold their rows in the same wait; the second alert is
    # cleared, so only the acknowledgement touches it.
    set_standby(engine, NEVER_COMES)
    try:
        wait_for(lambda: collector_waiting_for_standby(engine), "commits do not wait for the standby")
        with page.expect_response(is_reread, timeout=90_000) as reread:
            row(page, second).get_by_role("button", name=acknowledge).click()
            orphan = wait_for(lambda: web_backend_waiting(engine, "SyncRep"), "the acknowledgement never committed")
            killed += kill_workers(rig)
            set_standby(engine, "")
    finally:
        set_standby(engine, "")
    assert reread.value.ok
    notice.wait_for(state="visible", timeout=WAIT_MS)
    row(page, second).locator(".ioc-alert-ack").wait_for(timeout=WAIT_MS)
    assert row(page, second).locator(".ioc-alert-ack").inner_text().startswith("Xác nhận bởi operator lúc ")
    assert row(page, second).get_by_role("button", name=acknowledge).count() == 0
    wait_for(lambda: gone(engine, orphan), "the dead worker's connection stayed")
    assert acknowledgements(engine, second) == (1, True)
    assert notice.is_visible()

    doubled = sum(events > 1 for events, _marked in (acknowledgements(engine, first), acknowledgements(engine, second)))
    record("worker_killed_during_ack", attempts=3, acknowledged_once=2, not_acknowledged=not_acknowledged,
           doubled=doubled, workers_killed=killed)
    assert doubled == 0
    assert all("Content Security Policy" not in message for message in page.console_errors), page.console_errors
    assert page.outside_requests == []


def collector_waiting_for_standby(engine) -> bool:
    """Whether a collector's commit is waiting for the standby: the setting is in force."""
    with engine.connect() as connection:
        return bool(connection.execute(text(
            "SELECT 1 FROM pg_stat_activity WHERE application_name LIKE 'collect-%' AND wait_event = 'SyncRep'"
        )).scalar())
