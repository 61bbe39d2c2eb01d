"""The ``store_space`` rule: the free space of the SQLite store's disk, which PostgreSQL's server keeps to itself.

The disk actually filling up is tests/reliability/test_disk_full.py; here the limits are set above and below
whatever the test machine has free, so the outcome does not depend on it.
"""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from ioc.config import ConfigError
from tests.alerts.helpers import T0, alert_settings, alerts_of, run

RULES = [{"id": "tight", "type": "store_space", "min_free_percent": 100},  # no disk in use is 100 % free
         {"id": "loose", "type": "store_space", "min_free_mb": 0.001}]


def database_file(engine) -> str:
    with engine.connect() as connection:
        return {name: path for _seq, name, path in connection.execute(text("PRAGMA database_list"))}["main"]


def test_the_rule_compares_the_sqlite_disks_free_space_and_never_raises_on_postgresql(engine, tmp_path):
    settings = alert_settings(tmp_path / "cfg", RULES)
    run(engine, settings, T0)
    assert alerts_of(engine, "loose") == []
    if engine.dialect.name != "sqlite":
        assert alerts_of(engine, "tight") == []
        return
    [alert] = alerts_of(engine, "tight")
    path = database_file(engine)
    usage = shutil.disk_usage(Path(path).parent)
    assert (alert["target"], alert["source"], alert["active"]) == ("store", "store", True)
    assert alert["value"] == pytest.approx(100 * usage.free / usage.total, abs=0.5)
    assert alert["message_en"].startswith(f"{path}: ")


def test_a_store_space_rule_needs_exactly_one_limit(tmp_path):
    with pytest.raises(ConfigError) as refused:
        alert_settings(tmp_path / "cfg", [
            {"id": "both", "type": "store_space", "min_free_mb": 500, "min_free_percent": 10},
            {"id": "neither", "type": "store_space"},
            {"id": "over", "type": "store_space", "min_free_percent": 150},
        ])
    assert [(path, reason.split(" (got ")[0]) for path, reason in refused.value.problems] == [
        ("alerts.rules.0.store_space", "give exactly one of min_free_mb or min_free_percent"),
        ("alerts.rules.1.store_space", "give exactly one of min_free_mb or min_free_percent"),
        ("alerts.rules.2.store_space.min_free_percent", "Input should be less than or equal to 100"),
    ]
