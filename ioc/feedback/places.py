"""Where a report is: the district whose boundary holds its coordinates (point in polygon), and whether it lies
inside the province at all. The boundaries are the shipped GeoJSON files (``province.districts_file``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from shapely.geometry import Point, shape
from shapely.prepared import prep


@dataclass(frozen=True)
class Place:
    unit_code: str | None
    """The district's GSO code, None when the point is outside every district."""
    inside_province: bool


class DistrictLocator:
    """Point-in-polygon over the district boundaries, prepared once per web process (they never change)."""

    def __init__(self, districts_file: Path, province_file: Path):
        features = json.loads(districts_file.read_text(encoding="utf-8"))["features"]
        self._districts = [(feature["properties"]["code"], prep(shape(feature["geometry"]))) for feature in features]
        outline = json.loads(province_file.read_text(encoding="utf-8"))["features"]
        self._province = [prep(shape(feature["geometry"])) for feature in outline]

    @classmethod
    def of(cls, settings) -> DistrictLocator:
        province = settings.province
        return cls(settings.resolve(province.districts_file), settings.resolve(province.province_file))

    def locate(self, lon: float, lat: float) -> Place:
        point = Point(lon, lat)
        for code, polygon in self._districts:
            if polygon.covers(point):
                return Place(code, True)
        return Place(None, any(polygon.covers(point) for polygon in self._province))
