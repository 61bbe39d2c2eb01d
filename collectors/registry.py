"""Which collector a name in ``config.yaml``'s ``collectors:`` section means.

Built-in collectors register themselves with ``register`` exactly as a third-party one would; their modules
are listed in ``BUILTIN`` and imported the first time a collector is looked up.
"""

import importlib

BUILTIN: tuple[str, ...] = ("collectors.mqtt_ingest", "collectors.portal")
"""Modules of the collectors that ship with the IOC."""

_COLLECTORS: dict[str, type] = {}


def register(cls):
    """Class decorator: make a collector available under its ``name``."""
    if cls.name in _COLLECTORS and _COLLECTORS[cls.name] is not cls:
        raise ValueError(f"two collectors are named {cls.name!r}")
    _COLLECTORS[cls.name] = cls
    return cls


def _import_builtin() -> None:
    for module in BUILTIN:
        importlib.import_module(module)


def collector_class(name: str) -> type:
    _import_builtin()
    try:
        return _COLLECTORS[name]
    except KeyError:
        known = ", ".join(known_collectors()) or "none"
        raise KeyError(f"unknown collector {name!r} (known: {known})") from None


def known_collectors() -> list[str]:
    _import_builtin()
    return sorted(_COLLECTORS)
