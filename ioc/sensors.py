"""The sensor registry (data/sensors.yaml): which sensors exist, where, and what each metric may read.

Sensors are declared as data. A kind declares its metrics once (canonical unit, valid range, thresholds);
a sensor inherits them and may override single fields, as a river gauge does with its own range and its
alarm levels I/II/III. The collector validates every reading against this registry, and the loader puts it
into the store's ``sensors`` table for the pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

Severity = Literal["critical", "major", "minor", "warning"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MetricSpec(_Strict):
    """What one metric of a sensor may read. ``unit`` is canonical: readings are stored in it."""

    unit: str
    min: float
    max: float
    thresholds: dict[Severity, float] = Field(
        {}, description="Severity -> the value at or above which an alert of that severity is due."
    )
    alarm_levels: tuple[float, float, float] | None = Field(
        None, description="Flood alarm levels I, II, III of a gauge, in the metric's unit, rising."
    )

    @model_validator(mode="after")
    def _consistent(self) -> MetricSpec:
        if self.min >= self.max:
            raise ValueError(f"min {self.min} is not below max {self.max}")
        if self.alarm_levels and list(self.alarm_levels) != sorted(self.alarm_levels):
            raise ValueError("alarm levels I, II, III must rise")
        return self


class _KindEntry(_Strict):
    metrics: dict[str, MetricSpec] = Field(min_length=1)


class _SensorEntry(_Strict):
    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    kind: str
    name: str
    unit_code: str | None = None
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
    metrics: dict[str, dict] = {}


class _RegistryFile(_Strict):
    kinds: dict[str, _KindEntry]
    sensors: list[_SensorEntry]


class Sensor(_Strict):
    id: str
    kind: str
    name: str
    unit_code: str | None
    lon: float | None
    lat: float | None
    metrics: dict[str, MetricSpec]


class RegistryError(Exception):
    """The registry file is invalid; the message names the entry and field."""


def load_registry(path: Path) -> dict[str, Sensor]:
    """Sensor id -> sensor, with each sensor's metrics merged over its kind's."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        registry = _RegistryFile.model_validate(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise RegistryError(f"{path}: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise RegistryError(f"{path}: {where}: {first['msg']}") from None
    sensors: dict[str, Sensor] = {}
    for entry in registry.sensors:
        where = f"{path}: sensor {entry.id}"
        if entry.id in sensors:
            raise RegistryError(f"{where}: declared twice")
        if entry.kind not in registry.kinds:
            raise RegistryError(f"{where}: unknown kind {entry.kind!r}")
        metrics = {name: spec.model_dump() for name, spec in registry.kinds[entry.kind].metrics.items()}
        for name, override in entry.metrics.items():
            if name not in metrics:
                raise RegistryError(f"{where}: metric {name!r} is not one of kind {entry.kind!r}")
            metrics[name] = {**metrics[name], **override}
        try:
            sensors[entry.id] = Sensor(
                **entry.model_dump(exclude={"metrics"}),
                metrics={name: MetricSpec.model_validate(spec) for name, spec in metrics.items()},
            )
        except ValidationError as exc:
            raise RegistryError(f"{where}: {exc.errors()[0]['msg']}") from None
    return sensors


def sensor_rows(sensors: dict[str, Sensor]) -> list[dict]:
    """Rows for the store's ``sensors`` table; ``metrics`` keeps each spec as JSON."""
    return [
        {**sensor.model_dump(exclude={"metrics"}),
         "metrics": {name: spec.model_dump(exclude_defaults=True) for name, spec in sensor.metrics.items()}}
        for sensor in sensors.values()
    ]
