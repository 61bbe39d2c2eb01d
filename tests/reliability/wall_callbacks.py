"""The bodies Dash's renderer posts for the wall display's callbacks (layouts/wall.py), as a display sends them.

A display posts ``rotate`` when its scene's time is up, then ``frame`` and every panel for the new scene; at
each refresh (``wall-tick``) it posts every panel and the freshness line. The explorer's bodies are built by
``tests/analytics/helpers.py``; this follows the same shape, for ids that are plain strings as well as dicts.
"""

from layouts import wall
from tests.analytics.helpers import key

REFRESHED = ("indicators", "alerts", "feedback", "map", "freshness")
"""The callbacks of one refresh, in the order ``refresh`` gives their bodies."""
SCREEN_HEIGHT = 1080
"""What the display's browser reports as its window height (px): the operations room's 1080p screens."""


def _name(component) -> str:
    return component if isinstance(component, str) else key(component)


def _value(component, prop: str, value) -> dict:
    return {"id": component, "property": prop, "value": value}


def _body(outputs: list[tuple], inputs: list[dict], changed: tuple, state: list[dict] | None = None) -> dict:
    names = [f"{_name(component)}.{prop}" for component, prop in outputs]
    described = [{"id": component, "property": prop} for component, prop in outputs]
    return {
        "output": names[0] if len(names) == 1 else ".." + "...".join(names) + "..",
        "outputs": described[0] if len(described) == 1 else described,
        "inputs": inputs,
        "changedPropIds": [f"{_name(changed[0])}.{changed[1]}"],
        "state": state or [],
    }


def refresh(scene: int, tick: int) -> list[dict]:
    """What a display posts at its ``tick``-th refresh while it shows scene number ``scene``."""
    changed = (wall.TICK, "n_intervals")
    scene_tick = [_value(wall.SCENE, "data", scene), _value(wall.TICK, "n_intervals", tick)]
    panels = [_body([(wall.panel(name), "children")], scene_tick, changed) for name in
              ("indicators", "alerts", "feedback")]
    map_values = _body([(wall.MAP, "figure"), (wall.MAP_TITLE, "children"), (wall.LEGEND, "children")],
                       [*scene_tick, _value(wall.SCREEN, "data", SCREEN_HEIGHT)], changed)
    freshness = _body([(wall.STATUS, "children")], [_value(wall.TICK, "n_intervals", tick)], changed)
    return [*panels, map_values, freshness]


def rotate(scene: int, turns: int) -> dict:
    """The body that asks which scene follows scene number ``scene`` (the ``turns``-th rotation)."""
    return _body([(wall.SCENE, "data"), (wall.ROTATE, "interval")], [_value(wall.ROTATE, "n_intervals", turns)],
                 (wall.ROTATE, "n_intervals"), [_value(wall.SCENE, "data", scene)])


def frame(scene: int) -> dict:
    """The title and the boxes shown or hidden for scene number ``scene``."""
    outputs = [(wall.TITLE, "children"), *((wall.box(name), "hidden") for name in (*wall.PANELS, "side"))]
    return _body(outputs, [_value(wall.SCENE, "data", scene)], (wall.SCENE, "data"))
