"""Maps drawn from the shipped boundaries alone: no tile server, so they work on an intranet."""

import json
import math
from pathlib import Path

import plotly.graph_objects as go


def read_geojson(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


DARK_BACKGROUND = "#0b1220"


def district_map(districts: dict, values: dict[str, float], value_label: str, height: int = 520,
                 tile_url: str | None = None, dark: bool = False, value_format: str = ",.0f",
                 value_range: tuple[float, float] | None = None, shown: dict[str, str] | None = None,
                 width: int = 700) -> go.Figure:
    """Districts coloured by ``values`` (keyed by GSO code), fitted to the province.

    ``shown`` gives the text a hover shows for each district (a formatted value, "—" for no data) instead of
    the value itself; ``width`` is the narrowest the figure is drawn (px), which the zoom must fit.

    The background is blank (or dark, for the wall) unless ``tile_url`` names a raster tile server the
    province hosts itself ({z}/{x}/{y}); nothing is fetched from elsewhere. The figure holds no shapes yet:
    ``with_shapes`` adds them (Plotly would deep-copy and check every coordinate of them, slowly).
    """
    codes = [feature["properties"]["code"] for feature in districts["features"]]
    names = [feature["properties"]["full_name"] for feature in districts["features"]]
    figure = go.Figure(
        go.Choroplethmap(
            geojson={"type": "FeatureCollection", "features": []},
            featureidkey="properties.code",
            locations=codes,
            z=[values.get(code) for code in codes],
            text=names,
            customdata=[(shown or {}).get(code, "—") for code in codes],
            hovertemplate=hover_template(value_label, shown is not None, value_format),
            colorscale="Cividis" if dark else "Blues",  # Cividis reads the same to colour-blind viewers
            marker_line_color="#e2e8f0" if dark else "#334155",
            marker_line_width=1.5 if dark else 1,
            colorbar_title_text=value_label,
            **({"zmin": value_range[0], "zmax": value_range[1]} if value_range else {}),
        )
    )
    if tile_url:
        layers = [{"sourcetype": "raster", "source": [tile_url], "below": "traces"}]
    else:
        layers = [_dark_layer()] if dark else []
    figure.update_layout(
        map_style="white-bg",
        map_layers=layers,
        map_center=_centre(districts),
        map_zoom=fit_zoom(districts, height, width),
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        height=height,
    )
    return figure


def hover_template(value_label: str, shown: bool, value_format: str = ",.0f") -> str:
    """A district's name and value on hover: the formatted text (``customdata``) when given, else the value."""
    value = "%{customdata}" if shown else "%{z:" + value_format + "}"
    return "%{text}<br>" + value_label + ": " + value + "<extra></extra>"


def recoloured(values: dict[str, float | None], shown: dict[str, str], value_label: str) -> dict:
    """What changes in a ``district_map`` trace when it shows other values: the trace's new properties, to
    patch into a figure already drawn (so that the boundaries are not sent again)."""
    codes = list(values)
    return {"locations": codes, "z": [values[code] for code in codes],
            "customdata": [shown.get(code, "—") for code in codes],
            "hovertemplate": hover_template(value_label, True), "colorbar": {"title": {"text": value_label}}}


def with_shapes(figure: go.Figure, districts: dict) -> dict:
    """The figure as Dash sends it, with the district shapes of ``district_map`` in its first trace."""
    plain = figure.to_plotly_json()
    plain["data"][0]["geojson"] = districts
    return plain


def add_sensors(figure: go.Figure, lons: list, lats: list, colours: list[str], hovertexts: list[str],
                size: int = 16) -> go.Figure:
    """Sensor positions as dots coloured by status. No text on the map itself (map text needs glyphs from a
    server): the page shows a legend that names each colour and counts its sensors."""
    figure.add_trace(go.Scattermap(
        lon=lons, lat=lats, mode="markers", hovertext=hovertexts, hoverinfo="text",
        marker={"size": size, "color": colours}, showlegend=False,
    ))
    return figure


def _dark_layer() -> dict:
    """The whole world filled dark under the districts: a dark map with nothing to fetch. (A custom map style
    would do the same, but Plotly fails to re-apply one when the layout changes.)"""
    world = [[[-180, -85], [180, -85], [180, 85], [-180, 85], [-180, -85]]]
    return {"sourcetype": "geojson", "type": "fill", "color": DARK_BACKGROUND, "below": "traces",
            "source": {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": world}}}


def _bounds(geojson: dict) -> tuple[float, float, float, float]:
    """(west, south, east, north) of every point of ``geojson``, in one pass."""
    west = south = math.inf
    east = north = -math.inf
    for lon, lat in _all_points(geojson):
        if lon < west:
            west = lon
        if lon > east:
            east = lon
        if lat < south:
            south = lat
        if lat > north:
            north = lat
    return west, south, east, north


def _centre(geojson: dict) -> dict:
    west, south, east, north = _bounds(geojson)
    return {"lon": (west + east) / 2, "lat": (south + north) / 2}


def fit_zoom(geojson: dict, height_px: float, width_px: float = 700) -> float:
    """The zoom at which the shapes of ``geojson`` fit a map ``width_px`` wide and ``height_px`` high."""
    west, south, east, north = _bounds(geojson)
    return _zoom_to_fit(east - west, north - south, height_px, width_px)


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
                yield from ring
