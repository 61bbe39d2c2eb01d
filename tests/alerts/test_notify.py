"""Notifications to a real HTTP server and a real SMTP server, with retries, and a failing channel in health."""

import json
import threading
from email import message_from_bytes
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from ioc.alerts import lifecycle
from ioc.alerts.notify import dispatch
from ioc.records import Reading
from ioc.store import alert_queries, schema
from ioc.store.writer import store_readings
from tests.alerts.helpers import alert_settings, alerts_of, log_of, minutes, run
from tests.services import free_port


class Webhook:
    """An HTTP server that records the JSON it is POSTed and answers 503 to the first ``failures`` requests."""

    def __init__(self, failures: int = 0):
        self.failures = failures
        self.received: list[dict] = []
        self.requests = 0
        webhook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the name http.server calls
                body = self.rfile.read(int(self.headers["Content-Length"]))
                webhook.requests += 1
                if webhook.requests <= webhook.failures:
                    self.send_response(503)
                else:
                    webhook.received.append(json.loads(body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_exc):
        self.server.shutdown()
        self.server.server_close()


class Mailbox:
    """aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 - the name aiosmtpd calls
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default_policy)))
        return "250 OK"


@pytest.fixture
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, mailbox
    controller.stop()


def webhook_channel(**options) -> dict:
    return {"type": "webhook", "name": "ops", "url_env": "IOC_TEST_WEBHOOK_URL", "backoff_seconds": 0.01,
            "timeout_seconds": 2, **options}


PM25_RULE = {"id": "pm25", "type": "threshold", "sensor": "aq-dongxoai-tanphu", "metric": "pm25", "level": 50,
             "severity": "critical"}


def raise_pm25(engine, settings):
    with engine.begin() as connection:
        store_readings(connection, [Reading("aq-dongxoai-tanphu", "pm25", minutes(0), 80.0)])
    return run(engine, settings, minutes(0))


def health(engine) -> dict:
    with engine.connect() as connection:
        return {row["channel"]: row for row in alert_queries.channel_health(connection)}


def test_a_webhook_that_fails_twice_gets_the_alert_on_the_third_attempt(sqlite_engine, tmp_path):
    settings = alert_settings(tmp_path / "cfg", [PM25_RULE], notifications=[webhook_channel(retries=3)])
    with Webhook(failures=2) as hook:
        dispatch(sqlite_engine, settings.alerts.notifications, raise_pm25(sqlite_engine, settings),
                 environ={"IOC_TEST_WEBHOOK_URL": hook.url}, clock=lambda: minutes(0))
    [alert] = alerts_of(sqlite_engine, "pm25")
    assert hook.requests == 3
    [body] = hook.received
    assert body["event"] == "raise"
    assert {key: body["alert"][key] for key in ("id", "rule_id", "target", "severity", "count", "raised_at")} == {
        "id": alert["id"], "rule_id": "pm25", "target": "aq-dongxoai-tanphu", "severity": "critical", "count": 1,
        "raised_at": "2026-11-24T03:30:00+00:00"}
    assert body["alert"]["message"]["en"] == "Quan trắc không khí Đồng Xoài – phường Tân Phú (trung tâm): 80 (limit 50)"
    row = health(sqlite_engine)["ops"]
    assert (row["status"], row["last_error"]) == ("ok", None)


def test_a_webhook_that_keeps_failing_is_given_up_and_shows_failed_in_health(sqlite_engine, tmp_path):
    settings = alert_settings(tmp_path / "cfg", [PM25_RULE], notifications=[webhook_channel(retries=2)])
    with Webhook(failures=100) as hook:
        dispatch(sqlite_engine, settings.alerts.notifications, raise_pm25(sqlite_engine, settings),
                 environ={"IOC_TEST_WEBHOOK_URL": hook.url}, clock=lambda: minutes(0))
    assert (hook.requests, hook.received) == (3, [])
    row = health(sqlite_engine)["ops"]
    assert (row["status"], row["last_success"], row["last_failure"]) == ("failed", None, minutes(0))
    assert row["last_error"].startswith("HTTPStatusError: Server error '503 Service Unavailable'")


def test_a_channel_whose_secret_is_missing_fails_without_trying(sqlite_engine, tmp_path):
    settings = alert_settings(tmp_path / "cfg", [PM25_RULE], notifications=[webhook_channel()])
    dispatch(sqlite_engine, settings.alerts.notifications, raise_pm25(sqlite_engine, settings), environ={},
             clock=lambda: minutes(0))
    row = health(sqlite_engine)["ops"]
    assert (row["status"], row["last_error"]) == ("failed", "IOC_TEST_WEBHOOK_URL is not set")


def test_a_channel_sends_only_its_events_and_severities(sqlite_engine, tmp_path):
    rules = [PM25_RULE, {**PM25_RULE, "id": "pm25-warning", "severity": "warning", "level": 40}]
    channels = [webhook_channel(min_severity="major", events=["raise", "clear"])]
    settings = alert_settings(tmp_path / "cfg", rules, notifications=channels)
    with Webhook() as hook:
        environ = {"IOC_TEST_WEBHOOK_URL": hook.url}
        dispatch(sqlite_engine, settings.alerts.notifications, raise_pm25(sqlite_engine, settings), environ=environ,
                 clock=lambda: minutes(0))
        with sqlite_engine.begin() as connection:
            store_readings(connection, [Reading("aq-dongxoai-tanphu", "pm25", minutes(30), 10.0)])
        dispatch(sqlite_engine, settings.alerts.notifications, run(sqlite_engine, settings, minutes(30)),
                 environ=environ, clock=lambda: minutes(30))
    assert [(body["event"], body["alert"]["rule_id"]) for body in hook.received] == [("raise", "pm25"),
                                                                                     ("clear", "pm25")]


def test_an_email_reaches_the_smtp_server_with_both_languages(sqlite_engine, tmp_path, smtp_server):
    controller, mailbox = smtp_server
    channel = {"type": "email", "name": "duty-mail", "host": "127.0.0.1", "port": controller.port,
               "sender": "ioc@binhphuoc.gov.vn", "recipients": ["truc-ban@binhphuoc.gov.vn"], "backoff_seconds": 0}
    settings = alert_settings(tmp_path / "cfg", [PM25_RULE], notifications=[channel])
    dispatch(sqlite_engine, settings.alerts.notifications, raise_pm25(sqlite_engine, settings), environ={},
             clock=lambda: minutes(0))
    [(recipients, message)] = mailbox.messages
    assert recipients == ["truc-ban@binhphuoc.gov.vn"]
    assert message["Subject"].startswith("[IOC] [CRITICAL] Cảnh báo mới: Quan trắc không khí Đồng Xoài")
    body = message.get_content()
    assert "(ngưỡng 50)" in body and "(limit 50)" in body and "Phát sinh / Raised: 10:30 24/11/2026" in body
    assert health(sqlite_engine)["duty-mail"]["status"] == "ok"


def test_an_unreachable_smtp_server_is_retried_then_recorded_as_failed(sqlite_engine, tmp_path):
    channel = {"type": "email", "name": "duty-mail", "host": "127.0.0.1", "port": free_port(), "retries": 1,
               "sender": "ioc@binhphuoc.gov.vn", "recipients": ["truc-ban@binhphuoc.gov.vn"], "backoff_seconds": 0}
    settings = alert_settings(tmp_path / "cfg", [PM25_RULE], notifications=[channel])
    dispatch(sqlite_engine, settings.alerts.notifications, raise_pm25(sqlite_engine, settings), environ={},
             clock=lambda: minutes(0))
    with sqlite_engine.connect() as connection:
        [row] = alert_queries.channel_health(connection)
    assert (row["status"], row["last_error"].split(":")[0]) == ("failed", "ConnectionRefusedError")


def test_a_channel_that_gave_up_is_not_retried_for_the_other_notices_of_the_pass(sqlite_engine, tmp_path):
    settings = alert_settings(tmp_path / "cfg", [{**PM25_RULE, "sensor": None, "kind": "air_quality"}],
                              notifications=[webhook_channel(retries=1)])
    with sqlite_engine.begin() as connection:
        store_readings(connection, [Reading(sensor, "pm25", minutes(0), 80.0)
                                    for sensor in ("aq-dongxoai-tanphu", "aq-hoalu", "aq-phurieng")])
    with Webhook(failures=100) as hook:
        dispatch(sqlite_engine, settings.alerts.notifications, run(sqlite_engine, settings, minutes(0)),
                 environ={"IOC_TEST_WEBHOOK_URL": hook.url}, clock=lambda: minutes(0))
    assert hook.requests == 2  # the first notice: one attempt and one retry; the other two: none
    with sqlite_engine.connect() as connection:
        rows = connection.execute(select(schema.alert_deliveries.c.attempts, schema.alert_deliveries.c.status)
                                  .order_by(schema.alert_deliveries.c.id)).all()
    assert rows == [(2, "failed"), (0, "failed"), (0, "failed")]
    assert health(sqlite_engine)["ops"]["last_error"].startswith("not attempted, the channel failed earlier: ")


def test_a_shelved_alert_notifies_nobody_when_it_clears_and_does_not_come_back(sqlite_engine, tmp_path):
    settings = alert_settings(tmp_path / "cfg", [PM25_RULE], notifications=[webhook_channel(events=["raise", "clear"])])
    with Webhook() as hook:
        environ = {"IOC_TEST_WEBHOOK_URL": hook.url}
        dispatch(sqlite_engine, settings.alerts.notifications, raise_pm25(sqlite_engine, settings), environ=environ,
                 clock=lambda: minutes(0))
        [alert] = alerts_of(sqlite_engine, "pm25")
        with sqlite_engine.begin() as connection:
            lifecycle.shelve(connection, alert["id"], "operator1", minutes(1), minutes(60), "bảo trì")
            store_readings(connection, [Reading("aq-dongxoai-tanphu", "pm25", minutes(2), 10.0)])
        dispatch(sqlite_engine, settings.alerts.notifications, run(sqlite_engine, settings, minutes(2)),
                 environ=environ, clock=lambda: minutes(2))
        assert run(sqlite_engine, settings, minutes(61)) == []
    assert [body["event"] for body in hook.received] == ["raise"]
    assert [event[0] for event in log_of(sqlite_engine, alert["id"])] == ["raise", "shelve", "clear"]
