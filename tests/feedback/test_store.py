"""Storing reports on both backends: a report that arrives twice at the same moment is one row."""

import threading
import time

from ioc.feedback import handling
from ioc.feedback.places import DistrictLocator
from ioc.store import schema
from ioc.timeutil import utcnow
from tests.feedback.conftest import count

REPORT = handling.NewReport(channel="zalo", channel_ref="zalo-42", category="utilities", title="Mất điện",
                            description="Khu phố 3 mất điện từ 6 giờ sáng", unit_code="689")


def test_a_report_stored_by_another_transaction_meanwhile_is_returned_not_duplicated(engine, settings):
    locator = DistrictLocator.of(settings)
    inserted, answers = threading.Event(), []

    def first():
        with engine.begin() as connection:
            answers.append(handling.submit(connection, settings.feedback, locator, REPORT, "a", utcnow()))
            inserted.set()
            time.sleep(0.5)  # still uncommitted while the second one arrives

    thread = threading.Thread(target=first)
    thread.start()
    inserted.wait(10)
    with engine.begin() as connection:
        second = handling.submit(connection, settings.feedback, locator, REPORT, "b", utcnow())
    thread.join(10)
    (row_a, new_a), (row_b, new_b) = answers[0], second
    assert (new_a, new_b) == (True, False) and row_a["tracking_code"] == row_b["tracking_code"]
    assert count(engine, schema.feedback) == 1 and count(engine, schema.feedback_events) == 1
