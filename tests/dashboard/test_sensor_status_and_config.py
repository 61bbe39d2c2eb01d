"""What a sensor's dot on the map says, and the wall's scenes in the configuration."""

from datetime import UTC, datetime, timedelta

import pytest
import yaml

from ioc.config import ConfigError, load_settings
from ioc.indicators.sensor_status import GAUGE_COLOURS, SILENT_COLOUR, aqi_band, statuses
from tests.conftest import REPO, write_config

NOW = datetime(2026, 11, 25, 3, 40, tzinfo=UTC)
AIR = {"id": "aq", "kind": "air_quality", "name": "Trạm A", "lon": 106.9, "lat": 11.5, "metrics": {"pm25": {}}}
GAUGE = {"id": "wl", "kind": "water_level", "name": "Trạm B", "lon": 106.9, "lat": 11.6,
         "metrics": {"water_level": {"alarm_levels": [10.0, 11.0, 12.0]}}}
RAIN = {"id": "rain", "kind": "rain", "name": "Trạm C", "lon": 106.8, "lat": 11.7, "metrics": {"rainfall": {}}}


@pytest.mark.parametrize(("value", "band"), [(0, "good"), (50, "good"), (51, "moderate"), (100, "moderate"),
                                             (101, "poor"), (151, "bad"), (201, "very_bad"), (301, "hazardous"),
                                             (500, "hazardous")])
def test_vn_aqi_bands_follow_decision_1459(value, band):
    assert aqi_band(value)[0] == band


def test_a_station_shows_its_vn_aqi_a_gauge_its_alarm_level_and_a_quiet_one_is_silent():
    hour = NOW.replace(minute=0)
    means = {"aq": {"pm25": {hour - timedelta(hours=h): 60.0 for h in range(12)}}}  # NowCast 60 µg/m³ -> 113
    latest = {"aq": {"pm25": (NOW - timedelta(minutes=5), 60.0)},
              "wl": {"water_level": (NOW - timedelta(minutes=10), 11.4)},
              "rain": {"rainfall": (NOW - timedelta(hours=1, minutes=1), 0.0)}}
    found = {s.sensor_id: s for s in statuses([AIR, GAUGE, RAIN], latest, means, NOW)}
    # 60 µg/m³ lies between the 24-hour breakpoints 50 (index 100) and 80 (index 150): 100 + 50/30 x 10 = 116.7
    assert (found["aq"].status, found["aq"].value) == ("aqi.poor", 117.0)
    assert (found["wl"].status, found["wl"].colour, found["wl"].value) == ("gauge.2", GAUGE_COLOURS[2], 11.4)
    assert (found["rain"].status, found["rain"].colour) == ("silent", SILENT_COLOUR)


def test_a_station_never_heard_is_silent_and_one_without_pm_has_no_index():
    latest = {"aq": {"temperature": (NOW, 30.0)}}
    found = statuses([AIR, GAUGE], latest, {}, NOW)
    assert [s.status for s in found] == ["reporting", "silent"]
    found = statuses([AIR], {"aq": {"pm25": (NOW, 30.0)}}, {}, NOW)
    assert found[0].status == "no_index"


def test_the_shipped_config_rotates_through_two_or_three_scenes():
    scenes = load_settings(REPO / "config.yaml").web.wall.scenes
    assert 2 <= len(scenes) <= 3
    assert scenes[0].panels == ["indicators", "map", "alerts", "feedback"]


def _wall(tmp_path, scenes):
    raw = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))["web"]
    return write_config(tmp_path, web={**raw, "wall": {"scenes": scenes}})


SCENE = {"id": "a", "title": {"vi": "Cảnh A", "en": "Scene A"}}


def test_a_scene_with_an_indicator_without_target_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"web\.wall\.scenes\.1 \(b\): indicator 'vn_aqi' has no target"):
        load_settings(_wall(tmp_path, [SCENE, {**SCENE, "id": "b", "map_indicator": "vn_aqi"}]))


def test_scene_ids_are_unique_and_panels_known(tmp_path):
    with pytest.raises(ConfigError, match="scene id used more than once: a"):
        load_settings(_wall(tmp_path, [SCENE, SCENE]))
    with pytest.raises(ConfigError, match=r"web\.wall\.scenes\.0\.panels\.0: Input should be 'indicators'"):
        load_settings(_wall(tmp_path, [{**SCENE, "panels": ["weather"]}]))
    with pytest.raises(ConfigError, match=r"web\.wall\.scenes: List should have at least 1 item"):
        load_settings(_wall(tmp_path, []))


def test_a_tile_url_needs_its_placeholders(tmp_path):
    raw = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))["web"]
    with pytest.raises(ConfigError, match=r"web\.map_tile_url"):
        load_settings(write_config(tmp_path, web={**raw, "map_tile_url": "http://tiles.example/map.png"}))
    settings = load_settings(write_config(tmp_path, web={**raw, "map_tile_url": "http://gis.local/{z}/{x}/{y}.png"}))
    assert settings.web.map_tile_url == "http://gis.local/{z}/{x}/{y}.png"
