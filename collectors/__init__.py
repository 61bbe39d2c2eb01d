"""Collectors, one module per source kind, and the simulators that imitate those sources."""
