"""Which collector a name in ``config.yaml``'s ``collectors:`` section means.

Built-in collectors register themselves here exactly as a third-party one would, with ``register``.
"""

from collectors.base import PolledCollector, PushedCollector

_COLLECTORS: dict[str, type[PolledCollector] | type[PushedCollector]] = {}


def register(cls):
    """Class decorator: make a collector available under its ``name``."""
    if cls.name in _COLLECTORS and _COLLECTORS[cls.name] is not cls:
        raise ValueError(f"two collectors are named {cls.name!r}")
    _COLLECTORS[cls.name] = cls
    return cls


def collector_class(name: str):
    try:
        return _COLLECTORS[name]
    except KeyError:
        known = ", ".join(sorted(_COLLECTORS)) or "none"
        raise KeyError(f"unknown collector {name!r} (known: {known})") from None


def known_collectors() -> list[str]:
    return sorted(_COLLECTORS)
