"""The configuration reference in docs/configuration.md, generated from the models themselves.

A setting is defined once, with its default and help text, in ``ioc.config`` (or a collector's options model);
this module writes that down so the documentation cannot drift from the code.
"""

import re
from pathlib import Path

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from ioc.config import Section, Settings, WallScene

BEGIN = "<!-- BEGIN GENERATED: ioc config-reference -->"
END = "<!-- END GENERATED -->"


def _fields(model: type[BaseModel], prefix: str = ""):
    for name, field in model.model_fields.items():
        if field.exclude:
            continue
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, Section):
            yield from _fields(annotation, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", field


def _type_name(annotation) -> str:
    name = getattr(annotation, "__name__", None) if isinstance(annotation, type) else None
    text = name or str(annotation).replace("typing.", "").replace("pathlib.", "")
    return text.replace(" | ", " or ")


def _default(field) -> str:
    if field.default is PydanticUndefined:
        return "(required)"
    value = field.default
    if isinstance(value, Path):
        value = str(value)
    return f"`{value!r}`" if value not in ({}, []) else f"`{value}`"


def _table(model: type[BaseModel], prefix: str = "") -> list[str]:
    rows = ["| setting | type | default | meaning |", "|---|---|---|---|"]
    for path, field in _fields(model, prefix):
        meaning = (field.description or "").replace("|", "\\|")
        rows.append(f"| `{path}` | {_type_name(field.annotation)} | {_default(field)} | {meaning} |")
    return rows


def undocumented_fields() -> list[str]:
    """Settings that have no help text: each is a gap in the reference."""
    models = [(Settings, ""), (WallScene, "web.wall.scenes[]."),
              *[(cls.options_model, f"collectors.{name}.") for name, cls in _collectors()]]
    return [path for model, prefix in models for path, field in _fields(model, prefix) if not field.description]


def _collectors():
    """The collectors that ship with the IOC (not ones a test or plugin registered)."""
    from collectors.registry import BUILTIN, collector_class, known_collectors

    classes = [(name, collector_class(name)) for name in known_collectors()]
    return [(name, cls) for name, cls in classes if cls.__module__ in BUILTIN]


def render() -> str:
    lines = [BEGIN, "", "### Sections", "", *_table(Settings)]
    lines += ["", "### `web.wall.scenes[]`", "", "Each scene of the wall display (docs/wall.md).", "",
              *_table(WallScene, "web.wall.scenes[].")]
    for name, cls in _collectors():
        lines += ["", f"### `collectors.{name}`", "", (cls.__doc__ or "").strip().splitlines()[0], "",
                  *_table(cls.options_model, f"collectors.{name}.")]
    return "\n".join([*lines, "", END])


def update(document: Path) -> bool:
    """Rewrite the generated block of ``document``; return whether it changed."""
    old = document.read_text(encoding="utf-8")
    new = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: render(), old, flags=re.DOTALL)
    if new != old:
        document.write_text(new, encoding="utf-8")
    return new != old
