"""Indicators: pure functions over query results (docs/indicators.md)."""
