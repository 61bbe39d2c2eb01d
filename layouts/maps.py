"""Maps drawn from the shipped boundaries alone: no tile server, so they work on an intranet."""

import json
import math
from pathlib import Path

import plotly.graph_objects as go


def read_geojson(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def district_map(districts: dict, values: dict[str, float], value_label: str, height: int = 520,
                 shown: dict[str, str] | None = None, width: int = 700) -> go.Figure:
    """Districts coloured by ``values`` (keyed by GSO code), on a blank background fitted to the province.

    ``shown`` gives the text a hover shows for each district (a formatted value, "—" for no data) instead of
    the value itself; ``width`` is the narrowest the figure is drawn (px), which the zoom must fit.
    """
    codes = [feature["properties"]["code"] for feature in districts["features"]]
    names = [feature["properties"]["full_name"] for feature in districts["features"]]
    figure = go.Figure(
        go.Choroplethmap(
            geojson=districts,
            featureidkey="properties.code",
            locations=codes,
            z=[values.get(code) for code in codes],
            text=names,
            customdata=[(shown or {}).get(code, "—") for code in codes],
            hovertemplate=hover_template(value_label, shown is not None),
            colorscale="Blues",
            marker_line_color="#334155",
            marker_line_width=1,
            colorbar_title_text=value_label,
        )
    )
    lons, lats = zip(*_all_points(districts), strict=True)
    figure.update_layout(
        map_style="white-bg",
        map_center={"lon": (min(lons) + max(lons)) / 2, "lat": (min(lats) + max(lats)) / 2},
        map_zoom=_zoom_to_fit(max(lons) - min(lons), max(lats) - min(lats), height, width),
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        height=height,
    )
    return figure


def hover_template(value_label: str, shown: bool) -> str:
    """A district's name and value on hover: the formatted text (``customdata``) when given, else the value."""
    return "%{text}<br>" + value_label + ": " + ("%{customdata}" if shown else "%{z:,.0f}") + "<extra></extra>"


def recoloured(values: dict[str, float | None], shown: dict[str, str], value_label: str) -> dict:
    """What changes in a ``district_map`` trace when it shows other values: the trace's new properties, to
    patch into a figure already drawn (so that the boundaries are not sent again)."""
    codes = list(values)
    return {"locations": codes, "z": [values[code] for code in codes],
            "customdata": [shown.get(code, "—") for code in codes],
            "hovertemplate": hover_template(value_label, True), "colorbar": {"title": {"text": value_label}}}


def _zoom_to_fit(lon_span: float, lat_span: float, height_px: int, min_width_px: int = 700) -> float:
    """The web-map zoom at which a box of these spans (degrees) fits the figure.

    At zoom z a 512-px tile spans 360/2^z degrees of longitude; near the equator latitude scales alike.
    """
    fit_lon = math.log2(360 / lon_span * min_width_px / 512)
    fit_lat = math.log2(360 / lat_span * height_px / 512)
    return min(fit_lon, fit_lat) - 0.15


def _all_points(geojson: dict):
    for feature in geojson["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        for polygon in polygons:
            for ring in polygon:
                yield from ((lon, lat) for lon, lat in ring)
