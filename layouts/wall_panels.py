"""The wall's panels as components, built from query and indicator results (no store access here).

Sizes are in viewport units (ioc.css), so one layout fills a 1920x1080 and a 3840x2160 screen alike. Every
colour has a text beside it (a label, ✓/✗, ▲/▼), so a colour-blind viewer reads the same thing.
"""

from __future__ import annotations

from datetime import date, datetime

from dash import html

from ioc.alerts.rules import SEVERITIES
from ioc.i18n import moment, number, percent, text
from ioc.indicators.aqi import CATEGORIES
from ioc.indicators.portal_report import UnitResult
from ioc.indicators.sensor_status import AQI_BANDS, GAUGE_COLOURS, REPORTING_COLOUR, SILENT_COLOUR, SensorStatus

MAX_ALERTS = 6
"""Alerts listed on the wall; the rest are counted ("… and 4 more"), so the panel never scrolls."""


def indicator_tiles(codes: list[str], current: UnitResult | None, previous: UnitResult | None,
                    catalogue: dict[str, dict], targets: dict[str, float], language: str) -> list:
    """One tile per indicator: name, value, target, ✓/✗ against it, and the change since the previous period."""
    return [_tile(code, current, previous, catalogue.get(code, {}), targets[code], language) for code in codes]


def _tile(code: str, current, previous, entry: dict, target: float, language: str) -> html.Div:
    name = entry.get(f"name_{language}", code)
    value = current.values.get(code) if current else None
    gap = current.gaps.get(code) if current else None
    before = previous.values.get(code) if previous else None
    if value is None:
        state, verdict = "none", text("wall.no_data", language)
    elif gap is not None and gap.met is False:
        state, verdict = "behind", text("wall.behind", language)
    else:
        state, verdict = "met", text("wall.met", language)
    return html.Div([
        html.Div(name, className="ioc-wall-tile-name"),
        html.Div([html.Span(_value(value, entry, language), className="ioc-wall-tile-value"),
                  html.Span(verdict, className="ioc-wall-tile-verdict")], className="ioc-wall-tile-line"),
        html.Div(text("wall.target", language, value=_value(target, entry, language)),
                 className="ioc-wall-tile-target"),
        html.Div(_trend(value, before, language), className="ioc-wall-tile-trend"),
    ], className=f"ioc-wall-tile ioc-wall-tile-{state}", id={"type": "wall-tile", "code": code})


def _value(value: float | None, entry: dict, language: str) -> str:
    if value is None:
        return "—"
    if entry.get("unit") == "%":
        return percent(value / 100, language)
    return number(value, language, decimals=1)


def _trend(value: float | None, before: float | None, language: str) -> str:
    if value is None or before is None:
        return ""
    change = round(value - before, 1)
    if change == 0:
        return text("wall.trend_flat", language)
    key = "wall.trend_up" if change > 0 else "wall.trend_down"
    return text(key, language, value=number(abs(change), language, decimals=1))


def period_label(first: date, today: date, previous_first: date, language: str) -> str:
    month = f"{first.month:02d}/{first.year}"
    current = text("wall.month_to_date", language, month=month, day=f"{today.day:02d}/{today.month:02d}")
    before = text("wall.month", language, month=f"{previous_first.month:02d}/{previous_first.year}")
    return text("wall.period", language, period=current, previous=before)


def alert_list(alerts: list[dict], now: datetime, language: str) -> list:
    """Active alerts, most severe and newest first, with severity, age and whether someone acknowledged."""
    ordered = sorted(alerts, key=lambda a: (SEVERITIES.index(a["severity"]), -a["raised_at"].timestamp()))
    rows = [_alert(alert, now, language) for alert in ordered[:MAX_ALERTS]]
    children = [html.H2(text("wall.alerts", language, count=len(alerts)), className="ioc-wall-panel-title")]
    if not rows:
        children.append(html.P(text("wall.no_alerts", language), className="ioc-wall-quiet"))
    children += rows
    if len(ordered) > MAX_ALERTS:
        children.append(html.P(text("wall.more_alerts", language, count=len(ordered) - MAX_ALERTS),
                               className="ioc-wall-quiet"))
    return children


def _alert(alert: dict, now: datetime, language: str) -> html.Div:
    severity = alert["severity"]
    acknowledged = "acknowledged" if alert["acknowledged"] else "unacknowledged"
    message = (alert["message_en"] if language == "en" else None) or alert["message"]
    return html.Div([
        html.Span(text(f"severity.{severity}", language), className=f"ioc-wall-severity ioc-severity-{severity}"),
        html.Div([html.Div(message, className="ioc-wall-alert-message"),
                  html.Div([html.Span(age(now - alert["raised_at"], language)), " · ",
                            html.Span(text(f"wall.{acknowledged}", language), className=f"ioc-wall-{acknowledged}")],
                           className="ioc-wall-alert-meta")], className="ioc-wall-alert-body"),
    ], className=f"ioc-wall-alert ioc-wall-alert-{acknowledged}", id={"type": "wall-alert", "id": alert["id"]})


def age(span, language: str) -> str:
    """How long ago, in whole minutes, hours and minutes, or days."""
    minutes = max(0, int(span.total_seconds() // 60))
    if minutes < 60:
        return text("wall.age_minutes", language, minutes=minutes)
    if minutes < 24 * 60:
        return text("wall.age_hours", language, hours=minutes // 60, minutes=minutes % 60)
    return text("wall.age_days", language, days=minutes // (24 * 60))


def feedback_counts(summary: dict[str, int], language: str) -> list:
    return [
        html.H2(text("wall.feedback", language), className="ioc-wall-panel-title"),
        html.Div([
            html.Div([html.Div(number(summary[key], language), className="ioc-wall-count-value"),
                      html.Div(text(f"wall.feedback.{key}", language), className="ioc-wall-count-label")],
                     className=f"ioc-wall-count ioc-wall-count-{key}", id={"type": "wall-feedback", "key": key})
            for key in ("received", "answered", "overdue")
        ], className="ioc-wall-counts"),
    ]


def latest_data(sensor_time: datetime | None, portal_day: date | None, now: datetime, language: str) -> list:
    never = text("wall.never", language)
    return [
        html.Span(text("wall.latest_sensor", language, time=moment(sensor_time, language) if sensor_time else never)),
        html.Span(text("wall.latest_portal", language,
                       day=f"{portal_day:%d/%m/%Y}" if portal_day else never)),
        html.Span(text("wall.updated", language, time=moment(now, language))),
    ]


def map_legend(statuses: list[SensorStatus], language: str) -> list:
    """Each sensor colour with its label and how many sensors show it: VN_AQI bands, gauge levels, silent."""
    counts: dict[str, int] = {}
    for status in statuses:
        counts[status.status] = counts.get(status.status, 0) + 1
    items = [(f"aqi.{band}", colour) for band, (_upper, _vi, _en, colour) in zip(AQI_BANDS, CATEGORIES, strict=True)]
    items += [(f"gauge.{level}", colour) for level, colour in enumerate(GAUGE_COLOURS)]
    items += [("reporting", REPORTING_COLOUR), ("silent", SILENT_COLOUR)]
    return [html.Span([html.Span(className="ioc-wall-swatch", style={"background": colour}),
                       f"{text(f'sensor.status.{key}', language)} ({counts.get(key, 0)})"],
                      className="ioc-wall-legend-item") for key, colour in items]
