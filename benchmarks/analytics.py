"""Explorer benchmark: the server time of every indicator-explorer callback over one year of portal data.

    .venv/bin/python benchmarks/analytics.py [--runs 5] [--write docs/benchmarks.md]

Fills a fresh SQLite store with the portal simulator's history from the first day of the month a year ago to
today (Vietnam), with the fill of ``benchmarks/indicators.py``, signs in as an analyst and posts each callback
to ``/_dash-update-component`` through the app's own WSGI stack (the guard, CSRF, Dash's dispatch: everything
but the network), once per scenario and ``--runs`` times over. The scenarios cover every period preset, a
custom range off month edges, the province, a district, a commune, a department and a sector. Printed:
p50 and p95 per callback, wall-clock and CPU; ``--write`` replaces the "Indicator explorer" section of the
given Markdown file.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.indicators import fill, machine, write_section  # noqa: E402
from ioc.auth.accounts import add_user  # noqa: E402
from ioc.config import Secrets, load_settings  # noqa: E402
from ioc.reference import load_reference_data  # noqa: E402
from ioc.store.engine import open_engine  # noqa: E402
from ioc.store.migrate import upgrade  # noqa: E402
from ioc.timeutil import local_day, utcnow  # noqa: E402
from ioc.web.app import create_app  # noqa: E402
from tests.analytics.helpers import (  # noqa: E402
    channel_callback,
    chart_callback,
    communes_callback,
    dates_callback,
    map_click_callback,
    sort_callback,
    summary_callback,
    url_callback,
)
from tests.conftest import write_config  # noqa: E402

HEADING = "## Indicator explorer"
PASSWORD = "benchmark-analyst-2026"  # noqa: S105 - a throwaway account of a temporary store


def scenarios(today) -> list[dict]:
    """Filter sets an analyst moves through: presets, a ragged custom range, each kind of unit, a sector."""
    ragged = {"period": "custom", "start": (today - timedelta(days=200)).isoformat(),
              "end": (today - timedelta(days=20)).isoformat()}
    presets = [{"period": name, "start": None, "end": None} for name in
               ("this_month", "last_month", "this_quarter", "this_year", "last_12_months")]
    return [
        *presets, ragged,
        {**presets[4], "unit": "689"}, {**presets[3], "unit": "689", "commune": "25195"},
        {**presets[4], "unit": "STP"}, {**presets[4], "sector": "LV01"}, {**presets[3], "sector": "LV01"},
        {**presets[4], "indicator": "dossiers_received", "channel": "online", "sort": {"by": "value",
                                                                                     "descending": True}},
    ]


def bodies(today) -> dict[str, list[dict]]:
    every = scenarios(today)
    return {
        "chart (time series)": [chart_callback(**s) for s in every],
        "summary (ranking, comparison, map)": [summary_callback(**s) for s in every],
        "write_url (query string, export links)": [url_callback(**s) for s in every],
        "communes (cascading choice)": [communes_callback(unit) for unit in ("70", "689", "696", "STP")],
        "dates (preset to dates)": [dates_callback(name) for name in ("this_month", "this_year", "custom")],
        "channel_applies": [channel_callback(code) for code in ("dossiers_received", "dossier_on_time_rate")],
        "pick_district (map click)": [map_click_callback(code) for code in ("689", "696")],
        "sort (table header)": [sort_callback(column) for column in ("gap", "value", "unit")],
    }


def signed_in(app):
    client = app.server.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    response = client.post("/login", data={"username": "analyst", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303, response.status_code
    client.get("/analytics")
    return client


def timings(client, posts: list[dict], runs: int) -> list[tuple[float, float]]:
    """(wall-clock, CPU) seconds of each request; the CPU time (of this thread, which serves the request) does
    not grow when other processes share the machine, the wall-clock time does."""
    csrf = client.get_cookie("_csrf_token").value
    found = []
    for _ in range(runs):
        for body in posts:
            start, cpu = time.perf_counter(), time.thread_time()
            response = client.post("/_dash-update-component", json=body,
                                   headers={"X-CSRFToken": csrf, "Origin": "http://localhost"})
            found.append((time.perf_counter() - start, time.thread_time() - cpu))
            if response.status_code != 200:
                raise SystemExit(f"{body['output']}: {response.status_code} {response.get_data(as_text=True)}")
    return found


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", type=Path, help="Markdown file whose 'Indicator explorer' section to replace")
    args = parser.parse_args()
    today = local_day(utcnow())
    first = (today.replace(day=1) - timedelta(days=365)).replace(day=1)
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(write_config(Path(folder), collectors={}))
        engine = open_engine(settings.store_url(Secrets(store_url=None)))
        upgrade(engine)
        load_reference_data(engine, settings)
        start = time.perf_counter()
        stats_rows, usage_rows = fill(engine, settings, first, today)
        filled = time.perf_counter() - start
        add_user(engine, "analyst", "analyst", PASSWORD, "benchmark")
        client = signed_in(create_app(settings, engine))
        load_before = os.getloadavg()[0]
        results = {name: timings(client, posts, args.runs) for name, posts in bodies(today).items()}
        load_after = os.getloadavg()[0]
        engine.dispose()
    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:.0f} ms | {p95(values) * 1000:.0f} ms"

    lines = "\n".join(f"| {name} | {len(found)} | {ms([w for w, _c in found])} | {ms([c for _w, c in found])} |"
                      for name, found in results.items())
    report = f"""
`benchmarks/analytics.py`, {today.isoformat()}, {machine()}.

Store: {stats_rows:,} daily statistics rows and {usage_rows:,} procedure-usage rows ({first} to {today}, one year
and the current month, 123 units and 19 departments), filled in {filled:.0f} s with the fill of
`benchmarks/indicators.py`.

Each callback is posted as the browser posts it, signed in as an analyst, through the app's WSGI stack (guard,
CSRF check, Dash dispatch; no network), once for each scenario (every period preset, a custom range off month
edges, the province, a district, a commune, a department, a sector, the online channel) and {args.runs} times
over; the time is from request to response. Load average of the machine (other work included) while
measuring: {load_before:.1f} before, {load_after:.1f} after, on {os.cpu_count()} CPUs.

| callback | requests | p50 | p95 | CPU p50 | CPU p95 |
|---|---|---|---|---|---|
{lines}

Target: p95 under 100 ms for each callback. p50 and p95 are wall-clock times; the CPU columns are the
processor time the request used, which other work on a shared machine does not inflate.
"""
    print(report)
    if args.write:
        write_section(args.write, report, HEADING)


if __name__ == "__main__":
    main()
