"""The feedback indicators on both backends, against values computed by hand from a small history, and the
wall display's day summary. Reports go in through the same handling code as the API, with a test's clock."""

from datetime import UTC, date, datetime, timedelta

import pytest

from ioc.feedback import handling
from ioc.feedback.places import DistrictLocator
from ioc.feedback.workflow import Change
from ioc.indicators.feedback import median_handling_days, on_time_rate, satisfaction_rate
from ioc.indicators.feedback_report import feedback_report
from ioc.store import feedback_queries
from ioc.timeutil import VIETNAM

MON = datetime(2026, 12, 7, 9, 0, tzinfo=VIETNAM).astimezone(UTC)
"""Monday 07/12/2026, 09:00 in Vietnam. Category 'security' has 5 working days: due Monday 14/12 17:00."""


def take_in(connection, settings, ref: str, at: datetime, category="security", channel="app", unit="689"):
    locator = DistrictLocator.of(settings)
    report = handling.NewReport(channel=channel, channel_ref=ref, category=category, title="Mất trộm xe máy",
                                description="Xe máy bị lấy cắp trước chợ Đồng Xoài", unit_code=unit)
    row, _created = handling.submit(connection, settings.feedback, locator, report, "test", at)
    return row["id"]


def walk(connection, report_id: int, at: datetime, *steps: Change) -> None:
    for n, step in enumerate(steps):
        handling.transition(connection, report_id, step, "operator", at + timedelta(minutes=n))


TO_ANSWER = (Change("accepted"), Change("assigned", agency="Công an TP Đồng Xoài"), Change("in_progress"),
             Change("answered", reply="Đã tiếp nhận, đang điều tra."))


@pytest.fixture
def history(engine, settings):
    """Six reports received on Monday 07/12 (due 14/12 17:00 Vietnam = 10:00 UTC) and one on Tuesday:

    a: answered after 2 days, closed rated 5      -> on time, satisfied, 2.0 days
    b: answered after 3 days, closed rated 2      -> on time, unsatisfied (rating), 3.0 days
    c: answered after 9 days (late), closed rated 4 -> late, unsatisfied (late), 9.0 days
    d: still open, past due at NOW                -> late (in scope), not answered
    e: rejected                                   -> out of scope
    f: answered after 1 day, not rated            -> on time, satisfied, 1.0 day
    g: received Tuesday (land, 15 days), open, not yet due -> out of scope (no outcome yet)
    """
    with engine.begin() as connection:
        ids = {name: take_in(connection, settings, name, MON) for name in "abcdef"}
        ids["g"] = take_in(connection, settings, "g", MON + timedelta(days=1), category="land", channel="hotline",
                           unit="690")
        walk(connection, ids["a"], MON + timedelta(days=2) - timedelta(minutes=3), *TO_ANSWER)
        walk(connection, ids["a"], MON + timedelta(days=3), Change("closed", rating=5))
        walk(connection, ids["b"], MON + timedelta(days=3) - timedelta(minutes=3), *TO_ANSWER)
        walk(connection, ids["b"], MON + timedelta(days=4), Change("closed", rating=2))
        walk(connection, ids["c"], MON + timedelta(days=9) - timedelta(minutes=3), *TO_ANSWER)
        walk(connection, ids["c"], MON + timedelta(days=10), Change("closed", rating=4))
        walk(connection, ids["d"], MON, Change("accepted"))
        walk(connection, ids["e"], MON, Change("rejected", reason="Trùng phản ánh trước"))
        walk(connection, ids["f"], MON + timedelta(days=1) - timedelta(minutes=3), *TO_ANSWER)
    return ids


NOW = MON + timedelta(days=10, hours=1)


def test_the_indicators_match_the_hand_computed_values(engine, settings, history):
    with engine.connect() as connection:
        result = feedback_report(connection, settings.feedback, date(2026, 12, 7), date(2026, 12, 8), NOW)
    assert result.received == 7
    assert result.on_time_rate == pytest.approx(100 * 3 / 5)  # a, b, f of a, b, c, d, f
    assert result.satisfaction_rate == pytest.approx(100 * 2 / 4)  # a, f of a, b, c, f
    assert result.median_handling_days == pytest.approx(2.5)  # median of 1, 2, 3, 9
    assert (result.backlog, result.overdue) == (2, 1)  # d and g open; d past due
    assert result.by_channel == {"app": 6, "hotline": 1}
    assert result.by_unit == {"689": 6, "690": 1}
    assert result.by_category == {"security": 6, "land": 1}
    assert result.by_day == {date(2026, 12, 7): 6, date(2026, 12, 8): 1}
    assert result.values()["feedback_overdue"] == 1


def test_a_unit_and_an_empty_period_have_their_own_figures(engine, settings, history):
    with engine.connect() as connection:
        binh_long = feedback_report(connection, settings.feedback, date(2026, 12, 7), date(2026, 12, 8), NOW, "690")
        empty = feedback_report(connection, settings.feedback, date(2026, 11, 1), date(2026, 11, 2), NOW)
    assert (binh_long.received, binh_long.on_time_rate, binh_long.backlog, binh_long.overdue) == (1, None, 1, 0)
    assert (empty.received, empty.on_time_rate, empty.satisfaction_rate, empty.median_handling_days) == (
        0, None, None, None)
    assert empty.by_day == {date(2026, 11, 1): 0, date(2026, 11, 2): 0}


def test_the_day_summary_for_the_wall_display(engine, history):
    with engine.connect() as connection:
        monday = feedback_queries.today_summary(connection, date(2026, 12, 7), NOW)
        answered_day = feedback_queries.today_summary(connection, date(2026, 12, 16), NOW)
        wednesday = feedback_queries.today_summary(connection, date(2026, 12, 9), NOW)
    assert monday == {"received": 6, "answered": 0, "overdue": 0}
    assert answered_day == {"received": 0, "answered": 1, "overdue": 1}  # c answered; d overdue since 14/12
    assert wednesday == {"received": 0, "answered": 1, "overdue": 0}  # a answered on 09/12


def test_the_overdue_alert_rule_counts_with_the_same_query(engine, tmp_path, history):
    from tests.alerts.helpers import alert_settings, alerts_of, run

    rules = alert_settings(tmp_path / "rules", [{"id": "late", "type": "feedback_overdue", "above": 0}])
    run(engine, rules, NOW)
    [alert] = alerts_of(engine, "late")
    assert (alert["target"], alert["value"]) == ("70", 1)


def test_the_pure_formulas_leave_no_data_as_none():
    assert on_time_rate([], NOW) is None and satisfaction_rate([], 2, NOW) is None
    assert median_handling_days([{"answered_at": None, "received_at": NOW}]) is None
