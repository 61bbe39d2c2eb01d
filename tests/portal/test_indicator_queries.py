"""Indicators computed from the store (both backends), by unit and period, against hand-computed values."""

from dataclasses import asdict, replace
from datetime import date

import pytest

from ioc.config import IndicatorSettings
from ioc.indicators.periods import Period
from ioc.indicators.portal_report import portal_indicators, ranking
from ioc.records import DossierStats, Procedure, ProcedureUsage, Sector
from ioc.store.portal_writer import store_catalogue, store_dossier_stats, store_procedure_usage

SECTORS = [Sector("LV01", "Hộ tịch", "STP"), Sector("LV02", "Chứng thực", "STP"), Sector("LV03", "Xây dựng", "SXD")]


def procedure(code, sector, level, province=False, district=False, commune=False) -> Procedure:
    return Procedure(code, f"Thủ tục {code}", sector, level, None, False, False, province, district, commune)


PROCEDURES = [
    procedure("P1", "LV01", "full", district=True, commune=True),
    procedure("P2", "LV01", "partial", province=True),
    procedure("P3", "LV02", "none", province=True),
    procedure("P4", "LV03", "none", province=True),  # the SXD department offers nothing online
    procedure("P5", "LV01", "none", district=True),
]


def stats(day, unit, sector, online, offline, early, on_time, late, pending, overdue, days, fee, paid, digitised,
          electronic, unsatisfied, complaints) -> DossierStats:
    return DossierStats(day, unit, sector, online, offline, early, on_time, late, pending, overdue, float(days), fee,
                        paid, digitised, electronic, unsatisfied, complaints)


MARCH_2 = stats(date(2026, 3, 2), "689", "LV01", 4, 6, 5, 2, 1, 1, 1, 40, 2, 1, 5, 4, 1, 0)
ROWS = [
    MARCH_2,
    stats(date(2026, 3, 20), "689", "LV01", 0, 10, 8, 2, 0, 0, 0, 30, 0, 0, 10, 10, 0, 0),
    stats(date(2026, 3, 5), "SXD", "LV03", 0, 5, 5, 0, 0, 0, 0, 10, 5, 0, 0, 0, 0, 0),
    stats(date(2026, 4, 1), "689", "LV01", 1, 1, 2, 0, 0, 0, 0, 4, 0, 0, 2, 2, 0, 0),
]


@pytest.fixture
def store(engine):
    with engine.begin() as connection:
        store_catalogue(connection, SECTORS, PROCEDURES)
        store_dossier_stats(connection, ROWS, source="portal")
        store_procedure_usage(connection, [ProcedureUsage(date(2026, 3, 2), "689", "P1", 4)])
    return engine


def results(engine, first=date(2026, 2, 1), last=date(2026, 4, 30), grain="month") -> dict:
    with engine.connect() as connection:
        found = portal_indicators(connection, IndicatorSettings(), first, last, grain)
    return {(r.unit_code, r.period.key): r for r in found}


def test_a_district_month_is_computed_from_its_own_dossiers(store):
    march = results(store)[("689", "2026-03")]
    assert march.totals.received == 20
    assert march.values == pytest.approx({
        "dossier_on_time_rate": 90.0,  # (5+2+1 + 8+2) / 20
        "avg_handling_days": 70 / 18,  # (40 + 30) days / 18 finished
        "online_service_coverage": 50.0,  # P1 of the district's P1, P5
        "online_services_with_dossiers": 100.0,  # P1 received an online dossier
        "online_dossier_rate": 20.0,  # 4 / 20
        "online_payment_rate": 50.0,  # 1 / 2 with a fee
        "electronic_result_rate": 14 / 18 * 100,
        "digitisation_rate": 75.0,  # 15 / 20
        "satisfaction_rate": 85.0,  # (20 - 2 late - 1 unsatisfied) / 20
        "dossiers_received": 20,  # 10 + 10
        "dossiers_received_online": 4,  # 4 + 0
        "dossiers_received_offline": 16,  # 6 + 10
        "index_766_total": march.score.total,
    })
    assert march.gaps["dossier_on_time_rate"].gap == pytest.approx(-5.0)  # target 95


def test_the_province_adds_up_every_unit_and_counts_distinct_procedures(store):
    march = results(store)[("70", "2026-03")]
    assert march.totals.received == 25
    assert march.values["online_dossier_rate"] == pytest.approx(16.0)  # 4 / 25
    assert march.values["online_service_coverage"] == pytest.approx(40.0)  # P1, P2 of 5
    assert march.values["online_services_with_dossiers"] == pytest.approx(50.0)  # P1 of P1, P2


def test_a_month_without_dossiers_is_no_data(store):
    february = results(store)[("70", "2026-02")]
    assert february.values["dossier_on_time_rate"] is None
    assert february.values["online_dossier_rate"] is None
    commune = results(store)[("25195", "2026-03")]
    assert commune.values["dossier_on_time_rate"] is None
    assert commune.values["online_service_coverage"] == 100.0  # P1 is offered at commune level


def test_a_department_with_no_online_procedures(store):
    sxd = results(store)[("SXD", "2026-03")]
    assert sxd.level == "department"
    assert sxd.values["online_service_coverage"] == 0.0
    assert sxd.values["online_services_with_dossiers"] is None
    assert sxd.values["online_payment_rate"] == 0.0  # 0 of 5 with a fee
    assert sxd.values["dossier_on_time_rate"] == 100.0


def test_a_correction_arriving_days_later_replaces_the_days_counts(store):
    corrected = replace(MARCH_2, finished_early=6, finished_late=2, pending_on_time=0, pending_overdue=0,
                        handling_days=60.0, electronic_results=6)
    with store.begin() as connection:
        store_dossier_stats(connection, [corrected], source="portal")
    march = results(store)[("689", "2026-03")]
    assert march.totals.received == 20  # replaced, not added
    assert march.values["avg_handling_days"] == pytest.approx(4.5)  # (60 + 30) / 20 finished
    assert march.values["electronic_result_rate"] == pytest.approx(80.0)  # (6 + 10) / 20


def test_quarters_years_days_and_custom_ranges_group_in_sql(store):
    quarter = results(store, date(2026, 1, 1), date(2026, 6, 30), "quarter")
    assert quarter[("689", "2026-Q1")].totals.received == 20
    assert quarter[("689", "2026-Q2")].totals.received == 2
    year = results(store, date(2026, 1, 1), date(2026, 12, 31), "year")
    assert year[("70", "2026")].totals.received == 27
    day = results(store, date(2026, 3, 2), date(2026, 3, 3), "day")
    assert day[("689", "2026-03-02")].totals.received == 10
    assert day[("689", "2026-03-03")].values["dossier_on_time_rate"] is None
    custom = results(store, date(2026, 3, 3), date(2026, 4, 1), "total")
    assert custom[("689", "total")].totals.received == 12


def test_units_of_a_level_are_ranked_best_first_with_no_data_last(store):
    with store.connect() as connection:
        found = portal_indicators(connection, IndicatorSettings(), date(2026, 3, 1), date(2026, 3, 31))
    ranked = ranking(found, "dossier_on_time_rate", "department", Period.custom(date(2026, 3, 1), date(2026, 3, 31)))
    assert [(rank, r.unit_code) for rank, r in ranked[:1]] == [(1, "SXD")]
    assert all(rank is None for rank, _r in ranked[1:])
    assert len(ranked) == 19


def test_the_monthly_rollups_agree_with_the_daily_rows_after_a_correction(store):
    from ioc.store.portal_queries import dossier_sums, online_procedures_used

    with store.begin() as connection:
        store_dossier_stats(connection, [replace(MARCH_2, finished_early=6, pending_on_time=0)], source="import")
    with store.connect() as connection:
        monthly = dossier_sums(connection, date(2026, 3, 1), date(2026, 3, 31), "month")
        daily = dossier_sums(connection, date(2026, 3, 1), date(2026, 3, 31), "day")
        used_monthly = online_procedures_used(connection, date(2026, 3, 1), date(2026, 3, 31), "total")
        used_daily = online_procedures_used(connection, date(2026, 3, 2), date(2026, 3, 31), "total")
    for unit in ("689", "SXD"):
        by_day = [row for (code, _day), row in daily.items() if code == unit]
        for name in ("received_offline", "finished_early", "pending_on_time", "handling_days"):
            assert monthly[(unit, "2026-03")][name] == sum(row[name] for row in by_day)
    assert used_monthly == used_daily == {("689", "total"): 1, ("*", "total"): 1}


def test_a_sector_counts_its_own_dossiers_and_catalogue_only(store):
    with store.begin() as connection:
        store_dossier_stats(connection, [stats(date(2026, 3, 2), "689", "LV02", 2, 3, 0, 5, 0, 0, 0, 10, 0, 0, 0,
                                               5, 0, 0)], source="portal")
        store_procedure_usage(connection, [ProcedureUsage(date(2026, 3, 2), "689", "P5", 1)])
    with store.connect() as connection:
        found = portal_indicators(connection, IndicatorSettings(), date(2026, 3, 1), date(2026, 3, 31),
                                  sector="LV01")
        everything = portal_indicators(connection, IndicatorSettings(), date(2026, 3, 1), date(2026, 3, 31))
    by_unit = {r.unit_code: r for r in found}
    assert by_unit["689"].totals.received == 20  # the 5 LV02 dossiers are not in LV01
    assert {r.unit_code: r for r in everything}["689"].totals.received == 25
    assert by_unit["689"].values["online_service_coverage"] == pytest.approx(50.0)  # P1 of P1, P5 (both LV01)
    assert by_unit["70"].totals.received == 20  # province, LV01 only: 689's two LV01 days
    assert by_unit["70"].values["online_service_coverage"] == pytest.approx(200 / 3)  # P1, P2 of P1, P2, P5
    assert by_unit["70"].values["online_services_with_dossiers"] == pytest.approx(50.0)  # P1 of P1, P2
    assert by_unit["SXD"].values["dossiers_received"] is None  # its LV03 dossiers are another sector


def test_asking_for_some_units_computes_those_alone_with_the_same_figures(store):
    with store.connect() as connection:
        some = portal_indicators(connection, IndicatorSettings(), date(2026, 2, 1), date(2026, 4, 30), "month",
                                 units={"689"})
        province = portal_indicators(connection, IndicatorSettings(), date(2026, 2, 1), date(2026, 4, 30), "month",
                                     units={"70"})
    every = results(store)
    assert {r.unit_code for r in some} == {"689"} and len(some) == 3
    assert all(r.values == every[(r.unit_code, r.period.key)].values for r in some)
    assert [r.totals.received for r in province] == [0, 25, 2]  # February, March, April: every unit's


def test_a_range_off_month_edges_reads_its_whole_months_from_the_rollups_and_the_days_around(store):
    from ioc.store.portal_queries import month_parts

    assert month_parts(date(2026, 2, 20), date(2026, 4, 1), "total") == [
        (True, date(2026, 3, 1), date(2026, 3, 31)), (False, date(2026, 2, 20), date(2026, 2, 28)),
        (False, date(2026, 4, 1), date(2026, 4, 1))]
    assert month_parts(date(2026, 3, 3), date(2026, 4, 1), "total") == [(False, date(2026, 3, 3), date(2026, 4, 1))]
    assert month_parts(date(2026, 3, 1), date(2026, 3, 31), "day") == [(False, date(2026, 3, 1), date(2026, 3, 31))]
    with store.begin() as connection:  # the same procedure used again on an edge day is still one procedure
        store_procedure_usage(connection, [ProcedureUsage(date(2026, 4, 1), "689", "P1", 1)])
    custom = results(store, date(2026, 2, 20), date(2026, 4, 1), "total")
    assert custom[("689", "total")].totals.received == 22  # 20 in March + 2 on 1 April
    assert custom[("689", "total")].values["online_services_with_dossiers"] == 100.0  # P1 of P1, counted once
    assert custom[("70", "total")].totals.received == 27
    assert custom[("70", "total")].values["online_services_with_dossiers"] == 50.0  # P1 of P1, P2
    monthly = results(store, date(2026, 2, 20), date(2026, 4, 1), "month")
    assert [monthly[("689", key)].totals.received for key in ("2026-02", "2026-03", "2026-04")] == [0, 20, 2]


def test_the_sector_rollup_migration_fills_from_the_days_already_stored(store_url, settings):
    from sqlalchemy import insert, select

    from ioc.reference import load_reference_data
    from ioc.store import schema
    from ioc.store.engine import open_engine
    from ioc.store.migrate import upgrade

    engine = open_engine(store_url)
    upgrade(engine, "0004_alerts")
    load_reference_data(engine, settings)
    with engine.begin() as connection:  # rows as a release without the sector rollup stored them
        connection.execute(insert(schema.portal_sectors), [{"code": s.code, "name": s.name,
                                                             "department_code": s.department_code} for s in SECTORS])
        for row in (*ROWS[:3], replace(ROWS[0], day=date(2026, 3, 4))):
            connection.execute(insert(schema.dossier_stats).values(**asdict(row), source="portal"))
    upgrade(engine)
    rollup = schema.dossier_stats_sector_monthly
    with engine.connect() as connection:
        rows = connection.execute(select(rollup.c.month, rollup.c.unit_code, rollup.c.sector_code,
                                         rollup.c.received_offline, rollup.c.handling_days)
                                  .order_by(rollup.c.month, rollup.c.unit_code)).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [(date(2026, 3, 1), "689", "LV01", 22, 110.0),  # 6 + 10 + 6; 40 + 30 + 40
                                            (date(2026, 3, 1), "SXD", "LV03", 5, 10.0)]
