"""The configuration: one YAML file validated by typed models, plus secrets from the environment.

Every model forbids unknown keys, so a misspelt setting is an error at start-up instead of a silently
ignored default. Paths in the file are relative to the file's own folder. Secrets (passwords, keys, tokens)
are never read from the file: they come from ``IOC_*`` environment variables (see ``Secrets``).
"""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveFloat,
    PositiveInt,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from ioc.alerts.channels import Channel
from ioc.alerts.rules import Rule, rule_problems

DEFAULT_CONFIG_FILE = "config.yaml"
Port = Annotated[int, Field(ge=1, le=65535)]


def _refuse_doubles(what: str, names: list[str]) -> None:
    """A validator's check that names meant to tell items apart do: each may be used once."""
    doubles = sorted({name for name in names if names.count(name) > 1})
    if doubles:
        raise ValueError(f"{what} used more than once: {', '.join(doubles)}")


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProvinceSettings(Section):
    code: str = Field("70", description="GSO code of the province.")
    name: str = Field("Bình Phước", description="Name of the province, with diacritics.")
    timezone: str = Field("Asia/Ho_Chi_Minh", description="Local time zone for days, months and deadlines.")
    units_file: Path = Field(Path("data/geo/units.csv"), description="CSV of administrative units.")
    districts_file: Path = Field(
        Path("data/geo/binh_phuoc_districts.geojson"), description="GeoJSON of district boundaries."
    )
    province_file: Path = Field(
        Path("data/geo/binh_phuoc_province.geojson"), description="GeoJSON of the province outline."
    )
    indicators_file: Path = Field(Path("data/indicators.csv"), description="The indicator catalogue.")
    sensors_file: Path = Field(Path("data/sensors.yaml"), description="The sensor registry (docs/sensors.md).")
    departments_file: Path = Field(
        Path("data/departments.csv"), description="Provincial departments (Sở) that handle dossiers."
    )


class StoreSettings(Section):
    url: str = Field(
        "sqlite:///var/ioc.db",
        description="SQLAlchemy URL of the store; put no password here (use IOC_STORE_URL or PGPASSWORD).",
    )
    echo_sql: bool = Field(False, description="Log every SQL statement (debugging only).")

    @field_validator("url")
    @classmethod
    def _url_is_supported_and_has_no_password(cls, url: str) -> str:
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise ValueError(f"not a SQLAlchemy URL: {exc}") from None
        if parsed.get_backend_name() not in ("sqlite", "postgresql"):
            raise ValueError("only sqlite and postgresql stores are supported")
        if parsed.password:
            raise ValueError("the URL holds a password; set it in IOC_STORE_URL or PGPASSWORD instead")
        return url


class TLSSettings(Section):
    enabled: bool = Field(False, description="Connect to the broker over TLS.")
    ca_file: Path | None = Field(None, description="CA certificate that signed the broker's certificate.")
    cert_file: Path | None = Field(None, description="Client certificate, when the broker asks for one.")
    key_file: Path | None = Field(None, description="Private key of the client certificate.")


class MQTTSettings(Section):
    host: str = Field("127.0.0.1", description="Broker host.")
    port: Port = Field(1883, description="Broker port.")
    tls: TLSSettings = Field(TLSSettings(), description="TLS to the broker.")
    username: str | None = Field(None, description="Broker user; the password comes from IOC_MQTT_PASSWORD.")
    client_id: str = Field("ioc-collector", min_length=1, description="Client id of the persistent session.")
    topics: list[str] = Field(["ioc/sensors/#"], min_length=1, description="Topic filters to subscribe to.")
    qos: Literal[0, 1, 2] = Field(1, description="Subscription QoS; 1 or 2 for no reading lost.")
    keepalive_seconds: PositiveInt = Field(30, description="MQTT keep-alive interval.")
    shared_group: str | None = Field(
        None, description="MQTT 5 shared-subscription group, so several collectors split one stream."
    )


class CollectorSettings(Section):
    """Options every collector has; a collector with more declares a subclass as its ``options_model``."""

    enabled: bool = Field(True, description="Run this collector.")
    interval_seconds: PositiveFloat = Field(60, description="How often a polled collector runs.")


class AlertSettings(Section):
    engine_enabled: bool = Field(
        True, description="Run the alert engine in this ioc collect process (ioc demo always runs it). With several "
        "ioc collect processes on one store, leave it on in exactly one: engines passing at the same moment each "
        "raise their own copy of an alert (docs/production.md).")
    evaluation_interval_seconds: PositiveFloat = Field(60, description="How often alert rules are evaluated.")
    escalation_minutes: PositiveFloat = Field(
        15, description="An unacknowledged critical alert is notified again after this long, and again after each "
        "further period.")
    cap_sender: str = Field("ioc@binhphuoc.gov.vn", min_length=1,
                            description="Sender of the CAP 1.2 export (/api/v1/alerts.cap), e.g. the centre's address.")
    rules: list[Rule] = Field([], description="Alert rules; each type and its options in docs/alerts.md.")
    notifications: list[Channel] = Field(
        [], description="Where alerts are sent: webhook and email channels (docs/alerts.md).")

    @model_validator(mode="after")
    def _names_are_unique(self) -> AlertSettings:
        _refuse_doubles("rule id", [rule.id for rule in self.rules])
        _refuse_doubles("channel name", [channel.name for channel in self.notifications])
        return self


class AuthSettings(Section):
    session_minutes: PositiveInt = Field(480, description="A signed-in session expires after this long.")
    max_failed_logins: PositiveInt = Field(5, description="Failed sign-ins before the account is locked.")
    lockout_minutes: PositiveInt = Field(15, description="How long a locked account stays locked.")


# --- Indicators and the Decision 766 index (docs/indicators.md) ---------------------------------------------

INDEX_766_GROUPS = {"transparency": 18.0, "progress": 20.0, "online": 22.0, "digitisation": 22.0,
                    "satisfaction": 18.0}
"""The five groups of Decision 766 and their maximum points (DOMAIN.md): 100 in all."""


class ScoringRule(Section):
    group: Literal["transparency", "progress", "online", "digitisation", "satisfaction"] = Field(
        description="The Decision 766 group the indicator scores in."
    )
    max_points: PositiveFloat = Field(description="Points the indicator earns at or beyond full_at.")
    full_at: PositiveFloat = Field(
        description="Rate in % that earns full points; below it points are proportional (R x max / full_at)."
    )


DEFAULT_SCORING = {
    "dossier_on_time_rate": {"group": "progress", "max_points": 20, "full_at": 100},
    "online_service_coverage": {"group": "online", "max_points": 6, "full_at": 80},
    "online_services_with_dossiers": {"group": "online", "max_points": 4, "full_at": 60},
    "online_dossier_rate": {"group": "online", "max_points": 6, "full_at": 50},
    "online_payment_rate": {"group": "online", "max_points": 6, "full_at": 100},
    "digitisation_rate": {"group": "digitisation", "max_points": 12, "full_at": 80},
    "electronic_result_rate": {"group": "digitisation", "max_points": 10, "full_at": 80},
    "satisfaction_rate": {"group": "satisfaction", "max_points": 18, "full_at": 100},
}

DEFAULT_TARGETS = {
    "dossier_on_time_rate": 95.0,
    "online_service_coverage": 80.0,
    "online_services_with_dossiers": 60.0,
    "online_dossier_rate": 40.0,
    "digitisation_rate": 80.0,
}
"""Central targets: 60% and 40% are the ones the seeds quote; the others are Decision 766's full-point levels."""


class IndicatorSettings(Section):
    groups: dict[str, PositiveFloat] = Field(
        dict(INDEX_766_GROUPS), description="Decision 766 group -> its maximum points (100 in all)."
    )
    scoring: dict[str, ScoringRule] = Field(
        {code: ScoringRule(**rule) for code, rule in DEFAULT_SCORING.items()},
        description="Indicator code -> its group, points and full-point threshold.",
    )
    targets: dict[str, float] = Field(
        dict(DEFAULT_TARGETS), description="Indicator code -> target value; the gap is measured against it."
    )

    @model_validator(mode="after")
    def _points_add_up(self) -> IndicatorSettings:
        if set(self.groups) != set(INDEX_766_GROUPS):
            raise ValueError(f"groups must be exactly {', '.join(INDEX_766_GROUPS)}")
        for group, points in self.groups.items():
            scored = sum(rule.max_points for rule in self.scoring.values() if rule.group == group)
            if scored > points + 1e-9:
                raise ValueError(f"scoring gives group {group!r} {scored:g} points, more than its {points:g}")
        return self


DEFAULT_IMPORT_COLUMNS = {
    "Ngày": "day",
    "Mã đơn vị": "unit_code",
    "Mã lĩnh vực": "sector_code",
    "Tiếp nhận trực tuyến": "received_online",
    "Tiếp nhận trực tiếp": "received_offline",
    "Giải quyết trước hạn": "finished_early",
    "Giải quyết đúng hạn": "finished_on_time",
    "Giải quyết quá hạn": "finished_late",
    "Đang giải quyết trong hạn": "pending_on_time",
    "Đang giải quyết quá hạn": "pending_overdue",
    "Tổng số ngày giải quyết": "handling_days",
    "Hồ sơ có phí": "with_fee",
    "Thanh toán trực tuyến": "paid_online",
    "Số hóa": "digitised",
    "Trả kết quả điện tử": "electronic_results",
    "Không hài lòng": "rated_unsatisfied",
    "Có khiếu nại": "complaints",
}


class PortalImportSettings(Section):
    columns: dict[str, str] = Field(
        dict(DEFAULT_IMPORT_COLUMNS),
        description="Column header of a portal report export -> field of the dossier statistics "
        "(see docs/portal-contract.md); headers match ignoring case and surrounding spaces.",
    )
    max_file_mb: PositiveInt = Field(
        50, description="Largest file `ioc import portal` and `ioc import feedback` read, in MB (10^6 bytes); a "
        "larger one is refused before it is read. An XLSX may unpack to at most 10 times this.")

    @property
    def max_file_bytes(self) -> int:
        return self.max_file_mb * 1_000_000


# --- Citizen feedback (docs/feedback.md) -----------------------------------------------------------------

DEFAULT_FEEDBACK_CATEGORIES = [
    ("roads", "Giao thông, đường sá", "Roads and traffic", 10),
    ("environment", "Môi trường, vệ sinh", "Environment and sanitation", 7),
    ("urban_order", "Trật tự đô thị, lấn chiếm vỉa hè", "Urban order and pavements", 7),
    ("security", "An ninh, trật tự", "Security and public order", 5),
    ("utilities", "Điện, nước, chiếu sáng", "Power, water and street lights", 5),
    ("land", "Đất đai, xây dựng", "Land and construction", 15),
    ("public_services", "Thủ tục hành chính, dịch vụ công", "Administrative procedures and public services", 10),
    ("health_education", "Y tế, giáo dục", "Health and education", 10),
    ("other", "Lĩnh vực khác", "Other", 10),
]
"""(code, Vietnamese name, English name, deadline in working days): Hue-S-like fields of field reports."""


DEFAULT_FEEDBACK_IMPORT_COLUMNS = {
    "Mã phản ánh": "channel_ref",
    "Kênh": "channel",
    "Lĩnh vực": "category",
    "Tiêu đề": "title",
    "Nội dung": "description",
    "Thời điểm tiếp nhận": "received_at",
    "Mã đơn vị": "unit_code",
    "Kinh độ": "lon",
    "Vĩ độ": "lat",
    "Họ tên": "reporter_name",
    "Điện thoại": "reporter_phone",
    "Email": "reporter_email",
}


class FeedbackCategory(Section):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$", description="Stable code, used by the API and imports.")
    name_vi: str = Field(min_length=1, description="Vietnamese name, shown first.")
    name_en: str = Field(min_length=1, description="English name.")
    deadline_days: PositiveInt = Field(
        description="Working days to answer a report (weekends and Vietnamese public holidays excluded).")


class FeedbackSettings(Section):
    categories: list[FeedbackCategory] = Field(
        [FeedbackCategory(code=c, name_vi=vi, name_en=en, deadline_days=d) for c, vi, en, d in
         DEFAULT_FEEDBACK_CATEGORIES],
        min_length=1, description="Categories of citizen reports and their deadlines.")
    working_day_end: time = Field(
        time(17, 0), description="End of office hours (Vietnam time): a report received later counts from the "
        "next working day.")
    import_columns: dict[str, str] = Field(
        dict(DEFAULT_FEEDBACK_IMPORT_COLUMNS),
        description="Column header of a feedback export (ioc import feedback) -> field of a report "
        "(docs/feedback.md#import); headers match ignoring case and surrounding spaces.")
    unsatisfied_rating: Annotated[int, Field(ge=1, le=5)] = Field(
        2, description="Ratings (1-5) at or below this count as unsatisfied in the satisfaction rate.")

    @model_validator(mode="after")
    def _codes_are_unique(self) -> FeedbackSettings:
        _refuse_doubles("category code", [category.code for category in self.categories])
        return self

    def category(self, code: str) -> FeedbackCategory | None:
        return next((category for category in self.categories if category.code == code), None)
WALL_PANELS = ("indicators", "map", "alerts", "feedback")
"""What a wall scene can show: indicators against targets, the district and sensor map, active alerts,
today's citizen feedback."""


class SceneTitle(Section):
    vi: str = Field(min_length=1, description="Title in Vietnamese.")
    en: str = Field(min_length=1, description="Title in English.")


class WallScene(Section):
    id: str = Field(min_length=1, pattern=r"^[a-z0-9-]+$", description="Short name of the scene.")
    title: SceneTitle = Field(description="Title shown at the top of the wall during the scene.")
    panels: list[Literal["indicators", "map", "alerts", "feedback"]] = Field(
        list(WALL_PANELS), min_length=1, description="Panels the scene shows: indicators, map, alerts, feedback.")
    indicators: list[str] = Field(
        list(DEFAULT_TARGETS), min_length=1, max_length=8,
        description="Indicator codes shown against their targets (each needs a target in indicators.targets).")
    map_indicator: str = Field(
        "online_dossier_rate", description="Indicator that colours the districts on the map (it needs a target).")
    seconds: PositiveInt = Field(60, description="How long the scene stays on screen before the next one.")

    @model_validator(mode="after")
    def _no_double_panel(self) -> WallScene:
        if len(set(self.panels)) != len(self.panels):
            raise ValueError(f"scene {self.id!r} lists a panel twice")
        return self


class WallSettings(Section):
    scenes: list[WallScene] = Field(
        [WallScene(id="overview", title=SceneTitle(vi="Toàn cảnh tỉnh", en="Province at a glance"))],
        min_length=1, description="Scenes the wall display rotates through, in order (docs/wall.md).")

    @model_validator(mode="after")
    def _unique_ids(self) -> WallSettings:
        _refuse_doubles("scene id", [scene.id for scene in self.scenes])
        return self


class WebSettings(Section):
    host: str = Field("127.0.0.1", description="Address the web server listens on.")
    port: Port = Field(8050, description="Port the web server listens on.")
    refresh_seconds: PositiveInt = Field(30, description="How often pages refresh their data.")
    default_language: Literal["vi", "en"] = Field("vi", description="Language of a first visit.")
    wall: WallSettings = Field(WallSettings(), description="The wall display (/wall): its scenes.")
    map_tile_url: str | None = Field(
        None, pattern=r"^(https?://|/)\S*\{z\}\S*\{x\}\S*\{y\}",
        description="A basemap under the district polygons, as a raster tile URL with {z}/{x}/{y}, for provinces "
        "that host their own; none by default (the maps need no tile server).")
    map_tile_attribution: str = Field("", description="Attribution of the basemap at map_tile_url, shown on maps.")


class Settings(Section):
    province: ProvinceSettings = ProvinceSettings()
    store: StoreSettings = StoreSettings()
    mqtt: MQTTSettings = MQTTSettings()
    collectors: dict[str, Any] = Field(
        {}, description="Collector name -> its options, validated by the collector's own options model."
    )
    alerts: AlertSettings = AlertSettings()
    web: WebSettings = WebSettings()
    auth: AuthSettings = AuthSettings()
    indicators: IndicatorSettings = IndicatorSettings()
    portal_import: PortalImportSettings = PortalImportSettings()
    feedback: FeedbackSettings = FeedbackSettings()
    base_dir: Path = Field(Path("."), exclude=True, description="Folder of the config file (set by the loader).")

    @model_validator(mode="after")
    def _reference_files_exist(self) -> Settings:
        missing = [
            name
            for name in ProvinceSettings.model_fields
            if name.endswith("_file") and not self.resolve(getattr(self.province, name)).is_file()
        ]
        if missing:
            raise ValueError("reference file not found: " + ", ".join(f"province.{name}" for name in missing))
        return self

    @model_validator(mode="after")
    def _wall_indicators_have_targets(self) -> Settings:
        targets = self.indicators.targets
        for number, scene in enumerate(self.web.wall.scenes):
            for code in (*scene.indicators, scene.map_indicator):
                if code not in targets:
                    raise ValueError(f"web.wall.scenes.{number} ({scene.id}): indicator {code!r} has no target in "
                                     f"indicators.targets (known: {', '.join(sorted(targets))})")
        return self

    def resolve(self, path: Path) -> Path:
        """A path from the file, made absolute against the config file's folder."""
        return path if path.is_absolute() else self.base_dir / path

    def store_url(self, secrets: Secrets) -> str:
        """The store URL: the environment's override, else the file's, with a relative SQLite path resolved."""
        url = make_url(secrets.store_url.get_secret_value() if secrets.store_url else self.store.url)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            url = url.set(database=str(self.resolve(Path(url.database))))
        return url.render_as_string(hide_password=False)


class Secrets(BaseSettings):
    """Secrets, read from the environment only."""

    model_config = SettingsConfigDict(env_prefix="IOC_", extra="ignore")

    store_url: SecretStr | None = None
    mqtt_password: SecretStr | None = None
    secret_key: SecretStr | None = None
    portal_token: SecretStr | None = None


class ConfigError(Exception):
    """The configuration is invalid; ``problems`` lists ``(field path, reason)`` pairs."""

    def __init__(self, source: Path, problems: list[tuple[str, str]]):
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  {path}: {reason}" for path, reason in problems)
        super().__init__(f"{source}: {len(problems)} problem(s)\n{lines}")


def load_settings(source: Path | str = DEFAULT_CONFIG_FILE) -> Settings:
    """Read and validate a config file; raise ConfigError naming every wrong field."""
    source = Path(source)
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(source, [("(file)", exc.strerror or str(exc))]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(source, [("(file)", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]) from None
    except yaml.YAMLError as exc:
        raise ConfigError(source, [("(file)", f"not valid YAML: {exc}")]) from None
    except RecursionError:  # PyYAML reads nested collections recursively
        raise ConfigError(source, [("(file)", "not valid YAML: nested too deeply")]) from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(source, [("(file)", "the top level must be a mapping of sections")])
    if "base_dir" in raw:
        raise ConfigError(source, [("base_dir", "Extra inputs are not permitted")])
    problems: list[tuple[str, str]] = []
    settings = None
    try:
        settings = Settings.model_validate({**raw, "base_dir": source.resolve().parent})
        problems += _check_alert_rules(settings)
    except ValidationError as exc:
        problems += [_describe(error) for error in exc.errors()]
    collectors, collector_problems = _validate_collectors(raw.get("collectors") or {})
    problems += collector_problems
    if problems:
        raise ConfigError(source, problems)
    return settings.model_copy(update={"collectors": collectors})


def _validate_collectors(raw: object) -> tuple[dict[str, CollectorSettings], list[tuple[str, str]]]:
    """Validate each ``collectors.<name>`` section with the options model of the collector of that name."""
    from collectors.registry import collector_class  # collectors import this module: import late

    if not isinstance(raw, dict):
        return {}, []  # already reported by the Settings model
    validated, problems = {}, []
    for name, options in raw.items():
        try:
            model = collector_class(name).options_model
        except KeyError as exc:
            problems.append((f"collectors.{name}", exc.args[0]))
            continue
        try:
            validated[name] = model.model_validate(options or {})
        except ValidationError as exc:
            problems += [_describe(error, prefix=("collectors", name)) for error in exc.errors()]
    return validated, problems


def _check_alert_rules(settings: Settings) -> list[tuple[str, str]]:
    """Alert rules checked against the sensor registry and the indicator targets (docs/alerts.md)."""
    from ioc.sensors import RegistryError, load_registry

    if not settings.alerts.rules:
        return []
    try:
        sensors = load_registry(settings.resolve(settings.province.sensors_file))
    except RegistryError as exc:
        return [("province.sensors_file", str(exc))]
    return rule_problems(settings.alerts.rules, sensors, settings.indicators.targets)


def _describe(error, prefix: tuple[str, ...] = ()) -> tuple[str, str]:
    path = ".".join(str(part) for part in (*prefix, *error["loc"])) or "(top level)"
    reason = error["msg"].removeprefix("Value error, ")
    if error["type"] not in ("missing", "extra_forbidden") and "input" in error:
        reason = f"{reason} (got {error['input']!r})"
    return path, reason
