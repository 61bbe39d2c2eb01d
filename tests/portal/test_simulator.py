"""The portal simulator keeps its contract: paging, a bearer token, determinism and plausible figures."""

from datetime import date

import httpx
import pytest

from collectors.portal_simdata import model_for
from tests.portal.conftest import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def get(simulator, path: str, **params) -> httpx.Response:
    return httpx.get(f"{simulator.base_url}/api/v1/{path}", params=params, headers=AUTH, timeout=10)


def test_the_catalogue_has_the_provinces_1875_procedures_in_pages(simulator):
    first = get(simulator, "procedures", page=1, page_size=1000).json()
    second = get(simulator, "procedures", page=2, page_size=1000).json()
    assert (first["total"], first["pages"], len(first["items"]), len(second["items"])) == (1875, 2, 1000, 875)
    assert {item["code"] for item in first["items"]}.isdisjoint(item["code"] for item in second["items"])
    sectors = get(simulator, "sectors", page_size=100).json()["items"]
    assert 40 <= len(sectors) <= 45


def test_a_request_without_the_token_is_refused(simulator):
    response = httpx.get(f"{simulator.base_url}/api/v1/sectors", timeout=10)
    assert response.status_code == 401
    assert response.json() == {"error": "missing or wrong bearer token"}


@pytest.mark.parametrize("params", [{}, {"from": "2026-01-05", "to": "2026-01-01"}, {"from": "5/1/2026", "to": "x"}])
def test_a_bad_date_range_is_a_400(simulator, params):
    assert get(simulator, "dossier-stats", **params).status_code == 400


def test_the_same_seed_gives_the_same_answers(settings):
    one = model_for(settings, seed=3, first_day=date(2026, 1, 1))
    two = model_for(settings, seed=3, first_day=date(2026, 1, 1))
    assert one.day_stats(date(2026, 1, 7), date(2026, 1, 9)) == two.day_stats(date(2026, 1, 7), date(2026, 1, 9))
    assert one.catalogue == two.catalogue


def test_the_online_share_rises_from_low_single_digits_to_national_levels(settings):
    model = model_for(settings, seed=5, first_day=date(2024, 1, 1))

    def online_share(first: date, days: int) -> float:
        received = online = 0
        for stats, _usage in model.history(first, date.fromordinal(first.toordinal() + days - 1), date(2030, 1, 1)):
            received += sum(s["received_online"] + s["received_offline"] for s in stats)
            online += sum(s["received_online"] for s in stats)
        return online / received

    assert online_share(date(2024, 1, 2), 14) < 0.05
    assert 0.35 < online_share(date(2025, 12, 15), 14) < 0.7


def test_weekends_and_holidays_are_quiet(settings):
    model = model_for(settings, seed=5, first_day=date(2026, 1, 1))

    def received(day: date) -> int:
        return sum(s["received_online"] + s["received_offline"] for s in model.day_stats(day, date(2026, 3, 1))[0])

    monday, sunday, tet = date(2026, 1, 12), date(2026, 1, 11), date(2026, 2, 17)
    assert received(monday) > 1000
    assert received(sunday) < received(monday) / 10
    assert received(tet) < received(monday) / 10
