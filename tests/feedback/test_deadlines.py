"""Deadlines in working days: weekends, public holidays (Tết, Vietnam Cultural Day), a Saturday worked in
exchange, and reports received after office hours. Times are Vietnam local time."""

from datetime import UTC, datetime, time

import pytest

from ioc.feedback.deadlines import due_at, is_working_day, receipt_day
from ioc.timeutil import VIETNAM

END = time(17, 0)


def vn(year, month, day, hour=9, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VIETNAM)


@pytest.mark.parametrize(("received", "days", "due"), [
    pytest.param(vn(2026, 12, 1), 5, vn(2026, 12, 8, 17), id="Tuesday: 5 days skip one weekend"),
    pytest.param(vn(2026, 12, 4), 1, vn(2026, 12, 7, 17), id="Friday: due Monday"),
    pytest.param(vn(2026, 12, 5, 10), 1, vn(2026, 12, 8, 17), id="Saturday: received Monday, due Tuesday"),
    pytest.param(vn(2026, 12, 1, 17, 30), 1, vn(2026, 12, 3, 17), id="after office hours: counts from Wednesday"),
    pytest.param(vn(2026, 12, 1, 16, 59), 1, vn(2026, 12, 2, 17), id="just before the end of office hours"),
    pytest.param(vn(2026, 11, 23), 5, vn(2026, 12, 1, 17), id="Vietnam Cultural Day 24/11 does not count"),
    pytest.param(vn(2026, 2, 13), 3, vn(2026, 2, 25, 17), id="Tết 16-20/02/2026 does not count"),
    pytest.param(vn(2026, 8, 21), 1, vn(2026, 8, 22, 17), id="Saturday 22/08/2026 is worked for the 31/08 bridge"),
    pytest.param(vn(2026, 8, 28), 1, vn(2026, 9, 3, 17), id="the 31/08 bridge and National Day 1-2/09"),
])
def test_the_due_time_counts_working_days_only(received, days, due):
    assert due_at(received.astimezone(UTC), days, END) == due.astimezone(UTC)


def test_working_days_and_receipt_days():
    assert not is_working_day(vn(2026, 12, 5).date()) and not is_working_day(vn(2026, 9, 2).date())
    assert is_working_day(vn(2026, 8, 22).date())
    # 23:30 UTC on Sunday is 06:30 Monday in Vietnam: received on Monday, before office hours end
    assert receipt_day(datetime(2026, 12, 6, 23, 30, tzinfo=UTC), END) == vn(2026, 12, 7).date()
