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
    UniqueConstraint("channel", "channel_ref"),
    Index("ix_feedback_received_at", "received_at"),
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
