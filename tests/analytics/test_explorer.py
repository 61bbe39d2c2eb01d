"""What the explorer shows, computed from the store on both backends, against hand-computed figures."""

from datetime import date

import pytest

from ioc.indicators.explorer import ExplorerState, Known, explore, parse_state, series
from tests.analytics.helpers import MARCH, store_history

TODAY = date(2026, 12, 2)
COMMUNES_OF_DONG_XOAI = 8


@pytest.fixture
def store(engine):
    store_history(engine)
    return engine


def explored(store, settings, language="vi", **query):
    with store.connect() as connection:
        state = parse_state({**MARCH, **query}, Known.read(connection))
        return explore(connection, settings, state, TODAY, language)


def test_the_province_ranks_its_districts_against_the_target_and_the_previous_month(store, settings):
    result = explored(store, settings)
    assert (result.period.first, result.previous_period.first, result.previous_period.last) == (
        date(2026, 3, 1), date(2026, 2, 1), date(2026, 2, 28))
    assert result.level == "district" and len(result.rows) == 11
    first, second, *rest = result.rows
    assert (first.rank, first.unit_name, first.value.shown, first.gap.shown, first.previous.shown,
            first.change.shown, first.received.shown) == (1, "Bình Long", "100,0%", "▲ 5,0", "—", "—", "10")
    assert (second.rank, second.unit_name, second.value.raw, second.value.shown, second.gap.shown,
            second.previous.shown, second.change.shown) == (2, "Đồng Xoài", 85.0, "85,0%", "▼ 10,0", "80,0%",
                                                            "▲ 5,0")  # 17 of 20; February 8 of 10
    assert all(row.rank is None and row.value.shown == "—" and row.value.raw is None for row in rest)
    assert (result.total_received.raw, result.total_received.shown) == (30, "30")
    chosen = result.chosen  # the province: (17 + 10 + 2) of (20 + 10 + 3); February 8 of 10
    assert chosen.value.raw == pytest.approx(2900 / 33)
    assert (chosen.value.shown, chosen.previous.shown, chosen.change.shown, chosen.gap.shown) == (
        "87,9%", "80,0%", "▲ 7,9", "▼ 7,1")
    assert (result.districts["689"].shown, result.districts["690"].shown, result.districts["688"].shown) == (
        "85,0%", "100,0%", "—")


def test_a_district_ranks_its_communes_and_english_formats_numbers_the_english_way(store, settings):
    result = explored(store, settings, "en", unit="689")
    assert result.level == "commune" and result.chosen.unit_code == "689"
    assert {"25195", "25198", "25201"} <= {row.unit_code for row in result.rows}
    assert len(result.rows) == COMMUNES_OF_DONG_XOAI  # data/geo/units.csv
    assert (result.rows[0].unit_name, result.rows[0].value.shown, result.rows[0].rank) == ("Tân Phú", "66.7%", 1)
    assert result.chosen.value.shown == "85.0%"


def test_a_sector_counts_its_own_dossiers_only(store, settings):
    result = explored(store, settings, sector="LV01")
    by_unit = {row.unit_code: row for row in result.rows}
    assert by_unit["689"].value.shown == "85,0%" and by_unit["690"].value.shown == "—"  # 690's are LV02
    assert result.chosen.value.shown == "82,6%"  # (17 + 2) of (20 + 3)
    assert result.total_received.raw == 20


def test_the_online_channel_counts_dossiers_received_online(store, settings):
    result = explored(store, settings, indicator="dossiers_received", channel="online")
    assert [(row.rank, row.unit_code, row.value.shown) for row in result.rows[:2]] == [(1, "690", "5"), (2, "689", "4")]
    assert (result.rows[1].previous.shown, result.rows[1].change.shown) == ("2", "▲ 2")
    assert result.chosen.value.raw == 10  # 4 + 5 + 1
    assert result.rows[0].target.shown == "—"  # a count has no target


def test_the_table_sorts_by_a_column_and_keeps_units_without_data_last(store, settings):
    by_gap = explored(store, settings, sort="gap", order="desc").rows
    assert [row.unit_code for row in by_gap[:2]] == ["690", "689"] and by_gap[2].gap.raw is None
    by_gap_up = explored(store, settings, sort="gap").rows
    assert [row.unit_code for row in by_gap_up[:2]] == ["689", "690"] and by_gap_up[-1].gap.raw is None
    by_name = [row.unit_name for row in explored(store, settings, sort="unit").rows]
    assert by_name == sorted(by_name)


def test_a_short_period_is_drawn_day_by_day_with_its_target(store, settings):
    with store.connect() as connection:
        known = Known.read(connection)
        drawn = series(connection, settings, parse_state({**MARCH, "unit": "689"}, known), TODAY, "vi")
        yearly = series(connection, settings, parse_state({"period": "custom", "from": "2026-01-01",
                                                           "to": "2026-06-30", "unit": "689"}, known), TODAY, "vi")
    assert drawn.grain == "day" and len(drawn.points) == 31 and drawn.target == 95.0
    assert drawn.points[1][1].shown == "85,0%" and drawn.points[0][1].raw is None  # 2 March; 1 March has none
    assert yearly.grain == "month" and [f.shown for _p, f in yearly.points] == ["—", "80,0%", "85,0%", "—", "—", "—"]


def test_the_state_round_trips_through_its_query_string_and_bad_values_fall_back(store):
    with store.connect() as connection:
        known = Known.read(connection)
    state = ExplorerState(period="custom", first=date(2026, 3, 1), last=date(2026, 3, 31), unit="689",
                          commune="25195", sector="LV01", channel="online", indicator="dossiers_received",
                          sort="gap", descending=True)
    assert parse_state(state.query(), known) == state
    assert state.query_string().startswith("?period=custom&from=2026-03-01&to=2026-03-31&unit=689&commune=25195")
    assert ExplorerState().query_string() == ""
    assert parse_state({"commune": "25195"}, known).unit == "689"  # a commune brings its district
    bad = {"period": "custom", "from": "2026-04-01", "to": "2026-03-01", "unit": "nowhere", "sector": "LV99",
           "channel": "fax", "indicator": "'; DROP TABLE units; --", "sort": "nonsense", "commune": "689"}
    assert parse_state(bad, known) == ExplorerState()
    assert parse_state({"period": "custom", "from": "1900-01-01", "to": "2026-03-01"}, known) == ExplorerState()
