"""Callback POSTs built from the app's own callback map, as Dash's renderer would send them.

Built from what each callback declares (its outputs, inputs and state), so a test keeps posting the right
shape when a page adds an input to a callback.
"""

import json


def split_output(output: str) -> list[dict]:
    """``..a.children...b.data..`` (or ``a.children``) as Dash's ``outputs``: id and property of each."""
    names = output[2:-2].split("...") if output.startswith("..") else [output]
    described = []
    for name in names:
        component, prop = name.rsplit(".", 1)
        described.append({"id": json.loads(component) if component.startswith("{") else component,
                          "property": prop})
    return described


def callback_body(app, output: str, values: dict | None = None, changed: str | None = None) -> dict:
    """The POST for the callback of ``output``; every input and state is None (an ALL pattern: no component)
    unless ``values`` gives it, keyed by the id as the callback map spells it. A pattern's value is the list
    of ``{"id": …, "property": …, "value": …}`` the renderer sends for it."""
    values = values or {}
    entry = app.callback_map[output]

    def dependency(spec: dict):
        name = spec["id"]
        if name.startswith("{"):
            return values.get(name, [])
        return {"id": name, "property": spec["property"], "value": values.get(name)}

    inputs = [dependency(spec) for spec in entry["inputs"]]
    first = entry["inputs"][0] if entry["inputs"] else None
    outputs = split_output(output)
    return {
        "output": output,
        "outputs": outputs if output.startswith("..") else outputs[0],
        "inputs": inputs,
        "changedPropIds": [changed or (f"{first['id']}.{first['property']}" if first else "")],
        "state": [dependency(spec) for spec in entry["state"]],
    }


def pattern(kind: str, prop: str, values: dict) -> list[dict]:
    """Components of one pattern (``{"type": kind, "name": …}``) with their values, as an ALL input."""
    return [{"id": {"name": name, "type": kind}, "property": prop, "value": value} for name, value in values.items()]


def pattern_key(kind: str, wildcard: str = "name") -> str:
    """How the callback map spells an ALL pattern of ``kind`` over ``wildcard``."""
    return json.dumps({wildcard: ["ALL"], "type": kind}, separators=(",", ":"), sort_keys=True)
