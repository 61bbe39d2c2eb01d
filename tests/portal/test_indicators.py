"""Indicators, Decision 766 scores, gaps and rankings, against numbers computed by hand."""

from datetime import date

import pytest

from ioc.config import IndicatorSettings
from ioc.indicators.dossiers import CatalogueCounts, DossierTotals, dossier_indicators
from ioc.indicators.index766 import gaps, rank, score
from ioc.indicators.periods import Period, split

TOTALS = DossierTotals(received_online=30, received_offline=70, finished_early=40, finished_on_time=35,
                       finished_late=10, pending_on_time=10, pending_overdue=5, handling_days=425.0, with_fee=50,
                       paid_online=20, digitised=60, electronic_results=51, rated_unsatisfied=2, complaints=1)
CATALOGUE = CatalogueCounts(procedures=200, online=150, online_used=30)


def test_each_dossier_indicator_follows_its_formula():
    assert dossier_indicators(TOTALS, CATALOGUE) == pytest.approx({
        "dossier_on_time_rate": 85.0,  # (40 early + 35 on time + 10 pending in time) / 100
        "avg_handling_days": 5.0,  # 425 days / 85 finished
        "online_service_coverage": 75.0,  # 150 / 200
        "online_services_with_dossiers": 20.0,  # 30 / 150
        "online_dossier_rate": 30.0,  # 30 / 100
        "online_payment_rate": 40.0,  # 20 / 50 with a fee
        "electronic_result_rate": 60.0,  # 51 / 85 finished
        "digitisation_rate": 60.0,  # 60 / 100
        "satisfaction_rate": 82.0,  # (100 - 15 late - 1 complaint - 2 unsatisfied) / 100
        "dossiers_received": 100,  # 30 online + 70 in person
        "dossiers_received_online": 30,
        "dossiers_received_offline": 70,
    })


def test_a_period_without_dossiers_has_no_data_not_zero_or_hundred():
    values = dossier_indicators(DossierTotals(), CATALOGUE)
    assert values.pop("online_service_coverage") == 75.0  # the catalogue is there with or without dossiers
    assert set(values.values()) == {None}


def test_a_unit_with_no_online_procedures_has_zero_coverage_and_no_usage_rate():
    values = dossier_indicators(TOTALS, CatalogueCounts(procedures=12, online=0, online_used=0))
    assert values["online_service_coverage"] == 0.0
    assert values["online_services_with_dossiers"] is None


def test_the_766_score_adds_proportional_points_per_group_and_scales_to_100():
    result = score(dossier_indicators(TOTALS, CATALOGUE), IndicatorSettings())
    points = {group: g.points for group, g in result.groups.items()}
    assert points == pytest.approx({
        "transparency": None,  # not measured by portal statistics
        "progress": 17.0,  # 20 x 85 / 100
        "online": 5.625 + 4 * 20 / 60 + 3.6 + 2.4,  # 6x75/80 + 4x20/60 + 6x30/50 + 6x40/100
        "digitisation": 9.0 + 7.5,  # 12 x 60/80 + 10 x 60/80
        "satisfaction": 14.76,  # 18 x 82 / 100
    })
    assert result.measured_points == 82
    assert result.total == pytest.approx((17 + 12.958333 + 16.5 + 14.76) / 82 * 100, abs=1e-4)


def test_an_indicator_without_data_neither_rewards_nor_punishes_its_group():
    values = {**dossier_indicators(TOTALS, CATALOGUE), "online_payment_rate": None}
    online = score(values, IndicatorSettings()).groups["online"]
    assert online.points == pytest.approx(22 * (5.625 + 4 * 20 / 60 + 3.6) / 16)


def test_a_rate_beyond_the_full_point_threshold_earns_no_more_than_full_points():
    values = {"digitisation_rate": 95.0, "electronic_result_rate": 80.0}
    assert score(values, IndicatorSettings()).groups["digitisation"].points == 22.0


def test_weights_that_exceed_their_group_are_refused():
    with pytest.raises(ValueError, match="scoring gives group 'progress' 25 points, more than its 20"):
        IndicatorSettings(scoring={"dossier_on_time_rate": {"group": "progress", "max_points": 25, "full_at": 100}})


def test_gaps_follow_the_direction_of_each_indicator():
    values = dossier_indicators(TOTALS, CATALOGUE)
    result = gaps(values, {"dossier_on_time_rate": 95, "avg_handling_days": 6, "satisfaction_rate": 80},
                  {"avg_handling_days": "lower"})
    assert (result["dossier_on_time_rate"].gap, result["dossier_on_time_rate"].met) == (pytest.approx(-10), False)
    assert (result["avg_handling_days"].gap, result["avg_handling_days"].met) == (pytest.approx(-1), True)
    assert result["satisfaction_rate"].met is True
    no_data = gaps({}, {"dossier_on_time_rate": 95}, {})["dossier_on_time_rate"]
    assert (no_data.gap, no_data.met) == (None, None)


def test_ranking_shares_ranks_on_ties_and_leaves_units_without_data_unranked():
    assert rank({"a": 90.0, "b": 95.0, "c": 90.0, "d": None, "e": 80.0}) == {"a": 2, "b": 1, "c": 2, "d": None,
                                                                               "e": 4}
    assert rank({"a": 3.0, "b": 5.0}, higher_is_better=False) == {"a": 1, "b": 2}


def test_periods_split_a_range_and_name_their_buckets():
    months = split(date(2026, 1, 15), date(2026, 3, 10), "month")
    assert [(p.first, p.last, p.key) for p in months] == [
        (date(2026, 1, 15), date(2026, 1, 31), "2026-01"),
        (date(2026, 2, 1), date(2026, 2, 28), "2026-02"),
        (date(2026, 3, 1), date(2026, 3, 10), "2026-03"),
    ]
    assert Period.quarter(2026, 4) == Period(date(2026, 10, 1), date(2026, 12, 31), "quarter")
    assert [p.key for p in split(date(2025, 12, 30), date(2026, 1, 1), "quarter")] == ["2025-Q4", "2026-Q1"]
    assert [p.key for p in split(date(2025, 12, 31), date(2026, 1, 1), "day")] == ["2025-12-31", "2026-01-01"]
    assert split(date(2025, 1, 1), date(2026, 6, 30), "year")[1] == Period(date(2026, 1, 1), date(2026, 6, 30), "year")
    with pytest.raises(ValueError, match="cannot end"):
        Period.custom(date(2026, 2, 1), date(2026, 1, 1))


def test_presets_are_periods_as_of_a_vietnam_day():
    from ioc.indicators.periods import preset

    today = date(2026, 12, 2)
    assert preset("this_month", today) == Period.custom(date(2026, 12, 1), date(2026, 12, 2))
    assert preset("last_month", today) == Period.custom(date(2026, 11, 1), date(2026, 11, 30))
    assert preset("this_quarter", today) == Period.custom(date(2026, 10, 1), date(2026, 12, 2))
    assert preset("this_year", today) == Period.custom(date(2026, 1, 1), date(2026, 12, 2))
    assert preset("last_12_months", today) == Period.custom(date(2025, 12, 1), date(2026, 11, 30))
    assert preset("last_month", date(2026, 1, 15)) == Period.custom(date(2025, 12, 1), date(2025, 12, 31))
    with pytest.raises(ValueError, match="unknown period preset 'yesterday'"):
        preset("yesterday", today)


def test_the_previous_period_has_the_same_length_in_months_or_days():
    from ioc.indicators.periods import previous

    assert previous(Period.custom(date(2026, 3, 1), date(2026, 3, 31))) == Period.custom(date(2026, 2, 1),
                                                                                       date(2026, 2, 28))
    assert previous(Period.custom(date(2025, 12, 1), date(2026, 11, 30))) == Period.custom(date(2024, 12, 1),
                                                                                         date(2025, 11, 30))
    assert previous(Period.custom(date(2026, 12, 1), date(2026, 12, 2))) == Period.custom(date(2026, 11, 29),
                                                                                        date(2026, 11, 30))
    assert previous(Period.custom(date(2026, 3, 5), date(2026, 3, 5))) == Period.custom(date(2026, 3, 4),
                                                                                      date(2026, 3, 4))
