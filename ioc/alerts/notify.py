"""Sending alerts out: a JSON webhook and e-mail over SMTP, each attempt retried with exponential back-off.

Every notice sent to a channel, or given up on, is recorded in ``alert_deliveries`` with the number of attempts
and the last error, so a channel that fails shows in the health view like a failing collector does. A channel
never raises: one broken mail server must not stop the webhook, nor the engine.

A shelved alert notifies nobody. A channel sends only the events it lists and alerts at least as severe as its
``min_severity``.
"""

from __future__ import annotations

import logging
import os
import smtplib
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from email.header import Header
from email.mime.text import MIMEText

import httpx
from sqlalchemy import Engine
from tenacity import Retrying, stop_after_attempt, wait_exponential

from ioc.alerts.channels import EmailChannel, WebhookChannel
from ioc.alerts.engine import Notice
from ioc.alerts.rules import SEVERITIES
from ioc.i18n import moment
from ioc.store import alert_queries
from ioc.timeutil import utcnow

log = logging.getLogger(__name__)

PAYLOAD_FIELDS = ("id", "rule_id", "target", "severity", "source", "unit_code", "value", "count", "active",
                  "acknowledged", "assignee", "raised_at", "last_seen_at", "cleared_at")


class ChannelError(Exception):
    """The channel cannot be used at all (e.g. its secret is not set): not worth retrying."""


def payload(notice: Notice) -> dict:
    """The JSON a webhook receives: the event, and the alert with both messages and ISO 8601 UTC times."""
    alert = notice.alert
    body = {name: alert.get(name) for name in PAYLOAD_FIELDS}
    for name in ("raised_at", "last_seen_at", "cleared_at"):
        body[name] = body[name].isoformat() if body[name] else None
    body["message"] = {"vi": alert["message"], "en": alert.get("message_en")}
    return {"event": notice.event, "alert": body}


def wanted(channel: WebhookChannel | EmailChannel, notice: Notice, now: datetime) -> bool:
    alert = notice.alert
    shelved = alert.get("shelved_until") is not None and alert["shelved_until"] > now
    severe_enough = SEVERITIES.index(alert["severity"]) <= SEVERITIES.index(channel.min_severity)
    return notice.event in channel.events and severe_enough and not shelved


def dispatch(engine: Engine, channels: Iterable[WebhookChannel | EmailChannel], notices: Iterable[Notice],
             environ: Mapping[str, str] = os.environ, clock: Callable[[], datetime] = utcnow) -> None:
    """Send each notice to each channel that wants it, and record every delivery.

    A channel that gives up on one notice is not tried again for the others of this pass (they are recorded as
    failed without an attempt), so a dead mail server cannot hold the engine for retries x notices.
    """
    notices, channels = list(notices), list(channels)
    broken: dict[str, str] = {}
    for notice in notices:
        for channel in channels:
            if wanted(channel, notice, clock()):
                if channel.name in broken:
                    attempts, error = 0, f"not attempted, the channel failed earlier: {broken[channel.name]}"
                else:
                    attempts, error = _deliver(channel, notice, environ)
                    if error:
                        broken[channel.name] = error
                with engine.begin() as connection:
                    alert_queries.record_delivery(connection, notice.alert["id"], channel.name, notice.event,
                                                  clock(), attempts, error)


def _deliver(channel, notice: Notice, environ: Mapping[str, str]) -> tuple[int, str | None]:
    """(attempts made, last error or None). A channel whose secret is missing is not attempted."""
    try:
        send = _sender(channel, environ)
    except ChannelError as exc:
        return 0, str(exc)
    retrying = Retrying(stop=stop_after_attempt(channel.retries + 1),
                        wait=wait_exponential(multiplier=channel.backoff_seconds), reraise=True)
    try:
        retrying(send, notice)
    except Exception as exc:  # noqa: BLE001 - any failure of the outside world is recorded, not raised
        attempts = retrying.statistics["attempt_number"]
        log.warning("alert %s: channel %s failed after %d attempt(s): %s", notice.alert["id"], channel.name,
                    attempts, exc)
        return attempts, f"{type(exc).__name__}: {exc}"
    return retrying.statistics["attempt_number"], None


def _sender(channel, environ: Mapping[str, str]) -> Callable[[Notice], None]:
    """A function that makes one attempt to send a notice through ``channel``, its secret already read."""
    if isinstance(channel, WebhookChannel):
        url = _secret(environ, channel.url_env)

        def post(notice: Notice) -> None:
            httpx.post(url, json=payload(notice), timeout=channel.timeout_seconds).raise_for_status()

        return post
    password = _secret(environ, channel.password_env) if channel.password_env else None

    def mail(notice: Notice) -> None:
        with smtplib.SMTP(channel.host, channel.port, timeout=channel.timeout_seconds) as smtp:
            if channel.starttls:
                smtp.starttls()
            if channel.username and password:
                smtp.login(channel.username, password)
            smtp.send_message(email(channel, notice))

    return mail


def _secret(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name)
    if not value:
        raise ChannelError(f"{name} is not set")
    return value


EVENT_WORDS = {"raise": ("Cảnh báo mới", "New alert"), "escalate": ("Chưa xác nhận", "Not acknowledged"),
               "clear": ("Đã hết", "Cleared")}


def email(channel: EmailChannel, notice: Notice) -> MIMEText:
    """A plain-text message, Vietnamese first, times in Vietnam local time.

    The subject is a ``Header`` because the modern ``EmailMessage`` folds long Vietnamese subjects between two
    encoded words, where readers drop the space (``trắc không`` becomes ``trắckhông``).
    """
    alert = notice.alert
    vi_event, en_event = EVENT_WORDS[notice.event]
    body = "\n".join([
        f"{vi_event} / {en_event}",
        "",
        alert["message"],
        alert.get("message_en") or "",
        "",
        f"Mức độ / Severity: {alert['severity']}",
        f"Quy tắc / Rule: {alert['rule_id']} — {alert['target']}",
        f"Phát sinh / Raised: {moment(alert['raised_at'], 'vi')}",
        f"Mã cảnh báo / Alert id: {alert['id']}",
    ])
    message = MIMEText(body, "plain", "utf-8")
    message["Subject"] = Header(f"[IOC] [{alert['severity'].upper()}] {vi_event}: {alert['message']}", "utf-8")
    message["From"] = channel.sender
    message["To"] = ", ".join(channel.recipients)
    return message
