"""The store's tables. Only modules of ``ioc.store`` write SQL against them.

All moments are stored in UTC (``UTCDateTime``). Rollup days are Vietnam calendar days.
"""

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.sql import false
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime on every backend (SQLite keeps no zone, so it is normalised on the way in)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the store only takes aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


units = Table(
    "units",
    metadata,
    Column("code", String(10), primary_key=True, comment="GSO code"),
    Column("name", String(100), nullable=False),
    Column("name_ascii", String(100), nullable=False),
    Column("level", String(10), nullable=False),
    Column("parent_code", String(10), ForeignKey("units.code"), nullable=True),
    Column("centroid_lon", Float),
    Column("centroid_lat", Float),
    Column("area_km2", Float),
    CheckConstraint("level IN ('province', 'district', 'commune')", name="level"),
)

indicators = Table(
    "indicators",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("name_vi", String(200), nullable=False),
    Column("name_en", String(200), nullable=False),
    Column("unit", String(20), nullable=False, comment="unit of the value, e.g. % or days"),
    Column("direction", String(6), nullable=False, comment="higher or lower is better"),
    Column("default_target", Float, nullable=True),
    Column("formula_ref", String(200), nullable=False, comment="where the formula is written down"),
    CheckConstraint("direction IN ('higher', 'lower')", name="direction"),
)

observations = Table(
    "observations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ts", UTCDateTime, nullable=False, comment="start of the period the value is for"),
    Column("indicator_code", String(40), ForeignKey("indicators.code"), nullable=False),
    Column("unit_code", String(10), ForeignKey("units.code"), nullable=False),
    Column("value", Float, nullable=False),
    Column("source", String(40), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    UniqueConstraint("indicator_code", "unit_code", "ts", "source"),
)

sensors = Table(
    "sensors",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(30), nullable=False),
    Column("name", String(200), nullable=False),
    Column("unit_code", String(10), ForeignKey("units.code"), nullable=True),
    Column("lon", Float),
    Column("lat", Float),
    Column("metrics", JSON, nullable=False, comment="metric -> canonical unit, valid range, thresholds"),
)

readings = Table(
    "readings",
    metadata,
    Column("sensor_id", String(64), ForeignKey("sensors.id"), primary_key=True),
    Column("metric", String(40), primary_key=True),
    Column("ts", UTCDateTime, primary_key=True),
    Column("value", Float, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Index("ix_readings_ts", "ts"),
)


latest_readings = Table(
    "latest_readings",
    metadata,
    Column("sensor_id", String(64), ForeignKey("sensors.id"), primary_key=True),
    Column("metric", String(40), primary_key=True),
    Column("ts", UTCDateTime, nullable=False, comment="time of the newest reading of this sensor metric"),
    Column("value", Float, nullable=False),
    comment="the newest reading of every sensor metric, kept by the writer on ingest (migration 0006)",
)
"""So that pages read one row per sensor metric instead of searching ``readings`` for the newest."""


def _rollup(name: str, bucket: Column) -> Table:
    return Table(
        name,
        metadata,
        Column("sensor_id", String(64), ForeignKey("sensors.id"), primary_key=True),
        Column("metric", String(40), primary_key=True),
        bucket,
        Column("count", Integer, nullable=False),
        Column("sum", Float, nullable=False),
        Column("min", Float, nullable=False),
        Column("max", Float, nullable=False),
    )


rollups_hourly = _rollup("rollups_hourly", Column("hour", UTCDateTime, primary_key=True))
rollups_daily = _rollup("rollups_daily", Column("day", Date, primary_key=True, comment="Vietnam calendar day"))

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("tracking_code", String(20), nullable=False, unique=True),
    Column("channel", String(20), nullable=False),
    Column("channel_ref", String(100), nullable=False, comment="the channel's own id, so retries are one row"),
    Column("category", String(40), nullable=False),
    Column("title", String(300), nullable=False),
    Column("description", Text, nullable=False),
    Column("unit_code", String(10), ForeignKey("units.code"), nullable=True),
    Column("lon", Float),
    Column("lat", Float),
    Column("reporter_name", String(200)),
    Column("reporter_phone", String(40)),
    Column("reporter_email", String(200)),
    Column("status", String(20), nullable=False),
    Column("agency", String(200)),
    Column("reply", Text),
    Column("rating", Integer),
    Column("received_at", UTCDateTime, nullable=False),
    Column("due_at", UTCDateTime),
    Column("answered_at", UTCDateTime),
    Column("closed_at", UTCDateTime),
    # from migration 0006_feedback (docs/feedback.md)
    Column("attachments", JSON, comment="links to photos or files the channel holds"),
    Column("outside_province", Boolean, nullable=False, server_default=false(),
           comment="its coordinates lie outside the province: accepted, and marked"),
    Column("reject_reason", Text, comment="why it was rejected; shown to the citizen"),
    Column("submitted_by", String(100), comment="the API key, user or import that brought it in"),
    UniqueConstraint("channel", "channel_ref"),
    Index("ix_feedback_received_at", "received_at"),
    Index("ix_feedback_status_due_at", "status", "due_at"),
)

feedback_events = Table(
    "feedback_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("feedback_id", Integer, ForeignKey("feedback.id"), nullable=False, index=True),
    Column("ts", UTCDateTime, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("from_status", String(20)),
    Column("to_status", String(20), nullable=False),
    Column("note", Text),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rule_id", String(60), nullable=False),
    Column("target", String(100), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("message", Text, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("acknowledged", Boolean, nullable=False),
    Column("raised_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("cleared_at", UTCDateTime),
    Column("count", Integer, nullable=False),
    Column("shelved_until", UTCDateTime),
    Column("assignee", String(100)),
    # from migration 0004_alerts (docs/alerts.md)
    Column("source", String(20), comment="what the rule watches: sensor, collector, indicator or feedback"),
    Column("unit_code", String(10), comment="administrative unit of the target, if it has one"),
    Column("value", Float, comment="the value that met the condition, at the last evaluation"),
    Column("message_en", Text, comment="the message in English; `message` is Vietnamese"),
    Column("notified_at", UTCDateTime, comment="when notifications last went out (raise or escalation)"),
    CheckConstraint("severity IN ('critical', 'major', 'minor', 'warning')", name="severity"),
    Index("ix_alerts_rule_id_target_active", "rule_id", "target", "active"),
)

alert_events = Table(
    "alert_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("alert_id", Integer, ForeignKey("alerts.id"), nullable=False, index=True),
    Column("ts", UTCDateTime, nullable=False),
    Column("action", String(20), nullable=False),
    Column("actor", String(100), nullable=False, comment="user name, or 'system'"),
    Column("note", Text),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(10), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint("role IN ('viewer', 'analyst', 'operator', 'admin')", name="role"),
)

collector_runs = Table(
    "collector_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("collector", String(60), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("status", String(10), nullable=False, comment="running, ok or failed"),
    Column("rows", Integer, nullable=False, default=0),
    Column("error", Text),
    Index("ix_collector_runs_collector_started_at", "collector", "started_at"),
)

rejected_inputs = Table(
    "rejected_inputs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ts", UTCDateTime, nullable=False),
    Column("source", String(60), nullable=False),
    Column("reason", String(60), nullable=False, comment="a short machine-readable reason, counted per source"),
    Column("detail", Text, nullable=False, comment="the human-readable error"),
    Column("payload", Text, nullable=False, comment="the raw input, truncated"),
    Index("ix_rejected_inputs_source_reason", "source", "reason"),
)


# --- Sign-in, kiosk tokens, API keys and the audit trail (docs/security.md) ---------------------------------
# No secret is stored: a session, kiosk token or API key is kept as the SHA-256 of the random token it is.

sessions = Table(
    "sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True, comment="SHA-256 hex of the cookie's token"),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("address", String(64), comment="client address at sign-in"),
)

kiosk_tokens = Table(
    "kiosk_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, comment="the wall display it was issued for"),
    Column("token_hash", String(64), nullable=False, unique=True, comment="SHA-256 hex of the token"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("revoked_at", UTCDateTime),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, comment="the machine client it was issued for"),
    Column("key_hash", String(64), nullable=False, unique=True, comment="SHA-256 hex of the key"),
    Column("scopes", String(200), nullable=False, comment="space-separated scopes, e.g. feedback:write"),
    Column("rate_limit", String(40), nullable=False, comment="requests allowed, e.g. 60/minute"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("revoked_at", UTCDateTime),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ts", UTCDateTime, nullable=False),
    Column("event", String(40), nullable=False),
    Column("actor", String(100), nullable=False, comment="who acted: a user, 'cli:<os user>' or 'anonymous'"),
    Column("subject", String(100), comment="the account, display or key acted on"),
    Column("address", String(64), comment="client address, or 'local' for the command line"),
    Column("detail", String(200), comment="a short reason; never a secret"),
    Index("ix_audit_events_event_subject_ts", "event", "subject", "ts"),
)


# --- Public-service portal: catalogue, daily dossier statistics, watermarks (docs/portal-contract.md) -------
# Days are Vietnam calendar days. Unit codes are GSO codes (units) or department codes (departments); they
# carry no foreign key because a dossier's unit is either, and the collector checks them before storing.

departments = Table(
    "departments",
    metadata,
    Column("code", String(10), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("name_ascii", String(200), nullable=False),
)

portal_sectors = Table(
    "portal_sectors",
    metadata,
    Column("code", String(20), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("department_code", String(10), ForeignKey("departments.code"), nullable=True),
)

portal_procedures = Table(
    "portal_procedures",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("name", String(500), nullable=False),
    Column("sector_code", String(20), ForeignKey("portal_sectors.code"), nullable=False, index=True),
    Column("online_level", String(10), nullable=False, comment="full (toàn trình), partial (một phần) or none"),
    Column("old_level", Integer, comment="pre-2022 level 1-4"),
    Column("has_fee", Boolean, nullable=False),
    Column("online_payment", Boolean, nullable=False),
    Column("at_province", Boolean, nullable=False),
    Column("at_district", Boolean, nullable=False),
    Column("at_commune", Boolean, nullable=False),
    CheckConstraint("online_level IN ('full', 'partial', 'none')", name="online_level"),
)

dossier_stats = Table(
    "dossier_stats",
    metadata,
    Column("day", Date, primary_key=True, comment="Vietnam day the dossiers were received"),
    Column("unit_code", String(10), primary_key=True),
    Column("sector_code", String(20), primary_key=True),
    *(Column(name, Integer, nullable=False) for name in (
        "received_online", "received_offline", "finished_early", "finished_on_time", "finished_late",
        "pending_on_time", "pending_overdue")),
    Column("handling_days", Float, nullable=False, comment="summed handling time of finished dossiers, days"),
    *(Column(name, Integer, nullable=False) for name in (
        "with_fee", "paid_online", "digitised", "electronic_results", "rated_unsatisfied", "complaints")),
    Column("source", String(20), nullable=False, comment="portal (collector) or import (report file)"),
)

dossier_stats_monthly = Table(
    "dossier_stats_monthly",
    metadata,
    Column("month", Date, primary_key=True, comment="first day of the Vietnam month"),
    Column("unit_code", String(10), primary_key=True),
    *(Column(name, Integer, nullable=False) for name in (
        "received_online", "received_offline", "finished_early", "finished_on_time", "finished_late",
        "pending_on_time", "pending_overdue")),
    Column("handling_days", Float, nullable=False),
    *(Column(name, Integer, nullable=False) for name in (
        "with_fee", "paid_online", "digitised", "electronic_results", "rated_unsatisfied", "complaints")),
    comment="dossier_stats summed per unit and month, rebuilt for each month a write touches",
)

dossier_stats_sector_monthly = Table(
    "dossier_stats_sector_monthly",
    metadata,
    Column("month", Date, primary_key=True, comment="first day of the Vietnam month"),
    Column("unit_code", String(10), primary_key=True),
    Column("sector_code", String(20), primary_key=True),
    *(Column(name, Integer, nullable=False) for name in (
        "received_online", "received_offline", "finished_early", "finished_on_time", "finished_late",
        "pending_on_time", "pending_overdue")),
    Column("handling_days", Float, nullable=False),
    *(Column(name, Integer, nullable=False) for name in (
        "with_fee", "paid_online", "digitised", "electronic_results", "rated_unsatisfied", "complaints")),
    comment="dossier_stats summed per unit, sector and month (indicators of one sector), rebuilt like "
    "dossier_stats_monthly",
)

procedure_usage = Table(
    "procedure_usage",
    metadata,
    Column("day", Date, primary_key=True, comment="Vietnam day"),
    Column("unit_code", String(10), primary_key=True),
    Column("procedure_code", String(40), primary_key=True),
    Column("online_received", Integer, nullable=False),
)

procedure_usage_monthly = Table(
    "procedure_usage_monthly",
    metadata,
    Column("month", Date, primary_key=True, comment="first day of the Vietnam month"),
    Column("unit_code", String(10), primary_key=True),
    Column("procedure_code", String(40), primary_key=True),
    Column("online_received", Integer, nullable=False),
    Column("own", Boolean, nullable=False, comment="the procedure is in the unit's own catalogue"),
    comment="procedure_usage of online procedures per unit and month, rebuilt for each month a write touches",
)

watermarks = Table(
    "watermarks",
    metadata,
    Column("source", String(60), primary_key=True, comment="collector and feed, e.g. portal:dossier_stats"),
    Column("position", String(100), nullable=False, comment="how far the source has been read, e.g. a day"),
    Column("updated_at", UTCDateTime, nullable=False),
)


# --- Alerts: what the rule engine needs beyond the alerts and alert_events tables (docs/alerts.md) ----------
alert_pending = Table(
    "alert_pending",
    metadata,
    Column("rule_id", String(60), primary_key=True),
    Column("target", String(100), primary_key=True),
    Column("since", UTCDateTime, nullable=False, comment="first evaluation that found the condition"),
)
"""Conditions met but not yet for the rule's minimum duration (``for_minutes``): no alert yet."""

alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("alert_id", Integer, ForeignKey("alerts.id"), nullable=False, index=True),
    Column("channel", String(60), nullable=False),
    Column("event", String(20), nullable=False, comment="raise, escalate or clear"),
    Column("ts", UTCDateTime, nullable=False, comment="when the last attempt ended"),
    Column("status", String(10), nullable=False, comment="ok or failed"),
    Column("attempts", Integer, nullable=False),
    Column("error", Text),
    Index("ix_alert_deliveries_channel_ts", "channel", "ts"),
)
"""One row per notification sent (or given up on) per channel, so a failing channel shows in the health view."""
