"""VN_AQI (Decision 1459/QĐ-TCMT) and gauge alarm levels, against numbers worked out by hand."""

from datetime import UTC, datetime, timedelta

import pytest

from ioc.indicators.aqi import category, daily_aqi, hourly_aqi, nowcast, sub_index
from ioc.indicators.gauges import alarm_level

HOUR = datetime(2026, 11, 25, 5, tzinfo=UTC)
EPISODE = [70, 64, 55, 48, 52, 40, 38, 41, 36, 33, 30, 35]  # PM2.5, newest first
STEADY = [40, 38, 35, 36, 32, 30, 33, 31, 29, 28, 30, 27]


def series(values_newest_first, end=HOUR):
    return {end - timedelta(hours=i): value for i, value in enumerate(values_newest_first) if value is not None}


def test_nowcast_with_a_weight_at_or_below_one_half_sums_halves():
    # w* = 30/70 = 0.43 <= 1/2, so NowCast = Σ (1/2)^i c_i
    # = 35 + 16 + 6.875 + 3 + 1.625 + 0.625 + 0.296875 + 0.16015625 + 0.0703125 + 0.0322265625
    #   + 0.0146484375 + 0.008544921875 = 63.707763671875
    assert nowcast(EPISODE) == pytest.approx(63.707763671875)


def test_nowcast_with_a_steady_series_weights_by_w():
    # w = 27/40 = 0.675; Σ w^(i-1) c_i / Σ w^(i-1) = 36.606...
    assert nowcast(STEADY) == pytest.approx(36.60628, abs=1e-4)


def test_nowcast_needs_two_of_the_three_newest_hours():
    assert nowcast([None, None, 30, *STEADY[3:]]) is None
    assert nowcast([None, 38, 35, *STEADY[3:]]) is not None


@pytest.mark.parametrize(("table", "concentration", "expected"), [
    ("pm25", 63.707763671875, 123),  # 100 + 50/30 * (63.708 - 50) = 122.85
    ("pm25", 36.60628, 73),          # 50 + 50/25 * (36.606 - 25) = 73.2
    ("pm25", 25, 50), ("pm25", 0, 0), ("pm25", 700, 500),
    ("pm10", 200, 125),              # 100 + 50/100 * (200 - 150)
    ("co", 12000, 55),               # 50 + 50/20000 * 2000
    ("no2", 150, 75), ("so2", 1000, 225), ("o3_1h", 250, 125),
    ("o3_8h", 500, None),            # beyond the 8-hour table: the 1-hour value decides
])
def test_sub_index_interpolates_in_the_breakpoint_table(table, concentration, expected):
    assert sub_index(table, concentration) == expected


def test_hourly_vn_aqi_is_the_largest_sub_index_with_pm_by_nowcast():
    means = {"pm25": series(EPISODE), "pm10": series([60] * 12), "no2": series([150]), "co": series([12000]),
             "o3": series([250, 240, 230, 220, 210, 200, 190, 180])}
    aqi = hourly_aqi(means, HOUR)
    # o3: 1 h 250 -> 125; 8 h mean 215 -> above 210, 200 + 100/190 * 5 = 202.6 -> 203
    assert aqi.sub_indices == {"pm25": 123, "pm10": 55, "o3": 203, "co": 55, "no2": 75}
    assert (aqi.value, aqi.dominant, aqi.category) == (203, "o3", ("Rất xấu", "Very bad", "#8f3f97"))


def test_without_pm_there_is_no_vn_aqi():
    assert hourly_aqi({"no2": series([150]), "co": series([12000])}, HOUR) is None


def test_daily_vn_aqi_uses_the_24_hour_pm_mean_and_the_largest_gas_hour():
    day = [HOUR - timedelta(hours=23 - i) for i in range(24)]
    means = {"pm25": {h: 30.0 + (i % 2) * 20 for i, h in enumerate(day)},  # mean 40 -> 50 + 2 * 15 = 80
             "so2": {day[3]: 100.0, day[10]: 400.0}}                          # max 400 -> 100 + 50/200*50 = 112.5
    aqi = daily_aqi(means, day)
    assert aqi.sub_indices == {"pm25": 80, "so2": 113}
    assert (aqi.value, aqi.dominant, aqi.category[0]) == (113, "so2", "Kém")


def test_daily_pm_needs_three_quarters_of_the_hours():
    day = [HOUR - timedelta(hours=23 - i) for i in range(24)]
    assert daily_aqi({"pm25": {h: 30.0 for h in day[:17]}}, day) is None
    assert daily_aqi({"pm25": {h: 30.0 for h in day[:18]}}, day).value == 60


@pytest.mark.parametrize(("value", "label"), [(0, "Tốt"), (50, "Tốt"), (51, "Trung bình"), (150, "Kém"),
                                              (151, "Xấu"), (300, "Rất xấu"), (301, "Nguy hại")])
def test_categories_follow_the_decisions_bands(value, label):
    assert category(value)[0] == label


@pytest.mark.parametrize(("level", "expected"), [(26.0 - 0.01, 0), (26.0, 1), (27.9, 2), (29.0, 3), (35, 3)])
def test_gauge_alarm_level_is_the_highest_level_reached(level, expected):
    assert alarm_level(level, (26.0, 27.5, 29.0)) == expected
