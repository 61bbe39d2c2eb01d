"""Reference data shipped in data/: administrative units, departments, the indicator catalogue, the sensors."""

import csv
from pathlib import Path

from sqlalchemy import Engine

from ioc.config import Settings
from ioc.sensors import load_registry, sensor_rows
from ioc.store import schema
from ioc.store.writer import upsert_rows

LEVEL_ORDER = {"province": 0, "district": 1, "commune": 2}


def read_units(path: Path) -> list[dict]:
    """Units from units.csv, parents before children so that foreign keys hold while inserting."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [
            {
                "code": row["code"],
                "name": row["name"],
                "name_ascii": row["name_ascii"],
                "level": row["level"],
                "parent_code": row["parent_code"] or None,
                "centroid_lon": _float_or_none(row["centroid_lon"]),
                "centroid_lat": _float_or_none(row["centroid_lat"]),
                "area_km2": _float_or_none(row["area_km2"]),
            }
            for row in csv.DictReader(handle)
        ]
    return sorted(rows, key=lambda row: (LEVEL_ORDER[row["level"]], row["code"]))


def read_indicators(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            {**row, "default_target": _float_or_none(row["default_target"])} for row in csv.DictReader(handle)
        ]


def read_departments(path: Path) -> list[dict]:
    """Provincial departments (Sở): they handle dossiers but are not administrative units."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [{"code": row["code"], "name": row["name"], "name_ascii": row["name_ascii"]}
                for row in csv.DictReader(handle)]


def load_reference_data(engine: Engine, settings: Settings) -> None:
    """Put the units, departments, indicator catalogue and sensors into the store, updating rows that changed."""
    with engine.begin() as connection:
        upsert_rows(connection, schema.units, read_units(settings.resolve(settings.province.units_file)))
        upsert_rows(
            connection, schema.indicators, read_indicators(settings.resolve(settings.province.indicators_file))
        )
        upsert_rows(connection, schema.departments,
                    read_departments(settings.resolve(settings.province.departments_file)))
        upsert_rows(connection, schema.sensors,
                    sensor_rows(load_registry(settings.resolve(settings.province.sensors_file))))


def _float_or_none(text: str) -> float | None:
    return float(text) if text.strip() else None
