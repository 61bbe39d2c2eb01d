"""ioc: the open-source Intelligent Operations Centre for a Vietnamese province."""

__version__ = "0.1.0"
