"""Active alerts as one OASIS CAP 1.2 message (Common Alerting Protocol), for other agencies' systems.

The message is a snapshot: ``msgType`` Alert, ``scope`` Restricted (these are the operations centre's alerts,
not public warnings), one ``info`` block per alert and language (vi-VN first, then en-US). Each block names
the IOC alert in ``eventCode`` ``ioc:alert-id``; its area is the alert's administrative unit, with the GSO
code as ``geocode``. Times are Vietnam local time with their offset, as CAP's pattern requires. Shelved
alerts are left out: shelving means nobody is told for now.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - builds XML, never parses any
from collections.abc import Iterable, Mapping
from datetime import datetime

from ioc.timeutil import VIETNAM, as_utc

NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
SEVERITY = {"critical": "Extreme", "major": "Severe", "minor": "Moderate", "warning": "Minor"}
URGENCY = {"critical": "Immediate", "major": "Immediate", "minor": "Expected", "warning": "Expected"}
CATEGORY = {"sensor": "Env", "collector": "Infra", "store": "Infra"}
"""CAP category by what the rule watches; indicators and feedback are "Other"."""
LANGUAGES = (("vi-VN", "message", "Trung tâm Điều hành thông minh tỉnh {province}"),
             ("en-US", "message_en", "Intelligent Operations Centre, {province} Province"))
RESTRICTION = "Operational alerts of the provincial operations centre; for partner agencies only."
HEADLINE_MAX_CHARS = 160


def cap_time(moment: datetime) -> str:
    """``2026-11-24T10:30:00+07:00``: CAP wants a numeric offset, never ``Z``."""
    return as_utc(moment).astimezone(VIETNAM).replace(microsecond=0).isoformat()


def active_alerts_message(alerts: Iterable[Mapping], *, sender: str, province_name: str, province_code: str,
                          unit_names: Mapping[str, str], now: datetime) -> bytes:
    """The CAP 1.2 XML (UTF-8, with declaration) of ``alerts``, sent at ``now``."""
    ET.register_namespace("", NAMESPACE)
    alerts = [alert for alert in alerts if not _shelved(alert, now)]
    root = _element(None, "alert")
    _text(root, "identifier", f"{sender}.active.{as_utc(now):%Y%m%dT%H%M%SZ}")
    _text(root, "sender", sender)
    _text(root, "sent", cap_time(now))
    _text(root, "status", "Actual")
    _text(root, "msgType", "Alert")
    _text(root, "scope", "Restricted")
    _text(root, "restriction", RESTRICTION)
    _text(root, "note", f"{len(alerts)} active alert(s)")
    for alert in alerts:
        unit = alert.get("unit_code") or province_code
        for language, message_field, sender_name in LANGUAGES:
            message = alert.get(message_field) or alert["message"]
            info = _element(root, "info")
            _text(info, "language", language)
            _text(info, "category", CATEGORY.get(alert.get("source"), "Other"))
            _text(info, "event", alert["rule_id"])
            _text(info, "urgency", URGENCY[alert["severity"]])
            _text(info, "severity", SEVERITY[alert["severity"]])
            _text(info, "certainty", "Observed")
            _pair(info, "eventCode", "ioc:alert-id", str(alert["id"]))
            _text(info, "effective", cap_time(alert["raised_at"]))
            _text(info, "senderName", sender_name.format(province=province_name))
            _text(info, "headline", message[:HEADLINE_MAX_CHARS])
            _text(info, "description", message)
            _pair(info, "parameter", "ioc:target", alert["target"])
            _pair(info, "parameter", "ioc:count", str(alert["count"]))
            _pair(info, "parameter", "ioc:acknowledged", "true" if alert["acknowledged"] else "false")
            _pair(info, "parameter", "ioc:last-seen", cap_time(alert["last_seen_at"]))
            area = _element(info, "area")
            _text(area, "areaDesc", unit_names.get(unit, unit))
            _pair(area, "geocode", "GSO", unit)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _shelved(alert: Mapping, now: datetime) -> bool:
    return alert.get("shelved_until") is not None and alert["shelved_until"] > now


def _element(parent, name: str):
    tag = f"{{{NAMESPACE}}}{name}"
    return ET.Element(tag) if parent is None else ET.SubElement(parent, tag)


def _text(parent, name: str, value: str) -> None:
    _element(parent, name).text = value


def _pair(parent, name: str, value_name: str, value: str) -> None:
    element = _element(parent, name)
    _text(element, "valueName", value_name)
    _text(element, "value", value)
