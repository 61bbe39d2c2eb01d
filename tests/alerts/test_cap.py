"""The CAP 1.2 export validates against OASIS's own schema (tests/fixtures/CAP-v1.2.xsd), in code and over HTTP."""

from pathlib import Path

import pytest
import requests
import xmlschema

from ioc.alerts import lifecycle
from ioc.alerts.cap import active_alerts_message
from ioc.auth import apikeys
from ioc.records import Reading
from ioc.store import alert_queries
from ioc.store.writer import store_readings
from tests.alerts.helpers import alert_settings, minutes, run, watched_since

SCHEMA = xmlschema.XMLSchema(Path(__file__).parents[1] / "fixtures" / "CAP-v1.2.xsd")
RULES = [
    {"id": "pm25-high", "type": "threshold", "kind": "air_quality", "metric": "pm25", "level": 50,
     "severity": "critical", "message": {"vi": "Bụi PM2.5 cao tại {name}: {value} µg/m³ <&>",
                                         "en": "High PM2.5 at {name}: {value} µg/m³ <&>"}},
    {"id": "portal-silent", "type": "missing_data", "collector": "portal", "minutes": 30, "severity": "minor"},
]


@pytest.fixture
def alerts(sqlite_engine, tmp_path):
    """Three active alerts (two stations, one collector) and one shelved."""
    settings = alert_settings(tmp_path / "cfg", RULES)
    watched_since(sqlite_engine, minutes(-31))  # long enough for the portal's silence to count
    with sqlite_engine.begin() as connection:
        store_readings(connection, [Reading("aq-dongxoai-tanphu", "pm25", minutes(0), 80.0),
                                    Reading("aq-hoalu", "pm25", minutes(0), 95.5),
                                    Reading("aq-phurieng", "pm25", minutes(0), 70.0)])
    run(sqlite_engine, settings, minutes(0))
    with sqlite_engine.begin() as connection:
        active = alert_queries.alert_list(connection, active_only=True)
        shelved = next(alert for alert in active if alert["target"] == "aq-phurieng")
        lifecycle.shelve(connection, shelved["id"], "operator1", minutes(1), minutes(10**7), "bảo trì")
    return sqlite_engine


def message(engine) -> bytes:
    with engine.connect() as connection:
        rows = alert_queries.alert_list(connection, active_only=True)
        names = alert_queries.unit_names(connection)
    return active_alerts_message(rows, sender="ioc@binhphuoc.gov.vn", province_name="Bình Phước",
                                 province_code="70", unit_names=names, now=minutes(5))


def test_the_export_of_active_alerts_is_valid_cap_1_2(alerts):
    document = message(alerts)
    SCHEMA.validate(document)
    cap = SCHEMA.to_dict(document)
    assert (cap["identifier"], cap["sent"], cap["msgType"], cap["scope"]) == (
        "ioc@binhphuoc.gov.vn.active.20261124T033500Z", "2026-11-24T10:35:00+07:00", "Alert", "Restricted")
    infos = cap["info"]
    assert len(infos) == 6  # three unshelved alerts x two languages
    languages = [(info["language"], info["event"], info["severity"]) for info in infos]
    assert languages.count(("vi-VN", "pm25-high", "Extreme")) == 2
    assert ("en-US", "portal-silent", "Moderate") in languages
    hoa_lu = next(info for info in infos if info["language"] == "vi-VN" and info["area"][0]["areaDesc"] == "Lộc Ninh")
    assert hoa_lu["description"] == "Bụi PM2.5 cao tại Quan trắc không khí Cửa khẩu Hoa Lư: 95,5 µg/m³ <&>"
    assert hoa_lu["area"][0]["geocode"] == [{"valueName": "GSO", "value": "692"}]
    assert hoa_lu["effective"] == "2026-11-24T10:30:00+07:00"
    collector = next(info for info in infos if info["event"] == "portal-silent")
    assert (collector["category"], collector["area"][0]["areaDesc"]) == (["Infra"], "Bình Phước")


def test_an_empty_export_is_valid_too(sqlite_engine):
    SCHEMA.validate(message(sqlite_engine))


def test_the_cap_route_answers_a_key_with_the_alerts_read_scope_only(alerts, live_server):
    reader = apikeys.create(alerts, "partner", ["alerts:read"], "test")
    writer = apikeys.create(alerts, "feedback-app", ["feedback:write"], "test")
    url = live_server + "/api/v1/alerts.cap"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, headers={"Authorization": f"Bearer {writer}"}, timeout=10).status_code == 403
    response = requests.get(url, headers={"Authorization": f"Bearer {reader}"}, timeout=10)
    assert (response.status_code, response.headers["Content-Type"]) == (200, "application/cap+xml; charset=utf-8")
    SCHEMA.validate(response.content)
    assert len(SCHEMA.to_dict(response.content)["info"]) == 6
