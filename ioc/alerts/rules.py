"""Alert rules as they are written in config.yaml (``alerts.rules``), validated at start-up.

A rule names what it watches (its target: a sensor or a kind of sensor, a collector, an indicator, a unit),
the condition, a severity, and a message in Vietnamese and English. The ``type`` field picks the model, so a
misspelt option of one rule type is an error that names the rule, never a silently ignored key. See
docs/alerts.md for an example of each type.
"""

from __future__ import annotations

import string
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, NonNegativeInt, PositiveFloat, PositiveInt
from pydantic import model_validator as _model_validator
from typing_extensions import TypeAliasType

Severity = Literal["critical", "major", "minor", "warning"]
SEVERITIES: tuple[str, ...] = ("critical", "major", "minor", "warning")
"""Most severe first: the order of the alerts page and of ``min_severity`` filters."""

PLACEHOLDERS = frozenset({"target", "name", "value", "limit"})
"""What a message template may use: the target's key and human name, the value found, the rule's limit."""

AQI_BANDS = {"moderate": 51, "poor": 101, "bad": 151, "very_bad": 201, "hazardous": 301}
"""VN_AQI band (Decision 1459) -> the lowest index value in it: an ``aqi_band`` rule fires at or above it."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Message(_Strict):
    vi: str = Field(min_length=1, description="Vietnamese template, e.g. 'PM2.5 tại {name}: {value} µg/m³'.")
    en: str = Field(min_length=1, description="English template with the same placeholders.")

    @_model_validator(mode="after")
    def _known_placeholders(self) -> Message:
        for language, template in (("vi", self.vi), ("en", self.en)):
            try:
                names = {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}
            except ValueError as exc:
                raise ValueError(f"message.{language} is not a valid template: {exc}") from None
            unknown = sorted(names - PLACEHOLDERS)
            if unknown:
                raise ValueError(f"message.{language} uses unknown placeholder(s) {', '.join(unknown)}; "
                                 f"known: {', '.join(sorted(PLACEHOLDERS))}")
        return self


class _Rule(_Strict):
    id: str = Field(min_length=1, max_length=60, pattern=r"^[a-z0-9][a-z0-9_.-]*$",
                    description="Unique name of the rule (lower case, digits, '_', '.', '-').")
    severity: Severity
    message: Message
    for_minutes: NonNegativeFloat = Field(
        0, description="The condition must hold this long before an alert is raised (0: at once).")


class _SensorTarget(_Strict):
    """Exactly one of ``sensor`` (one sensor id) or ``kind`` (every sensor of that kind)."""

    sensor: str | None = None
    kind: str | None = None

    @_model_validator(mode="after")
    def _one_target(self):
        if (self.sensor is None) == (self.kind is None):
            raise ValueError("give exactly one of sensor or kind")
        return self


class ThresholdRule(_Rule, _SensorTarget):
    type: Literal["threshold"]
    metric: str
    direction: Literal["above", "below"] = "above"
    level: float = Field(description="Raised when the latest value is beyond this level.")
    clear_level: float | None = Field(
        None, description="Cleared only when the value is back past this level (hysteresis); default: level.")

    @_model_validator(mode="after")
    def _clear_level_on_the_safe_side(self) -> ThresholdRule:
        if self.clear_level is None:
            return self
        if (self.direction == "above" and self.clear_level > self.level) or (
                self.direction == "below" and self.clear_level < self.level):
            raise ValueError(f"clear_level {self.clear_level:g} must not be {self.direction} level {self.level:g}")
        return self


class RateOfChangeRule(_Rule, _SensorTarget):
    type: Literal["rate_of_change"]
    metric: str
    change: PositiveFloat = Field(description="Raised when the value moved by at least this much (its unit)...")
    window_minutes: PositiveFloat = Field(description="...within this many minutes (latest minus earliest).")
    direction: Literal["rise", "fall", "either"] = "either"


class GaugeLevelRule(_Rule, _SensorTarget):
    type: Literal["gauge_level"]
    metric: str = "water_level"
    level: Literal[1, 2, 3] = Field(description="Raised while the water is at or above alarm level I, II or III.")


class AQIBandRule(_Rule, _SensorTarget):
    type: Literal["aqi_band"]
    band: Literal["moderate", "poor", "bad", "very_bad", "hazardous"] = Field(
        description="Raised while a station's hourly VN_AQI is in this band or worse.")


class MissingDataRule(_Rule, _Strict):
    type: Literal["missing_data"]
    sensor: str | None = None
    kind: str | None = None
    collector: str | None = None
    minutes: PositiveFloat = Field(description="Raised when nothing was heard for longer than this.")

    @_model_validator(mode="after")
    def _one_target(self) -> MissingDataRule:
        if sum(target is not None for target in (self.sensor, self.kind, self.collector)) != 1:
            raise ValueError("give exactly one of sensor, kind or collector")
        return self


class IndicatorBelowTargetRule(_Rule):
    type: Literal["indicator_below_target"]
    indicator: str
    unit: str | None = Field(None, description="GSO code of one unit; default: every unit with a value.")
    target: float | None = Field(None, description="Default: the indicator's target in indicators.targets.")


class FeedbackOverdueRule(_Rule):
    type: Literal["feedback_overdue"]
    above: NonNegativeInt = Field(description="Raised when more than this many reports are past their due time.")
    unit: str | None = Field(None, description="Count one unit's reports; default: the whole province.")


class CollectorFailingRule(_Rule):
    type: Literal["collector_failing"]
    collector: str | None = Field(None, description="One collector; default: each collector.")
    runs: PositiveInt = Field(3, description="Raised when this many runs in a row failed.")


class StoreSpaceRule(_Rule):
    """The SQLite store's disk running out of room. PostgreSQL keeps its data on the server's disk, which the
    IOC cannot see: watch that with the server's own monitoring."""

    type: Literal["store_space"]
    min_free_mb: PositiveFloat | None = Field(
        None, description="Raised when the store's filesystem has less than this many MB (10^6 bytes) free...")
    min_free_percent: PositiveFloat | None = Field(None, le=100, description="...or less than this percent of it.")

    @_model_validator(mode="after")
    def _one_limit(self) -> StoreSpaceRule:
        if (self.min_free_mb is None) == (self.min_free_percent is None):
            raise ValueError("give exactly one of min_free_mb or min_free_percent")
        return self


Rule = TypeAliasType("Rule", Annotated[
    ThresholdRule | RateOfChangeRule | GaugeLevelRule | AQIBandRule | MissingDataRule | IndicatorBelowTargetRule
    | FeedbackOverdueRule | CollectorFailingRule | StoreSpaceRule,
    Field(discriminator="type"),
])


def rule_problems(rules: list, sensors: dict, targets: dict[str, float]) -> list[tuple[str, str]]:
    """(field path, reason) pairs for rules that do not fit the sensor registry or the indicator targets:
    unknown sensors, kinds or metrics, a gauge without alarm levels, an indicator without a target."""
    kinds: dict[str, set[str]] = {}
    for known in sensors.values():
        kinds.setdefault(known.kind, set()).update(known.metrics)
    problems = []
    for index, rule in enumerate(rules):
        where = f"alerts.rules.{index}"
        sensor, kind, metric = (getattr(rule, name, None) for name in ("sensor", "kind", "metric"))
        if sensor is not None and sensor not in sensors:
            problems.append((f"{where}.sensor", f"rule {rule.id!r}: unknown sensor {sensor!r}"))
        elif kind is not None and kind not in kinds:
            problems.append((f"{where}.kind", f"rule {rule.id!r}: unknown sensor kind {kind!r}; "
                                              f"known: {', '.join(sorted(kinds))}"))
        elif metric is not None:
            metrics = set(sensors[sensor].metrics) if sensor else kinds[kind]
            if metric not in metrics:
                problems.append((f"{where}.metric", f"rule {rule.id!r}: no metric {metric!r} on {sensor or kind}; "
                                                    f"known: {', '.join(sorted(metrics))}"))
            elif rule.type == "gauge_level" and sensor and sensors[sensor].metrics[metric].alarm_levels is None:
                problems.append((f"{where}.sensor", f"rule {rule.id!r}: {sensor} has no alarm levels for {metric}"))
        if rule.type == "indicator_below_target" and rule.target is None and rule.indicator not in targets:
            problems.append((f"{where}.target", f"rule {rule.id!r}: indicator {rule.indicator!r} has no target "
                                                "here nor in indicators.targets"))
    return problems
