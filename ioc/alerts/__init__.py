"""Alerts: rules from config.yaml, the engine that raises and clears them, the operators' lifecycle actions,
notifications, the CAP 1.2 export and the alarm-load report (docs/alerts.md)."""
