"""The app over real HTTP on a store holding some weeks of demo data (benchmarks/demo_data.py), with a short
refresh so that browser tests see several refresh cycles."""

from datetime import timedelta

import pytest
import yaml

from benchmarks.demo_data import fill_alerts_and_runs, fill_feedback, fill_portal, fill_sensors
from ioc.auth.accounts import add_user
from ioc.config import load_settings
from ioc.timeutil import local_day, utcnow
from tests.auth.conftest import PASSWORDS, serving
from tests.conftest import REPO, write_config

ONE_SCENE = [{"id": "all", "title": {"vi": "Toàn cảnh tỉnh", "en": "Province at a glance"}, "seconds": 60}]


def wall_settings(folder, refresh_seconds: int = 1, scenes=None):
    folder.mkdir(parents=True, exist_ok=True)
    web = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))["web"]
    web = {**web, "refresh_seconds": refresh_seconds, "wall": {"scenes": scenes or ONE_SCENE}}
    return load_settings(write_config(folder, collectors={}, web=web))


def fill_demo(engine, settings, now) -> None:
    """Forty days of portal statistics (this month and the one before), a day of sensors, ten days of feedback,
    five active alerts."""
    today = local_day(now)
    fill_portal(engine, settings, today - timedelta(days=40), today)
    fill_sensors(engine, now, 1)
    fill_feedback(engine, settings, now, 10)
    fill_alerts_and_runs(engine, now)


@pytest.fixture
def demo_engine(sqlite_engine, tmp_path):
    fill_demo(sqlite_engine, wall_settings(tmp_path / "fill"), utcnow())
    for role, password in PASSWORDS.items():
        add_user(sqlite_engine, role, role, password, "test")
    return sqlite_engine


@pytest.fixture
def wall_site(demo_engine, tmp_path):
    """The app with one scene of every panel, refreshing every second."""
    with serving(wall_settings(tmp_path / "site"), demo_engine) as running:
        yield running


@pytest.fixture
def rotating_site(demo_engine, tmp_path):
    """The shipped three scenes, each on screen for one second, refreshing every second."""
    scenes = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))["web"]["wall"]["scenes"]
    settings = wall_settings(tmp_path / "site", scenes=[{**scene, "seconds": 1} for scene in scenes])
    with serving(settings, demo_engine) as running:
        yield running
