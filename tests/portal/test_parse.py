"""The contract's parse functions: recorded payloads, refusals pinned by message, and property tests."""

import json
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collectors.portal_parse import (
    PortalFormatError,
    parse_dossier_stats,
    parse_page,
    parse_procedure,
    parse_usage,
)
from ioc.records import DossierStats

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def recorded(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_a_recorded_statistics_page_parses_into_records():
    page = parse_page(recorded("portal_dossier_stats_page.json"), page=1, page_size=3)
    first = parse_dossier_stats(page.items[0])
    assert (first.day, first.unit_code, first.sector_code) == (date(2026, 1, 5), "688", "LV01")
    assert (first.received_offline, first.finished_early, first.pending_on_time) == (6, 4, 2)
    assert first.handling_days == pytest.approx(13.6)


def test_a_recorded_catalogue_page_parses_levels_and_unit_levels():
    page = parse_page(recorded("portal_procedures_page.json"), page=1, page_size=2)
    procedure = parse_procedure(page.items[0])
    assert procedure.code == "1.000001"
    assert procedure.online_level in ("full", "partial", "none")
    assert procedure.at_province


def test_a_page_with_fewer_items_than_announced_is_truncated():
    body = json.dumps({"items": [{}], "total": 5})
    with pytest.raises(PortalFormatError, match=r"truncated page: page 1 holds 1 items where 2 were announced"):
        parse_page(body, page=1, page_size=2)


def test_the_last_page_may_be_short():
    assert parse_page(json.dumps({"items": [{}], "total": 5}), page=3, page_size=2).total == 5


def test_counters_that_do_not_add_up_are_refused():
    item = json.loads(recorded("portal_dossier_stats_page.json"))["items"][0]
    item["finished_early"] += 1
    with pytest.raises(PortalFormatError, match="counters do not add up: 6 received but 7 finished or pending"):
        parse_dossier_stats(item)


def test_a_missing_field_names_the_portal_field_and_the_contract_field():
    item = json.loads(recorded("portal_dossier_stats_page.json"))["items"][0]
    del item["unit_code"]
    with pytest.raises(PortalFormatError, match=r"missing field 'maDonVi' \(contract field 'unit_code'\)"):
        parse_dossier_stats(item, {"unit_code": "maDonVi"})


def test_vietnamese_online_levels_are_understood():
    item = json.loads(recorded("portal_procedures_page.json"))["items"][0]
    assert parse_procedure({**item, "online_level": "Toàn trình"}).online_level == "full"
    assert parse_procedure({**item, "online_level": "một phần"}).online_level == "partial"


@given(st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_the_parsers_error(body):
    try:
        page = parse_page(body, page=1, page_size=10)
    except PortalFormatError:
        return
    for item in page.items:
        try:
            parse_dossier_stats(item)
        except PortalFormatError:
            pass


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                    max_leaves=8)
STATS_KEYS = list(asdict(DossierStats(date(2026, 1, 1), "689", "LV01", *([0] * 7), 0.0, *([0] * 6))))


@given(st.dictionaries(st.sampled_from(STATS_KEYS), JSON, max_size=len(STATS_KEYS)))
def test_arbitrary_items_raise_only_the_parsers_error(item):
    for parse in (parse_dossier_stats, parse_procedure, parse_usage):
        try:
            parse(item)
        except PortalFormatError:
            pass


counts = st.integers(min_value=0, max_value=10_000)


@st.composite
def dossier_stats(draw) -> DossierStats:
    early, on_time, late, pending, overdue = (draw(counts) for _ in range(5))
    received = early + on_time + late + pending + overdue
    online = draw(st.integers(0, received))
    with_fee = draw(counts)
    return DossierStats(
        day=draw(st.dates(date(2000, 1, 1), date(2100, 1, 1))),
        unit_code=draw(st.sampled_from(["70", "689", "25195", "STP"])),
        sector_code=draw(st.text("ABCLV0123456789", min_size=1, max_size=20)),
        received_online=online, received_offline=received - online, finished_early=early,
        finished_on_time=on_time, finished_late=late, pending_on_time=pending, pending_overdue=overdue,
        handling_days=draw(st.floats(0, 1e6)), with_fee=with_fee, paid_online=draw(st.integers(0, with_fee)),
        digitised=draw(counts), electronic_results=draw(counts), rated_unsatisfied=draw(counts),
        complaints=draw(counts),
    )


@given(dossier_stats())
def test_a_record_survives_encode_then_parse(stats):
    item = {**asdict(stats), "day": stats.day.isoformat()}
    assert parse_dossier_stats(json.loads(json.dumps(item))) == stats
