"""The bodies Dash's renderer posts for the wall display's callbacks (layouts/wall.py), as a display sends them.

A display posts ``rotate`` when its scene's time is up, then ``frame`` and every panel for the new scene; at
each refresh (``wall-tick``) it posts every panel and the freshness line. The explorer's bodies are built by
``tests/analytics/helpers.py``, whose ``callback_body`` builds these too.
"""

from layouts import wall
from tests.analytics.helpers import callback_body, key

REFRESHED = ("indicators", "alerts", "feedback", "map", "freshness")
"""The callbacks of one refresh, in the order ``refresh`` gives their bodies."""
SCREEN_HEIGHT = 1080
"""What the display's browser reports as its window height (px): the operations room's 1080p screens."""


def _value(component, prop: str, value) -> dict:
    return {"id": component, "property": prop, "value": value}


def _changed(component, prop: str) -> str:
    return f"{key(component)}.{prop}"


def refresh(scene: int, tick: int) -> list[dict]:
    """What a display posts at its ``tick``-th refresh while it shows scene number ``scene``."""
    changed = _changed(wall.TICK, "n_intervals")
    scene_tick = [_value(wall.SCENE, "data", scene), _value(wall.TICK, "n_intervals", tick)]
    panels = [callback_body([(wall.panel(name), "children")], scene_tick, changed) for name in
              ("indicators", "alerts", "feedback")]
    map_values = callback_body([(wall.MAP, "figure"), (wall.MAP_TITLE, "children"), (wall.LEGEND, "children")],
                       [*scene_tick, _value(wall.SCREEN, "data", SCREEN_HEIGHT)], changed)
    freshness = callback_body([(wall.STATUS, "children")], [_value(wall.TICK, "n_intervals", tick)], changed)
    return [*panels, map_values, freshness]


def rotate(scene: int, turns: int) -> dict:
    """The body that asks which scene follows scene number ``scene`` (the ``turns``-th rotation)."""
    return callback_body([(wall.SCENE, "data"), (wall.ROTATE, "interval")], [_value(wall.ROTATE, "n_intervals", turns)],
                 _changed(wall.ROTATE, "n_intervals"), [_value(wall.SCENE, "data", scene)])


def frame(scene: int) -> dict:
    """The title and the boxes shown or hidden for scene number ``scene``."""
    outputs = [(wall.TITLE, "children"), *((wall.box(name), "hidden") for name in (*wall.PANELS, "side"))]
    return callback_body(outputs, [_value(wall.SCENE, "data", scene)], _changed(wall.SCENE, "data"))
