"""The wall display (/wall): a dark, scroll-free screen for the operations room, seen from across the room.

It shows the online-service indicators against their targets, the districts and sensors on a map, the active
alerts, today's citizen feedback and how fresh the data is. It refreshes every ``web.refresh_seconds`` and
rotates through the scenes of ``web.wall.scenes``. Each refresh replaces the panels' children and patches the
map's values in place (the map's shapes are sent once, with the page), so a display left on for days holds
the same number of nodes and the same figure size. A kiosk (viewer) may see it.
"""

from datetime import timedelta

import dash
from dash import Input, Output, Patch, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from ioc.auth.permissions import VIEW, requires
from ioc.i18n import text
from ioc.indicators.aqi import POLLUTANTS
from ioc.indicators.portal_report import portal_indicators
from ioc.indicators.sensor_status import AQI_HOURS, statuses
from ioc.store import alert_queries, feedback_queries, portal_queries, queries, sensor_queries
from ioc.timeutil import local_day, utcnow
from ioc.web.context import current, current_language
from layouts import wall_panels
from layouts.maps import add_sensors, district_map, fit_zoom, read_geojson, with_shapes

PATH = "/wall"
PERMISSION = VIEW
PANELS = ("indicators", "map", "alerts", "feedback")
SCENE, TICK, ROTATE, TITLE, STATUS, MAP, MAP_TITLE, LEGEND, SCREEN = (
    "wall-scene", "wall-tick", "wall-rotate", "wall-title", "wall-status", "wall-map", "wall-map-title",
    "wall-legend", "wall-screen")
DESIGN_HEIGHT = 1080
"""Screen height (px) the map's zoom, dots and fonts are sized for; a 2160-px screen gets them one zoom level
up and twice as large, so the province fills the same share of any screen."""
MAP_HEIGHT, MAP_WIDTH = 760, 640
"""Size (px) of the map at DESIGN_HEIGHT."""


def register() -> None:
    dash.register_page(__name__, path=PATH, name="wall", title="IOC", layout=layout, permission=PERMISSION)


def box(name: str) -> dict:
    """The container of one panel (or of the side column), hidden when the scene does not show it."""
    return {"type": "wall-box", "name": name}


def panel(name: str) -> dict:
    """The content of one panel, replaced at each refresh."""
    return {"type": "wall-panel", "name": name}


def layout(**_query) -> html.Div:
    """The whole first scene, filled: a display shows data after one round trip, then refreshes in place."""
    settings = current().settings
    scenes = settings.web.wall.scenes
    scene = scenes[0]
    language = current_language()
    districts = read_geojson(settings.resolve(settings.province.districts_file))
    today, first, _previous_first, _previous_last = _periods()
    with current().engine.connect() as connection:
        this_month = _results(connection, first, today)  # shared by the indicators and the map
    view = _map_view(scene, language, this_month)
    figure = district_map(districts, view["values"], "", height=MAP_HEIGHT, tile_url=settings.web.map_tile_url,
                          dark=True, value_format=".1f", value_range=(0, 100))
    add_sensors(figure, view["lons"], view["lats"], view["colours"], view["hovertexts"], size=18)
    figure.update_layout(paper_bgcolor="rgba(0,0,0,0)", font={"color": "#f8fafc", "size": 18}, height=None,
                         autosize=True)
    figure.data[0].colorbar.title.text = view["unit"]
    figure = with_shapes(figure, districts)
    attribution = text("map.attribution", language)
    if settings.web.map_tile_attribution:
        attribution = f"{attribution} {settings.web.map_tile_attribution}"
    hidden = _hidden(scene)
    return html.Div([
        html.Header([
            html.Div([html.Span(text("app.title", language), className="ioc-wall-app"),
                      html.Span(text("app.province", language, name=settings.province.name),
                                className="ioc-wall-province")], className="ioc-wall-brand"),
            html.H1(getattr(scene.title, language), id=TITLE, className="ioc-wall-title"),
            html.Div(_freshness(language), id=STATUS, className="ioc-wall-status"),
        ], className="ioc-wall-header"),
        html.Div([
            html.Section(html.Div(_indicators(scene, language, this_month) if not hidden[0] else [],
                                  id=panel("indicators"),
                                  className="ioc-wall-tiles"),
                         id=box("indicators"), className="ioc-wall-panel ioc-wall-indicators", hidden=hidden[0]),
            html.Section([
                html.H2(view["title"], id=MAP_TITLE, className="ioc-wall-panel-title"),
                dcc.Graph(id=MAP, figure=figure, config={"displayModeBar": False, "responsive": True,
                                                         "scrollZoom": False},
                          className="ioc-wall-map"),
                html.Div(view["legend"], id=LEGEND, className="ioc-wall-legend"),
                html.P(attribution, className="ioc-wall-attribution"),
            ], id=box("map"), className="ioc-wall-panel ioc-wall-map-panel", hidden=hidden[1]),
            html.Div([
                html.Section(html.Div(_alerts(language), id=panel("alerts")), id=box("alerts"),
                             className="ioc-wall-panel", hidden=hidden[2]),
                html.Section(html.Div(_feedback(language), id=panel("feedback")), id=box("feedback"),
                             className="ioc-wall-panel", hidden=hidden[3]),
            ], id=box("side"), className="ioc-wall-side", hidden=hidden[4]),
        ], className="ioc-wall-grid"),
        dcc.Store(id=SCENE, data=0),
        dcc.Store(id=SCREEN),
        dcc.Interval(id=TICK, interval=settings.web.refresh_seconds * 1000),
        dcc.Interval(id=ROTATE, interval=scene.seconds * 1000, disabled=len(scenes) < 2),
    ], className="ioc-wall", lang=language)


def _scene(index):
    scenes = current().settings.web.wall.scenes
    return scenes[index % len(scenes) if isinstance(index, int) else 0]


def _hidden(scene) -> list[bool]:
    """Whether each panel's box, then the side column (alerts and feedback), is hidden in ``scene``."""
    hidden = [name not in scene.panels for name in PANELS]
    return [*hidden, hidden[2] and hidden[3]]


@dash.callback(Output(SCENE, "data"), Output(ROTATE, "interval"), Input(ROTATE, "n_intervals"),
               State(SCENE, "data"), prevent_initial_call=True)
@requires(VIEW)
def rotate(_n, index):
    """The next scene, and how long it stays."""
    scenes = current().settings.web.wall.scenes
    following = ((index if isinstance(index, int) else 0) + 1) % len(scenes)
    return following, scenes[following].seconds * 1000


@dash.callback(Output(TITLE, "children"), *(Output(box(name), "hidden") for name in (*PANELS, "side")),
               Input(SCENE, "data"), prevent_initial_call=True)
@requires(VIEW)
def frame(index):
    scene = _scene(index)
    return (getattr(scene.title, current_language()), *_hidden(scene))


def _periods():
    """This Vietnam month so far, and the whole month before it."""
    today = local_day(utcnow())
    first = today.replace(day=1)
    previous_last = first - timedelta(days=1)
    return today, first, previous_last.replace(day=1), previous_last


def _results(connection, first, last):
    """The province's and the districts' portal results for one period, by unit code (the one computation:
    portal_indicators); the wall shows no commune or department."""
    settings = current().settings
    shown = [settings.province.code, *(unit["code"] for unit in queries.units(connection, level="district"))]
    results = portal_indicators(connection, settings.indicators, first, last, "total", units=shown)
    return {result.unit_code: result for result in results}


@dash.callback(Output(panel("indicators"), "children"), Input(SCENE, "data"), Input(TICK, "n_intervals"),
               prevent_initial_call=True)
@requires(VIEW)
def indicators(index, _tick):
    scene = _scene(index)
    if "indicators" not in scene.panels:
        raise PreventUpdate
    return _indicators(scene, current_language())


def _indicators(scene, language: str, this_month: dict | None = None) -> list:
    """Tiles of the scene's indicators; ``this_month`` are this month's results if already computed."""
    settings = current().settings
    today, first, previous_first, previous_last = _periods()
    with current().engine.connect() as connection:
        now_results = this_month if this_month is not None else _results(connection, first, today)
        before_results = _results(connection, previous_first, previous_last)
        catalogue = {row["code"]: row for row in queries.indicator_catalogue(connection)}
    province = settings.province.code
    return [
        html.P(wall_panels.period_label(first, today, previous_first, language), className="ioc-wall-period"),
        *wall_panels.indicator_tiles(scene.indicators, now_results.get(province), before_results.get(province),
                                     catalogue, settings.indicators.targets, language),
    ]


dash.clientside_callback("function(_scene) { return window.innerHeight; }", Output(SCREEN, "data"),
                         Input(SCENE, "data"))


@dash.callback(Output(MAP, "figure"), Output(MAP_TITLE, "children"), Output(LEGEND, "children"),
               Input(SCENE, "data"), Input(TICK, "n_intervals"), Input(SCREEN, "data"), prevent_initial_call=True)
@requires(VIEW)
def map_values(index, _tick, screen_height):
    """Patch the districts' values and the sensors' colours into the map drawn with the page, sized to the
    screen (``screen_height``, px, sent by the browser)."""
    scene = _scene(index)
    if "map" not in scene.panels:
        raise PreventUpdate
    settings = current().settings
    view = _map_view(scene, current_language())
    figure = Patch()
    if ctx.triggered_id == SCREEN and isinstance(screen_height, int | float) and screen_height > 0:
        scale = screen_height / DESIGN_HEIGHT  # once per page: the zoom, dots and fonts for this screen
        districts = read_geojson(settings.resolve(settings.province.districts_file))
        figure["layout"]["map"]["zoom"] = fit_zoom(districts, MAP_HEIGHT * scale, MAP_WIDTH * scale)
        figure["layout"]["font"]["size"] = round(18 * scale)
        figure["data"][1]["marker"]["size"] = round(18 * scale)
    codes = sorted(view["values"])  # shapes are matched by code, in any order: no need to read them again
    figure["data"][0]["locations"] = codes
    figure["data"][0]["z"] = [view["values"][code] for code in codes]
    figure["data"][0]["text"] = [view["names"][code] for code in codes]
    figure["data"][0]["colorbar"]["title"]["text"] = view["unit"]
    figure["data"][1]["marker"]["color"] = view["colours"]
    figure["data"][1]["hovertext"] = view["hovertexts"]
    return figure, view["title"], view["legend"]


def _map_view(scene, language: str, this_month: dict | None = None) -> dict:
    """What the map shows in ``scene``: district values of its map indicator this month, sensor statuses."""
    today, first, _previous_first, _previous_last = _periods()
    now = utcnow()
    with current().engine.connect() as connection:
        results = this_month if this_month is not None else _results(connection, first, today)
        catalogue = {row["code"]: row for row in queries.indicator_catalogue(connection)}
        sensors = queries.sensors(connection)
        latest = sensor_queries.latest_values(connection)
        air = [s["id"] for s in sensors if s["kind"] == "air_quality"]
        means = alert_queries.hourly_means(connection, air, now - timedelta(hours=AQI_HOURS + 1),
                                           now + timedelta(hours=1), metrics=POLLUTANTS)
    found = statuses(sensors, latest, means, now)
    code = scene.map_indicator
    entry = catalogue.get(code, {})
    return {
        "values": {result.unit_code: result.values.get(code) for result in results.values()
                   if result.level == "district"},
        "names": {result.unit_code: result.unit_name for result in results.values() if result.level == "district"},
        "unit": entry.get("unit", ""),
        "title": text("wall.map", language, indicator=entry.get(f"name_{language}", code)),
        "lons": [status.lon for status in found], "lats": [status.lat for status in found],
        "colours": [status.colour for status in found],
        "hovertexts": [f"{status.name}: {text('sensor.status.' + status.status, language)}" for status in found],
        "legend": wall_panels.map_legend(found, language),
    }


@dash.callback(Output(panel("alerts"), "children"), Input(SCENE, "data"), Input(TICK, "n_intervals"),
               prevent_initial_call=True)
@requires(VIEW)
def alerts(index, _tick):
    if "alerts" not in _scene(index).panels:
        raise PreventUpdate
    return _alerts(current_language())


def _alerts(language: str) -> list:
    now = utcnow()
    with current().engine.connect() as connection:
        active = alert_queries.alert_list(connection, active_only=True)
    shown = [a for a in active if a["shelved_until"] is None or a["shelved_until"] <= now]  # shelved: silenced
    return wall_panels.alert_list(shown, now, language)


@dash.callback(Output(panel("feedback"), "children"), Input(SCENE, "data"), Input(TICK, "n_intervals"),
               prevent_initial_call=True)
@requires(VIEW)
def feedback(index, _tick):
    if "feedback" not in _scene(index).panels:
        raise PreventUpdate
    return _feedback(current_language())


def _feedback(language: str) -> list:
    now = utcnow()
    with current().engine.connect() as connection:
        summary = feedback_queries.today_summary(connection, local_day(now), now)
    return wall_panels.feedback_counts(summary, language)


@dash.callback(Output(STATUS, "children"), Input(TICK, "n_intervals"), prevent_initial_call=True)
@requires(VIEW)
def freshness(_tick):
    return _freshness(current_language())


def _freshness(language: str) -> list:
    """When the newest sensor reading was taken and the newest portal day, so stale data shows."""
    with current().engine.connect() as connection:
        sensor_time = sensor_queries.newest_reading_time(connection)
        portal_day = portal_queries.latest_day(connection)
    return wall_panels.latest_data(sensor_time, portal_day, utcnow(), language)
