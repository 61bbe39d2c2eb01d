"""The portal collector against the simulator over real HTTP: incremental, idempotent, and never crashing."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ioc.scheduler import run_recorded
from ioc.store import portal_queries, queries, schema
from tests.portal.conftest import TODAY, stored, truth


def health(engine) -> dict:
    with engine.connect() as connection:
        (row,) = queries.collector_health(connection)
    return row


def count(engine, table) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def test_first_run_reads_the_catalogue_and_the_history_window(engine, make_collector, model):
    run_recorded(engine, make_collector(engine))
    assert health(engine)["status"] == "ok"
    assert count(engine, schema.portal_procedures) == 1875
    assert count(engine, schema.portal_sectors) == len(model.catalogue[0])
    assert stored(engine) == truth(model, TODAY - timedelta(days=9), TODAY, TODAY)
    with engine.connect() as connection:
        assert portal_queries.watermark(connection, "portal:dossier_stats") == TODAY.isoformat()
    assert count(engine, schema.procedure_usage) > 0


def test_a_second_run_rereads_recent_days_without_counting_them_twice(engine, make_collector, model, simulator):
    collector = make_collector(engine)
    run_recorded(engine, collector)
    before = simulator.requests
    run_recorded(engine, collector)
    assert stored(engine) == truth(model, TODAY - timedelta(days=9), TODAY, TODAY)
    # the catalogue is read once a day and only the last 4 of 10 days are read again
    assert simulator.requests - before < before / 2


def test_a_correction_arriving_days_later_replaces_the_pending_counts(sqlite_engine, make_collector, model,
                                                                      simulator):
    collector = make_collector(sqlite_engine, history_days=14, reread_days=11)  # covers the 10 settle days
    run_recorded(sqlite_engine, collector)
    first = stored(sqlite_engine)
    simulator.today = TODAY + timedelta(days=3)  # dossiers received on the last days finish meanwhile
    run_recorded(sqlite_engine, collector)
    assert stored(sqlite_engine) == truth(model, TODAY - timedelta(days=13), simulator.today, simulator.today)
    corrected = stored(sqlite_engine, through=TODAY)
    assert corrected["received_online"] == first["received_online"]
    assert corrected["pending_on_time"] < first["pending_on_time"]
    assert corrected["finished_early"] > first["finished_early"]
    assert corrected["rows"] == first["rows"]


@pytest.mark.parametrize(
    ("fault", "reason", "days_later"),
    [  # on a new day the catalogue is read first and meets the fault; on the same day the statistics do
        ("slow", "ReadTimeout", 1),
        ("error", "HTTPStatusError: Server error '500 INTERNAL SERVER ERROR'", 0),
        ("malformed", "PortalFormatError: not JSON", 1),
        ("truncated", "PortalFormatError: truncated page", 0),
    ],
)
def test_a_fault_fails_the_run_with_its_reason_and_the_next_run_recovers(engine, make_collector, model, simulator,
                                                                          fault, reason, days_later):
    collector = make_collector(engine, history_days=12, reread_days=11)  # beyond 10 days nothing changes
    run_recorded(engine, collector)
    simulator.today = TODAY + timedelta(days=days_later)
    simulator.fault = fault
    run_recorded(engine, collector)  # must not raise
    failed = health(engine)
    assert (failed["status"], failed["rows"]) == ("failed", 0)
    assert failed["last_error"].startswith(reason)
    simulator.fault = None
    run_recorded(engine, collector)
    assert health(engine)["status"] == "ok"
    assert stored(engine) == truth(model, TODAY - timedelta(days=11), simulator.today, simulator.today)


def test_a_transient_error_is_retried_within_the_run(sqlite_engine, make_collector, model, simulator):
    simulator.fault, simulator.fault_count = "error", 2
    run_recorded(sqlite_engine, make_collector(sqlite_engine, retries=2))
    assert health(sqlite_engine)["status"] == "ok"
    assert stored(sqlite_engine) == truth(model, TODAY - timedelta(days=9), TODAY, TODAY)


def test_a_wrong_token_fails_at_once_without_retrying(sqlite_engine, make_collector, simulator):
    run_recorded(sqlite_engine, make_collector(sqlite_engine, token="wrong", retries=3))
    assert health(sqlite_engine)["last_error"].startswith("HTTPStatusError: Client error '401 UNAUTHORIZED'")
    assert simulator.requests == 1


def test_rows_of_an_unknown_unit_are_rejected_not_stored(sqlite_engine, make_collector, model, simulator):
    model.units["99999"] = "commune"  # a commune the portal knows and the IOC's reference data does not
    run_recorded(sqlite_engine, make_collector(sqlite_engine))
    with sqlite_engine.connect() as connection:
        counts = queries.rejected_counts(connection)
        stored_units = {code for (code,) in connection.execute(select(schema.dossier_stats.c.unit_code).distinct())}
    assert counts[("portal", "unknown_unit")] > 0
    assert "99999" not in stored_units
    assert health(sqlite_engine)["status"] == "ok"


def test_a_portal_with_other_field_names_is_read_through_the_field_map(sqlite_engine, make_collector, model,
                                                                       simulator):
    renames = {"items": "data", "total": "tongSo", "unit_code": "maDonVi", "received_online": "soHoSoTrucTuyen",
               "day": "ngay"}
    simulator.renames = renames
    run_recorded(sqlite_engine, make_collector(sqlite_engine, fields=renames))
    assert health(sqlite_engine)["status"] == "ok"
    assert stored(sqlite_engine) == truth(model, TODAY - timedelta(days=9), TODAY, TODAY)


def test_a_collector_asked_to_stop_leaves_the_rest_for_the_next_run(sqlite_engine, make_collector, model):
    collector = make_collector(sqlite_engine)
    collector.stopping.set()  # shutdown began: no chunk of days is started
    run_recorded(sqlite_engine, collector)
    assert stored(sqlite_engine)["rows"] == 0
    collector.stopping.clear()
    run_recorded(sqlite_engine, collector)
    assert stored(sqlite_engine) == truth(model, TODAY - timedelta(days=9), TODAY, TODAY)
